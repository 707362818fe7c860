import type { ChecklistSection, RelatedLocation, Severity } from '../core/finding.js';
import type { Span } from '../core/position.js';
import type { RuleScope, ScopeSubjects } from '../model/scopes.js';
import type { DeploymentModel } from '../model/types.js';

/**
 * Documentation of a rule, in the Ruff style: the docs site and SARIF help are generated from it.
 */
export interface RuleDocs {
  /** "What it does": one or two sentences. */
  whatItDoes: string;
  /** "Why is this bad?": the production consequence. This is the rule's rationale. */
  whyIsThisBad: string;
  /** A short example that fires (code, no fences). */
  example?: string;
  /** The corrected example (code, no fences). */
  useInstead?: string;
}

export interface RuleMeta {
  /** Stable id, e.g. "DJ018". Never reused, never renamed. */
  id: string;
  /** PascalCase name, e.g. "DebugEnabled". */
  name: string;
  /** One-line title, e.g. "DEBUG is on in production". */
  title: string;
  severity: Severity;
  section: ChecklistSection;
  docs: RuleDocs;
  /** How to fix it, one paragraph. */
  fix: string;
  /** URLs (Django docs, OWASP, ...). */
  references: string[];
  /** Free tags; "security" marks a security rule (SARIF security-severity). */
  tags: string[];
  /** The Django system check(s) this rule mirrors, e.g. "security.W018". */
  djangoCheck?: string | string[];
}

/** What a rule reports through its context. */
export interface ReportInput {
  message: string;
  span: Span;
  related?: RelatedLocation[];
  /** Logical target for the line-independent fingerprint, e.g. the setting name "DEBUG". */
  target?: string;
  /** The exact Django check id when the rule mirrors several. */
  djangoCheck?: string;
  /**
   * A lower severity than the rule's, when something else in the deployment already mitigates this
   * occurrence (the message says what, a related location shows where). Never higher.
   */
  severity?: Severity;
}

export interface UnknownInput {
  message: string;
  span: Span;
  /** The environment variables (or other inputs) that would decide it. */
  variables: string[];
  related?: RelatedLocation[];
  target?: string;
}

export interface RuleContext {
  /** Report a defect. */
  report(input: ReportInput): void;
  /** Say the rule cannot decide: never a pass. */
  unknown(input: UnknownInput): void;
  /** Say the rule does not apply here (e.g. a check that does not exist in this Django version). */
  notApplicable(reason: string): void;
}

export type { RuleScope, ScopeSubjects };

export interface Rule<S extends RuleScope = RuleScope> {
  meta: RuleMeta;
  scope: S;
  /** Inspect one subject; report through ctx. A rule that reports nothing passes. */
  check(subject: ScopeSubjects[S], ctx: RuleContext, model: DeploymentModel): void;
}

/** Declare a rule; the default export of each file under rules/<domain>/. */
export function defineRule<S extends RuleScope>(rule: Rule<S>): Rule<S> {
  return rule;
}
