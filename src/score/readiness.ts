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
  const ordered = [...outcomes].sort(compareOutcomes);
  const passed2 = sumDoubledWeight(ordered.filter((o) => o.status === 'pass'));
  const applicable2 = sumDoubledWeight(ordered.filter((o) => isApplicable(o.status)));
  const score = applicable2 === 0 ? null : Math.floor((100 * passed2) / applicable2);
  return {
    scoringVersion: SCORING_VERSION,
    score,
    status: statusOf(score, ordered, threshold),
    threshold,
    counts: countStatuses(ordered),
    passedWeight: passed2 / 2,
    applicableWeight: applicable2 / 2,
    items: ordered.map((o) => toItem(o, applicable2)),
  };
}

function statusOf(score: number | null, outcomes: RuleOutcome[], threshold: number): Readiness['status'] {
  if (score === null) return 'NO DATA';
  if (outcomes.some((o) => o.meta.severity === 'blocker' && o.status === 'fail')) return 'NOT READY';
  return score >= threshold ? 'READY' : 'NOT READY';
}

function sumDoubledWeight(outcomes: RuleOutcome[]): number {
  return outcomes.reduce((sum, o) => sum + DOUBLED_WEIGHT[o.meta.severity], 0);
}

function countStatuses(outcomes: RuleOutcome[]): Readiness['counts'] {
  const counts = { pass: 0, fail: 0, unknown: 0, na: 0, silenced: 0 };
  for (const o of outcomes) counts[o.status]++;
  return counts;
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

/** Checklist order: section, then severity (worst first), then id. */
export function compareOutcomes(a: RuleOutcome, b: RuleOutcome): number {
  return (
    sectionRank(a.meta.section) - sectionRank(b.meta.section) ||
    (SEVERITY_RANK.get(a.meta.severity) ?? -1) - (SEVERITY_RANK.get(b.meta.severity) ?? -1) ||
    (a.meta.id < b.meta.id ? -1 : a.meta.id > b.meta.id ? 1 : 0)
  );
}
