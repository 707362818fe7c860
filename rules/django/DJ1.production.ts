/**
 * Shared helpers of the production rules that `check --deploy` does not cover (DJ1xx).
 *
 * Not a rule: the registry only loads files named `<ID>-<name>.ts`; the dot after "DJ1" keeps
 * this file out of that pattern.
 */
import type { RelatedLocation } from '../../src/core/finding.js';
import type { Span } from '../../src/core/position.js';
import type { RuleContext } from '../../src/engine/rule.js';
import { decidingVariables, dictGet, pyRepr, type EnvRead, type PyValue } from '../../src/model/python-value.js';
import type { EvaluatedSettings } from '../../src/model/settings-types.js';
import type { DjangoProject, Requirement } from '../../src/model/types.js';
import { ask, pyContains, reportUndecided, settingFact, type SettingFact, type Tri } from './DJ0.deploy-semantics.js';

export const DJANGO_DOCS = 'https://docs.djangoproject.com/en/stable';
export const SETTINGS_DOCS = `${DJANGO_DOCS}/ref/settings/`;
export const DEPLOY_CHECKLIST = `${DJANGO_DOCS}/howto/deployment/checklist/`;

// ---------------------------------------------------------------------------------------------
// Environment provenance.

/** Every environment read recorded on a value or anything inside it. */
export function envReadsIn(v: PyValue | undefined, depth = 0, out: EnvRead[] = []): EnvRead[] {
  if (!v || depth > 6) return out;
  for (const read of v.origin?.env ?? []) out.push(read);
  if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') v.items.forEach((i) => envReadsIn(i, depth + 1, out));
  else if (v.kind === 'dict') v.entries.forEach((e) => envReadsIn(e.value, depth + 1, out));
  else if (v.kind === 'unknown') (v.alternatives ?? []).forEach((a) => envReadsIn(a, depth + 1, out));
  return out;
}

/** Names of the environment variables a value was read from, sorted and unique. */
export function envNames(v: PyValue | undefined): string[] {
  return [...new Set(envReadsIn(v).map((r) => r.name))].sort();
}

/** True when no production environment source set any variable the value was read from. */
export function decidedByDefaultsOnly(v: PyValue | undefined): boolean {
  const reads = envReadsIn(v);
  return reads.length > 0 && reads.every((r) => r.decidedBy === 'default');
}

/** The environment lines that supplied a value, as related locations (values hidden when secret). */
export function envSourceRelated(v: PyValue | undefined, secret = false): RelatedLocation[] {
  const seen = new Set<string>();
  const out: RelatedLocation[] = [];
  for (const r of envReadsIn(v)) {
    if (r.decidedBy !== 'env-source' || !r.source) continue;
    const key = `${r.source.span.file}:${r.source.span.start.offset}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const shown = secret || r.raw === undefined || r.raw === null ? r.name : `${r.name}=${r.raw}`;
    out.push({ span: r.source.span, message: `${shown} set here in ${r.source.layer}` });
  }
  return out;
}

/** " (from DEBUG=1 in .env.production)"-style note without values, for secrets. */
export function secretSourceNote(v: PyValue | undefined): string {
  const reads = envReadsIn(v).filter((r) => r.decidedBy === 'env-source' && r.source);
  if (reads.length === 0) return '';
  return ` (from ${[...new Set(reads.map((r) => `${r.name} in ${r.source!.layer}`))].join(', ')})`;
}

// ---------------------------------------------------------------------------------------------
// Values generated at import time.

/** Calls whose result differs on every import: each worker process would compute its own value. */
const GENERATOR_CALL =
  /^result of (django\.core\.management\.utils\.get_random_secret_key|django\.utils\.crypto\.get_random_string|secrets\.\w+|os\.urandom|uuid\.uuid[14]|random\.\w+)\(\)/;

/** The generating call when a value is produced afresh by each process (e.g. get_random_secret_key). */
export function generatorOf(v: PyValue | undefined): string | undefined {
  if (!v || v.kind !== 'unknown') return undefined;
  const m = GENERATOR_CALL.exec(v.reason);
  if (m) return m[1];
  for (const alt of v.alternatives ?? []) {
    const g = generatorOf(alt);
    if (g) return g;
  }
  return undefined;
}

/** The variable was required (KeyError / ImproperlyConfigured when unset): startup fails, no fallback. */
export function isRequiredMissing(v: PyValue | undefined): boolean {
  return envReadsIn(v).some((r) => r.decidedBy === 'required-missing');
}

// ---------------------------------------------------------------------------------------------
// INSTALLED_APPS, MIDDLEWARE and requirements.

/** `app in INSTALLED_APPS`, also counting its AppConfig path ("corsheaders.apps.CorsHeadersAppConfig"). */
export function appInstalled(project: DjangoProject, app: string): { answer: Tri; fact: SettingFact } {
  const fact = settingFact(project, 'INSTALLED_APPS');
  const answer = ask(fact, (v) => {
    if (pyContains(v, app) === true) return true;
    const items = v.kind === 'list' || v.kind === 'tuple' ? v.items : undefined;
    if (items?.some((i) => i.kind === 'str' && i.value.startsWith(`${app}.apps.`))) return true;
    return pyContains(v, app);
  });
  return { answer, fact };
}

/** A list or tuple of known strings, as Django reads MIDDLEWARE; undefined for anything else. */
function knownStringList(v: PyValue): string[] | undefined {
  if (v.kind !== 'list' && v.kind !== 'tuple') return undefined;
  const items: string[] = [];
  for (const i of v.items) {
    if (i.kind !== 'str') return undefined;
    items.push(i.value);
  }
  return items;
}

/**
 * Every list a value can be, when it is one known list or the evaluator's merge of branches that
 * each give one (`if whitenoise: MIDDLEWARE += (...)` with `whitenoise` undecidable); undefined when
 * some branch is not a list of known strings.
 */
function possibleStringLists(v: PyValue): string[][] | undefined {
  if (v.kind !== 'unknown') {
    const items = knownStringList(v);
    return items ? [items] : undefined;
  }
  if (!v.alternatives || v.alternatives.length === 0) return undefined;
  const out: string[][] = [];
  for (const alternative of v.alternatives) {
    const lists = possibleStringLists(alternative);
    if (!lists) return undefined;
    out.push(...lists);
  }
  return out;
}

export interface MiddlewareOrderCheck {
  /** The middleware whose place is judged: a list with unknown items is undecided only when it holds it. */
  middleware: string;
  /** For the unknown case: "where ... sits in MIDDLEWARE". */
  question: string;
  /** What is wrong with this order, or undefined when it is right or the rule does not apply to it. */
  misplaced: (items: string[]) => string | undefined;
}

/**
 * Judges the order of MIDDLEWARE. When the settings leave it one of several known lists, each is
 * judged: silent when none is wrong, reported when every one is, undecided when they differ.
 */
export function checkMiddlewareOrder(project: DjangoProject, ctx: RuleContext, check: MiddlewareOrderCheck): void {
  const fact = settingFact(project, 'MIDDLEWARE');
  const lists = fact.value ? possibleStringLists(fact.value) : undefined;
  if (!lists) {
    if (fact.value?.kind === 'unknown' || (fact.value && pyContains(fact.value, check.middleware) === true)) cannotTell(ctx, check.question, fact);
    return;
  }
  const wrong = lists.map(check.misplaced);
  if (wrong.every((w) => w === undefined)) return;
  if (wrong.some((w) => w === undefined)) {
    cannotTell(ctx, check.question, fact);
    return;
  }
  const same = wrong.every((w) => w === wrong[0]);
  const also = same ? '' : ` (in the first of the ${lists.length} lists MIDDLEWARE can be here; the others have the same fault)`;
  ctx.report({ message: `${wrong[0]}${also}`, span: fact.span, target: 'MIDDLEWARE' });
}

/** Production (main-scope) requirements whose normalised name is in `names`. */
export function mainRequirements(project: DjangoProject, names: ReadonlySet<string>): Requirement[] {
  return project.requirements.filter((r) => r.scope === 'main' && names.has(r.name));
}

// ---------------------------------------------------------------------------------------------
// Databases.

export interface DatabaseEntry {
  alias: string;
  config: PyValue;
}

/**
 * The DATABASES entries, or undefined when the setting's shape is not known (then the caller
 * reports "cannot tell"). An unset DATABASES is Django's `{}`: no entries.
 */
export function databaseEntries(project: DjangoProject): { entries: DatabaseEntry[] | undefined; fact: SettingFact } {
  const fact = settingFact(project, 'DATABASES');
  const v = fact.binding?.value;
  if (!v) return { entries: [], fact };
  if (v.kind !== 'dict') return { entries: undefined, fact };
  const entries: DatabaseEntry[] = [];
  for (const e of v.entries) {
    if (e.key.kind !== 'str') return { entries: undefined, fact };
    entries.push({ alias: e.key.value, config: e.value });
  }
  return { entries, fact };
}

export type DbFamily = 'sqlite' | 'postgresql' | 'mysql' | 'oracle' | 'dummy' | 'other';

/** Which database family an ENGINE path names; undefined when the ENGINE is not known. */
export function engineFamily(config: PyValue): DbFamily | undefined {
  const engine = dictGet(config, 'ENGINE');
  if (engine === null) return 'dummy';
  if (!engine || engine.kind !== 'str') return undefined;
  const e = engine.value;
  if (/sqlite3|spatialite/.test(e)) return 'sqlite';
  if (/postgres|postgis|psycopg|cockroach/.test(e)) return 'postgresql';
  if (/mysql|mariadb/.test(e)) return 'mysql';
  if (/oracle/.test(e)) return 'oracle';
  if (e === 'django.db.backends.dummy' || e === '') return 'dummy';
  return 'other';
}

/** A string entry of a database config dict: the string, '' when absent, undefined when unknown. */
export function dbString(config: PyValue, key: string): string | undefined {
  const v = dictGet(config, key);
  if (v === null) return '';
  if (!v) return undefined;
  if (v.kind === 'str') return v.value;
  if (v.kind === 'int') return String(v.value);
  if (v.kind === 'none') return '';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Hosts: where a service is reached.

const LOCAL_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'host.docker.internal']);
const PRIVATE_LABELS = new Set(['internal', 'private', 'intranet', 'intra', 'corp', 'lan', 'local', 'vpc', 'priv']);
const PRIVATE_SUFFIXES = ['.local', '.internal', '.localdomain', '.lan', '.home.arpa', '.svc', '.cluster.local', '.localhost', '.intranet', '.corp'];

/**
 * Classify a host the settings connect to:
 *  - 'local': loopback names and addresses, unix sockets (a path), empty (the driver's default: local socket);
 *  - 'private': a name without dots (a compose/k8s service, resolved only inside that network),
 *    private/link-local IP ranges, private DNS suffixes (.internal, .local, .svc.cluster.local) and
 *    names with a label such as "internal" or "private" (db.internal.example.com);
 *  - 'remote': anything else, i.e. a public DNS name or a public IP, reached over networks we cannot vouch for.
 */
export function hostLocality(host: string): 'local' | 'private' | 'remote' {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === '' || h.startsWith('/') || h.startsWith('@') || LOCAL_NAMES.has(h)) return 'local';
  if (/^127\.\d+\.\d+\.\d+$/.test(h) || h === '::1' || h === '0.0.0.0') return 'local';
  const v4 = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(h);
  if (v4) {
    const a = Number(v4[1]);
    const b = Number(v4[2]);
    const isPrivate = a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
    return isPrivate ? 'private' : 'remote';
  }
  if (h.includes(':')) return /^(fc|fd|fe80)/.test(h) ? 'private' : 'remote';
  if (!h.includes('.')) return 'private';
  if (PRIVATE_SUFFIXES.some((s) => h.endsWith(s))) return 'private';
  // Split-horizon names such as db.internal.example.com only resolve inside the network.
  return h.split('.').some((label) => PRIVATE_LABELS.has(label)) ? 'private' : 'remote';
}

// ---------------------------------------------------------------------------------------------
// Environment defaults (the same settings with no variable set).

/** The binding of a setting in the no-environment evaluation. */
export function unsetBinding(project: DjangoProject, name: string) {
  return (project.unsetEnvSettings as EvaluatedSettings).get(name);
}

/** Report that a decision depends on a value that is not known statically. */
export function cannotTell(ctx: RuleContext, question: string, fact: SettingFact): void {
  reportUndecided({ ctx, question, facts: [fact], target: fact.name, fallbackSpan: fact.span });
}

/** Report "cannot tell" for a value that is not a whole setting (a dict entry, an alternative). */
export function cannotTellValue(ctx: RuleContext, message: string, span: Span, value: PyValue, target: string): void {
  const variables = decidingVariables(value);
  const deciding = variables.length > 0 ? ` (depends on ${variables.join(', ')})` : '';
  ctx.unknown({ message: `${message}${deciding}`, span, variables, target });
}

/** Short rendering of a value for messages (never for secrets). */
export function shortRepr(v: PyValue, max = 80): string {
  const r = pyRepr(v);
  return r.length > max ? `${r.slice(0, max)}...` : r;
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
