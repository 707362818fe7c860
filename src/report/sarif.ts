import type { Finding, Notice, Severity } from '../core/finding.js';
import { SEVERITY_LEVEL } from '../core/finding.js';
import type { Span } from '../core/position.js';
import type { AuditResult, Readiness, RuleOutcome } from '../engine/result.js';
import type { RuleMeta } from '../engine/rule.js';
import { cleanStrings, makeSanitizer, regionOf, sortedFindings, type ReportOptions } from './common.js';
import { ruleHelpMarkdown, ruleHelpText } from './rule-help.js';

export type SarifOptions = ReportOptions;

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SRCROOT = '%SRCROOT%';
/** Line-independent key for baselines; GitHub computes its own primaryLocationLineHash. */
export const FINGERPRINT_KEY = 'auditDeploy/v1';
export const UNKNOWN_PREFIX = 'Could not determine: ';

/** GitHub's limits: longer descriptions are rejected, extra tags dropped. */
const MAX_DESCRIPTION = 1024;
const MAX_NAME = 255;
const MAX_TAGS = 20;

/** GitHub's security-severity bands: > 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low. */
const SECURITY_SEVERITY: Record<Severity, string> = { blocker: '9.5', high: '8.0', medium: '5.5', low: '3.0' };
const PROBLEM_SEVERITY: Record<Severity, 'error' | 'warning' | 'recommendation'> = {
  blocker: 'error',
  high: 'error',
  medium: 'warning',
  low: 'recommendation',
};
const NOTICE_LEVEL: Record<Notice['kind'], 'warning' | 'note'> = {
  unreadable: 'warning',
  binary: 'note',
  'too-large': 'warning',
  encoding: 'warning',
  symlink: 'note',
  limit: 'warning',
  unsupported: 'note',
  info: 'note',
  suppression: 'warning',
  baseline: 'note',
};

type Json = Record<string, unknown>;

/**
 * SARIF 2.1.0 with one run, shaped for GitHub code scanning: every evaluated rule is described,
 * every finding has a repository-relative location, and nothing depends on time or the machine,
 * so identical input gives byte-identical output.
 */
export function formatSarif(result: AuditResult, opts: SarifOptions = {}): string {
  return JSON.stringify(buildSarif(result, opts), null, 2) + '\n';
}

export function buildSarif(result: AuditResult, opts: SarifOptions = {}): Json {
  const clean = makeSanitizer(result.root, opts.secrets);
  const metas = uniqueRules(result.outcomes);
  const ruleIndex = new Map(metas.map((m, i) => [m.id, i]));
  const titles = new Map(metas.map((m) => [m.id, m.title]));
  const run: Json = {
    automationDetails: { id: 'audit-deploy/' },
    // No absolute path: where %SRCROOT% is on this machine is of no use to anyone reading the log.
    originalUriBaseIds: { [SRCROOT]: { description: { text: 'The root of the audited repository.' } } },
    invocations: [{ executionSuccessful: true, toolExecutionNotifications: result.notices.map((n) => notificationOf(n, clean)) }],
    results: [
      ...sortedFindings(result).map((f) => resultOf(f, ruleIndex, titles, clean)),
      // What only another environment (staging) gets wrong: a note, never the gate.
      ...(result.environments ?? []).filter((e) => !e.gate).flatMap((e) => e.findings.map((f) => ({ ...resultOf(f, ruleIndex, titles, clean), level: 'note' }))),
    ],
    columnKind: 'utf16CodeUnits',
    properties: { readiness: readinessOf(result.readiness), ...sectionsOf(result) },
  };
  // The rule metadata is ours, never the repository's: scrubbing a short weak password such as
  // "postgres" out of it would only mangle help links (postgresql.org). Everything else is scrubbed.
  const cleaned = cleanStrings(run, clean);
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [{ tool: { driver: driverOf(result.tool, metas) }, ...cleaned }] };
}

/** One descriptor per rule id (the first outcome wins), in id order. */
function uniqueRules(outcomes: RuleOutcome[]): RuleMeta[] {
  const byId = new Map<string, RuleMeta>();
  for (const o of outcomes) if (!byId.has(o.meta.id)) byId.set(o.meta.id, o.meta);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

function driverOf(tool: AuditResult['tool'], metas: RuleMeta[]): Json {
  const version = SEMVER.test(tool.version) ? { semanticVersion: tool.version } : { version: tool.version };
  return { name: tool.name, ...version, rules: metas.map(ruleDescriptorOf) };
}

function ruleDescriptorOf(meta: RuleMeta): Json {
  const helpUri = meta.references[0];
  const level = SEVERITY_LEVEL[meta.severity];
  return {
    id: meta.id,
    name: truncate(meta.name, MAX_NAME),
    shortDescription: { text: truncate(meta.title, MAX_DESCRIPTION) },
    fullDescription: { text: truncate(`${meta.docs.whatItDoes.trim()} ${meta.docs.whyIsThisBad.trim()}`, MAX_DESCRIPTION) },
    help: { text: ruleHelpText(meta), markdown: ruleHelpMarkdown(meta) },
    ...(helpUri !== undefined && isAbsoluteWebUrl(helpUri) ? { helpUri } : {}),
    defaultConfiguration: { level },
    properties: ruleProperties(meta),
  };
}

function isSecurityRule(meta: RuleMeta): boolean {
  return meta.tags.includes('security');
}

function ruleProperties(meta: RuleMeta): Json {
  const props: Json = {
    tags: tagsOf(meta),
    precision: 'high',
    'problem.severity': PROBLEM_SEVERITY[meta.severity],
  };
  if (isSecurityRule(meta)) props['security-severity'] = SECURITY_SEVERITY[meta.severity];
  if (meta.djangoCheck !== undefined) {
    props['django-check'] = typeof meta.djangoCheck === 'string' ? meta.djangoCheck : [...meta.djangoCheck];
  }
  props['audit-deploy/severity'] = meta.severity;
  props['audit-deploy/section'] = meta.section;
  return props;
}

/** "security" and the section first, so GitHub's 20-tag limit never drops the ones filters rely on. */
function tagsOf(meta: RuleMeta): string[] {
  const ordered = [...(isSecurityRule(meta) ? ['security'] : []), meta.section, ...meta.tags];
  return [...new Set(ordered.filter((t) => t.length > 0))].slice(0, MAX_TAGS);
}

function resultOf(f: Finding, ruleIndex: Map<string, number>, titles: Map<string, string>, clean: (s: string) => string): Json {
  const index = ruleIndex.get(f.ruleId);
  const text = messageText(f, titles.get(f.ruleId));
  const props: Json = { 'audit-deploy/status': f.status };
  if (f.djangoCheck) props['django-check'] = f.djangoCheck;
  if (f.decidingVariables && f.decidingVariables.length > 0) props['audit-deploy/decidingVariables'] = [...f.decidingVariables];
  if (f.environment) props['audit-deploy/environment'] = f.environment;
  if (f.project) props['audit-deploy/project'] = f.project;
  return {
    ruleId: f.ruleId,
    ...(index === undefined ? {} : { ruleIndex: index }),
    level: f.status === 'unknown' ? 'note' : SEVERITY_LEVEL[f.severity],
    message: { text },
    locations: [{ physicalLocation: physicalLocationOf(f.span, clean) }],
    ...(f.related.length > 0
      ? {
          relatedLocations: f.related.map((r, i) => ({
            id: i + 1,
            physicalLocation: physicalLocationOf(r.span, clean),
            message: { text: nonEmpty(r.message, 'related location') },
          })),
        }
      : {}),
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    properties: props,
  };
}

/** GitHub rejects results without message text; an unknown result says so up front. */
function messageText(f: Finding, title: string | undefined): string {
  const base = nonEmpty(f.message, title ?? f.ruleId);
  return f.status === 'unknown' ? `${UNKNOWN_PREFIX}${base}` : base;
}

function nonEmpty(text: string, fallback: string): string {
  return text.trim().length > 0 ? text : fallback;
}

function physicalLocationOf(span: Span, clean: (s: string) => string): Json {
  return { artifactLocation: artifactLocationOf(span.file, clean), region: regionOf(span) };
}

function artifactLocationOf(file: string, clean: (s: string) => string): Json {
  // Sanitize before encoding: a redaction inserted afterwards would not be a valid URI.
  return { uri: encodeRepoPath(clean(file)), uriBaseId: SRCROOT };
}

/**
 * A repository-relative path as an RFC 3986 relative reference: each segment percent-encoded
 * (spaces, '#', '%', ':' and non-ASCII included), separators kept.
 */
export function encodeRepoPath(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/^\.\/+/, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

function notificationOf(n: Notice, clean: (s: string) => string): Json {
  const file = n.span?.file ?? n.file;
  const located = file !== undefined && file !== '' && file !== '.';
  const location = n.span
    ? { physicalLocation: physicalLocationOf(n.span, clean) }
    : { physicalLocation: { artifactLocation: artifactLocationOf(file ?? '', clean) } };
  return {
    level: NOTICE_LEVEL[n.kind] ?? 'note',
    message: { text: nonEmpty(n.message, n.kind) },
    ...(located ? { locations: [location] } : {}),
    properties: { 'audit-deploy/kind': n.kind },
  };
}

/** The readiness figures every report of it shares (headline and sections). */
function readinessNumbers(r: Readiness): Json {
  return {
    score: r.score,
    status: r.status,
    threshold: r.threshold,
    scoringVersion: r.scoringVersion,
    counts: { ...r.counts },
    passedWeight: r.passedWeight,
    applicableWeight: r.applicableWeight,
  };
}

function readinessOf(r: Readiness): Json {
  return { ...readinessNumbers(r), items: r.items.map((i) => ({ ...i })) };
}

/**
 * Readiness per environment (production the gate, staging informative) and per Django project
 * (and of what no project owns), beside the headline: a monorepo stays one run, each result names
 * its project in `audit-deploy/project` and its environment in `audit-deploy/environment`.
 */
function sectionsOf(result: AuditResult): Json {
  const sections = result.sections ?? [];
  const environments = result.environments ?? [];
  const repo = sections.find((s) => s.kind === 'repository');
  return {
    ...(environments.length > 1 ? { environments: environments.map((e) => ({ name: e.name, gate: e.gate, findings: e.findings.length, readiness: summaryOf(e.readiness) })) } : {}),
    ...(sections.length === 0 ? {} : { projects: sections.filter((s) => s.kind === 'project').map((s) => ({ root: s.name, findings: s.findings, readiness: summaryOf(s.readiness) })) }),
    ...(repo ? { repository: { findings: repo.findings, readiness: summaryOf(repo.readiness) } } : {}),
  };
}

/**
 * A section's readiness without the full item list (the headline's `readiness.items` has every
 * item once): the numbers, and the items that cost it points.
 */
function summaryOf(r: Readiness): Json {
  return {
    ...readinessNumbers(r),
    notPassed: r.items.filter((i) => i.pointsLost > 0).map((i) => ({ id: i.id, status: i.status, severity: i.severity, pointsLost: i.pointsLost })),
  };
}

/** Absolute http(s) URLs only, with nothing a strict URI parser would refuse. */
export function isAbsoluteWebUrl(text: string): boolean {
  if (!/^https?:\/\/[A-Za-z0-9\-._~!$&'()*+,;=:@/?#[\]%]+$/.test(text)) return false;
  try {
    return new URL(text).hostname.length > 0;
  } catch {
    return false;
  }
}

/** Cut to at most `max` UTF-16 code units (what GitHub counts), never splitting a surrogate pair. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}
