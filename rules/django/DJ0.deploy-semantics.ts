/**
 * Shared semantics of the rules that mirror `manage.py check --deploy` (DJ0xx).
 *
 * Not a rule: the registry only loads files named `<ID>-<name>.ts`, and the dot after "DJ0" keeps
 * this file out of that pattern.
 *
 * Django's checks are plain Python expressions over settings (`x in MIDDLEWARE`, `x is True`,
 * truthiness, `==`). Each helper here answers such an expression for an abstract value with
 * three-valued logic: true, false, or undefined when the value is not known statically.
 */
import type { RelatedLocation } from '../../src/core/finding.js';
import type { Span } from '../../src/core/position.js';
import type { RuleContext } from '../../src/engine/rule.js';
import { settingAnchor, settingValue, versionAtLeast } from '../../src/model/django-helpers.js';
import { decidingVariables, isNone, isTrue, pyRepr, truthy, type EnvRead, type PyValue } from '../../src/model/python-value.js';
import type { SettingBinding } from '../../src/model/settings-types.js';
import type { DjangoProject } from '../../src/model/types.js';

export const SECURITY_MIDDLEWARE = 'django.middleware.security.SecurityMiddleware';
export const XFRAME_MIDDLEWARE = 'django.middleware.clickjacking.XFrameOptionsMiddleware';
export const CSRF_MIDDLEWARE = 'django.middleware.csrf.CsrfViewMiddleware';
export const SESSION_MIDDLEWARE = 'django.contrib.sessions.middleware.SessionMiddleware';
export const SESSIONS_APP = 'django.contrib.sessions';

export const DJANGO_DOCS = 'https://docs.djangoproject.com/en/stable';
export const DEPLOY_CHECKLIST = `${DJANGO_DOCS}/howto/deployment/checklist/`;
export const CHECKS_REFERENCE = `${DJANGO_DOCS}/ref/checks/#security`;

// ---------------------------------------------------------------------------------------------
// Three-valued logic (Kleene): undefined means "cannot be known from the repository".

export type Tri = boolean | undefined;

export function not3(a: Tri): Tri {
  return a === undefined ? undefined : !a;
}

/** Python `a and b and ...` as a truth value: one known false decides it. */
export function and3(...xs: Tri[]): Tri {
  if (xs.some((x) => x === false)) return false;
  return xs.every((x) => x === true) ? true : undefined;
}

/** Python `a or b or ...` as a truth value: one known true decides it. */
export function or3(...xs: Tri[]): Tri {
  if (xs.some((x) => x === true)) return true;
  return xs.every((x) => x === false) ? false : undefined;
}

/** Ask a question of every alternative of a merged unknown value; known only when they all agree. */
function overAlternatives(v: PyValue, ask: (x: PyValue) => Tri): Tri {
  if (v.kind !== 'unknown') return ask(v);
  const alts = v.alternatives;
  if (!alts || alts.length === 0) return undefined;
  const answers = alts.map((a) => overAlternatives(a, ask));
  return answers.every((a) => a === answers[0]) ? answers[0] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Python operators on abstract values.

/** Python `v == s` for a str `s`: only a str with the same code points is equal. */
export function pyEqualsString(v: PyValue, s: string): Tri {
  return overAlternatives(v, (x) => {
    if (x.kind === 'str') return x.value === s;
    // An arbitrary object could define __eq__; everything else is never equal to a str.
    return x.kind === 'object' ? undefined : false;
  });
}

/**
 * Python `needle in container` for a str needle: element equality for list/tuple/set, key
 * membership for dict, substring for str. Other types raise in Python, so the answer is unknown.
 */
export function pyContains(container: PyValue, needle: string): Tri {
  return overAlternatives(container, (c) => {
    switch (c.kind) {
      case 'str':
        return c.value.includes(needle);
      case 'list':
      case 'tuple':
      case 'set':
        return or3(...c.items.map((item) => pyEqualsString(item, needle)));
      case 'dict':
        return or3(...c.entries.map((e) => pyEqualsString(e.key, needle)));
      default:
        return undefined;
    }
  });
}

export function pyTruthy(v: PyValue): Tri {
  return truthy(v);
}

export function pyIsTrue(v: PyValue): Tri {
  return isTrue(v);
}

export function pyIsNone(v: PyValue): Tri {
  return isNone(v);
}

/** Characters Python's `str.strip()` removes (str.isspace), which differ slightly from JS `\s`. */
const PY_WHITESPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_STRIP = new RegExp(`^[${PY_WHITESPACE}]+|[${PY_WHITESPACE}]+$`, 'g');

export function pyStrip(s: string): string {
  return s.replace(PY_STRIP, '');
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Number of code points, as Python's `len(str)` counts. */
export function pyLen(s: string): number {
  return [...s].length;
}

// ---------------------------------------------------------------------------------------------
// Settings as Django sees them.

/** One setting's effective value (binding or Django default) and where a finding should point. */
export interface SettingFact {
  name: string;
  /** undefined when Django has no default we know for this version and the setting is unset. */
  value: PyValue | undefined;
  binding?: SettingBinding;
  span: Span;
}

export function settingFact(project: DjangoProject, name: string): SettingFact {
  const { value, binding } = settingValue(project, name);
  return { name, value, binding, span: settingAnchor(project, name) };
}

/** Ask a question of a fact's value; an unknown default is an unknown answer. */
export function ask(fact: SettingFact, question: (v: PyValue) => Tri): Tri {
  return fact.value === undefined ? undefined : question(fact.value);
}

/** The `x in settings.MIDDLEWARE` test Django's security checks use (exact string membership). */
export function middlewareHas(project: DjangoProject, path: string): { answer: Tri; fact: SettingFact } {
  const fact = settingFact(project, 'MIDDLEWARE');
  return { answer: ask(fact, (v) => pyContains(v, path)), fact };
}

/**
 * Django 4.1 (PR #15443) made the session and CSRF cookie checks require `is True`; before that
 * any truthy value passed them.
 */
export function cookieFlagPasses(project: DjangoProject, fact: SettingFact): Tri {
  return versionAtLeast(project.djangoVersion, 4, 1) ? ask(fact, isTrue) : ask(fact, truthy);
}

export function djangoVersionLabel(project: DjangoProject): string {
  const v = project.djangoVersion;
  return `Django ${v.major}.${v.minor}${v.assumed ? ' (assumed)' : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Where a value came from, for messages and related locations.

function envReadsOf(v: PyValue | undefined, out: EnvRead[] = [], depth = 0): EnvRead[] {
  if (!v || depth > 3) return out;
  for (const read of v.origin?.env ?? []) out.push(read);
  if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') v.items.forEach((i) => envReadsOf(i, out, depth + 1));
  if (v.kind === 'unknown') (v.alternatives ?? []).forEach((a) => envReadsOf(a, out, depth + 1));
  return out;
}

function uniqueReads(v: PyValue | undefined): EnvRead[] {
  const seen = new Set<string>();
  return envReadsOf(v).filter((r) => {
    const key = `${r.name}|${r.decidedBy}|${r.source?.span.file}:${r.source?.span.start.offset}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const MAX_RAW = 60;

function showRaw(read: EnvRead, secret: boolean): string {
  if (secret || read.raw === undefined || read.raw === null) return read.name;
  const raw = read.raw.length > MAX_RAW ? `${read.raw.slice(0, MAX_RAW)}...` : read.raw;
  return `${read.name}=${raw}`;
}

export interface ValueSourceOptions {
  /** Never show the raw value (SECRET_KEY and friends). */
  secret?: boolean;
}

/**
 * A parenthesised note naming the environment source of a value, e.g.
 * " (from DEBUG=1 in .env.production)", or "" when the value is written in the code.
 */
export function sourceNote(v: PyValue | undefined, opts: ValueSourceOptions = {}): string {
  const reads = uniqueReads(v);
  const fromFiles = reads.filter((r) => r.decidedBy === 'env-source' && r.source);
  if (fromFiles.length > 0) {
    return ` (from ${fromFiles.map((r) => `${showRaw(r, opts.secret ?? false)} in ${r.source!.layer}`).join(', ')})`;
  }
  const defaults = reads.filter((r) => r.decidedBy === 'default');
  if (defaults.length > 0) {
    const names = [...new Set(defaults.map((r) => r.name))].join(', ');
    return ` (the code's default: no production environment source sets ${names})`;
  }
  return '';
}

/** Related locations pointing at the environment lines that supplied a value. */
export function sourceRelated(v: PyValue | undefined, opts: ValueSourceOptions = {}): RelatedLocation[] {
  return uniqueReads(v)
    .filter((r) => r.decidedBy === 'env-source' && r.source)
    .map((r) => ({ span: r.source!.span, message: `${showRaw(r, opts.secret ?? false)} set here in ${r.source!.layer}` }));
}

// ---------------------------------------------------------------------------------------------
// Reporting an undecidable check.

export interface UndecidedInput {
  ctx: RuleContext;
  /** What could not be decided, e.g. "whether DEBUG is on". */
  question: string;
  /** The facts whose values were needed but unknown; the first one anchors the finding. */
  facts: SettingFact[];
  target: string;
  /** Where the finding points when no unknown fact is given. */
  fallbackSpan: Span;
}

/** Report "cannot tell", naming the variables that would decide it. Never a pass, never a fail. */
export function reportUndecided({ ctx, question, facts, target, fallbackSpan }: UndecidedInput): void {
  const variables = [...new Set(facts.flatMap((f) => (f.value ? decidingVariables(f.value) : [])))].sort();
  const names = facts.map((f) => f.name);
  const because = names.length > 0 ? `: the value of ${names.join(' and ')} is not known statically` : '';
  // One unknown value says best why it is unknown (no production source defines it, a placeholder...).
  const only = facts.length === 1 && facts[0]!.value?.kind === 'unknown' ? facts[0]!.value.reason : undefined;
  const deciding = only ? ` (${only})` : variables.length > 0 ? ` (depends on ${variables.join(', ')})` : '';
  const [first, ...rest] = facts;
  ctx.unknown({
    message: `Cannot tell ${question}${because}${deciding}`,
    span: first?.span ?? fallbackSpan,
    variables,
    related: rest.map((f) => ({ span: f.span, message: `${f.name} is decided here` })),
    target,
  });
}

/** The facts among `pairs` whose answer is unknown. */
export function undecidedFacts(pairs: Array<[SettingFact, Tri]>): SettingFact[] {
  const out: SettingFact[] = [];
  for (const [fact, answer] of pairs) if (answer === undefined && !out.some((f) => f.name === fact.name)) out.push(fact);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Django's secret key strength test (security.W009 for SECRET_KEY, W025 for each fallback).

export const SECRET_KEY_MIN_LENGTH = 50;
export const SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5;
export const SECRET_KEY_INSECURE_PREFIX = 'django-insecure-';

export interface KeyVerdict {
  /** true: Django's check passes; false: it warns; undefined: cannot tell. */
  passes: Tri;
  /** Why it fails (no secret material in it), or why it cannot be told. */
  reason: string;
}

/**
 * Django's `_check_secret_key`: at least 5 distinct characters, at least 50 characters, and (since
 * 3.2, #31757) no 'django-insecure-' prefix. `mainKey`: reading settings.SECRET_KEY itself raises
 * ImproperlyConfigured for any falsy value, which the check counts as a failure.
 */
export function judgeSecretKey(v: PyValue, project: DjangoProject, mainKey: boolean): KeyVerdict {
  if (v.kind === 'unknown') {
    const alts = v.alternatives ?? [];
    const verdicts = alts.map((a) => judgeSecretKey(a, project, mainKey));
    if (verdicts.length > 0 && verdicts.every((x) => x.passes === false)) return { passes: false, reason: verdicts[0]!.reason };
    if (verdicts.length > 0 && verdicts.every((x) => x.passes === true)) return { passes: true, reason: '' };
    return { passes: undefined, reason: 'its value is not known statically' };
  }
  if (mainKey && truthy(v) === false) return { passes: false, reason: v.kind === 'none' ? 'is None' : 'is empty' };
  if (v.kind === 'str') return judgeKeyText(v.value, project);
  if (v.kind === 'bytes') {
    const verdict = judgeKeyText(v.value, project, false);
    if (verdict.passes === false) return verdict;
    // bytes.startswith('django-insecure-') raises TypeError from 3.2 on: the check crashes.
    if (versionAtLeast(project.djangoVersion, 3, 2)) return { passes: undefined, reason: 'is bytes, on which the check raises TypeError' };
    return verdict;
  }
  return { passes: undefined, reason: `is a ${v.kind}, not a string` };
}

function judgeKeyText(key: string, project: DjangoProject, withPrefix = true): KeyVerdict {
  const length = pyLen(key);
  const distinct = new Set(key).size;
  const reasons: string[] = [];
  if (length === 0) reasons.push('is empty');
  else if (length < SECRET_KEY_MIN_LENGTH) reasons.push(`has only ${plural(length, 'character')} (fewer than ${SECRET_KEY_MIN_LENGTH})`);
  if (length > 0 && distinct < SECRET_KEY_MIN_UNIQUE_CHARACTERS) {
    reasons.push(`has only ${plural(distinct, 'distinct character')} (fewer than ${SECRET_KEY_MIN_UNIQUE_CHARACTERS})`);
  }
  if (withPrefix && versionAtLeast(project.djangoVersion, 3, 2) && key.startsWith(SECRET_KEY_INSECURE_PREFIX)) {
    reasons.push(`starts with '${SECRET_KEY_INSECURE_PREFIX}', the mark of a throwaway key generated by startproject`);
  }
  return reasons.length === 0 ? { passes: true, reason: '' } : { passes: false, reason: reasons.join(', and ') };
}

// ---------------------------------------------------------------------------------------------
// Middleware presence findings (W001, W002, W003).

/** Items of MIDDLEWARE that look like `className` under another dotted path (subclasses, aliases). */
export function lookalikes(fact: SettingFact, path: string): string[] {
  const v = fact.value;
  if (!v || (v.kind !== 'list' && v.kind !== 'tuple' && v.kind !== 'set')) return [];
  const className = path.slice(path.lastIndexOf('.') + 1);
  return v.items.flatMap((i) => (i.kind === 'str' && i.value !== path && i.value.endsWith(`.${className}`) ? [i.value] : []));
}

export interface MissingMiddlewareInput {
  project: DjangoProject;
  ctx: RuleContext;
  path: string;
  /** What is lost without it, completing "... so ...". */
  consequence: string;
  /** Decided question for an unknown MIDDLEWARE, e.g. "whether SecurityMiddleware is installed". */
  question: string;
}

export function checkMiddlewarePresent({ project, ctx, path, consequence, question }: MissingMiddlewareInput): void {
  const { answer, fact } = middlewareHas(project, path);
  if (answer === true) return;
  if (answer === undefined) {
    reportUndecided({ ctx, question, facts: [fact], target: 'MIDDLEWARE', fallbackSpan: fact.span });
    return;
  }
  const similar = lookalikes(fact, path);
  const note = similar.length > 0 ? `; Django matches the exact path, so ${similar.map((s) => `'${s}'`).join(', ')} does not count` : '';
  const what = fact.binding ? `MIDDLEWARE does not include '${path}'` : `MIDDLEWARE is not set, so '${path}' is not installed`;
  ctx.report({ message: `${what}${note}, so ${consequence}`, span: fact.span, target: 'MIDDLEWARE', related: sourceRelated(fact.value) });
}

// ---------------------------------------------------------------------------------------------
// Messages and decisions.

const MAX_REPR = 80;

/** "SECURE_HSTS_SECONDS is 0 (from HSTS=0 in .env.production)" or "... is not set (Django's default is 0)". */
export function describeFact(fact: SettingFact, opts: ValueSourceOptions = {}): string {
  if (!fact.binding) {
    return fact.value ? `${fact.name} is not set (Django's default is ${pyRepr(fact.value)})` : `${fact.name} is not set`;
  }
  if (opts.secret || !fact.value) return `${fact.name}${sourceNote(fact.value, opts)}`;
  const repr = pyRepr(fact.value);
  return `${fact.name} is ${repr.length > MAX_REPR ? `${repr.slice(0, MAX_REPR)}...` : repr}${sourceNote(fact.value, opts)}`;
}

export interface Verdict {
  ctx: RuleContext;
  /** Whether Django's check emits its warning: true, false, or undefined when undecidable. */
  fires: Tri;
  /** Every fact the decision read, with the answer of the question asked of it. */
  inputs: Array<[SettingFact, Tri]>;
  /** For the unknown case: "whether ...". */
  question: string;
  target: string;
  /** Called when the check fires. */
  onFire: () => void;
}

/** Fire, stay silent, or say "cannot tell" naming the facts that were unknown. */
export function settle({ ctx, fires, inputs, question, target, onFire }: Verdict): void {
  if (fires === true) onFire();
  else if (fires === undefined) {
    const facts = undecidedFacts(inputs);
    reportUndecided({ ctx, question, facts, target, fallbackSpan: inputs[0]![0].span });
  }
}

// ---------------------------------------------------------------------------------------------
// Session cookie flags (W010/W011/W012 and W013/W014/W015).

export interface SessionFlagInput {
  project: DjangoProject;
  ctx: RuleContext;
  setting: 'SESSION_COOKIE_SECURE' | 'SESSION_COOKIE_HTTPONLY';
  /** Django ids: [app installed, middleware installed, both]. */
  ids: [string, string, string];
  /** What goes wrong, completing "so ...". */
  consequence: string;
}

/**
 * Django warns once per reason (the sessions app, the session middleware) and merges both into
 * the third id; nothing when neither is installed.
 */
export function checkSessionCookieFlag({ project, ctx, setting, ids, consequence }: SessionFlagInput): void {
  const flag = settingFact(project, setting);
  const flagOk = cookieFlagPasses(project, flag);
  const apps = settingFact(project, 'INSTALLED_APPS');
  const app = ask(apps, (v) => pyContains(v, SESSIONS_APP));
  const mw = middlewareHas(project, SESSION_MIDDLEWARE);
  if (flagOk === true || (app === false && mw.answer === false)) return;
  if (flagOk === undefined || app === undefined || mw.answer === undefined) {
    const facts = undecidedFacts([[flag, flagOk], [apps, app], [mw.fact, mw.answer]]);
    reportUndecided({ ctx, question: `whether ${setting} is effective`, facts, target: setting, fallbackSpan: flag.span });
    return;
  }
  const [appId, mwId, bothId] = ids;
  const djangoCheck = app && mw.answer ? bothId : app ? appId : mwId;
  const users = app && mw.answer ? `'${SESSIONS_APP}' and SessionMiddleware are installed` : app ? `'${SESSIONS_APP}' is installed` : 'SessionMiddleware is installed';
  ctx.report({
    message: `${describeFact(flag)}, while ${users}${outcome(strictNote(project, flag), djangoCheck, consequence)}`,
    span: flag.span,
    target: setting,
    related: sourceRelated(flag.value),
    djangoCheck,
  });
}

/** Explains why a truthy value still fails on Django 4.1+, where the cookie checks require `is True`. */
export function strictNote(project: DjangoProject, fact: SettingFact): string {
  return versionAtLeast(project.djangoVersion, 4, 1) ? exactTrueNote(fact, djangoVersionLabel(project)) : '';
}

/**
 * The end of a finding's message: the real consequence of a falsy value, or, for a truthy value
 * that only fails Django's `is True` check (`note` from exactTrueNote/strictNote), the plain truth
 * that the running site behaves correctly (the middleware and cookie code test truthiness) and
 * only check --deploy keeps complaining.
 */
export function outcome(note: string, checkId: string, consequence: string): string {
  if (!note) return `, so ${consequence}`;
  return `${note}: the running site treats it as on (Django tests truthiness there), but check --deploy keeps reporting ${checkId}, and fails a --fail-level WARNING gate, until it is the boolean True`;
}

/** For a truthy value that is not the boolean True, which an `is True` check rejects. */
export function exactTrueNote(fact: SettingFact, who = 'Django'): string {
  if (!fact.value || truthy(fact.value) !== true || isTrue(fact.value) !== false) return '';
  return `, not the boolean True that ${who} requires`;
}
