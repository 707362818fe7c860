import type { Span } from '../../core/position.js';
import type { YamlMap, YamlNode, YamlProblem, YamlScalar } from '../../parse/yaml-positions.js';

/**
 * GitHub Actions workflows in the deployment model: what rules see. Parsing is the generic YAML
 * reader (src/parse/yaml-positions.ts); building is src/model/workflows/build.ts.
 */

/** A string value with where it is written. */
export interface WfString {
  value: string;
  /** The value. */
  span: Span;
  /** `key: value`. */
  pairSpan: Span;
  /** The scalar, for positions inside the value (valueRangeSpan). */
  scalar: YamlScalar;
}

/** One event the workflow runs on (`on: push`, `on: [push, pull_request]`, `on: {push: {...}}`). */
export interface WorkflowTrigger {
  event: string;
  span: Span;
  /** The event's configuration (branches, types ...), when written as a map. */
  config?: YamlNode;
}

export interface WorkflowPermissions {
  /** `permissions: ...` */
  span: Span;
  /**
   * 'read-all' / 'write-all': the shorthand; 'map': scopes listed (an empty map `{}` grants
   * nothing); 'other': an expression or something GitHub would reject.
   */
  kind: 'read-all' | 'write-all' | 'map' | 'other';
  scopes: Map<string, { value: string; span: Span }>;
}

/** An action or reusable workflow reference (`uses:`). */
export interface UsesRef {
  raw: string;
  /** 'action': owner/repo[/path]@ref; 'reusable': owner/repo/.github/workflows/x.yml@ref; 'local': ./path; 'docker': docker://image. */
  kind: 'action' | 'reusable' | 'local' | 'docker';
  owner?: string;
  repo?: string;
  /** Sub-path inside the repository (actions/aws/ec2 -> "ec2"). */
  path?: string;
  /** What follows @ (a tag, a branch or a commit SHA); undefined when missing. */
  ref?: string;
  span: Span;
  pairSpan: Span;
}

export interface WorkflowEnvEntry {
  name: string;
  value: string;
  span: Span;
  nameSpan: Span;
  scalar?: YamlScalar;
}

export interface WorkflowStep {
  /** 0-based position in the job. */
  index: number;
  span: Span;
  node: YamlMap;
  id?: WfString;
  name?: WfString;
  uses?: UsesRef;
  run?: WfString;
  shell?: WfString;
  if?: WfString;
  /** `with:` inputs. */
  with: Map<string, WfString>;
  env: Map<string, WorkflowEnvEntry>;
}

export interface WorkflowJob {
  id: string;
  /** The job's key (`deploy:`). */
  idSpan: Span;
  span: Span;
  node: YamlMap;
  name?: WfString;
  /** Job ids this job needs, with where each is written. */
  needs: Array<{ id: string; span: Span }>;
  if?: WfString;
  permissions?: WorkflowPermissions;
  /** `environment: production` or `environment: {name: production, url: ...}`. */
  environment?: { name?: string; span: Span };
  runsOn?: string;
  /** A reusable workflow call (`uses:` on the job). */
  uses?: UsesRef;
  /** `secrets: inherit` on a reusable workflow call. */
  secretsInherit?: Span;
  with: Map<string, WfString>;
  env: Map<string, WorkflowEnvEntry>;
  steps: WorkflowStep[];
}

export interface Workflow {
  file: string;
  /** The first line (workflow-wide findings point at `on:` or here). */
  span: Span;
  root?: YamlMap;
  name?: WfString;
  triggers: WorkflowTrigger[];
  /** The `on:` pair. */
  onSpan?: Span;
  permissions?: WorkflowPermissions;
  env: Map<string, WorkflowEnvEntry>;
  jobs: WorkflowJob[];
  /** YAML syntax problems and structural ones GitHub refuses (no `on:`, no `jobs:`). */
  problems: YamlProblem[];
  /** 'development' only when the configuration says so: every workflow runs on GitHub. */
  role: 'production' | 'development';
}
