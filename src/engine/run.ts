import type Crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { SEVERITY_ORDER, type Finding, type Notice } from '../core/finding.js';
import { compareSpans, type Span } from '../core/position.js';
import { SCOPES } from '../model/scopes.js';
import type { DeploymentModel, DjangoProject } from '../model/types.js';
import type { ItemStatus, RuleOutcome, SubjectRecord } from './result.js';
import type { ReportInput, Rule, RuleContext, UnknownInput } from './rule.js';
import { formatLimit, namesList, type TimeBudget } from './budget.js';

interface SubjectResult {
  findings: Finding[];
  silencedCount: number;
  naReason?: string;
}

/** Run every rule over its subjects and fold the results into one outcome per rule. */
export function runRules(rules: Rule[], model: DeploymentModel, notices: Notice[], budget?: TimeBudget): RuleOutcome[] {
  // With a time budget, each rule starts only while it lasts (a safe point between rules): the rules
  // left over are unknown, never passed, and one notice names them.
  const skipped: string[] = [];
  const outcomes = rules.map((rule): RuleOutcome => {
    if (budget?.expired()) {
      skipped.push(rule.meta.id);
      return { meta: rule.meta, status: 'unknown', findings: [], reason: `not checked: the time limit (${formatLimit(budget.limitMs)}) was reached` };
    }
    return runRule(rule, model, notices);
  });
  if (skipped.length > 0) {
    notices.push({
      kind: 'limit',
      message: `time limit (${formatLimit(budget!.limitMs)}) reached: ${skipped.length} rule${skipped.length === 1 ? '' : 's'} not checked (${namesList(skipped)}), reported unknown`,
    });
  }
  return outcomes;
}

function subjectsOf(rule: Rule, model: DeploymentModel): readonly unknown[] {
  return SCOPES[rule.scope]?.subjects(model) ?? [];
}

function runRule(rule: Rule, model: DeploymentModel, notices: Notice[]): RuleOutcome {
  const subjects = subjectsOf(rule, model);
  if (subjects.length === 0) {
    return { meta: rule.meta, status: 'na', findings: [], reason: noSubjectReason(rule) };
  }
  const results = subjects.map((s) => runOnSubject(rule, s, model, notices));
  const findings = dedupe(results.flatMap((r) => r.findings)).sort(compareFindings);
  const kept = new Set(findings);
  const records = results.map((r, i) => subjectRecord(rule, subjects[i], r, kept));
  return { meta: effectiveMeta(rule, findings), ...foldStatus(results, findings), subjects: records };
}

/** Where a subject sits, for per-project readiness (src/engine/sections.ts). */
function subjectRecord(rule: Rule, subject: unknown, r: SubjectResult, kept: ReadonlySet<Finding>): SubjectRecord {
  const record: SubjectRecord = { findings: r.findings.filter((f) => kept.has(f)), silencedCount: r.silencedCount };
  if (r.naReason !== undefined) record.naReason = r.naReason;
  if (rule.scope === 'repo') record.wholeRepository = true;
  else if (rule.scope === 'django') record.projectRoot = (subject as DjangoProject).root;
  else {
    const path = subjectPath(subject);
    if (path !== undefined) record.path = path;
  }
  return record;
}

/** The file (or directory) a non-Django subject comes from: nginx main file, unit file, module dir ... */
function subjectPath(subject: unknown): string | undefined {
  if (subject === null || typeof subject !== 'object') return undefined;
  const s = subject as { mainFile?: unknown; file?: unknown; files?: unknown; dir?: unknown };
  if (typeof s.mainFile === 'string') return s.mainFile;
  if (typeof s.file === 'string') return s.file;
  if (Array.isArray(s.files) && typeof s.files[0] === 'string') return s.files[0];
  if (typeof s.dir === 'string') return s.dir === '' ? '.' : s.dir;
  return undefined;
}

/**
 * The checklist item weighs what its worst failure weighs: when every failing finding was
 * downgraded (mitigated elsewhere in the deployment), the item counts at that lower severity.
 */
function effectiveMeta(rule: Rule, findings: Finding[]): Rule['meta'] {
  const fails = findings.filter((f) => f.status === 'fail');
  if (fails.length === 0) return rule.meta;
  const worst = Math.min(...fails.map((f) => SEVERITY_ORDER.indexOf(f.severity)));
  const own = SEVERITY_ORDER.indexOf(rule.meta.severity);
  return worst > own ? { ...rule.meta, severity: SEVERITY_ORDER[worst]! } : rule.meta;
}

function noSubjectReason(rule: Rule): string {
  return SCOPES[rule.scope]?.noneReason ?? 'nothing to check';
}

function foldStatus(results: SubjectResult[], findings: Finding[]): { status: ItemStatus; findings: Finding[]; reason?: string } {
  if (findings.some((f) => f.status === 'fail')) return { status: 'fail', findings };
  if (findings.length > 0) return { status: 'unknown', findings };
  const applicable = results.filter((r) => r.naReason === undefined);
  if (applicable.length === 0) return { status: 'na', findings, reason: results[0]?.naReason };
  if (applicable.every((r) => r.silencedCount > 0)) {
    return { status: 'silenced', findings, reason: 'silenced in SILENCED_SYSTEM_CHECKS' };
  }
  return { status: 'pass', findings };
}

function runOnSubject(rule: Rule, subject: unknown, model: DeploymentModel, notices: Notice[]): SubjectResult {
  const result: SubjectResult = { findings: [], silencedCount: 0 };
  const project = rule.scope === 'django' ? (subject as DjangoProject) : undefined;
  const defaultCheck = typeof rule.meta.djangoCheck === 'string' ? rule.meta.djangoCheck : undefined;
  const environment = project?.settings.environment;

  const ctx: RuleContext = {
    report(input: ReportInput) {
      const check = input.djangoCheck ?? defaultCheck;
      if (project && check && project.silencedChecks.has(check)) {
        result.silencedCount++;
        return;
      }
      result.findings.push(makeFinding(rule, 'fail', input, check, environment));
    },
    unknown(input: UnknownInput) {
      const finding = makeFinding(rule, 'unknown', input, undefined, environment);
      finding.decidingVariables = [...input.variables].sort();
      result.findings.push(finding);
    },
    notApplicable(reason: string) {
      result.naReason = reason;
    },
  };

  try {
    rule.check(subject as never, ctx, model);
  } catch (err) {
    // A rule bug must not take the run down: the item cannot be decided, and we say so.
    notices.push({
      kind: 'info',
      message: `rule ${rule.meta.id} failed internally (${err instanceof Error ? err.message : String(err)}); its result is unknown`,
    });
    result.findings.push(
      makeFinding(rule, 'unknown', { message: `${rule.meta.id} could not be evaluated (internal error)`, span: anySpan(project, model), variables: [] }, undefined, environment),
    );
  }
  // A rule that reported findings is applicable whatever it said about applicability.
  if (result.findings.length > 0) result.naReason = undefined;
  return result;
}

function anySpan(project: DjangoProject | undefined, model: DeploymentModel): Span {
  const file = project?.production.file ?? model.files[0]?.path ?? '.';
  return { file, start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 2, offset: 1 } };
}

function makeFinding(
  rule: Rule,
  status: 'fail' | 'unknown',
  input: ReportInput | UnknownInput,
  djangoCheck: string | undefined,
  environment: string | undefined,
): Finding {
  const own = SEVERITY_ORDER.indexOf(rule.meta.severity);
  const asked = 'severity' in input && input.severity ? SEVERITY_ORDER.indexOf(input.severity) : own;
  const finding: Finding = {
    ruleId: rule.meta.id,
    severity: SEVERITY_ORDER[Math.max(own, asked)]!,
    status,
    message: input.message,
    span: input.span,
    related: input.related ?? [],
    // Each service's own evaluation is its own finding (the same line, another cause).
    fingerprint: fingerprint(rule.meta.id, input.span, input.target, djangoCheck) + (environment && environment !== 'production' ? `@${environment}` : ''),
  };
  if (djangoCheck) finding.djangoCheck = djangoCheck;
  if (environment) finding.environment = environment;
  return finding;
}

/**
 * Line-independent identity for baselines and code scanning: rule, file and the logical target
 * (a setting name). Without a target, a hash of the rule and file stands in.
 */
// Loaded on first use: node:crypto costs several ms of start-up and most findings name a target.
let crypto: typeof Crypto | undefined;
const createHash = (algorithm: string) => (crypto ??= createRequire(import.meta.url)('node:crypto') as typeof Crypto).createHash(algorithm);

function fingerprint(ruleId: string, span: Span, target: string | undefined, check: string | undefined): string {
  const key = target ?? createHash('sha256').update(`${ruleId}\0${span.file}`).digest('hex').slice(0, 16);
  return [ruleId, span.file, key, check ?? ''].filter(Boolean).join(':');
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.ruleId}|${f.status}|${f.span.file}|${f.span.start.offset}|${f.djangoCheck ?? ''}|${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function compareFindings(a: Finding, b: Finding): number {
  return compareSpans(a.span, b.span) || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}
