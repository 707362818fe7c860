import type { Span } from '../../core/position.js';
import type { DiscoveredFile } from '../../discover/types.js';
import type { DeploymentModel } from '../types.js';
import type { NginxArg, NginxConfig, NginxDirective, NginxVersion } from './types.js';
import { hasPlaceholder as templatePlaceholder } from '../../parse/nginx/template.js';
import { detectNginxVersion } from './version.js';
import { untrustedRegExp } from '../../core/untrusted-regex.js';

/**
 * Questions nginx rules ask of a configuration tree, answered the way nginx itself would:
 * which servers and locations there are, what value of a directive is in effect in a block
 * (inheritance http > server > location > if, the directive that decided it), what an array
 * directive such as `add_header` or `proxy_set_header` adds up to (a level with ANY of them drops
 * ALL of its parent's), how a server listens, and where a proxied request goes.
 *
 * Nothing here knows nginx file syntax: it reads the model built by src/model/nginx/build.ts.
 * An `include` the builder could not open (an absolute /etc/... path, say) is either one of the
 * well-known stock files whose content is fixed (proxy_params, the certbot options file, ...),
 * expanded here into virtual directives that point at the include line, or an unknown file that
 * may set anything: a lookup that meets one answers `unknown` rather than guessing.
 */

// ---------------------------------------------------------------------------------------------
// Levels and inheritance

export type LevelKind = 'main' | 'http' | 'server' | 'location' | 'if' | 'limit_except' | 'upstream' | 'other';

/** One configuration level: a block, or the top of a configuration file. */
export interface Level {
  kind: LevelKind;
  /** The block directive; undefined for the top level of a configuration. */
  block?: NginxDirective;
  config: NginxConfig;
  /** The level's directives in order, well-known stock includes expanded into virtual directives. */
  children: readonly NginxDirective[];
}

/** The value of a directive in effect at a level. */
export type Effective =
  /** Set explicitly (or by a stock include) at `level`, the innermost level that sets it. */
  | { state: 'set'; directive: NginxDirective; level: Level }
  /** Set nowhere on the way up: nginx's default applies. */
  | { state: 'unset' }
  /** An include we cannot see sits on the way up and may set it. */
  | { state: 'unknown'; include: NginxDirective; level: Level };

/** The instances of an array-like directive (add_header, proxy_set_header ...) in effect at a level. */
export interface ArrayEffective {
  /** The directives in effect (those of the innermost level that has any), in order. */
  directives: NginxDirective[];
  /** The level they come from; undefined when no level sets any (nginx's defaults apply). */
  level?: Level;
  /** False when an include we cannot see may add (or, by adding, drop) some of them. */
  complete: boolean;
  /** The include that makes the answer incomplete. */
  unknownInclude?: NginxDirective;
}

/** Stock files that distributions and certbot ship: their content is fixed and known. */
interface StockFile {
  /** Directives the file sets, `name args...` each; their values are exact unless `uncertain`. */
  directives: string[][];
  /** Directive names whose value differs between releases of the file (value not to be judged). */
  uncertain?: string[];
}

const STOCK_FILES: Record<string, StockFile> = {
  // Debian/Ubuntu /etc/nginx/proxy_params. Releases before the 2025 security update set
  // `Host $http_host`; newer ones `Host $host`: the header is set, its exact value uncertain.
  proxy_params: {
    directives: [
      ['proxy_set_header', 'Host', '$host'],
      ['proxy_set_header', 'X-Real-IP', '$remote_addr'],
      ['proxy_set_header', 'X-Forwarded-For', '$proxy_add_x_forwarded_for'],
      ['proxy_set_header', 'X-Forwarded-Proto', '$scheme'],
    ],
    uncertain: ['proxy_set_header Host'],
  },
  'mime.types': { directives: [['types']] },
  uwsgi_params: { directives: [['uwsgi_param']] },
  fastcgi_params: { directives: [['fastcgi_param']] },
  'fastcgi.conf': { directives: [['fastcgi_param']] },
  scgi_params: { directives: [['scgi_param']] },
  'fastcgi-php.conf': { directives: [['fastcgi_split_path_info'], ['try_files'], ['fastcgi_index'], ['fastcgi_param']] },
  'snakeoil.conf': {
    directives: [
      ['ssl_certificate', '/etc/ssl/certs/ssl-cert-snakeoil.pem'],
      ['ssl_certificate_key', '/etc/ssl/private/ssl-cert-snakeoil.key'],
    ],
  },
  // certbot's /etc/letsencrypt/options-ssl-nginx.conf, which certbot keeps up to date.
  'options-ssl-nginx.conf': {
    directives: [
      ['ssl_session_cache', 'shared:le_nginx_SSL:10m'],
      ['ssl_session_timeout', '1440m'],
      ['ssl_session_tickets', 'off'],
      ['ssl_protocols', 'TLSv1.2', 'TLSv1.3'],
      ['ssl_prefer_server_ciphers', 'off'],
      [
        'ssl_ciphers',
        'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384',
      ],
    ],
  },
};

/** Stock file paths recognised: a bare name (Debian's conf prefix) or the usual absolute place. */
function stockFileOf(path: string): StockFile | undefined {
  const p = path.replace(/\\/g, '/');
  const base = p.slice(p.lastIndexOf('/') + 1);
  const file = STOCK_FILES[base];
  if (!file) return undefined;
  if (!p.includes('/')) return file;
  if (base === 'options-ssl-nginx.conf') return p.includes('letsencrypt') ? file : undefined;
  if (base === 'snakeoil.conf' || base === 'fastcgi-php.conf') return /^(?:\/etc\/nginx\/)?snippets\//.test(p) ? file : undefined;
  return p === `/etc/nginx/${base}` || p === `conf/${base}` ? file : undefined;
}

/**
 * Includes that by convention hold whole server blocks (sites-enabled/*, conf.d/*.conf): an
 * unresolved one does not make http-level values unknown. Split at the last `/` (issue 7: the regex
 * /(?:^|\/)(?:sites-enabled|...|http\.d)\/[^/]*[*?[][^/]*$/ rescans the last part from every directory name).
 */
export function isServerCollection(path: string): boolean {
  const slash = path.lastIndexOf('/');
  if (slash < 0) return false;
  const dir = path.slice(0, slash);
  const last = path.slice(slash + 1);
  if (/[*?[]/.test(last) && /(?:^|\/)(?:sites-enabled|sites-available|conf\.d|vhosts?\.d|vhosts|servers|http\.d)$/.test(dir)) return true;
  return (last === '' || last === '*') && /(?:^|\/)(?:sites-enabled|vhosts)$/.test(dir);
}

const VIRTUAL = new WeakMap<NginxDirective, { include: NginxDirective; stock: string; uncertain: boolean }>();

/** For a directive synthesised from a stock include: the include and the stock file's name. */
export function stockOrigin(d: NginxDirective): { include: NginxDirective; stock: string; uncertain: boolean } | undefined {
  return VIRTUAL.get(d);
}

function levelKind(name: string): LevelKind {
  switch (name) {
    case 'http':
    case 'server':
    case 'location':
    case 'if':
    case 'limit_except':
    case 'upstream':
      return name;
    default:
      return 'other';
  }
}

function spanKey(s: Span): string {
  return `${s.file}:${s.start.offset}`;
}

/** Every directive of a list and of its blocks, depth-first, in source order. */
export function walkDirectives(list: readonly NginxDirective[], visit: (d: NginxDirective) => void): void {
  for (const d of list) {
    visit(d);
    if (d.block) walkDirectives(d.block, visit);
  }
}

/** The value of a directive's n-th argument ('' when absent). */
export function argValue(d: NginxDirective, n: number): string {
  return d.args[n]?.value ?? '';
}

/** Span of a directive's n-th argument, else of the whole directive. */
export function argSpan(d: NginxDirective, n: number): Span {
  return d.args[n]?.span ?? d.span;
}

/** Span from a directive's name to its last argument (without the `;`), for one-line findings. */
export function headSpan(d: NginxDirective): Span {
  const last = d.args[d.args.length - 1];
  return last ? { file: d.nameSpan.file, start: d.nameSpan.start, end: last.span.end } : d.nameSpan;
}

/** The text of a directive as written (name and raw arguments). */
export function directiveText(d: NginxDirective): string {
  return [d.name, ...d.args.map((a) => a.raw)].join(' ');
}

// ---------------------------------------------------------------------------------------------
// The query object

/** One query per configuration and model view (a section's or environment's view of the model shares its configurations). */
const CACHE = new WeakMap<NginxConfig, WeakMap<object, NginxQuery>>();
const NO_MODEL = {};
/** The repository's nginx release, read once per file list (model views made by spreading share it). */
const REPO_VERSION = new WeakMap<readonly DiscoveredFile[], NginxVersion | null>();

/** The (cached) query object of a configuration, seen within the whole model. */
export function nginxQuery(config: NginxConfig, model?: DeploymentModel): NginxQuery {
  let perModel = CACHE.get(config);
  if (!perModel) {
    perModel = new WeakMap();
    CACHE.set(config, perModel);
  }
  let q = perModel.get(model ?? NO_MODEL);
  if (!q) {
    q = new NginxQuery(config, model);
    perModel.set(model ?? NO_MODEL, q);
  }
  return q;
}

export class NginxQuery {
  private readonly levels = new Map<NginxDirective | undefined, Level>();
  private readonly resolvedIncludes = new Set<string>();
  private enclosing: Level | null | undefined;
  private all?: NginxDirective[];
  private upstreamMap?: Map<string, NginxDirective>;
  private unresolvedHttp?: NginxDirective[];
  private serverList?: NginxDirective[];

  constructor(readonly config: NginxConfig, readonly model?: DeploymentModel) {
    walkDirectives(config.directives, (d) => {
      for (const s of d.includedFrom) this.resolvedIncludes.add(spanKey(s));
    });
  }

  // ----- levels

  /** The level of a block directive; the configuration's top level for undefined. */
  levelOf(block: NginxDirective | undefined): Level {
    let level = this.levels.get(block);
    if (!level) {
      const kind: LevelKind = block ? levelKind(block.name) : topKind(this.config);
      level = { kind, block, config: this.config, children: this.expand(block ? (block.block ?? []) : this.config.directives) };
      this.levels.set(block, level);
    }
    return level;
  }

  /** The configuration's top level. */
  get top(): Level {
    return this.levelOf(undefined);
  }

  /**
   * For a site file (read inside http {}), the http block of the repository's own nginx.conf that
   * would enclose it: the nearest production-role main configuration with an http block.
   */
  get enclosingHttp(): Level | undefined {
    if (this.enclosing === undefined) this.enclosing = this.findEnclosingHttp() ?? null;
    return this.enclosing ?? undefined;
  }

  private findEnclosingHttp(): Level | undefined {
    if (this.config.context !== 'http' || !this.model) return undefined;
    const candidates = this.model.nginx
      .filter((c) => c !== this.config && c.context === 'main' && c.role === this.config.role)
      .map((c) => ({ c, http: c.directives.find((d) => d.name === 'http' && d.block) }))
      .filter((x): x is { c: NginxConfig; http: NginxDirective } => x.http !== undefined);
    if (candidates.length === 0) return undefined;
    const score = (c: NginxConfig) => commonPrefix(dirOf(c.mainFile), dirOf(this.config.mainFile));
    candidates.sort((a, b) => score(b.c) - score(a.c) || (a.c.mainFile < b.c.mainFile ? -1 : 1));
    const best = candidates[0]!;
    return nginxQuery(best.c, this.model).levelOf(best.http);
  }

  /** Levels from a block outwards: the block, its parents, the top, then the enclosing http. */
  chain(block: NginxDirective | undefined): Level[] {
    const out: Level[] = [];
    for (let b = block; b; b = b.parent) out.push(this.levelOf(b));
    out.push(this.top);
    const enc = this.enclosingHttp;
    if (enc) out.push(enc);
    return out;
  }

  /** The chain of levels a directive is evaluated in (its enclosing block outwards). */
  chainAt(d: NginxDirective): Level[] {
    return this.chain(d.parent);
  }

  // ----- includes

  /** True for an include the builder left unexpanded (a file outside the repository ...). */
  isUnresolvedInclude(d: NginxDirective): boolean {
    if (d.name !== 'include' || VIRTUAL.has(d)) return false;
    if (d.include) return d.include.status !== 'resolved' && d.include.status !== 'empty-glob';
    if (this.resolvedIncludes.has(spanKey(d.span))) return false;
    // Without the builder's verdict: a glob that matched nothing, or a literal path not found.
    return true;
  }

  /** An unresolved include whose content we cannot know (not a stock file, not a server collection). */
  isOpaqueInclude(d: NginxDirective): boolean {
    if (!this.isUnresolvedInclude(d)) return false;
    const path = argValue(d, 0);
    if (stockFileOf(path)) return false;
    if (isServerCollection(path)) return false;
    if (/(?:^|\/)(?:modules-enabled|modules|default\.d)\//.test(path)) return false;
    if (d.include?.status === 'distribution' && /(?:^|\/)(?:koi-utf|koi-win|win-utf)$/.test(path)) return false;
    return true;
  }

  private expand(list: readonly NginxDirective[]): NginxDirective[] {
    const out: NginxDirective[] = [];
    for (const d of list) {
      out.push(d);
      if (d.name !== 'include' || !this.isUnresolvedInclude(d)) continue;
      const stock = stockFileOf(argValue(d, 0));
      if (!stock) continue;
      for (const [name, ...values] of stock.directives) {
        const v: NginxDirective = {
          name: name!,
          args: values.map((value): NginxArg => ({ value, raw: value, quoted: false, span: argSpan(d, 0) })),
          span: d.span,
          nameSpan: d.nameSpan,
          parent: d.parent,
          includedFrom: [...d.includedFrom, d.span],
        };
        const key = values.length > 0 ? `${name} ${values[0]}` : name!;
        VIRTUAL.set(v, { include: d, stock: argValue(d, 0), uncertain: (stock.uncertain ?? []).includes(key) });
        out.push(v);
      }
    }
    return out;
  }

  // ----- lookups

  private readonly index = new WeakMap<Level, { byName: Map<string, NginxDirective[]>; opaque: NginxDirective | undefined }>();

  private indexOf(level: Level): { byName: Map<string, NginxDirective[]>; opaque: NginxDirective | undefined } {
    let ix = this.index.get(level);
    if (!ix) {
      const byName = new Map<string, NginxDirective[]>();
      let opaque: NginxDirective | undefined;
      for (const d of level.children) {
        let list = byName.get(d.name);
        if (!list) byName.set(d.name, (list = []));
        list.push(d);
        if (!opaque && this.isOpaqueInclude(d)) opaque = d;
      }
      ix = { byName, opaque };
      this.index.set(level, ix);
    }
    return ix;
  }

  /** The directives of a level with a name, in order. */
  named(level: Level, name: string): readonly NginxDirective[] {
    return this.indexOf(level).byName.get(name) ?? [];
  }

  /** The first include at a level whose content cannot be known, if any. */
  opaqueAt(level: Level): NginxDirective | undefined {
    return this.indexOf(level).opaque;
  }

  /** The value of `name` in effect inside `block` (the top level for undefined). */
  effective(block: NginxDirective | undefined, name: string): Effective {
    return this.effectiveIn(this.chain(block), name);
  }

  effectiveIn(chain: readonly Level[], name: string): Effective {
    for (const level of chain) {
      const own = this.named(level, name)[0];
      if (own) return { state: 'set', directive: own, level };
      const opaque = this.opaqueAt(level);
      if (opaque) return { state: 'unknown', include: opaque, level };
    }
    return { state: 'unset' };
  }

  /**
   * An array-like directive in effect inside `block`: nginx inherits them from the enclosing level
   * if and only if the current level has none of its own. With `add_header_inherit merge` (nginx
   * 1.29.3+) in effect, add_header/add_trailer accumulate across levels instead.
   */
  effectiveArray(block: NginxDirective | undefined, name: string): ArrayEffective {
    const chain = this.chain(block);
    const merge = (name === 'add_header' || name === 'add_trailer') && this.mergesHeaders(chain);
    const collected: NginxDirective[] = [];
    let firstLevel: Level | undefined;
    for (const level of chain) {
      const own = this.named(level, name);
      const opaque = this.opaqueAt(level);
      if (own.length > 0) {
        firstLevel ??= level;
        collected.unshift(...own);
        if (!merge) return { directives: collected, level: firstLevel, complete: !opaque, ...(opaque ? { unknownInclude: opaque } : {}) };
        if (opaque) return { directives: collected, level: firstLevel, complete: false, unknownInclude: opaque };
        continue;
      }
      if (opaque) return { directives: collected, level: firstLevel, complete: false, unknownInclude: opaque };
    }
    return { directives: collected, level: firstLevel, complete: true };
  }

  /** True when `add_header_inherit merge` is in effect at the head of the chain. */
  private mergesHeaders(chain: readonly Level[]): boolean {
    const e = this.effectiveIn(chain, 'add_header_inherit');
    return e.state === 'set' && argValue(e.directive, 0) === 'merge';
  }

  /** The parent level's chain of a block (what the block would inherit). */
  parentChain(block: NginxDirective): Level[] {
    return this.chain(block).slice(1);
  }

  /** The array directive the block would inherit if it declared none of its own. */
  inheritedArray(block: NginxDirective, name: string): ArrayEffective {
    const chain = this.parentChain(block);
    const head = chain[0];
    return this.effectiveArray(head?.block, name);
  }

  // ----- structure

  /** Every http server block of the configuration (not stream/mail servers, not upstream members). */
  servers(): NginxDirective[] {
    if (this.serverList) return this.serverList;
    const out: NginxDirective[] = [];
    this.serverList = out;
    const visit = (list: readonly NginxDirective[], inHttp: boolean) => {
      for (const d of list) {
        if (!d.block) continue;
        if (d.name === 'server' && inHttp) out.push(d);
        else if (d.name === 'http') visit(d.block, true);
        else if (d.name !== 'stream' && d.name !== 'mail' && d.name !== 'server' && d.name !== 'upstream' && d.name !== 'events') {
          if (d.name === 'location' || d.name === 'if') continue;
          visit(d.block, inHttp);
        }
      }
    };
    const ctx = this.config.context;
    if (ctx !== 'server') visit(this.config.directives, ctx === 'http');
    return out;
  }

  /** Every location of a server (nested ones too), depth-first, in source order. */
  locations(server: NginxDirective): NginxDirective[] {
    const out: NginxDirective[] = [];
    const visit = (list: readonly NginxDirective[]) => {
      for (const d of list) {
        if (!d.block) continue;
        if (d.name === 'location') {
          out.push(d);
          visit(d.block);
        } else if (d.name === 'if' || d.name === 'limit_except') {
          visit(d.block);
        }
      }
    };
    visit(this.levelOf(server).children);
    return out;
  }

  /** The server block a directive belongs to, if any. */
  serverOf(d: NginxDirective): NginxDirective | undefined {
    for (let p: NginxDirective | undefined = d.name === 'server' && d.block ? d : d.parent; p; p = p.parent) if (p.name === 'server' && p.block) return p;
    return undefined;
  }

  /** Every directive of the configuration (stock includes expanded), depth-first. */
  allDirectives(): NginxDirective[] {
    if (this.all) return this.all;
    const out: NginxDirective[] = [];
    const visit = (level: Level) => {
      for (const d of level.children) {
        out.push(d);
        if (d.block) visit(this.levelOf(d));
      }
    };
    visit(this.top);
    this.all = out;
    return out;
  }

  /** `upstream NAME {}` blocks visible to the configuration (its own, then the enclosing nginx.conf's). */
  upstreams(): Map<string, NginxDirective> {
    if (this.upstreamMap) return this.upstreamMap;
    const map = new Map<string, NginxDirective>();
    this.upstreamMap = map;
    const add = (q: NginxQuery) => {
      for (const d of q.allDirectives()) if (d.name === 'upstream' && d.block && d.args[0] && !map.has(d.args[0].value)) map.set(d.args[0].value, d);
    };
    add(this);
    const enc = this.enclosingHttp;
    if (enc && this.model) add(nginxQuery(enc.config, this.model));
    return map;
  }

  /** Directives with a name anywhere at the http level and inside it (own config, then enclosing). */
  httpWide(name: string): NginxDirective[] {
    const out = this.allDirectives().filter((d) => d.name === name);
    const enc = this.enclosingHttp;
    if (enc && this.model) out.push(...nginxQuery(enc.config, this.model).allDirectives().filter((d) => d.name === name));
    return out;
  }

  /**
   * Includes at http level or above (own configuration and the enclosing nginx.conf) whose files
   * are not in the repository, stock files aside: server collections count, since the servers and
   * zones they hold are not seen. A configuration without any shows nginx's whole http block.
   */
  unresolvedHttpIncludes(): NginxDirective[] {
    if (this.unresolvedHttp) return this.unresolvedHttp;
    const out: NginxDirective[] = [];
    this.unresolvedHttp = out;
    const scan = (q: NginxQuery) => {
      for (const d of q.allDirectives()) {
        if (!q.isUnresolvedInclude(d) || stockFileOf(argValue(d, 0))) continue;
        if (/(?:^|\/)(?:modules-enabled|modules)\//.test(argValue(d, 0))) continue;
        const p = d.parent;
        if (!p || p.name === 'http') out.push(d);
      }
    };
    scan(this);
    const enc = this.enclosingHttp;
    if (enc && this.model) scan(nginxQuery(enc.config, this.model));
    return out;
  }

  /** The opaque includes of the configuration (and of the enclosing nginx.conf) at http level or above. */
  opaqueHttpIncludes(): NginxDirective[] {
    const out: NginxDirective[] = [];
    const scan = (q: NginxQuery) => {
      for (const d of q.allDirectives()) {
        if (!q.isOpaqueInclude(d)) continue;
        const p = d.parent;
        if (!p || p.name === 'http') out.push(d);
      }
    };
    scan(this);
    const enc = this.enclosingHttp;
    if (enc && this.model) scan(nginxQuery(enc.config, this.model));
    return out;
  }

  // ----- version

  /** The nginx release: the builder's, else the one the repository's images pin; undefined if unknown. */
  get version(): NginxVersion | undefined {
    if (this.config.version) return this.config.version;
    if (!this.model) return undefined;
    const files = this.model.files;
    if (!REPO_VERSION.has(files)) REPO_VERSION.set(files, detectNginxVersion(files) ?? null);
    return REPO_VERSION.get(files) ?? undefined;
  }

  // ----- templates

  /** True when a value holds an envsubst placeholder ($VAR, ${VAR}) in a template configuration. */
  hasPlaceholder(value: string): boolean {
    return this.config.template && templatePlaceholder(value);
  }

  /** True when any argument of the directive holds a template placeholder. */
  directiveHasPlaceholder(d: NginxDirective): boolean {
    return this.config.template && d.args.some((a) => templatePlaceholder(a.value));
  }
}

function topKind(config: NginxConfig): LevelKind {
  switch (config.context) {
    case 'main':
      return 'main';
    case 'http':
      return 'http';
    case 'server':
      return 'server';
    case 'location':
      return 'location';
    default:
      return 'other';
  }
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function commonPrefix(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  let n = 0;
  while (n < pa.length && n < pb.length && pa[n] === pb[n]) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Servers: listen, names, TLS

export interface Listen {
  directive: NginxDirective;
  /** Port number; undefined for a unix socket or a placeholder. */
  port?: number;
  unix: boolean;
  ssl: boolean;
  http2: boolean;
  quic: boolean;
  defaultServer: boolean;
  /** True when the server has no listen directive and nginx's default (*:80) applies. */
  implicit: boolean;
}

/** How a server listens; a server without `listen` listens on *:80 (nginx run as root). */
export function listensOf(q: NginxQuery, server: NginxDirective): Listen[] {
  const own = q.levelOf(server).children.filter((d) => d.name === 'listen');
  if (own.length === 0) {
    return [{ directive: server, port: 80, unix: false, ssl: false, http2: false, quic: false, defaultServer: false, implicit: true }];
  }
  return own.map((d) => {
    const addr = argValue(d, 0);
    const params = new Set(d.args.slice(1).map((a) => a.value.toLowerCase()));
    const unix = addr.startsWith('unix:');
    let port: number | undefined;
    if (!unix && !q.hasPlaceholder(addr) && !addr.includes('$')) {
      const m = /(?:^|:)(\d+)$/.exec(addr);
      if (m) port = Number(m[1]);
      else if (/^(?:\[[^\]]*\]|[\w.*-]+)$/.test(addr)) port = 80;
    }
    return {
      directive: d,
      port,
      unix,
      ssl: params.has('ssl'),
      http2: params.has('http2'),
      quic: params.has('quic'),
      defaultServer: params.has('default_server') || params.has('default'),
      implicit: false,
    };
  });
}

/** A server speaks TLS: a `listen ... ssl`, or the legacy `ssl on;` (removed in nginx 1.25.1). */
export function isTlsServer(q: NginxQuery, server: NginxDirective): boolean {
  if (listensOf(q, server).some((l) => l.ssl)) return true;
  const legacy = q.effective(server, 'ssl');
  return legacy.state === 'set' && argValue(legacy.directive, 0) === 'on';
}

/** A TLS server that refuses every handshake (`ssl_reject_handshake on`): a catch-all, no content. */
export function rejectsHandshake(q: NginxQuery, server: NginxDirective): boolean {
  const e = q.effective(server, 'ssl_reject_handshake');
  return e.state === 'set' && argValue(e.directive, 0) === 'on';
}

/** The listen directive that makes a server TLS (for pointing findings at). */
export function tlsListen(q: NginxQuery, server: NginxDirective): NginxDirective {
  const listen = listensOf(q, server).find((l) => l.ssl);
  if (listen) return listen.directive;
  const legacy = q.effective(server, 'ssl');
  return legacy.state === 'set' ? legacy.directive : server;
}

/** The names in `server_name` (empty when none: nginx's default is ""). */
export function serverNames(q: NginxQuery, server: NginxDirective): string[] {
  return q.levelOf(server).children.filter((d) => d.name === 'server_name').flatMap((d) => d.args.map((a) => a.value));
}

/** True when a server's names are a catch-all: none, "", "_", a match-anything regex, or invalid names. */
export function hasCatchAllNames(q: NginxQuery, server: NginxDirective): boolean {
  const names = serverNames(q, server);
  if (names.length === 0) return true;
  return names.some((n) => n === '' || n === '_' || n === '~.*' || n === '~^.*$' || n === '~^' || n === '~.' || n === '~^(.+)$' || n === '~^(.*)$');
}

/** The `listen` flagged default_server (the catch-all for that address), if any. */
export function isDefaultServer(q: NginxQuery, server: NginxDirective): boolean {
  return listensOf(q, server).some((l) => l.defaultServer);
}

// ---------------------------------------------------------------------------------------------
// Locations

export interface LocationMatch {
  modifier: '' | '=' | '~' | '~*' | '^~' | '@';
  pattern: string;
}

/** The match of a `location` block: modifier and pattern (attached modifiers like `=/x` too). */
export function locationMatch(loc: NginxDirective): LocationMatch {
  const a0 = argValue(loc, 0);
  if (loc.args.length >= 2 && ['=', '~', '~*', '^~'].includes(a0)) return { modifier: a0 as LocationMatch['modifier'], pattern: argValue(loc, 1) };
  if (a0.startsWith('@')) return { modifier: '@', pattern: a0.slice(1) };
  if (a0.startsWith('^~')) return { modifier: '^~', pattern: a0.slice(2) };
  if (a0.startsWith('~*')) return { modifier: '~*', pattern: a0.slice(2) };
  if (a0.startsWith('~')) return { modifier: '~', pattern: a0.slice(1) };
  if (a0.startsWith('=')) return { modifier: '=', pattern: a0.slice(1) };
  return { modifier: '', pattern: a0 };
}

/** True for a prefix location (no modifier, or ^~). */
export function isPrefixLocation(loc: NginxDirective): boolean {
  const m = locationMatch(loc);
  return m.modifier === '' || m.modifier === '^~';
}

/** Compile a location regex with JavaScript's engine (close enough to PCRE for common patterns). */
export function locationRegex(loc: NginxDirective): RegExp | undefined {
  const m = locationMatch(loc);
  if (m.modifier !== '~' && m.modifier !== '~*') return undefined;
  return compileNginxRegex(m.pattern, m.modifier === '~*');
}

/** A PCRE pattern as a JavaScript RegExp; undefined when JavaScript cannot compile it. */
export function compileNginxRegex(pattern: string, caseless: boolean): RegExp | undefined {
  let src = pattern;
  let flags = caseless ? 'i' : '';
  const inline = /^\(\?([a-z]+)\)/.exec(src);
  if (inline) {
    if (inline[1]!.includes('i')) flags = 'i';
    src = src.slice(inline[0].length);
  }
  // PCRE named groups (?P<name>...) and (?<name>...) both exist; JavaScript knows the latter.
  src = src.replace(/\(\?P</g, '(?<');
  // From the repository: compiled so that it cannot run away (a location regex is a stranger's input).
  return untrustedRegExp(src, flags);
}

/** Directives of a block and of the `if`/`limit_except` blocks directly in it. */
export function ownAndConditional(q: NginxQuery, block: NginxDirective): NginxDirective[] {
  const out: NginxDirective[] = [];
  for (const d of q.levelOf(block).children) {
    out.push(d);
    if (d.block && (d.name === 'if' || d.name === 'limit_except')) out.push(...ownAndConditional(q, d));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Proxying

export const PASS_DIRECTIVES = new Set(['proxy_pass', 'uwsgi_pass', 'fastcgi_pass', 'scgi_pass', 'grpc_pass']);

/** The `*_pass` directive of a location (directly, or in an if/limit_except inside it). */
export function passOf(q: NginxQuery, loc: NginxDirective): NginxDirective | undefined {
  return ownAndConditional(q, loc).find((d) => PASS_DIRECTIVES.has(d.name));
}

/** The `proxy_pass` of a location (directly, or in an if/limit_except inside it). */
export function proxyPassOf(q: NginxQuery, loc: NginxDirective): NginxDirective | undefined {
  return ownAndConditional(q, loc).find((d) => d.name === 'proxy_pass');
}

export interface PassTarget {
  scheme?: string;
  /** Host part (an upstream name, a host name or address); undefined for unix sockets. */
  host?: string;
  port?: number;
  unix: boolean;
  /** The URI part after the host ("" when none). */
  uri: string;
  /** True when the host part holds a variable. */
  variableHost: boolean;
}

/** Parse a `*_pass` target: `http://name:port/uri`, `unix:/path:`, `host:port`. */
export function passTarget(d: NginxDirective): PassTarget {
  const raw = argValue(d, 0);
  let rest = raw;
  let scheme: string | undefined;
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (m) {
    scheme = m[1]!.toLowerCase();
    rest = rest.slice(m[0].length);
  }
  // uwsgi_pass unix:///run/app.sock (a unix: "scheme" followed by an absolute path).
  if (scheme === 'unix') return { scheme: undefined, unix: true, uri: '', variableHost: false };
  if (rest.startsWith('unix:')) {
    const end = rest.indexOf(':', 5);
    return { scheme, unix: true, uri: end >= 0 ? rest.slice(end + 1) : '', variableHost: false };
  }
  const slash = rest.indexOf('/');
  const hostPort = slash >= 0 ? rest.slice(0, slash) : rest;
  const uri = slash >= 0 ? rest.slice(slash) : '';
  const hp = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(hostPort);
  const host = hp ? hp[1]! : hostPort;
  return { scheme, host, port: hp?.[2] ? Number(hp[2]) : undefined, unix: false, uri, variableHost: hostPort.includes('$') };
}

/**
 * Whether a `*_pass` sends requests to the application (an upstream block, a unix socket, a local
 * or private address, or a one-label name such as a compose service `web`), rather than to an
 * external service; undefined when the host is a variable.
 */
export function passesToApp(q: NginxQuery, d: NginxDirective): boolean | undefined {
  const t = passTarget(d);
  if (t.unix) return true;
  if (t.variableHost || !t.host) return undefined;
  if (q.hasPlaceholder(t.host)) return undefined;
  const host = t.host.toLowerCase();
  if (q.upstreams().has(t.host)) return true;
  if (host === 'localhost' || host === '[::1]' || host === '0.0.0.0' || /^127\./.test(host)) return true;
  if (/^(?:10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.)/.test(host)) return true;
  if (/^[a-z0-9_-]+$/.test(host) && !/^\d+$/.test(host)) return true;
  return false;
}

/** Locations that hand requests to the application with proxy_pass (with the directive). */
export function appProxiedLocations(
  q: NginxQuery,
  server: NginxDirective,
  via: ReadonlySet<string> = PROXY_PASS_ONLY,
): Array<{ location: NginxDirective; pass: NginxDirective }> {
  const out: Array<{ location: NginxDirective; pass: NginxDirective }> = [];
  for (const location of q.locations(server)) {
    // ACME challenge locations proxy to a certificate client, not to the application.
    if (/well-known/.test(locationMatch(location).pattern)) continue;
    const pass = ownAndConditional(q, location).find((d) => via.has(d.name));
    if (pass && passesToApp(q, pass) === true) out.push({ location, pass });
  }
  // A proxy_pass directly in an `if` at server level is rare; a server-level proxy_pass is invalid.
  return out;
}

const PROXY_PASS_ONLY: ReadonlySet<string> = new Set(['proxy_pass']);

/** proxy_pass and uwsgi_pass: both hand the request body to the application. */
export const APP_PASS: ReadonlySet<string> = new Set(['proxy_pass', 'uwsgi_pass']);

/** The header name of an add_header / proxy_set_header directive, lower-cased. */
export function headerName(d: NginxDirective): string {
  return argValue(d, 0).toLowerCase();
}

/** Find a header among array directives by (case-insensitive) name. */
export function findHeader(list: readonly NginxDirective[], name: string): NginxDirective | undefined {
  const n = name.toLowerCase();
  return list.find((d) => headerName(d) === n);
}

// ---------------------------------------------------------------------------------------------
// nginx version

/** Compare the known nginx version with a release; undefined when the version is not known. */
export function nginxAtLeast(version: NginxVersion | undefined, major: number, minor: number, patch = 0): boolean | undefined {
  if (!version) return undefined;
  const vp = version.patch ?? Number.POSITIVE_INFINITY;
  if (version.major !== major) return version.major > major;
  if (version.minor !== minor) return version.minor > minor;
  return vp >= patch;
}

/** "nginx 1.24 (from Dockerfile: FROM nginx:1.24-alpine)" style label. */
export function versionLabel(version: NginxVersion): string {
  return `nginx ${version.text} (${version.source})`;
}

// ---------------------------------------------------------------------------------------------
// Common rule guards

/** Production hardening rules skip development configurations (nginx/dev.conf, docker/local/...). */
export function isDevelopment(config: NginxConfig): boolean {
  return config.role === 'development';
}

/** Build a span covering a directive's arguments from n to the end. */
export function argsSpan(d: NginxDirective, from: number): Span {
  const a = d.args[from];
  const b = d.args[d.args.length - 1];
  if (!a || !b) return headSpan(d);
  return { file: a.span.file, start: a.span.start, end: b.span.end };
}
