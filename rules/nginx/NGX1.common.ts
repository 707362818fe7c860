import type { RelatedLocation } from '../../src/core/finding.js';
import type { Span } from '../../src/core/position.js';
import { settingValue } from '../../src/model/django-helpers.js';
import {
  argValue,
  compileNginxRegex,
  isTlsServer,
  locationMatch,
  nginxQuery,
  rejectsHandshake,
  stockOrigin,
  type NginxQuery,
} from '../../src/model/nginx/effective.js';
import type { NginxConfig, NginxDirective } from '../../src/model/nginx/types.js';
import type { PyValue } from '../../src/model/python-value.js';
import type { DeploymentModel, DjangoProject } from '../../src/model/types.js';
import { untrustedRegExp } from '../../src/core/untrusted-regex.js';

/** Shared pieces of the nginx rules NGX010 and up (not a rule: the file name has no rule id form). */

export const NGINX_DOCS = 'https://nginx.org/en/docs';
export const HTTP_CORE = `${NGINX_DOCS}/http/ngx_http_core_module.html`;
export const HTTP_SSL = `${NGINX_DOCS}/http/ngx_http_ssl_module.html`;
export const HTTP_PROXY = `${NGINX_DOCS}/http/ngx_http_proxy_module.html`;
export const HTTP_HEADERS = `${NGINX_DOCS}/http/ngx_http_headers_module.html`;
export const HTTP_REWRITE = `${NGINX_DOCS}/http/ngx_http_rewrite_module.html`;
export const MOZILLA_SSL_CONFIG = 'https://ssl-config.mozilla.org/';
export const MOZILLA_TLS_GUIDELINES = 'https://wiki.mozilla.org/Security/Server_Side_TLS';
export const DJANGO_DOCS = 'https://docs.djangoproject.com/en/stable';
export const GUNICORN_DEPLOY = 'https://docs.gunicorn.org/en/stable/deploy.html';

/** The query object for a configuration (see src/model/nginx/effective.ts). */
export function q(config: NginxConfig, model: DeploymentModel): NginxQuery {
  return nginxQuery(config, model);
}

/** Servers that serve content over TLS (a `listen ... ssl`), not handshake-rejecting catch-alls. */
export function tlsContentServers(query: NginxQuery): NginxDirective[] {
  return query.servers().filter((s) => isTlsServer(query, s) && !rejectsHandshake(query, s));
}

/** A related location pointing at a directive. */
export function rel(d: NginxDirective, message: string): RelatedLocation {
  return { span: d.span, message };
}

/** A related location for the include that brought a stock directive in, when it did. */
export function includeNote(d: NginxDirective): string {
  const origin = stockOrigin(d);
  return origin ? ` (set by the stock file ${origin.stock})` : '';
}

/** Span to point at for a block: its name (the `server` / `location` keyword and arguments). */
export function blockHead(d: NginxDirective): Span {
  const last = d.args[d.args.length - 1];
  return last ? { file: d.nameSpan.file, start: d.nameSpan.start, end: last.span.end } : d.nameSpan;
}

/** `server_name a b` as text for messages ("server a" or "the server at line N"). */
export function serverLabel(query: NginxQuery, server: NginxDirective): string {
  const names = query
    .levelOf(server)
    .children.filter((d) => d.name === 'server_name')
    .flatMap((d) => d.args.map((a) => a.value))
    .filter((n) => n !== '' && n !== '_');
  return names.length > 0 ? `server ${names[0]}` : `the server at line ${server.span.start.line}`;
}

/** A location as text for messages: `location /static/`. */
export function locationLabel(loc: NginxDirective): string {
  return ['location', ...loc.args.map((a) => a.raw)].join(' ');
}

/** Lower-case on/off value of a flag directive. */
export function flag(d: NginxDirective): string {
  return argValue(d, 0).toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// What the Django side of the repository says (for rules whose verdict depends on it)

/** The one Django project of the repository, when there is exactly one. */
export function soleProject(model: DeploymentModel): DjangoProject | undefined {
  return model.djangoProjects.length === 1 ? model.djangoProjects[0] : undefined;
}

/** A setting's effective value in the sole Django project; undefined when not knowable. */
export function djangoSetting(model: DeploymentModel, name: string): PyValue | undefined {
  const project = soleProject(model);
  if (!project) return undefined;
  const v = settingValue(project, name).value;
  return v && v.kind !== 'unknown' ? v : undefined;
}

/** Whether the sole project's MIDDLEWARE contains a class path; undefined when not knowable. */
export function djangoHasMiddleware(model: DeploymentModel, path: string): boolean | undefined {
  const v = djangoSetting(model, 'MIDDLEWARE');
  if (!v || (v.kind !== 'list' && v.kind !== 'tuple')) return undefined;
  let unknown = false;
  for (const item of v.items) {
    if (item.kind === 'str') {
      if (item.value === path) return true;
    } else unknown = true;
  }
  return unknown ? undefined : false;
}

/** A report function that reports each span (and message target) at most once per check. */
export function once(ctx: { report: (input: { message: string; span: Span; related?: RelatedLocation[]; target?: string }) => void }) {
  const seen = new Set<string>();
  return (input: { message: string; span: Span; related?: RelatedLocation[]; target?: string }) => {
    const key = `${input.span.file}:${input.span.start.offset}:${input.target ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    ctx.report(input);
  };
}

/** nginx time value in seconds (`60`, `60s`, `1m30s`, `500ms`, `1h`, `1d`); undefined if unreadable. */
export function nginxSeconds(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, M: 2592000, y: 31536000 };
  let total = 0;
  let rest = t;
  while (rest.length > 0) {
    const m = /^(\d+)(ms|s|m|h|d|w|M|y)/.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * units[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return t.length > 0 ? total : undefined;
}

// ---------------------------------------------------------------------------------------------
// Redirects and content

const REDIRECT_CODES = new Set(['301', '302', '303', '307', '308']);

export interface Redirect {
  directive: NginxDirective;
  /** The status nginx sends: 302 for `return URL` and `rewrite ... redirect` (or no flag). */
  code: number;
  url: string;
}

/** A `return`/`rewrite` that redirects to an absolute URL; undefined for anything else. */
export function redirectOf(d: NginxDirective): Redirect | undefined {
  if (d.name === 'return') {
    const a0 = argValue(d, 0);
    if (d.args.length >= 2 && REDIRECT_CODES.has(a0)) return { directive: d, code: Number(a0), url: argValue(d, 1) };
    if (d.args.length === 1 && /^(?:https?:\/\/|\$scheme)/.test(a0)) return { directive: d, code: 302, url: a0 };
    return undefined;
  }
  if (d.name === 'rewrite' && d.args.length >= 2) {
    const url = argValue(d, 1);
    const flagArg = argValue(d, 2);
    if (flagArg === 'permanent') return { directive: d, code: 301, url };
    if (/^(?:https?:\/\/|\$scheme)/.test(url) && (flagArg === 'redirect' || flagArg === '' || flagArg === 'last' || flagArg === 'break')) return { directive: d, code: 302, url };
    if (flagArg === 'redirect') return { directive: d, code: 302, url };
  }
  return undefined;
}

/** True when a redirect goes to https. */
export function toHttps(r: Redirect): boolean {
  return /^https:\/\//i.test(r.url);
}

/** A `return`, or a `rewrite` whose regex matches every URI, at a level (not inside an if). */
export function levelReturn(query: NginxQuery, block: NginxDirective): NginxDirective | undefined {
  return query.levelOf(block).children.find((d) => d.name === 'return' || (d.name === 'rewrite' && redirectOf(d) !== undefined && matchesEverything(argValue(d, 0))));
}

function matchesEverything(pattern: string): boolean {
  const re = compileNginxRegex(pattern, false);
  return re !== undefined && ['/', '/a/b.html', '/admin/login/?next=/x'].every((s) => re.test(s));
}

/** The `location /` of a server (prefix `/`), if any. */
export function rootLocation(query: NginxQuery, server: NginxDirective): NginxDirective | undefined {
  return query.levelOf(server).children.find((d) => d.name === 'location' && d.block !== undefined && locationMatch(d).modifier === '' && locationMatch(d).pattern === '/');
}

/**
 * Whether the sole Django project sends a header itself: `true` when its settings say so, `false`
 * when they say not, undefined when there is no single project or the settings cannot be known.
 */
export function djangoSends(model: DeploymentModel, middleware: string, setting?: { name: string; on: (v: PyValue) => boolean | undefined }): boolean | undefined {
  if (!soleProject(model)) return undefined;
  const has = djangoHasMiddleware(model, middleware);
  if (has !== true) return has;
  if (!setting) return true;
  const v = djangoSetting(model, setting.name);
  if (!v) return undefined;
  return setting.on(v);
}

export const SECURITY_MIDDLEWARE = 'django.middleware.security.SecurityMiddleware';
export const XFRAME_MIDDLEWARE = 'django.middleware.clickjacking.XFrameOptionsMiddleware';

/** True when some level from the block outwards declares the header (even if a nearer level drops it). */
export function declaredAbove(query: NginxQuery, block: NginxDirective, directive: string, header: string): boolean {
  const h = header.toLowerCase();
  return query.chain(block).some((level) => query.named(level, directive).some((d) => argValue(d, 0).toLowerCase() === h));
}

/** The request header Django's SECURE_PROXY_SSL_HEADER names (lower-case), when it is set and known. */
export function djangoProxySslHeader(model: DeploymentModel): string | undefined {
  const v = djangoSetting(model, 'SECURE_PROXY_SSL_HEADER');
  if (!v || (v.kind !== 'tuple' && v.kind !== 'list')) return undefined;
  const first = v.items[0];
  if (!first || first.kind !== 'str') return undefined;
  return first.value.replace(/^HTTP_/, '').replace(/_/g, '-').toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// Variables and regex captures

/** The variables a value refers to ($name and ${name}), without the `$`. */
export function variablesIn(value: string): string[] {
  return [...value.matchAll(/\$(?:\{(\w+)\}|(\w+))/g)].map((m) => m[1] ?? m[2]!);
}

export interface RegexSource {
  pattern: string;
  caseless: boolean;
  /** The directive whose regex defines the captures (rewrite, location or if). */
  directive: NginxDirective;
}

/**
 * The regex whose captures ($1..$9, named) a directive sees: a rewrite's own regex for its
 * replacement, else the nearest enclosing `if` with `~`/`~*`, else the nearest regex location.
 */
export function captureSource(d: NginxDirective): RegexSource | undefined {
  if (d.name === 'rewrite' && d.args[0]) return { pattern: d.args[0].value, caseless: false, directive: d };
  for (let p = d.parent; p; p = p.parent) {
    if (p.name === 'if') {
      const i = p.args.findIndex((a) => a.value === '~' || a.value === '~*');
      if (i >= 0 && p.args[i + 1]) return { pattern: p.args[i + 1]!.value.replace(/\)$/, ''), caseless: p.args[i]!.value === '~*', directive: p };
    }
    if (p.name === 'location') {
      const m = locationMatch(p);
      if (m.modifier === '~' || m.modifier === '~*') return { pattern: m.pattern, caseless: m.modifier === '~*', directive: p };
      return undefined;
    }
  }
  return undefined;
}

export interface CaptureGroup {
  index: number;
  name?: string;
  source: string;
}

/** The capturing groups of a PCRE pattern, numbered as PCRE numbers them. */
export function captureGroups(pattern: string): CaptureGroup[] {
  const groups: CaptureGroup[] = [];
  const stack: Array<{ start: number; group?: CaptureGroup }> = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
      continue;
    }
    if (c === '(') {
      const rest = pattern.slice(i + 1);
      const named = /^\?(?:P?<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(rest);
      let group: CaptureGroup | undefined;
      if (named) group = { index: groups.length + 1, name: named[1] ?? named[2], source: '' };
      else if (!rest.startsWith('?')) group = { index: groups.length + 1, source: '' };
      if (group) groups.push(group);
      stack.push({ start: named ? i + 1 + named[0].length : i + 1, group });
      continue;
    }
    if (c === ')') {
      const open = stack.pop();
      if (open?.group) open.group.source = pattern.slice(open.start, i);
    }
  }
  return groups;
}

/** True when a regex fragment can match text holding a line break (e.g. `[^/]+`, `\s`, `\W`). */
export function canMatchNewline(source: string): boolean {
  const re = untrustedRegExp(`^(?:${source.replace(/\(\?P</g, '(?<')})$`);
  if (!re) return false;
  return ['\n', 'a\nb', '\r\n', 'a\r\nb', '%\n'].some((s) => re.test(s));
}

/**
 * One finding per server for a defect repeated in several proxied locations: at the first
 * location's proxy_pass, the others as related locations (the fix usually belongs at server level).
 */
export function reportLocations(
  ctx: { report: (input: { message: string; span: Span; related?: RelatedLocation[]; target?: string }) => void },
  hits: Array<{ location: NginxDirective; pass: NginxDirective }>,
  message: (first: NginxDirective, others: number) => string,
  target: string,
): void {
  const [first, ...rest] = hits;
  if (!first) return;
  ctx.report({
    message: message(first.location, rest.length),
    span: headSpanOf(first.pass),
    related: rest.map((h) => ({ span: headSpanOf(h.pass), message: `${locationLabel(h.location)} has the same gap` })),
    target,
  });
}

function headSpanOf(d: NginxDirective): Span {
  const last = d.args[d.args.length - 1];
  return last ? { file: d.nameSpan.file, start: d.nameSpan.start, end: last.span.end } : d.nameSpan;
}

/** " (and 2 more proxied locations)" or "". */
export function andMore(n: number): string {
  return n === 0 ? '' : ` (and ${n} more proxied location${n === 1 ? '' : 's'})`;
}

/**
 * A line-independent name for a server, for fingerprints: its server names, else its listen
 * addresses, else its position among the configuration's servers.
 */
export function serverKey(query: NginxQuery, server: NginxDirective): string {
  const level = query.levelOf(server);
  const names = level.children.filter((d) => d.name === 'server_name').flatMap((d) => d.args.map((a) => a.value));
  if (names.length > 0) return `server ${names.join(' ')}`;
  const listens = level.children.filter((d) => d.name === 'listen').map((d) => d.args.map((a) => a.value).join(' '));
  if (listens.length > 0) return `server listen ${listens.join(', ')}`;
  return `server #${query.servers().indexOf(server) + 1}`;
}
