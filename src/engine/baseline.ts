import type { Finding } from '../core/finding.js';

/**
 * A baseline records the findings a project has accepted for now, so that later runs report only
 * new ones (detekt's and ESLint's model). Entries are keyed by the finding's line-independent
 * fingerprint (rule, file, logical target), never by line, with a count: two findings with the
 * same key need two entries' worth of count.
 */
export interface BaselineEntry {
  rule: string;
  file: string;
  fingerprint: string;
  count: number;
  /** The first message, to help a reader of the file; not used for matching. */
  message: string;
}

export interface Baseline {
  version: 1;
  tool: 'audit-deploy';
  entries: BaselineEntry[];
}

export const BASELINE_FILE = '.audit-deploy-baseline.json';

export function makeBaseline(findings: Finding[]): Baseline {
  const byKey = new Map<string, BaselineEntry>();
  for (const f of findings) {
    if (f.status !== 'fail') continue;
    const e = byKey.get(f.fingerprint);
    if (e) e.count++;
    else byKey.set(f.fingerprint, { rule: f.ruleId, file: f.span.file, fingerprint: f.fingerprint, count: 1, message: f.message });
  }
  const entries = [...byKey.values()].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  return { version: 1, tool: 'audit-deploy', entries };
}

export class BaselineError extends Error {}

/** Reads a baseline file's JSON text; throws BaselineError with the reason when it is not one. */
export function parseBaseline(text: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new BaselineError(`not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const d = data as Partial<Baseline>;
  if (!d || d.version !== 1 || !Array.isArray(d.entries)) throw new BaselineError('not an audit-deploy baseline (version 1 with entries)');
  for (const e of d.entries) {
    if (typeof e?.fingerprint !== 'string' || typeof e.count !== 'number' || typeof e.rule !== 'string' || typeof e.file !== 'string') {
      throw new BaselineError('an entry lacks rule, file, fingerprint or count');
    }
  }
  return d as Baseline;
}

export interface BaselineSplit {
  /** Findings not covered by the baseline: what the run reports. */
  fresh: Finding[];
  /** Findings the baseline accepts. */
  known: Finding[];
  /** Entries (or parts of their counts) that matched nothing: fixed since, and removable. */
  stale: BaselineEntry[];
}

/**
 * Splits failing findings into new and known; findings the rules could not decide (unknown) are
 * never hidden by a baseline.
 */
export function applyBaseline(findings: Finding[], baseline: Baseline): BaselineSplit {
  const remaining = new Map<string, number>();
  for (const e of baseline.entries) remaining.set(e.fingerprint, (remaining.get(e.fingerprint) ?? 0) + e.count);
  const fresh: Finding[] = [];
  const known: Finding[] = [];
  for (const f of findings) {
    const left = remaining.get(f.fingerprint) ?? 0;
    if (f.status === 'fail' && left > 0) {
      remaining.set(f.fingerprint, left - 1);
      known.push(f);
    } else fresh.push(f);
  }
  const stale = baseline.entries
    .filter((e) => (remaining.get(e.fingerprint) ?? 0) > 0)
    .map((e) => {
      const count = Math.min(e.count, remaining.get(e.fingerprint)!);
      remaining.set(e.fingerprint, remaining.get(e.fingerprint)! - count);
      return { ...e, count };
    });
  return { fresh, known, stale };
}

/**
 * Findings of `head` that `base` does not have, by fingerprint with multiplicity: the same
 * comparison as a baseline, for --diff-base.
 */
export function newFindings(base: Finding[], head: Finding[]): Finding[] {
  return applyBaseline(head, makeBaseline(base)).fresh.filter((f) => f.status === 'fail');
}
