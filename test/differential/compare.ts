import type { AuditResult } from '../../src/engine/result.js';
import type { Rule } from '../../src/engine/rule.js';
import type { GeneratedCase } from './generate.js';

/** Every Django check id some rule mirrors (from the rules' own meta, never a hand-kept list). */
export function mirroredChecks(rules: readonly Rule[]): Set<string> {
  const out = new Set<string>();
  for (const r of rules) {
    const c = r.meta.djangoCheck;
    for (const id of c === undefined ? [] : Array.isArray(c) ? c : [c]) out.add(id);
  }
  return out;
}

/** How audit-deploy and Django differ on one case; absent when they agree. */
export interface Disagreement {
  caseId: string;
  /** Mirrored ids Django reported. */
  django: string[];
  /** Mirrored ids audit-deploy reported as failures. */
  audit: string[];
  /** Django reported, audit-deploy did not. */
  missed: string[];
  /** audit-deploy reported, Django did not. */
  extra: string[];
  /** Undecided findings of mirroring rules (the generator makes every input decidable). */
  unknown: string[];
  /** Anything else wrong: the wrong module audited, the wrong Django version assumed, a crash. */
  problems: string[];
}

/** Just what the comparison reads of a run, so a crash can be reported in the same shape. */
export type AuditOutcome = Pick<AuditResult, 'findings' | 'projects'> | { error: string };

export interface CompareInput {
  testCase: GeneratedCase;
  djangoVersion: string;
  djangoIds: string[];
  audit: AuditOutcome;
  mirrored: Set<string>;
  /** Ids of the rules that mirror a Django check. */
  mirroringRules: Set<string>;
}

export function compareCase(input: CompareInput): Disagreement | undefined {
  const { testCase, djangoVersion, audit, mirrored, mirroringRules } = input;
  const django = [...new Set(input.djangoIds.filter((id) => mirrored.has(id)))].sort();
  const problems: string[] = [];
  const auditIds = new Set<string>();
  const unknown: string[] = [];
  if ('error' in audit) {
    problems.push(`audit-deploy threw: ${audit.error}`);
  } else {
    problems.push(...projectProblems(audit, testCase, djangoVersion));
    for (const f of audit.findings) {
      if (!mirroringRules.has(f.ruleId)) continue;
      if (f.status === 'unknown') {
        unknown.push(`${f.ruleId} ${f.span.file}:${f.span.start.line}: ${f.message} [${(f.decidingVariables ?? []).join(', ')}]`);
      } else if (f.djangoCheck) {
        auditIds.add(f.djangoCheck);
      } else {
        problems.push(`${f.ruleId} failed without naming the exact Django check`);
      }
    }
  }
  const audited = [...auditIds].sort();
  const missed = django.filter((id) => !auditIds.has(id));
  const extra = audited.filter((id) => !django.includes(id));
  if (missed.length + extra.length + unknown.length + problems.length === 0) return undefined;
  return { caseId: testCase.id, django, audit: audited, missed, extra, unknown, problems };
}

function projectProblems(audit: Pick<AuditResult, 'projects'>, testCase: GeneratedCase, djangoVersion: string): string[] {
  const project = audit.projects[0];
  if (!project) return ['audit-deploy found no Django project'];
  const out: string[] = [];
  if (audit.projects.length > 1) out.push(`audit-deploy found ${audit.projects.length} projects`);
  if (project.settingsModule !== testCase.settingsModule) out.push(`audit-deploy audited ${project.settingsModule}, not ${testCase.settingsModule}`);
  const [major, minor] = djangoVersion.split('.');
  if (project.djangoVersionAssumed || !project.djangoVersion.startsWith(`${major}.${minor}`)) {
    out.push(`audit-deploy assumed Django ${project.djangoVersion}${project.djangoVersionAssumed ? ' (not detected)' : ''}, the pin is ${djangoVersion}`);
  }
  return out;
}

/** A self-contained account of one disagreement: both id sets, the environment and every file. */
export function formatDisagreement(d: Disagreement, testCase: GeneratedCase, djangoVersion: string, caseDir: string): string {
  const lines = [
    `=== ${d.caseId} (Django ${djangoVersion}, ${testCase.settingsModule}, ${caseDir})`,
    `Django:       ${d.django.join(' ') || '(none)'}`,
    `audit-deploy: ${d.audit.join(' ') || '(none)'}`,
  ];
  if (d.missed.length) lines.push(`missed by audit-deploy: ${d.missed.join(' ')}`);
  if (d.extra.length) lines.push(`extra in audit-deploy:  ${d.extra.join(' ')}`);
  for (const u of d.unknown) lines.push(`unknown: ${u}`);
  for (const p of d.problems) lines.push(`problem: ${p}`);
  const env = Object.entries(testCase.env);
  lines.push(`env: ${env.length ? env.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ') : '(empty)'}`);
  for (const f of testCase.files) {
    if (!f.path.endsWith('.py') || f.text === '' || f.path === 'manage.py') continue;
    lines.push(`--- ${f.path}`, f.text.trimEnd());
  }
  return lines.join('\n');
}
