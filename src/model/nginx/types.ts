import type { Span } from '../../core/position.js';

/**
 * The nginx part of the deployment model: what rules see. Parsing lives in src/parse/nginx/ and
 * knows nothing of rules; building (includes, which file is a main file) in src/model/nginx/build.ts.
 *
 * This is the contract between the nginx parser and the nginx rules. Extend it additively.
 */

/** One argument of a directive, as nginx sees it after `ngx_conf_read_token`. */
export interface NginxArg {
  /** The value nginx uses: quotes removed, `\"` `\'` `\\` `\t` `\r` `\n` escapes applied inside quotes. */
  value: string;
  /** The exact source text, quotes included. */
  raw: string;
  quoted: boolean;
  span: Span;
}

/** A directive, simple (`listen 443 ssl;`) or block (`server { ... }`), with exact positions. */
export interface NginxDirective {
  name: string;
  args: NginxArg[];
  /** From the first character of the name to the `;` or the closing `}` included. */
  span: Span;
  nameSpan: Span;
  /** Children of a block directive (includes already expanded in place); undefined for a simple one. */
  block?: NginxDirective[];
  /** Raw body of `*_by_lua_block { ... }` style directives, kept unparsed. */
  rawBody?: string;
  /** The enclosing block directive; undefined at the top level of the configuration. */
  parent?: NginxDirective;
  /** The `include` directives that brought this directive in, outermost first; empty when in the main file. */
  includedFrom: Span[];
}

export interface NginxProblem {
  /** nginx's own wording where nginx has one, e.g. `unexpected "}"`. */
  message: string;
  span: Span;
  kind: 'syntax' | 'include' | 'template' | 'limit';
}

/** Where the top level of a configuration sits in nginx's context tree. */
export type NginxContext = 'main' | 'http' | 'server' | 'location' | 'unknown';

export interface NginxConfig {
  /** Repo-relative path of the main file (nginx.conf, a site file, or an `nginx -T` dump). */
  mainFile: string;
  /** Every file that contributed, main file first, in include order. */
  files: string[];
  /** Where the configuration came from, for messages (the main file's first line). */
  span: Span;
  /**
   * The context the main file's top level is read in: `main` for a full nginx.conf, `http` for a
   * site file (sites-enabled/, conf.d/) that a distribution's nginx.conf includes inside http {}.
   */
  context: NginxContext;
  /** Top-level directives with includes expanded in place. */
  directives: NginxDirective[];
  problems: NginxProblem[];
  /** True when the file is an envsubst-style template ($VAR where a word is expected). */
  template: boolean;
  /** Production or development, from the file's path (nginx/dev.conf, docker/local/nginx.conf ...). */
  role: 'production' | 'development';
}
