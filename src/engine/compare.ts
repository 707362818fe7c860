import type { Finding } from '../core/finding.js';
import { newFindings } from './baseline.js';
import type { AuditResult, ItemStatus } from './result.js';

export interface ComparedItem {
  id: string;
  title: string;
  severity: string;
  /** Status at the base and now. */
  before: ItemStatus | 'absent';
  after: ItemStatus | 'absent';
}

/** How the audited tree compares with the same tree at a base revision (--diff-base). */
export interface Comparison {
  baseRef: string;
  baseScore: number | null;
  baseStatus: string;
  /** Score now minus score at the base; null when either has no score. */
  delta: number | null;
  /** Items that fail now and did not fail at the base. */
  newlyFailing: ComparedItem[];
  /** Items that failed at the base and do not fail now. */
  newlyFixed: ComparedItem[];
  /** Failing findings present now and not at the base (matched by fingerprint, with multiplicity). */
  newFindings: Finding[];
}

export function compareResults(baseRef: string, base: Pick<AuditResult, 'readiness' | 'findings'>, head: Pick<AuditResult, 'readiness' | 'findings'>): Comparison {
  const before = new Map(base.readiness.items.map((i) => [i.id, i]));
  const after = new Map(head.readiness.items.map((i) => [i.id, i]));
  const ids = [...new Set([...before.keys(), ...after.keys()])].sort();
  const item = (id: string): ComparedItem => {
    const b = before.get(id);
    const a = after.get(id);
    const meta = (a ?? b)!;
    return { id, title: meta.title, severity: meta.severity, before: b?.status ?? 'absent', after: a?.status ?? 'absent' };
  };
  const failing = (s: ItemStatus | 'absent') => s === 'fail';
  const compared = ids.map(item);
  const delta = base.readiness.score === null || head.readiness.score === null ? null : head.readiness.score - base.readiness.score;
  return {
    baseRef,
    baseScore: base.readiness.score,
    baseStatus: base.readiness.status,
    delta,
    newlyFailing: compared.filter((c) => failing(c.after) && !failing(c.before)),
    newlyFixed: compared.filter((c) => failing(c.before) && !failing(c.after)),
    newFindings: newFindings(base.findings, head.findings),
  };
}

/** "72% -> 85% (▲ +13)", for people. */
export function describeChange(c: Comparison, scoreNow: number | null): string {
  const pct = (n: number | null) => (n === null ? 'n/a' : `${n}%`);
  if (c.delta === null) return `${pct(c.baseScore)} -> ${pct(scoreNow)}`;
  const arrow = c.delta > 0 ? `▲ +${c.delta}` : c.delta < 0 ? `▼ ${c.delta}` : '= 0';
  return `${pct(c.baseScore)} -> ${pct(scoreNow)} (${arrow})`;
}
