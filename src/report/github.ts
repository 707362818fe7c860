import { SEVERITY_ORDER, type Finding, type Severity } from '../core/finding.js';
import type { AuditResult } from '../engine/result.js';
import { makeSanitizer, regionOf, sortedFindings, type ReportOptions } from './common.js';

export interface GithubOptions extends ReportOptions {
  /** The audited directory relative to the repository root, so annotations land on the right file. */
  pathPrefix?: string;
}

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { blocker: 'error', high: 'error', medium: 'warning', low: 'notice' };

/**
 * GitHub Actions workflow commands (`::error file=...,line=...::message`). GitHub shows only ten
 * annotations of each type per step and fifty per job, so the worst come first; findings that could
 * not be decided follow as notices. Ends with a `::notice` carrying the readiness.
 */
export function formatGithub(result: AuditResult, opts: GithubOptions = {}): string {
  const clean = makeSanitizer(result.root, opts.secrets);
  const titles = new Map(result.outcomes.map((o) => [o.meta.id, o.meta.title]));
  const rank = (f: Finding) => (f.status === 'fail' ? SEVERITY_ORDER.indexOf(f.severity) : SEVERITY_ORDER.length);
  const ordered = sortedFindings(result)
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .map((x) => x.f);
  const prefix = opts.pathPrefix ? `${opts.pathPrefix.replace(/\/$/, '')}/` : '';
  const lines = ordered.map((f) => {
    const r = regionOf(f.span);
    const command = f.status === 'fail' ? COMMAND[f.severity] : 'notice';
    const title = `${f.ruleId}${f.status === 'unknown' ? ' (could not determine)' : ''}: ${titles.get(f.ruleId) ?? ''}`;
    const props = [
      `file=${property(clean(prefix + f.span.file))}`,
      `line=${r.startLine}`,
      `col=${r.startColumn}`,
      `endLine=${r.endLine}`,
      `endColumn=${r.endColumn}`,
      `title=${property(clean(title))}`,
    ];
    return `::${command} ${props.join(',')}::${data(clean(f.message))}`;
  });
  const r = result.readiness;
  lines.push(`::notice title=${property('audit-deploy readiness')}::${data(`${r.score === null ? 'n/a' : `${r.score}%`} ${r.status} (threshold ${r.threshold}%): ${r.counts.fail} failed, ${r.counts.unknown} unknown, ${r.counts.pass} passed`)}`);
  return lines.join('\n') + '\n';
}

/** Escaping for a workflow command's message (actions/toolkit `escapeData`). */
export function data(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping for a workflow command's property value (actions/toolkit `escapeProperty`). */
export function property(text: string): string {
  return data(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
