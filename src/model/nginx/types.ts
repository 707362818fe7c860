import type { RelatedLocation } from '../../core/finding.js';
import type { Span } from '../../core/position.js';

/**
 * The nginx part of the deployment model: what rules see. Parsing lives in src/parse/nginx/ and
 * knows nothing of rules; building (includes, which file is a main file) in src/model/nginx/build.ts.
 *
 * This is the contract between the nginx parser and the nginx rules. Extend it additively.
 */

/** One argument of a directive, as nginx sees it after `ngx_conf_read_token`. */
export interface NginxArg {
  /**
   * The value nginx uses: quotes removed, `\"` `\'` `\\` `\t` `\r` `\n` escapes applied (nginx
   * applies them to every token, quoted or not; any other `\x` stays as typed, e.g. `\.` in a regex).
   * In `if (...)` the `(` of the first argument and the `)` of the last are removed, as nginx's rewrite
   * module does; `raw` and `span` then cover the rest only.
   */
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
  /** True when the name was written quoted (map/types entries such as `'' 0;`). */
  nameQuoted?: boolean;
  /** Where `rawBody` is (between the braces). */
  rawBodySpan?: Span;
  /**
   * On `include` directives only. The directive stays in place, and the directives of the files it
   * brought in follow it in the same list (with `includedFrom` set).
   */
  include?: NginxInclude;
}

/** What an `include` resolved to in the repository. */
export interface NginxInclude {
  /** The argument as written, e.g. `/etc/nginx/conf.d/*.conf`. */
  pattern: string;
  /** Repo-relative paths of the files it brought in, in nginx's (sorted) order. */
  files: string[];
  /**
   * - `resolved`: every file was found (for a glob: at least one).
   * - `empty-glob`: a glob that matched nothing (nginx accepts that).
   * - `distribution`: a file nginx packages ship (mime.types, fastcgi_params, proxy_params,
   *   snippets/fastcgi-php.conf, ...), not kept in repositories: its content is not known.
   *   Debian's proxy_params sets Host $http_host, X-Real-IP, X-Forwarded-For and X-Forwarded-Proto.
   * - `outside`: an absolute path outside nginx's directory (e.g. /etc/letsencrypt/...): not known.
   * - `missing`: a file under the configuration's directory that the repository does not have.
   * - `unresolvable`: the path holds a variable or template placeholder.
   * - `cycle` / `limit`: not followed (include cycle, depth over 10, file over the size limit).
   */
  status: 'resolved' | 'empty-glob' | 'distribution' | 'outside' | 'missing' | 'unresolvable' | 'cycle' | 'limit';
}

export interface NginxProblem {
  /** nginx's own wording where nginx has one, e.g. `unexpected "}"`. */
  message: string;
  span: Span;
  /**
   * `syntax`: nginx refuses the file with this message (nginx -t fails). `missing-semicolon`: a
   * well-known directive name starts a line inside another directive's arguments (a `;` is missing
   * on the line before; nginx may refuse it or silently read the name as an argument).
   * `include`: an include that cannot be followed (missing file, cycle). `template`: a template
   * file (values holding placeholders are not judged). `limit`: depth or size limits.
   */
  kind: 'syntax' | 'include' | 'template' | 'limit' | 'missing-semicolon';
  related?: RelatedLocation[];
}

/**
 * Where the top level of a configuration sits in nginx's context tree. `unknown`: a fragment
 * (snippet) that nothing in the repository includes: judge the values it sets, never what it lacks.
 */
export type NginxContext = 'main' | 'http' | 'server' | 'location' | 'unknown';

/** The nginx release a configuration runs on, when the repository pins it (Dockerfile, compose image). */
export interface NginxVersion {
  /** As written in the image tag, e.g. "1.24" or "1.25.3". */
  text: string;
  major: number;
  minor: number;
  /** undefined for a tag that floats over patch releases (nginx:1.24 is the newest 1.24.x). */
  patch?: number;
  /** Where it was read, for messages, e.g. "FROM nginx:1.24-alpine in docker/nginx/Dockerfile". */
  source: string;
  span: Span;
}

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
  /**
   * True when a contributing file is a template: an envsubst one (`*.template`, or `${VAR}` /
   * `$UPPER_CASE` placeholders: see `hasPlaceholder` in src/parse/nginx/template.ts; values holding
   * one are never judged), or a Jinja/Go one (`.j2`, `{{ }}`, `{% %}`), which is not parsed at all.
   */
  template: boolean;
  /** Production or development, from the file's path (nginx/dev.conf, docker/local/nginx.conf ...). */
  role: 'production' | 'development';
  /** `dump` when read from an `nginx -T` output (every span then points into the dump file). */
  source?: 'file' | 'dump';
  /** The repository directory standing for nginx's configuration directory (/etc/nginx). */
  prefix?: string;
  /**
   * The nginx release, when the builder knows it. Rules ask `nginxQuery(config, model).version`,
   * which falls back to the release the repository's Dockerfiles and compose files pin.
   */
  version?: NginxVersion;
}
