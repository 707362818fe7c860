import { SEVERITY_ORDER, SEVERITY_WEIGHT, type ChecklistSection, type Severity } from '../core/finding.js';
import type { ItemStatus, Readiness, ReadinessItem, RuleOutcome } from '../engine/result.js';

/** Bumped whenever the formula changes, so scores from different versions are never compared blindly. */
export const SCORING_VERSION = 1;

export const DEFAULT_THRESHOLD = 80;

/** The order the deployment checklist prints its sections in; items are listed in this order. */
export const CHECKLIST_SECTION_ORDER: readonly ChecklistSection[] = [
  'security',
  'static-media',
  'app-server',
  'web-server',
  'process-manager',
  'database',
  'cache',
  'email',
  'logging-monitoring',
  'backups',
  'containers',
  'ci-cd',
  'configuration',
];

/**
 * Weights doubled so that every weight (2.5, 7.5, ...) is an integer: sums and the percentage are
 * then computed exactly and floor() never suffers from binary fraction error.
 */
const DOUBLED_WEIGHT: Record<Severity, number> = {
  blocker: SEVERITY_WEIGHT.blocker * 2,
  high: SEVERITY_WEIGHT.high * 2,
  medium: SEVERITY_WEIGHT.medium * 2,
  low: SEVERITY_WEIGHT.low * 2,
};

const APPLICABLE: ReadonlySet<ItemStatus> = new Set<ItemStatus>(['pass', 'fail', 'unknown']);

export function isApplicable(status: ItemStatus): boolean {
  return APPLICABLE.has(status);
}

/** An item that is applicable but not a pass: a failure, or something we could not verify. */
export function losesPoints(status: ItemStatus): boolean {
  return status === 'fail' || status === 'unknown';
}

/**
 * Severity-weighted share of applicable checklist items that pass. Items that do not apply or
 * that the project silenced are left out of both sides; an undecidable item counts as not passed.
 * A failing blocker makes the status NOT READY whatever the number says.
 */
export function computeReadiness(outcomes: RuleOutcome[], threshold = DEFAULT_THRESHOLD): Readiness {
  // One pass for the sums and counts (a monorepo computes this for each of its project sections too).
  let passed2 = 0;
  let applicable2 = 0;
  let blockerFails = false;
  const counts = { pass: 0, fail: 0, unknown: 0, na: 0, silenced: 0 };
  for (const o of outcomes) {
    counts[o.status]++;
    if (o.status === 'pass') passed2 += DOUBLED_WEIGHT[o.meta.severity];
    if (isApplicable(o.status)) applicable2 += DOUBLED_WEIGHT[o.meta.severity];
    if (o.status === 'fail' && o.meta.severity === 'blocker') blockerFails = true;
  }
  const score = applicable2 === 0 ? null : Math.floor((100 * passed2) / applicable2);
  return {
    scoringVersion: SCORING_VERSION,
    score,
    status: statusOf(score, blockerFails, threshold),
    threshold,
    counts,
    passedWeight: passed2 / 2,
    applicableWeight: applicable2 / 2,
    items: inChecklistOrder(outcomes).map((o) => toItem(o, applicable2)),
  };
}

function statusOf(score: number | null, blockerFails: boolean, threshold: number): Readiness['status'] {
  if (score === null) return 'NO DATA';
  if (blockerFails) return 'NOT READY';
  return score >= threshold ? 'READY' : 'NOT READY';
}

function toItem(outcome: RuleOutcome, applicable2: number): ReadinessItem {
  const { meta, status } = outcome;
  const lost = losesPoints(status) && applicable2 > 0 ? Math.round((1000 * DOUBLED_WEIGHT[meta.severity]) / applicable2) / 10 : 0;
  return {
    id: meta.id,
    title: meta.title,
    severity: meta.severity,
    section: meta.section,
    status,
    weight: SEVERITY_WEIGHT[meta.severity],
    pointsLost: lost,
  };
}

// Ranks looked up rather than searched for: a monorepo's per-project sections sort ~200 items each.
const SECTION_RANK = new Map<string, number>(CHECKLIST_SECTION_ORDER.map((s, i) => [s, i]));
const SEVERITY_RANK = new Map<string, number>(SEVERITY_ORDER.map((s, i) => [s, i]));

function sectionRank(section: string): number {
  // An unknown section sorts after every known one rather than crashing the report.
  return SECTION_RANK.get(section) ?? CHECKLIST_SECTION_ORDER.length;
}

/**
 * The outcomes sorted as compareOutcomes sorts them, each one's section and severity ranks looked up
 * once instead of at every comparison (the same order: the key is the two ranks, the id breaks ties).
 */
function inChecklistOrder(outcomes: readonly RuleOutcome[]): RuleOutcome[] {
  const keyed = outcomes.map((o) => ({ o, key: sectionRank(o.meta.section) * 16 + (SEVERITY_RANK.get(o.meta.severity) ?? -1) + 1 }));
  keyed.sort((a, b) => a.key - b.key || (a.o.meta.id < b.o.meta.id ? -1 : a.o.meta.id > b.o.meta.id ? 1 : 0));
  return keyed.map((k) => k.o);
}

/** Checklist order: section, then severity (worst first), then id. */
export function compareOutcomes(a: RuleOutcome, b: RuleOutcome): number {
  return (
    sectionRank(a.meta.section) - sectionRank(b.meta.section) ||
    (SEVERITY_RANK.get(a.meta.severity) ?? -1) - (SEVERITY_RANK.get(b.meta.severity) ?? -1) ||
    (a.meta.id < b.meta.id ? -1 : a.meta.id > b.meta.id ? 1 : 0)
  );
}
