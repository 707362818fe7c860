import type { Span } from '../../core/position.js';

/**
 * The nginx part of the deployment model. Parsing lives in src/parse/nginx/; this is what rules see.
 * (Issue 3 fills this in: directives with positions, includes expanded, problems.)
 */
export interface NginxConfig {
  /** Repo-relative path of the main file (nginx.conf, a site file, or an `nginx -T` dump). */
  mainFile: string;
  /** Every file that contributed, main file first, in include order. */
  files: string[];
  /** Where the configuration came from, for messages. */
  span: Span;
}
