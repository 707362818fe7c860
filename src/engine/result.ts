import type { Finding, Notice, Severity } from '../core/finding.js';
import type { Span } from '../core/position.js';
import type { BaselineEntry } from './baseline.js';
import type { Comparison } from './compare.js';
import type { RuleMeta } from './rule.js';
import type { EnvironmentReport } from './environments.js';
import type { SectionSummary } from './sections.js';

/**
 * A checklist item's status. `unknown`: the rule could not decide (counts as not passed);
 * `na`: the rule does not apply to this repository; `silenced`: the project silenced the
 * mirrored Django check (SILENCED_SYSTEM_CHECKS), so it is left out of the score.
 */
export type ItemStatus = 'pass' | 'fail' | 'unknown' | 'na' | 'silenced';

export interface RuleOutcome {
  meta: RuleMeta;
  status: ItemStatus;
  /** Findings of this rule (status fail or unknown), in report order. */
  findings: Finding[];
  /** Why the item is n/a or silenced. */
  reason?: string;
  /** What each subject the rule ran on gave, for per-project readiness (src/engine/sections.ts). */
  subjects?: SubjectRecord[];
}

/** One subject's part of a rule outcome. */
export interface SubjectRecord {
  /** Its findings that survived deduplication (the same objects as in the outcome). */
  findings: Finding[];
  silencedCount: number;
  naReason?: string;
  /** A Django subject (a project, a per-service or per-environment variant): its project's root. */
  projectRoot?: string;
  /** Another subject: the file or directory it comes from. */
  path?: string;
  /** A rule run once over the whole model. */
  wholeRepository?: boolean;
}

export interface ReadinessItem {
  id: string;
  title: string;
  severity: Severity;
  section: string;
  status: ItemStatus;
  weight: number;
  /** Percentage points this item costs the score (0 when it passes or is n/a). */
  pointsLost: number;
}

export interface Readiness {
  scoringVersion: number;
  /** floor(100 * passed weight / applicable weight); null when nothing applies. */
  score: number | null;
  status: 'READY' | 'NOT READY' | 'NO DATA';
  threshold: number;
  counts: { pass: number; fail: number; unknown: number; na: number; silenced: number };
  passedWeight: number;
  applicableWeight: number;
  /** Every item, in checklist order. */
  items: ReadinessItem[];
}

export interface ProjectSummary {
  root: string;
  settingsModule: string;
  settingsFile: string;
  reason: string;
  djangoVersion: string;
  djangoVersionAssumed: boolean;
  envSources: string[];
  /** This project's own readiness (src/engine/sections.ts); the headline readiness stays the gate. */
  readiness?: Readiness;
}

export interface AuditResult {
  tool: { name: string; version: string };
  /** Absolute path audited. */
  root: string;
  outcomes: RuleOutcome[];
  /** All findings, deterministic order (file, line, column, rule id). */
  findings: Finding[];
  notices: Notice[];
  readiness: Readiness;
  projects: ProjectSummary[];
  /**
   * Readiness per report section: one per Django project, and "(repository)" for what no project
   * owns (CI workflows, root-level infrastructure) when anything of it applies. Informative: the
   * headline `readiness` is the gate.
   */
  sections?: SectionSummary[];
  /**
   * Readiness per environment: production first (the headline, the gate), then each other
   * environment the repository describes (staging), informative (src/engine/environments.ts).
   */
  environments?: EnvironmentReport[];
  /** Findings an inline `audit-deploy: ignore[...]` comment suppressed, with its reason. */
  suppressed: Array<{ finding: Finding; reason: string; span: Span }>;
  /** When a baseline was applied: how many findings it hid, and its entries that no longer match. */
  baseline?: { file: string; known: number; stale: BaselineEntry[] };
  /** The configuration file used, if any. */
  configFile?: string;
  /** With --diff-base: the change against that revision. */
  comparison?: Comparison;
}
