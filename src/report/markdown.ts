import { SEVERITY_ORDER, type Finding } from '../core/finding.js';
import { describeChange } from '../engine/compare.js';
import type { AuditResult } from '../engine/result.js';
import { firstSentence, makeSanitizer, sortedFindings, type ReportOptions } from './common.js';

export interface MarkdownOptions extends ReportOptions {
  /**
   * Where file links point: e.g. `https://github.com/o/r/blob/<sha>/` (GITHUB_SERVER_URL,
   * GITHUB_REPOSITORY and GITHUB_SHA in Actions); without it, locations are plain text.
   */
  linkBase?: string;
  /** The audited directory relative to the repository root ("" when it is the root). */
  pathPrefix?: string;
  /** Maximum length in characters (GitHub refuses PR comments over 65,536). */
  maxLength?: number;
}

export const MARKDOWN_LIMIT = 65_536;
const MARKER = '<!-- audit-deploy -->';

/**
 * A pull-request comment or job summary: the readiness and status first, the change against the
 * base, failing items by severity with links to the lines, the details collapsed. Never longer
 * than the limit: findings are cut with a note saying how many were left out.
 */
export function formatMarkdown(result: AuditResult, opts: MarkdownOptions = {}): string {
  const clean = makeSanitizer(result.root, opts.secrets);
  const limit = opts.maxLength ?? MARKDOWN_LIMIT;
  const r = result.readiness;
  const icon = r.status === 'READY' ? '✅' : r.status === 'NOT READY' ? '❌' : '⚠️';
  const score = r.score === null ? 'n/a' : `${r.score}%`;
  const head: string[] = [MARKER, `## ${icon} Deployment readiness: ${score} — ${r.status}`, ''];
  const c = result.comparison;
  if (c) head.push(`**Against \`${md(clean(c.baseRef))}\`:** ${describeChange(c, r.score)}`, '');
  head.push(
    `${r.counts.fail} failed · ${r.counts.unknown} could not be determined · ${r.counts.pass} passed · ${r.counts.na} not applicable` +
      (r.counts.silenced > 0 ? ` · ${r.counts.silenced} silenced` : '') +
      ` · threshold ${r.threshold}%`,
    '',
  );
  const environments = environmentsTable(result, clean);
  head.push(...sectionsTable(result, clean), ...environments.table);
  if (c && (c.newlyFailing.length > 0 || c.newlyFixed.length > 0)) {
    head.push('| Change | Item | Severity | Title |', '| --- | --- | --- | --- |');
    for (const i of c.newlyFailing) head.push(`| 🔴 newly failing | \`${i.id}\` | ${i.severity} | ${md(clean(i.title))} |`);
    for (const i of c.newlyFixed) head.push(`| 🟢 newly fixed | \`${i.id}\` | ${i.severity} | ${md(clean(i.title))} |`);
    head.push('');
  }

  const failing = r.items.filter((i) => i.status === 'fail');
  const findings = sortedFindings(result);
  const link = (f: Finding) => {
    const path = (opts.pathPrefix ? `${opts.pathPrefix.replace(/\/$/, '')}/` : '') + f.span.file;
    const text = `${clean(path)}:${f.span.start.line}`;
    return opts.linkBase ? `[\`${md(text)}\`](${opts.linkBase}${encodeURI(clean(path))}#L${f.span.start.line})` : `\`${md(text)}\``;
  };

  // Staging-only findings go with the body, so that a long list is cut like the rest.
  const body: string[] = [...environments.details];
  for (const severity of SEVERITY_ORDER) {
    const items = failing.filter((i) => i.severity === severity);
    if (items.length === 0) continue;
    body.push(`### ${severity[0]!.toUpperCase()}${severity.slice(1)} (${items.length})`, '');
    for (const item of items) {
      const mine = findings.filter((f) => f.ruleId === item.id && f.status === 'fail');
      body.push(`<details><summary><code>${item.id}</code> ${html(clean(item.title))} (−${item.pointsLost.toFixed(1)} pts)</summary>`, '');
      for (const f of mine) body.push(`- ${link(f)}: ${md(clean(f.message))}`);
      const fix = result.outcomes.find((o) => o.meta.id === item.id)?.meta.fix;
      if (fix) body.push('', `**Fix:** ${md(clean(firstSentence(fix)))}`);
      body.push('', '</details>', '');
    }
  }
  const unknown = findings.filter((f) => f.status === 'unknown');
  if (unknown.length > 0) {
    body.push(`<details><summary>Could not determine (${unknown.length})</summary>`, '');
    for (const f of unknown) body.push(`- \`${f.ruleId}\` ${link(f)}: ${md(clean(f.message))}`);
    body.push('', '</details>', '');
  }
  if (result.suppressed.length > 0 || result.baseline) {
    const parts = [];
    if (result.suppressed.length > 0) parts.push(`${result.suppressed.length} suppressed inline`);
    if (result.baseline) parts.push(`${result.baseline.known} in the baseline`);
    body.push(`_Accepted findings not shown: ${parts.join(', ')}._`, '');
  }
  const foot = [`<sub>audit-deploy ${md(result.tool.version)} · scoring v${r.scoringVersion}</sub>`, ''];
  return fit(head, body, foot, limit);
}

/** A monorepo's sections (one row per Django project, one for what no project owns); nothing for one section. */
function sectionsTable(result: AuditResult, clean: (s: string) => string): string[] {
  const sections = result.sections ?? [];
  if (sections.length <= 1) return [];
  const rows = ['| Section | Readiness | Status | Failed | Could not determine |', '| --- | --- | --- | --- | --- |'];
  for (const s of sections) {
    const r = s.readiness;
    const name = s.kind === 'repository' ? 'repository-wide (outside every project)' : `project \`${md(clean(s.name))}\``;
    rows.push(`| ${name} | ${r.score === null ? 'n/a' : `${r.score}%`} | ${r.status} | ${r.counts.fail} | ${r.counts.unknown} |`);
  }
  return [...rows, ''];
}

/** Readiness per environment when there is more than production, and what only each gets wrong (collapsed). */
function environmentsTable(result: AuditResult, clean: (s: string) => string): { table: string[]; details: string[] } {
  const environments = result.environments ?? [];
  if (environments.length <= 1) return { table: [], details: [] };
  const table = ['| Environment | Readiness | Status | Role |', '| --- | --- | --- | --- |'];
  for (const e of environments) {
    const r = e.readiness;
    table.push(`| ${md(clean(e.name))} | ${r.score === null ? 'n/a' : `${r.score}%`} | ${r.status} | ${e.gate ? 'the gate' : 'informative'} |`);
  }
  table.push('');
  const details: string[] = [];
  for (const e of environments) {
    if (e.gate || e.findings.length === 0) continue;
    details.push(`<details><summary>Only in ${html(clean(e.name))} (${e.findings.length})</summary>`, '');
    for (const f of e.findings) details.push(`- \`${f.ruleId}\` \`${md(clean(`${f.span.file}:${f.span.start.line}`))}\`: ${md(clean(f.message))}`);
    details.push('', '</details>', '');
  }
  return { table, details };
}

/** Joins the parts, dropping body lines from the end when over the limit, with a note. */
function fit(head: string[], body: string[], foot: string[], limit: number): string {
  const join = (b: string[]) => [...head, ...b, ...foot].join('\n');
  let text = join(body);
  if (text.length <= limit) return text;
  let keep = body.length;
  const note = (n: number) => [`_… ${n} more line${n === 1 ? '' : 's'} left out to stay under ${limit} characters; the JSON or SARIF report has everything._`, ''];
  // Binary search for the longest prefix that fits with the note.
  let lo = 0;
  let hi = body.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (join([...closeDetails(body.slice(0, mid)), ...note(body.length - mid)]).length <= limit) lo = mid;
    else hi = mid - 1;
  }
  keep = lo;
  text = join([...closeDetails(body.slice(0, keep)), ...note(body.length - keep)]);
  return text.length <= limit ? text : text.slice(0, limit);
}

/** Closes a <details> left open by a cut, so the rest of the page renders. */
function closeDetails(lines: string[]): string[] {
  const open = lines.filter((l) => l.startsWith('<details>')).length - lines.filter((l) => l === '</details>').length;
  return open > 0 ? [...lines, '', '</details>', ''] : lines;
}

/** Escapes Markdown inline syntax in text we did not write. */
function md(text: string): string {
  return text.replace(/([\\`*_[\]<>|#])/g, '\\$1').replace(/\r?\n/g, ' ');
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
