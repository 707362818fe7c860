import type { Span } from '../../core/position.js';

/**
 * A systemd unit in the deployment model: what rules see. Parsing lives in src/parse/systemd/ and
 * knows nothing of rules; building (drop-ins, resets) in src/model/systemd/build.ts.
 *
 * This is the contract between the unit parser, the systemd rules and the app-server model (which
 * reads ExecStart). Extend it additively.
 */

/** One physical-line piece of a value: `text` sits at `span` character for character. */
export interface SystemdValuePiece {
  text: string;
  span: Span;
}

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
  /** The key alone. */
  keySpan?: Span;
  /**
   * The value by physical line (continuations): concatenated, the texts are exactly `value`, each
   * character at its piece's span. `valueRangeSpan()` (src/model/systemd/query.ts) turns an index
   * range of the value into a span, e.g. to point at one word of a continued ExecStart.
   */
  valuePieces?: SystemdValuePiece[];
}

export type SystemdUnitType = 'service' | 'socket' | 'timer' | 'path' | 'target' | 'mount' | 'other';

export interface SystemdProblem {
  message: string;
  span: Span;
  /** True when systemd refuses to load the unit because of it; otherwise systemd ignores a line or a key. */
  fatal?: boolean;
  /** What kind of problem: a syntax error, an ignored section, a key systemd 252 does not know. */
  kind?: 'syntax' | 'unknown-section' | 'unknown-key';
  /** For 'unknown-key' and 'unknown-section': the key or section name as written; '.include' for that obsolete directive. */
  name?: string;
}

/** A `[Section]` header line of the unit file or of a drop-in. */
export interface SystemdSectionHeader {
  name: string;
  span: Span;
  file: string;
}

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
  problems: SystemdProblem[];
  /**
   * Every assignment systemd reads, in the order it reads them (unit file, then drop-ins), empty
   * assignments included and nothing removed: for settings whose merging has its own rules
   * (`CapabilityBoundingSet=` empty means "no capabilities", `RestrictNamespaces=` lists merge ...).
   * Assignments in sections systemd ignores are left out.
   */
  assignments: SystemdEntry[];
  /** Section headers of the unit file and its drop-ins, in reading order (e.g. to point at `[Service]`). */
  sections: SystemdSectionHeader[];
  /** The empty assignments that reset a list-valued key (e.g. a drop-in's `ExecStart=`). */
  resets: SystemdEntry[];
  /** A template (`app@.service`): only its instances run; specifiers such as `%i` are unknown here. */
  template: boolean;
  /** The instance of an instantiated unit name (`app@blue.service` → "blue"). */
  instance?: string;
  /** Production or development, from the path (deploy/dev/..., app-local.service, ...). */
  role: 'production' | 'development';
}
