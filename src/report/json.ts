import type { Finding, Notice } from '../core/finding.js';
import type { Span } from '../core/position.js';
import type { AuditResult, ProjectSummary, Readiness, RuleOutcome } from '../engine/result.js';
import { compareOutcomes } from '../score/readiness.js';
import { cleanStrings, makeSanitizer, regionOf, sortedFindings, type Region, type ReportOptions } from './common.js';

/** Bumped on any incompatible change to the shape documented in docs/json-schema.md. */
export const JSON_SCHEMA_VERSION = 1;

export type JsonOptions = ReportOptions;

export interface JsonLocation extends Region {
  file: string;
}

export interface JsonFinding {
  ruleId: string;
  severity: string;
  status: 'fail' | 'unknown';
  message: string;
  location: JsonLocation;
  related: { location: JsonLocation; message: string }[];
  fingerprint: string;
  djangoCheck: string | null;
  decidingVariables: string[];
  environment: string | null;
  /** The project whose report section holds it ("." for the repository root); null for repository-wide findings. */
  project: string | null;
}

export interface JsonRule {
  id: string;
  name: string;
  title: string;
  severity: string;
  section: string;
  status: string;
  reason: string | null;
  findings: number;
  djangoCheck: string[];
  tags: string[];
}

/** Readiness of a section or environment: the top-level shape, with `notPassed` in place of `items`. */
export type JsonReadinessSummary = Omit<Readiness, 'items'> & { notPassed: Readiness['items'] };

export interface JsonProject extends Omit<ProjectSummary, 'readiness'> {
  /** The project's own readiness (its report section); null in a run that computed none. */
  readiness: JsonReadinessSummary | null;
  /** How many findings its section holds. */
  findings: number;
}

export interface JsonEnvironment {
  name: string;
  gate: boolean;
  readiness: JsonReadinessSummary;
  projects: { root: string; service: string | null; settingsModule: string; settingsFile: string; reason: string; envSources: string[] }[];
  /** Findings of this environment that production does not have ([] for production). */
  findings: JsonFinding[];
}

export interface JsonReport {
  schemaVersion: number;
  tool: { name: string; version: string };
  root: '.';
  readiness: Readiness;
  projects: JsonProject[];
  /** Readiness of what no Django project owns (CI, root-level infrastructure), when anything of it applies. */
  repository: { readiness: JsonReadinessSummary; findings: number } | null;
  /** Readiness per environment: production (the gate) first, then staging ... (informative). */
  environments: JsonEnvironment[];
  findings: JsonFinding[];
  notices: { kind: string; message: string; file: string | null; location: JsonLocation | null }[];
  rules: JsonRule[];
  /** Findings suppressed by inline comments, with the reason and where the comment is. */
  suppressed: { finding: JsonFinding; reason: string; location: JsonLocation }[];
  baseline: { file: string; known: number; stale: { rule: string; file: string; fingerprint: string; count: number }[] } | null;
  comparison: {
    baseRef: string;
    baseScore: number | null;
    baseStatus: string;
    delta: number | null;
    newlyFailing: { id: string; title: string; severity: string; before: string; after: string }[];
    newlyFixed: { id: string; title: string; severity: string; before: string; after: string }[];
    newFindings: JsonFinding[];
  } | null;
  configFile: string | null;
}

/**
 * The machine-readable report. Every key is always present (null or [] when empty) and written in a
 * fixed order, so consumers can rely on the shape and diffs between runs stay minimal.
 */
export function formatJson(result: AuditResult, opts: JsonOptions = {}): string {
  // Sanitized while written: the same text as stringifying buildJsonReport's copy, without the copy
  // (a monorepo's report holds ~10,000 strings). Keys are ours and fixed, as cleanStrings assumes.
  const clean = makeSanitizer(result.root, opts.secrets);
  return JSON.stringify(rawJsonReport(result), (_key, value: unknown) => (typeof value === 'string' ? clean(value) : value), 2) + '\n';
}

/** The report as formatJson writes it: every string sanitized (paths relative to the root, secrets redacted). */
export function buildJsonReport(result: AuditResult, opts: JsonOptions = {}): JsonReport {
  return cleanStrings(rawJsonReport(result), makeSanitizer(result.root, opts.secrets));
}

function rawJsonReport(result: AuditResult): JsonReport {
  const report: JsonReport = {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: result.tool.name, version: result.tool.version },
    root: '.',
    readiness: readinessOf(result.readiness),
    projects: result.projects.map((p) => projectOf(p, result)),
    repository: repositoryOf(result),
    environments: (result.environments ?? []).map((e) => ({
      name: e.name,
      gate: e.gate,
      readiness: summaryOf(e.readiness),
      projects: e.projects.map((p) => ({ root: p.root, service: p.service ?? null, settingsModule: p.settingsModule, settingsFile: p.settingsFile, reason: p.reason, envSources: [...p.envSources] })),
      findings: e.findings.map(findingOf),
    })),
    findings: sortedFindings(result).map(findingOf),
    notices: result.notices.map(noticeOf),
    rules: [...result.outcomes].sort(compareOutcomes).map(ruleOf),
    suppressed: result.suppressed.map((s) => ({ finding: findingOf(s.finding), reason: s.reason, location: locationOf(s.span) })),
    baseline: result.baseline
      ? { file: result.baseline.file, known: result.baseline.known, stale: result.baseline.stale.map((e) => ({ rule: e.rule, file: e.file, fingerprint: e.fingerprint, count: e.count })) }
      : null,
    comparison: result.comparison
      ? {
          baseRef: result.comparison.baseRef,
          baseScore: result.comparison.baseScore,
          baseStatus: result.comparison.baseStatus,
          delta: result.comparison.delta,
          newlyFailing: result.comparison.newlyFailing.map((i) => ({ ...i })),
          newlyFixed: result.comparison.newlyFixed.map((i) => ({ ...i })),
          newFindings: result.comparison.newFindings.map(findingOf),
        }
      : null,
    configFile: result.configFile ?? null,
  };
  return report;
}

/**
 * A section's or environment's readiness: the numbers, and only the items that cost it points
 * (the top-level `readiness.items` lists every item once; a monorepo of 50 projects would
 * otherwise repeat the whole checklist 50 times).
 */
function summaryOf(r: Readiness): JsonReadinessSummary {
  return { ...readinessNumbers(r), notPassed: r.items.filter((i) => i.pointsLost > 0).map(itemOf) };
}

function readinessOf(r: Readiness): Readiness {
  return { ...readinessNumbers(r), items: r.items.map(itemOf) };
}

function readinessNumbers(r: Readiness): Omit<Readiness, 'items'> {
  return {
    scoringVersion: r.scoringVersion,
    score: r.score,
    status: r.status,
    threshold: r.threshold,
    counts: { pass: r.counts.pass, fail: r.counts.fail, unknown: r.counts.unknown, na: r.counts.na, silenced: r.counts.silenced },
    passedWeight: r.passedWeight,
    applicableWeight: r.applicableWeight,
  };
}

function itemOf(i: Readiness['items'][number]): Readiness['items'][number] {
  return { id: i.id, title: i.title, severity: i.severity, section: i.section, status: i.status, weight: i.weight, pointsLost: i.pointsLost };
}

function projectOf(p: ProjectSummary, result: AuditResult): JsonProject {
  const section = result.sections?.find((s) => s.kind === 'project' && s.name === p.root);
  return {
    root: p.root,
    settingsModule: p.settingsModule,
    settingsFile: p.settingsFile,
    reason: p.reason,
    djangoVersion: p.djangoVersion,
    djangoVersionAssumed: p.djangoVersionAssumed,
    envSources: [...p.envSources],
    readiness: p.readiness ? summaryOf(p.readiness) : null,
    findings: section?.findings ?? 0,
  };
}

function repositoryOf(result: AuditResult): JsonReport['repository'] {
  const section = result.sections?.find((s) => s.kind === 'repository');
  return section ? { readiness: summaryOf(section.readiness), findings: section.findings } : null;
}

function locationOf(span: Span): JsonLocation {
  return { file: span.file, ...regionOf(span) };
}

function findingOf(f: Finding): JsonFinding {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    status: f.status,
    message: f.message,
    location: locationOf(f.span),
    related: f.related.map((r) => ({ location: locationOf(r.span), message: r.message })),
    fingerprint: f.fingerprint,
    djangoCheck: f.djangoCheck ?? null,
    decidingVariables: [...(f.decidingVariables ?? [])],
    environment: f.environment ?? null,
    project: f.project ?? null,
  };
}

function noticeOf(n: Notice): JsonReport['notices'][number] {
  return {
    kind: n.kind,
    message: n.message,
    file: n.file ?? n.span?.file ?? null,
    location: n.span ? locationOf(n.span) : null,
  };
}

function ruleOf(o: RuleOutcome): JsonRule {
  const check = o.meta.djangoCheck;
  return {
    id: o.meta.id,
    name: o.meta.name,
    title: o.meta.title,
    severity: o.meta.severity,
    section: o.meta.section,
    status: o.status,
    reason: o.reason ?? null,
    findings: o.findings.length,
    djangoCheck: check === undefined ? [] : typeof check === 'string' ? [check] : [...check],
    tags: [...o.meta.tags],
  };
}
