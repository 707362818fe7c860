import { Chalk, type ChalkInstance } from 'chalk';
import type { Finding, Notice, Severity } from '../core/finding.js';
import { formatSpan } from '../core/position.js';
import type { AuditResult, ProjectSummary, Readiness, ReadinessItem } from '../engine/result.js';
import type { RuleMeta } from '../engine/rule.js';
import { describeChange } from '../engine/compare.js';
import type { EnvironmentReport } from '../engine/environments.js';
import { REPOSITORY_SECTION, type SectionSummary } from '../engine/sections.js';
import { firstSentence, makeSanitizer, sortedFindings, type ReportOptions } from './common.js';

export interface TextOptions extends ReportOptions {
  color: boolean;
}

/** Everything a section printer needs: styles, the sanitizer, and rule docs by id. */
interface Printer {
  c: ChalkInstance;
  clean: (text: string) => string;
  metaById: Map<string, RuleMeta>;
}

const SEVERITY_WIDTH = 7; // "BLOCKER"

/**
 * The human report: the verdict first, then what to fix file by file, then what could not be
 * decided, then notices, then the checklist items that cost points.
 */
export function formatText(result: AuditResult, opts: TextOptions): string {
  const p: Printer = {
    // An explicit level, so the output never depends on the terminal chalk happens to detect.
    c: new Chalk({ level: opts.color ? 1 : 0 }),
    clean: makeSanitizer(result.root, opts.secrets),
    metaById: new Map(result.outcomes.map((o) => [o.meta.id, o.meta])),
  };
  const findings = sortedFindings(result);
  const blocks = [
    headline(p, result.readiness),
    comparisonBlock(p, result),
    projectsBlock(p, result.projects, result.sections ?? []),
    environmentsBlock(p, result.environments ?? []),
    ...bySection(p, result, findings),
    noticesBlock(p, result.notices),
    acceptedBlock(p, result),
    checklistBlock(p, result.readiness.items),
  ];
  return blocks.filter((b) => b.length > 0).map((b) => b.join('\n')).join('\n\n') + '\n';
}

function headline(p: Printer, r: Readiness): string[] {
  const score = r.score === null ? 'n/a' : `${r.score}%`;
  const colour = r.status === 'READY' ? p.c.green : r.status === 'NOT READY' ? p.c.red : p.c.yellow;
  const { fail, unknown, pass, na, silenced } = r.counts;
  const counts = [`${fail} failed`, `${unknown} unknown`, `${pass} passed`, `${na} n/a`];
  if (silenced > 0) counts.push(`${silenced} silenced`);
  return [p.c.bold(`Readiness: ${score} — ${colour(r.status)} (threshold ${r.threshold}%)`), `  ${counts.join(' · ')}`];
}

function comparisonBlock(p: Printer, result: AuditResult): string[] {
  const c = result.comparison;
  if (!c) return [];
  const lines = [p.c.bold(`Against ${p.clean(c.baseRef)}: ${describeChange(c, result.readiness.score)}`)];
  for (const i of c.newlyFailing) lines.push(`  ${p.c.red('newly failing')}  ${p.c.bold(i.id)}  ${p.clean(i.title)}`);
  for (const i of c.newlyFixed) lines.push(`  ${p.c.green('newly fixed')}    ${p.c.bold(i.id)}  ${p.clean(i.title)}`);
  lines.push(p.c.dim(`  ${c.newFindings.length} new finding${c.newFindings.length === 1 ? '' : 's'}`));
  return lines;
}

/** What the team accepted: inline suppressions and the baseline (counts only; details in JSON). */
function acceptedBlock(p: Printer, result: AuditResult): string[] {
  const lines: string[] = [];
  if (result.suppressed.length > 0) lines.push(p.c.dim(`${result.suppressed.length} finding${result.suppressed.length === 1 ? '' : 's'} suppressed inline (with reasons; --no-inline-suppressions shows them)`));
  if (result.baseline) lines.push(p.c.dim(`${result.baseline.known} known finding${result.baseline.known === 1 ? '' : 's'} hidden by the baseline ${p.clean(result.baseline.file)}; ${result.baseline.stale.length} stale entr${result.baseline.stale.length === 1 ? 'y' : 'ies'}`));
  return lines;
}

function projectsBlock(p: Printer, projects: ProjectSummary[], sections: SectionSummary[]): string[] {
  // One section is the headline itself: its score is printed only when there are several.
  const scored = sections.length > 1;
  const lines = projects.length === 0 ? ['No Django project found.'] : [p.c.bold(projects.length === 1 ? 'Project' : 'Projects')];
  for (const proj of projects) {
    const version = `Django ${proj.djangoVersion}${proj.djangoVersionAssumed ? ' (assumed)' : ''}`;
    lines.push(`  ${p.clean(proj.root)}: ${p.clean(proj.settingsModule)} (${p.clean(proj.settingsFile)}), ${version}`);
    const section = sections.find((s) => s.kind === 'project' && s.name === proj.root);
    if (scored && section) lines.push(`    ${sectionScore(p, section)}`);
    lines.push(p.c.dim(`    settings chosen because ${p.clean(proj.reason)}`));
    if (proj.envSources.length > 0) lines.push(p.c.dim(`    environment from ${proj.envSources.map(p.clean).join(', ')}`));
  }
  const repo = sections.find((s) => s.kind === 'repository');
  if (scored && repo) lines.push(`  ${REPOSITORY_LABEL} ${sectionScore(p, repo)}`);
  return lines;
}

/**
 * Readiness per environment, when the repository describes more than production: production is
 * the gate, the others are informative, each with its settings and what only it gets wrong.
 */
function environmentsBlock(p: Printer, environments: EnvironmentReport[]): string[] {
  if (environments.length <= 1) return [];
  const lines = [p.c.bold('Environments')];
  for (const env of environments) {
    const r = env.readiness;
    const colour = r.status === 'READY' ? p.c.green : r.status === 'NOT READY' ? p.c.red : p.c.yellow;
    const score = r.score === null ? 'n/a' : `${r.score}%`;
    const role = env.gate ? 'the gate' : 'informative; production is the gate';
    lines.push(`  ${p.clean(env.name)}: readiness ${score} — ${colour(r.status)} (${role})`);
    if (env.gate) continue;
    for (const proj of env.projects) {
      const from = proj.envSources.length > 0 ? ` with ${proj.envSources.map(p.clean).join(', ')}` : '';
      const who = proj.service ? `${p.clean(proj.root)}, ${p.clean(proj.service)}` : p.clean(proj.root);
      lines.push(p.c.dim(`    ${who}: ${p.clean(proj.settingsModule)} (${p.clean(proj.settingsFile)})${from}`));
    }
    if (env.findings.length > 0) {
      lines.push(`    only in ${p.clean(env.name)} (${env.findings.length}):`);
      for (const f of env.findings) lines.push(...findingLines(p, f, false).map((l) => `  ${l}`));
    }
  }
  return lines;
}

const REPOSITORY_LABEL = 'repository-wide (outside every project):';

function sectionScore(p: Printer, s: SectionSummary): string {
  const r = s.readiness;
  const colour = r.status === 'READY' ? p.c.green : r.status === 'NOT READY' ? p.c.red : p.c.yellow;
  const score = r.score === null ? 'n/a' : `${r.score}%`;
  return `readiness ${score} — ${colour(r.status)} (${r.counts.fail} failed, ${r.counts.unknown} unknown, ${r.counts.pass} passed)`;
}

/**
 * Failures file by file, then what could not be decided. With several report sections (a
 * monorepo), each section gets its own heading with its score, its files under it.
 */
function bySection(p: Printer, result: AuditResult, findings: Finding[]): string[][] {
  const sections = result.sections ?? [];
  if (sections.length <= 1) {
    return [failuresBlock(p, findings.filter((f) => f.status === 'fail')), unknownsBlock(p, findings.filter((f) => f.status === 'unknown'))];
  }
  const blocks: string[][] = [];
  for (const s of sections) {
    const mine = findings.filter((f) => (f.project ?? REPOSITORY_SECTION) === s.name);
    if (mine.length === 0) continue;
    const title = s.kind === 'repository' ? REPOSITORY_LABEL.replace(/:$/, '') : `project ${p.clean(s.name)}`;
    const head = p.c.bold(`── ${title}: ${sectionScore(p, s)}`);
    const body = [failuresBlock(p, mine.filter((f) => f.status === 'fail')), unknownsBlock(p, mine.filter((f) => f.status === 'unknown'))].filter((b) => b.length > 0);
    blocks.push([head, '', ...body.map((b) => b.join('\n')).join('\n\n').split('\n')]);
  }
  return blocks;
}

function failuresBlock(p: Printer, failures: Finding[]): string[] {
  const lines: string[] = [];
  for (const [file, group] of groupByFile(failures)) {
    if (lines.length > 0) lines.push('');
    lines.push(p.c.underline(p.clean(file)));
    for (const f of group) lines.push(...findingLines(p, f, true));
  }
  return lines;
}

function unknownsBlock(p: Printer, unknowns: Finding[]): string[] {
  if (unknowns.length === 0) return [];
  const lines = [p.c.bold(`Could not determine (${unknowns.length})`)];
  for (const f of unknowns) {
    lines.push(...findingLines(p, f, false));
    if (f.decidingVariables && f.decidingVariables.length > 0) {
      lines.push(p.c.dim(`      depends on: ${f.decidingVariables.map(p.clean).join(', ')}`));
    }
  }
  return lines;
}

function findingLines(p: Printer, f: Finding, withFix: boolean): string[] {
  const where = p.clean(formatSpan(f.span));
  const lines = [`  ${where}  ${severityLabel(p, f.severity)}  ${p.c.bold(f.ruleId)}  ${p.clean(f.message)}`];
  for (const rel of f.related) lines.push(p.c.dim(`      ↳ ${p.clean(formatSpan(rel.span))} ${p.clean(rel.message)}`));
  const fix = p.metaById.get(f.ruleId)?.fix;
  if (withFix && fix) lines.push(p.c.dim(`      fix: ${p.clean(firstSentence(fix))}`));
  return lines;
}

function severityLabel(p: Printer, severity: Severity): string {
  const label = severity.toUpperCase().padEnd(SEVERITY_WIDTH);
  switch (severity) {
    case 'blocker':
      return p.c.bold.red(label);
    case 'high':
      return p.c.red(label);
    case 'medium':
      return p.c.yellow(label);
    default:
      return p.c.blue(label);
  }
}

function noticesBlock(p: Printer, notices: Notice[]): string[] {
  if (notices.length === 0) return [];
  const lines = [p.c.bold(`Notices (${notices.length})`)];
  for (const n of notices) {
    const where = n.span ? formatSpan(n.span) : n.file;
    // Many notices name their file first (JSON and SARIF carry the message alone): here the location says it once.
    const message = where && n.file && n.message.startsWith(`${n.file}: `) ? n.message.slice(n.file.length + 2) : n.message;
    lines.push(`  ${n.kind}: ${where ? `${p.clean(where)}: ` : ''}${p.clean(message)}`);
  }
  return lines;
}

/** Items that cost points, the most expensive first; ties keep checklist order. */
function checklistBlock(p: Printer, items: ReadinessItem[]): string[] {
  const costly = items.filter((i) => i.pointsLost > 0).sort((a, b) => b.pointsLost - a.pointsLost);
  if (costly.length === 0) return [];
  const width = Math.max(...costly.map((i) => pointsText(i).length));
  const lines = [p.c.bold('Checklist items not passed')];
  for (const i of costly) {
    const status = i.status === 'unknown' ? ' (could not determine)' : '';
    lines.push(`  ${pointsText(i).padStart(width)}  ${severityLabel(p, i.severity)}  ${p.c.bold(i.id)}  ${p.clean(i.title)}${status}  [${i.section}]`);
  }
  return lines;
}

function pointsText(item: ReadinessItem): string {
  return `-${item.pointsLost.toFixed(1)} pts`;
}

function groupByFile(findings: Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const group = groups.get(f.span.file);
    if (group) group.push(f);
    else groups.set(f.span.file, [f]);
  }
  return groups;
}
