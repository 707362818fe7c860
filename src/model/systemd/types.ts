import type { Span } from '../../core/position.js';

/**
 * A systemd unit in the deployment model: what rules see. Parsing lives in src/parse/systemd/ and
 * knows nothing of rules; building (drop-ins, resets) in src/model/systemd/build.ts.
 *
 * This is the contract between the unit parser, the systemd rules and the app-server model (which
 * reads ExecStart). Extend it additively.
 */

/** One assignment as written (continuations joined), with where its key and value are. */
export interface SystemdEntry {
  section: string;
  key: string;
  /** The value with continuations joined and surrounding whitespace removed (quotes kept). */
  value: string;
  /** The whole assignment, key to end of (last continuation) line. */
  span: Span;
  valueSpan: Span;
  file: string;
}

export type SystemdUnitType = 'service' | 'socket' | 'timer' | 'path' | 'target' | 'mount' | 'other';

export interface SystemdUnit {
  /** Unit name, e.g. "gunicorn.service". */
  name: string;
  type: SystemdUnitType;
  /** Repo-relative path of the unit file. */
  file: string;
  /** The unit file's first line, for unit-wide findings. */
  span: Span;
  /** Drop-in files applied, in the order systemd applies them. */
  dropIns: string[];
  /**
   * Effective entries after drop-ins, in order: an empty assignment of a list-valued key removes the
   * entries before it; a later single-valued key overrides an earlier one (both are kept here, in order,
   * so a rule can point at the one that wins: the last).
   */
  entries: SystemdEntry[];
  problems: Array<{ message: string; span: Span }>;
}
