import { resolve } from 'node:path';
import { emptyConfig, type AuditConfig } from '../config/types.js';
import type { Finding, Notice } from '../core/finding.js';
import { isPlaceholderValue } from '../model/env/placeholder.js';
import { literalSecret } from '../model/k8s/secrets.js';
import { environmentSecrets } from '../model/systemd/secrets.js';
import { applyBaseline, type Baseline } from '../engine/baseline.js';
import { configureRules, perPathFilter, refoldOutcomes } from '../engine/configure.js';
import type { AuditResult, ProjectSummary, RuleOutcome } from '../engine/result.js';
import { loadRules } from '../engine/registry.js';
import { DEFAULT_MAX_TIME_SECONDS, timeBudget } from '../engine/budget.js';
import { compareFindings, runRules } from '../engine/run.js';
import { evaluateEnvironments } from '../engine/environments.js';
import { environmentVariants } from '../model/environments.js';
import { computeSections, projectSectionName, REPOSITORY_SECTION } from '../engine/sections.js';
import { applySuppressions, findSuppressions, type Suppression } from '../engine/suppress.js';
import { buildModelWithSources, type ModelSources } from '../model/build.js';
import type { ParseAheadMode } from '../parse/python-ahead.js';
import { kubernetesSecretValues } from '../model/deployment/k8s-env.js';
import { versionText } from '../model/django-helpers.js';
import type { PyValue } from '../model/python-value.js';
import type { DeploymentModel } from '../model/types.js';
import { computeReadiness } from '../score/readiness.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';

export interface AuditOptions {
  root: string;
  /** DJANGO_SETTINGS_MODULE to audit as production. */
  settings?: string;
  /** Readiness threshold (percent) for READY. */
  threshold?: number;
  /** The project's configuration (selection, severities, per-path ignores, production files). */
  config?: AuditConfig;
  /** Honour `# audit-deploy: ignore[ID] -- reason` comments (default true). */
  inlineSuppressions?: boolean;
  /** Report only findings this baseline does not hold. */
  baseline?: { baseline: Baseline; file: string };
  /** Told what the run is doing, for a progress line on long runs. */
  onProgress?: (stage: string) => void;
  /** Wall-clock budget in seconds (--max-time; default: the configuration's, else 60). */
  maxTimeSeconds?: number;
  /** The clock the budget is measured on, in milliseconds (tests inject one). */
  clock?: () => number;
  /** Python parsed on a second thread: 'auto' (default), 'always', 'never' (see parse/python-ahead.ts). */
  parseAhead?: ParseAheadMode;
}

/** The whole pipeline: discover, parse, model, rules, score. Reporting is the caller's. */
export async function runAudit(opts: AuditOptions): Promise<AuditResult & { secrets: string[] }> {
  const root = resolve(opts.root);
  const config = opts.config ?? emptyConfig();
  const budget = timeBudget((opts.maxTimeSeconds ?? config.maxTime ?? DEFAULT_MAX_TIME_SECONDS) * 1000, opts.clock);
  opts.onProgress?.('reading the repository');
  const [allRules, { model, sources }] = await Promise.all([
    loadRules(),
    buildModelWithSources(root, { settings: opts.settings ?? config.settings, production: config.production, development: config.development, budget, parseAhead: opts.parseAhead }),
  ]);
  const rules = configureRules(allRules, config);
  const notices: Notice[] = [...model.notices];
  opts.onProgress?.('checking');
  const rawOutcomes = runRules(rules, model, notices, budget);

  const inPath = perPathFilter(config);
  const candidates = rawOutcomes.flatMap((o) => o.findings).filter(inPath);
  const suppressions = opts.inlineSuppressions === false ? [] : collectSuppressions(model, sources, notices);
  const { kept, suppressed } = applySuppressions(candidates, suppressions, notices);
  const outcomes = undecidedWhenIncomplete(refoldOutcomes(rawOutcomes, new Set(kept), suppressed), sources.skipped?.() ?? []);
  // The score is the truth about the repository: a baseline hides known findings from the report
  // and from the new-findings gate, never from the readiness.
  const threshold = opts.threshold ?? config.minScore ?? 80;
  const readiness = computeReadiness(outcomes, threshold);
  // Per-project sections (informative; the headline above is the gate). Each finding learns its project.
  const sectioned = computeSections(outcomes, model.djangoProjects.map((p) => p.root), suppressed, threshold);
  for (const f of [...kept, ...suppressed.map((s) => s.finding)]) {
    const section = sectioned.sectionOf(f);
    if (section !== REPOSITORY_SECTION) f.project = section;
  }
  const sectionByName = new Map(sectioned.sections.map((s) => [s.name, s]));
  // Other environments (staging): the Django rules on their own evaluation of the settings, informative.
  let variants: DeploymentModel['djangoProjects'] = [];
  let environments: AuditResult['environments'];
  try {
    variants = environmentVariants(model, sources);
    environments = evaluateEnvironments({ rules, model, variants, outcomes, findings: kept, readiness, inPath, suppressions, threshold });
  } catch (err) {
    // Informative only: never worth failing the production audit over.
    notices.push({ kind: 'info', message: `staging could not be evaluated (${err instanceof Error ? err.message : String(err)}); production is unaffected` });
    variants = [];
    environments = undefined;
  }

  let findings = kept.sort(compareFindings);
  let baseline: AuditResult['baseline'];
  if (opts.baseline) {
    const split = applyBaseline(findings, opts.baseline.baseline);
    findings = split.fresh;
    baseline = { file: opts.baseline.file, known: split.known.length, stale: split.stale };
    for (const e of split.stale) {
      notices.push({ kind: 'baseline', file: e.file, message: `${opts.baseline.file}: ${e.rule} in ${e.file} is fixed (${e.count} baseline entr${e.count === 1 ? 'y' : 'ies'} no longer match); rewrite the baseline to drop it` });
    }
  }
  return {
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    root,
    outcomes,
    findings,
    notices,
    readiness,
    projects: model.djangoProjects.map((p) => {
      const summary = summarise(p);
      const section = sectionByName.get(projectSectionName(p.root));
      return section ? { ...summary, readiness: section.readiness } : summary;
    }),
    sections: sectioned.sections,
    ...(environments ? { environments } : {}),
    suppressed: suppressed.map((s) => ({ finding: s.finding, reason: s.suppression.reason, span: s.suppression.span })),
    ...(baseline ? { baseline } : {}),
    ...(config.file ? { configFile: config.file } : {}),
    secrets: knownSecrets(model, variants),
  };
}

/**
 * When the time budget stopped the model before every file was read, a check that found nothing
 * may have missed what an unread file holds: it is unknown, never passed. Failures found stand.
 */
function undecidedWhenIncomplete(outcomes: RuleOutcome[], unread: string[]): RuleOutcome[] {
  if (unread.length === 0) return outcomes;
  const reason = `not decided: the time limit was reached before ${unread.length} file${unread.length === 1 ? '' : 's'} could be read`;
  return outcomes.map((o) => (o.status === 'pass' ? { meta: o.meta, status: 'unknown', findings: o.findings, reason } : o));
}

/** Suppression comments in every file the audit classified (files of unknown kinds have no findings). */
function collectSuppressions(model: DeploymentModel, sources: ModelSources, notices: Notice[]): Suppression[] {
  const out: Suppression[] = [];
  for (const f of model.files) {
    // Documentation may quote the syntax; it is never where a finding is suppressed.
    if (f.kind === 'other' || f.kind === 'docs') continue;
    // Read through the model's sources: each file was read (and decoded) once already.
    const src = sources.text(f.path);
    if (src) out.push(...findSuppressions(f.path, src.text, notices));
  }
  return out;
}

export type { Finding };

function summarise(p: DeploymentModel['djangoProjects'][number]): ProjectSummary {
  return {
    root: p.root || '.',
    settingsModule: p.production.module,
    settingsFile: p.production.file,
    reason: p.production.reason,
    djangoVersion: versionText(p.djangoVersion),
    djangoVersionAssumed: p.djangoVersion.assumed,
    envSources: p.envLayers.map((l) => l.name),
  };
}

const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE|CREDENTIAL|_KEY$|DSN|DATABASE_URL|_URL$/i;
/** Names like STATIC_URL hold nothing secret: a URL counts only when it carries a password. */
const URL_NAME = /DSN|_URL$/i;
/**
 * A URL with a password (`scheme://user:pass@`): what `/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]+@/i`
 * tests, in linear time (the regex is quadratic on a long run of colons).
 */
export function urlHasPassword(value: string): boolean {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value);
  if (!scheme) return false;
  const from = scheme[0].length;
  let end = from;
  while (end < value.length && !/[/@\s]/.test(value[end]!)) end++;
  if (value[end] !== '@') return false;
  const colon = value.indexOf(':', from);
  return colon >= 0 && colon < end - 1;
}

function secretValue(name: string, value: string): boolean {
  if (value.length < 6) return false;
  if (URL_NAME.test(name) && !/SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE|CREDENTIAL/i.test(name)) return urlHasPassword(value);
  return true;
}

/**
 * Values the model knows that must never reach any output: secret-looking settings, every string
 * inside DATABASES/CACHES passwords, and secret-looking env entries. Reporters scrub them as a last line
 * of defence even if a rule forgot to redact.
 */
function knownSecrets(model: DeploymentModel, variants: DeploymentModel['djangoProjects'] = []): string[] {
  const out = new Set<string>();
  const addStrings = (v: PyValue, underSecretKey: boolean, name = ''): void => {
    if (v.kind === 'str' && underSecretKey && secretValue(name, v.value)) out.add(v.value);
    else if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') v.items.forEach((i) => addStrings(i, underSecretKey, name));
    else if (v.kind === 'dict')
      v.entries.forEach((e) => addStrings(e.value, underSecretKey || (e.key.kind === 'str' && SECRET_NAME.test(e.key.value)), e.key.kind === 'str' ? e.key.value : name));
  };
  for (const p of [...model.djangoProjects, ...variants]) {
    for (const s of [p.settings, p.unsetEnvSettings]) {
      for (const name of s.names()) addStrings(s.get(name)!.value, SECRET_NAME.test(name), name);
      for (const read of s.envReads) if (SECRET_NAME.test(read.name) && read.raw && secretValue(read.name, read.raw)) out.add(read.raw);
    }
    for (const layer of p.envLayers) {
      for (const e of layer.entries()) if (SECRET_NAME.test(e.name) && e.value && secretValue(e.name, e.value)) out.add(e.value);
    }
  }
  // Secrets found in any file (token formats, URL passwords, named literals: src/model/secrets).
  for (const hit of model.secrets ?? []) out.add(hit.value);
  // Secrets the other parts of the model found (their messages redact them; this is the safety net).
  for (const unit of model.systemdUnits) for (const found of environmentSecrets(unit)) if (found.secret.length >= 4) out.add(found.secret);
  // Kubernetes Secrets' decoded values: service environments read them.
  for (const value of kubernetesSecretValues(model.k8sObjects ?? [])) out.add(value);
  for (const obj of model.k8sObjects ?? []) {
    for (const c of obj.workload?.containers ?? []) {
      for (const e of c.env) {
        const hit = e.value ? literalSecret(e.name, e.value.text) : undefined;
        if (hit && hit.secret.length >= 4) out.add(hit.secret);
      }
    }
  }
  for (const project of model.composeProjects ?? []) {
    for (const service of project.services) {
      for (const layer of service.envLayers) {
        for (const v of layer.vars) if (v.value && SECRET_NAME.test(v.name) && secretValue(v.name, v.value) && !isPlaceholderValue(v.value)) out.add(v.value);
      }
    }
  }
  // Longest first, so a scrubber never leaves the tail of a longer secret behind.
  return [...out].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}
