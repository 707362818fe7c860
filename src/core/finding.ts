import type { Span } from './position.js';

/** How much a failing item hurts a deployment. Weights: blocker 10, high 7.5, medium 5, low 2.5. */
export type Severity = 'blocker' | 'high' | 'medium' | 'low';

export const SEVERITY_WEIGHT: Record<Severity, number> = { blocker: 10, high: 7.5, medium: 5, low: 2.5 };
export const SEVERITY_ORDER: Severity[] = ['blocker', 'high', 'medium', 'low'];

/** SARIF level for each severity. */
export const SEVERITY_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  blocker: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};

/** Checklist sections, in the order the checklist prints them. */
export type ChecklistSection =
  | 'security'
  | 'static-media'
  | 'app-server'
  | 'web-server'
  | 'process-manager'
  | 'database'
  | 'cache'
  | 'email'
  | 'logging-monitoring'
  | 'backups'
  | 'containers'
  | 'ci-cd'
  | 'configuration';

export interface RelatedLocation {
  span: Span;
  message: string;
}

/**
 * One result of one rule. `status: 'fail'` is a defect; `status: 'unknown'` says the rule could not
 * decide because a value depends on something the repository does not show (never reported as a pass).
 */
export interface Finding {
  ruleId: string;
  severity: Severity;
  status: 'fail' | 'unknown';
  message: string;
  span: Span;
  related: RelatedLocation[];
  /** Line-independent identity: rule, file and logical target (e.g. a setting name). */
  fingerprint: string;
  /** Exact Django check id this finding corresponds to, when the rule mirrors several. */
  djangoCheck?: string;
  /** Environment variables whose value would decide an unknown result. */
  decidingVariables?: string[];
  /** Which evaluated environment produced it (e.g. "production"). */
  environment?: string;
  /**
   * The Django project whose report section holds it: its folder ("." for the repository root);
   * unset for repository-wide findings (src/engine/sections.ts).
   */
  project?: string;
}

/** Something the run could not do fully: unreadable file, skipped symlink, size limit, ... */
export interface Notice {
  kind: 'unreadable' | 'binary' | 'too-large' | 'encoding' | 'symlink' | 'limit' | 'unsupported' | 'info' | 'suppression' | 'baseline';
  message: string;
  span?: Span;
  file?: string;
}
