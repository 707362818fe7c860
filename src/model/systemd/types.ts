import type { Span } from '../../core/position.js';

/**
 * A systemd unit in the deployment model. Parsing lives in src/parse/systemd/; this is what rules see.
 * (Issue 3 fills this in: sections, effective entries after resets and drop-ins, problems.)
 */
export interface SystemdUnit {
  /** Unit name, e.g. "gunicorn.service". */
  name: string;
  /** Repo-relative path of the unit file. */
  file: string;
  span: Span;
}
