import type { Span } from '../core/position.js';
import { spanOf, type ParsedPython, type PyNode } from '../parse/python.js';
import { untrustedRegExp } from '../core/untrusted-regex.js';

/**
 * A project's URLconf as Django would resolve it, read statically: the `urlpatterns` of the
 * ROOT_URLCONF module, with include() chains followed into the modules they name. Whatever cannot
 * be read without running the code (a list built in a loop, `router.urls`, a custom route
 * function, i18n_patterns' language prefix) becomes an `opaque` entry, so a question about a
 * path it might answer gets "unknown", never a guess.
 */
export interface UrlConfModule {
  module: string;
  file: string;
  entries: UrlEntry[];
  /** Set when the module has no readable `urlpatterns` at all. */
  opaque?: string;
  /** The `urlpatterns = ...` assignment (where messages point). */
  span?: Span;
}

/** Why an entry may not be in production's URLconf: added under `if settings.DEBUG:`, or under another condition. */
export type UrlCondition = 'debug' | 'other';

export type UrlEntry =
  | { kind: 'route'; fn: 'path' | 're_path' | 'url'; pattern: string; span: Span; condition?: UrlCondition }
  | {
      kind: 'include';
      fn: 'path' | 're_path' | 'url';
      pattern: string;
      span: Span;
      condition?: UrlCondition;
      /** The included module, when it is a dotted name found in the repository; an inline list otherwise. */
      target?: UrlConfModule;
      /** Why the included patterns cannot be known (e.g. `admin.site.urls`, `router.urls`). */
      opaque?: string;
    }
  | { kind: 'opaque'; why: string; span: Span; condition?: UrlCondition };

export interface UrlConfReader {
  /** The file of a dotted module in the project, if the repository has it. */
  fileOf(module: string): string | undefined;
  python(file: string): ParsedPython | undefined;
}

const ROUTE_FUNCTIONS = new Set(['path', 're_path', 'url']);
const MAX_DEPTH = 12;

/** Reads the URLconf rooted at `module` (ROOT_URLCONF). */
export function readUrlConf(module: string, reader: UrlConfReader): UrlConfModule | undefined {
  const file = reader.fileOf(module);
  if (!file) return undefined;
  return readModule(module, file, reader, [], 0);
}

function readModule(module: string, file: string, reader: UrlConfReader, stack: string[], depth: number): UrlConfModule {
  const out: UrlConfModule = { module, file, entries: [] };
  const parsed = reader.python(file);
  if (!parsed) return { ...out, opaque: `${file} could not be read` };
  if (parsed.problems.some((p) => p.kind === 'syntax')) return { ...out, opaque: `${file} has a syntax error` };
  if (parsed.unread) return { ...out, opaque: `${file} was not read (${parsed.unread.message})` };
  if (stack.includes(file) || depth > MAX_DEPTH) return { ...out, opaque: 'include() cycle' };
  const ctx: Ctx = { parsed, reader, stack: [...stack, file], depth, lists: new Map() };
  let found = false;
  // `urlpatterns += ...` before any `urlpatterns = ...` here extends a list imported from elsewhere.
  const importedBase = (span: Span): void => {
    if (!found) out.entries.push({ kind: 'opaque', why: `urlpatterns extended before it is assigned in ${file} (imported from elsewhere)`, span });
    found = true;
  };
  const walk = (block: PyNode, condition: UrlCondition | undefined): void => {
    for (const stmt of block.namedChildren) {
      if (stmt.type === 'if_statement') {
        const cond = stmt.childForFieldName('condition');
        const isDebug = cond !== null && /^(?:settings\.)?DEBUG$/.test(cond.text.trim());
        const body = stmt.childForFieldName('consequence');
        if (body) walk(body, condition ?? (isDebug ? 'debug' : 'other'));
        for (const alt of stmt.namedChildren.filter((c) => c.type === 'else_clause' || c.type === 'elif_clause')) {
          const b = alt.childForFieldName('body') ?? alt.childForFieldName('consequence');
          if (b) walk(b, condition ?? 'other');
        }
        continue;
      }
      if (stmt.type === 'try_statement' || stmt.type === 'with_statement' || stmt.type === 'for_statement' || stmt.type === 'while_statement') {
        for (const c of stmt.namedChildren) if (c.type === 'block' || c.type.endsWith('_clause')) walk(c.type === 'block' ? c : (c.namedChildren.find((x) => x.type === 'block') ?? c), condition ?? 'other');
        continue;
      }
      if (stmt.type !== 'expression_statement') continue;
      const expr = stmt.namedChildren[0];
      if (!expr) continue;
      if (expr.type === 'assignment') {
        const left = expr.childForFieldName('left');
        const right = expr.childForFieldName('right');
        if (!left || !right) continue;
        if (left.type === 'identifier' && left.text === 'urlpatterns') {
          found = true;
          out.entries = condition ? [...out.entries, ...listEntries(right, ctx, condition)] : listEntries(right, ctx, undefined);
          out.span ??= spanOf(parsed, expr);
        } else if (left.type === 'identifier' && !condition) {
          ctx.lists.set(left.text, right);
        }
        continue;
      }
      if (expr.type === 'augmented_assignment') {
        const left = expr.childForFieldName('left');
        const right = expr.childForFieldName('right');
        if (left?.text === 'urlpatterns' && right) {
          importedBase(spanOf(parsed, expr));
          out.entries.push(...listEntries(right, ctx, condition));
        }
        continue;
      }
      if (expr.type === 'call') {
        const fn = expr.childForFieldName('function');
        if (fn?.type === 'attribute' && fn.childForFieldName('object')?.text === 'urlpatterns') {
          const method = fn.childForFieldName('attribute')?.text;
          const args = argsOf(expr);
          importedBase(spanOf(parsed, expr));
          if (method === 'append' && args[0]) out.entries.push(...itemEntries(args[0], ctx, condition));
          else if (method === 'extend' && args[0]) out.entries.push(...listEntries(args[0], ctx, condition));
          else out.entries.push({ kind: 'opaque', why: `urlpatterns.${method ?? '?'}(...)`, span: spanOf(parsed, expr), ...cond(condition) });
        }
      }
    }
  };
  walk(parsed.root, undefined);
  if (!found) return { ...out, opaque: `no urlpatterns assignment in ${file}` };
  return out;
}

interface Ctx {
  parsed: ParsedPython;
  reader: UrlConfReader;
  stack: string[];
  depth: number;
  /** Module-level names bound to expressions (lists of routes reused in urlpatterns). */
  lists: Map<string, PyNode>;
}

function cond(c: UrlCondition | undefined): { condition?: UrlCondition } {
  return c ? { condition: c } : {};
}

function argsOf(call: PyNode): PyNode[] {
  const args = call.childForFieldName('arguments');
  return args ? args.namedChildren.filter((c) => c.type !== 'comment') : [];
}

function calleeName(fn: PyNode | null): string | undefined {
  if (!fn) return undefined;
  if (fn.type === 'identifier') return fn.text;
  if (fn.type === 'attribute') return fn.childForFieldName('attribute')?.text;
  return undefined;
}

/** The entries of an expression that evaluates to a list of patterns. */
function listEntries(node: PyNode, ctx: Ctx, condition: UrlCondition | undefined, seen = new Set<string>()): UrlEntry[] {
  const span = spanOf(ctx.parsed, node);
  switch (node.type) {
    case 'list':
    case 'tuple':
      return node.namedChildren.filter((c) => c.type !== 'comment').flatMap((c) => itemEntries(c, ctx, condition, seen));
    case 'parenthesized_expression': {
      const inner = node.namedChildren.find((c) => c.type !== 'comment');
      return inner ? listEntries(inner, ctx, condition, seen) : [];
    }
    case 'binary_operator': {
      const op = node.childForFieldName('operator')?.text;
      const l = node.childForFieldName('left');
      const r = node.childForFieldName('right');
      if (op === '+' && l && r) return [...listEntries(l, ctx, condition, seen), ...listEntries(r, ctx, condition, seen)];
      break;
    }
    case 'identifier': {
      const bound = ctx.lists.get(node.text);
      if (bound && !seen.has(node.text)) return listEntries(bound, ctx, condition, new Set([...seen, node.text]));
      break;
    }
    case 'call': {
      const name = calleeName(node.childForFieldName('function'));
      // static() adds nothing unless DEBUG is on (django.conf.urls.static returns [] otherwise).
      if (name === 'static' || name === 'staticfiles_urlpatterns') return [{ kind: 'opaque', why: `${name}() (serves files only when DEBUG is on)`, span, condition: 'debug' }];
      if (name === 'i18n_patterns') return [{ kind: 'opaque', why: 'i18n_patterns() (a language prefix decided per request)', span, ...cond(condition) }];
      if (name === 'list') {
        const a = argsOf(node)[0];
        if (a) return listEntries(a, ctx, condition, seen);
      }
      break;
    }
  }
  return [{ kind: 'opaque', why: `urlpatterns built from ${node.text.length > 60 ? node.text.slice(0, 57) + '...' : node.text}`, span, ...cond(condition) }];
}

/** The entries one list item contributes (one route, or `*other` spliced in). */
function itemEntries(node: PyNode, ctx: Ctx, condition: UrlCondition | undefined, seen = new Set<string>()): UrlEntry[] {
  const span = spanOf(ctx.parsed, node);
  if (node.type === 'list_splat') {
    const inner = node.namedChildren[0];
    return inner ? listEntries(inner, ctx, condition, seen) : [];
  }
  if (node.type !== 'call') return [{ kind: 'opaque', why: `a pattern written as ${short(node.text)}`, span, ...cond(condition) }];
  const name = calleeName(node.childForFieldName('function'));
  if (!name || !ROUTE_FUNCTIONS.has(name)) return [{ kind: 'opaque', why: `${short(node.text)} (not path(), re_path() or url())`, span, ...cond(condition) }];
  const fn = name as 'path' | 're_path' | 'url';
  const args = argsOf(node);
  const routeArg = args[0]?.type === 'keyword_argument' ? undefined : args[0];
  const routeKw = args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'route')?.childForFieldName('value');
  const pattern = routeArg ? stringLiteral(routeArg) : routeKw ? stringLiteral(routeKw) : undefined;
  if (pattern === undefined) return [{ kind: 'opaque', why: `a ${fn}() whose pattern is not a string literal`, span, ...cond(condition) }];
  const view = args[1]?.type === 'keyword_argument' ? args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'view')?.childForFieldName('value') : args[1];
  if (!view) return [{ kind: 'opaque', why: `${fn}() without a view`, span, ...cond(condition) }];
  const inc = includeOf(view, ctx);
  if (inc) return [{ kind: 'include', fn, pattern, span, ...cond(condition), ...inc }];
  return [{ kind: 'route', fn, pattern, span, ...cond(condition) }];
}

/** What a view argument includes: a module, an inline list, or something opaque; undefined for a plain view. */
function includeOf(view: PyNode, ctx: Ctx): { target?: UrlConfModule; opaque?: string } | undefined {
  // admin.site.urls, router.urls, some_app.urls: an attribute named `urls` is a (patterns, app, ns) tuple.
  if (view.type === 'attribute' && view.childForFieldName('attribute')?.text === 'urls') return { opaque: `${view.text} (patterns built at run time)` };
  if (view.type === 'tuple') return { opaque: `a (patterns, app_name) tuple` };
  if (view.type !== 'call' || calleeName(view.childForFieldName('function')) !== 'include') return undefined;
  let arg = argsOf(view)[0];
  if (!arg) return { opaque: 'include() without arguments' };
  // include(('app.urls', 'app_name')) / include(([...], 'app_name'))
  if (arg.type === 'tuple' || arg.type === 'parenthesized_expression') arg = arg.namedChildren.find((c) => c.type !== 'comment') ?? arg;
  const dotted = stringLiteral(arg);
  if (dotted !== undefined) {
    const file = ctx.reader.fileOf(dotted);
    if (!file) return { opaque: `include('${dotted}'): the module is not in the repository` };
    return { target: readModule(dotted, file, ctx.reader, ctx.stack, ctx.depth + 1) };
  }
  if (arg.type === 'list' || arg.type === 'identifier') {
    const entries = listEntries(arg, ctx, undefined);
    if (arg.type === 'identifier' && entries.length === 1 && entries[0]!.kind === 'opaque') return { opaque: `include(${arg.text}): a module object or list this reader does not follow` };
    return { target: { module: `${ctx.stack[ctx.stack.length - 1]}:inline`, file: ctx.parsed.path, entries } };
  }
  return { opaque: `include(${short(arg.text)})` };
}

function short(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** The value of a plain (non f-) string literal or implicit concatenation of them; raw strings kept raw. */
export function stringLiteral(node: PyNode): string | undefined {
  if (node.type === 'concatenated_string') {
    const parts = node.namedChildren.map(stringLiteral);
    return parts.every((p) => p !== undefined) ? parts.join('') : undefined;
  }
  if (node.type !== 'string') return undefined;
  if (node.namedChildren.some((c) => c.type === 'interpolation')) return undefined;
  const start = node.namedChildren.find((c) => c.type === 'string_start')?.text ?? node.text.slice(0, 1);
  let prefix = start.toLowerCase();
  while (prefix.endsWith('"') || prefix.endsWith("'")) prefix = prefix.slice(0, -1);
  if (prefix.includes('b') || prefix.includes('f')) return undefined;
  const raw = prefix.includes('r');
  return node.namedChildren
    .filter((c) => c.type === 'string_content' || c.type === 'escape_sequence')
    .map((c) => (c.type === 'escape_sequence' && !raw ? unescape(c.text) : c.text))
    .join('');
}

function unescape(seq: string): string {
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
  const c = seq.slice(1);
  if (c in simple) return simple[c]!;
  if (/^x[0-9a-f]{2}$/i.test(c)) return String.fromCharCode(parseInt(c.slice(1), 16));
  // Python keeps unknown escapes (`\d`, `\.`) as written: what regex patterns rely on.
  return seq;
}

// ---------------------------------------------------------------------------------------------
// Resolving a path

/** Django's built-in path converters (django.urls.converters), as regular expressions. */
const CONVERTERS: Record<string, string> = {
  int: '[0-9]+',
  str: '[^/]+',
  slug: '[-a-zA-Z0-9_]+',
  uuid: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
  path: '.+',
};

/** A path() route as Django compiles it (django.urls.resolvers._route_to_regex); undefined for a custom converter. */
export function routeToRegex(route: string, endpoint: boolean): RegExp | undefined {
  let src = '^';
  let rest = route;
  for (;;) {
    const m = nextParameter(rest);
    if (!m) break;
    src += escapeRegex(rest.slice(0, m.index));
    const re = CONVERTERS[m.type ?? 'str'];
    if (re === undefined) return undefined;
    src += `(${re})`;
    rest = rest.slice(m.end);
  }
  src += escapeRegex(rest);
  if (endpoint) src += '$';
  // Linear time: a route of many <path:x> converters (each `.+`) backtracks polynomially without end.
  return untrustedRegExp(src);
}

/**
 * The first `<converter:name>` / `<name>` of a route, as Django's
 * `<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>` finds it, without that regex's quadratic
 * backtracking on a route full of unclosed `<`.
 */
function nextParameter(route: string): { index: number; end: number; type?: string } | undefined {
  let from = 0;
  for (;;) {
    const lt = route.indexOf('<', from);
    if (lt < 0) return undefined;
    const gt = route.indexOf('>', lt + 1);
    if (gt < 0) return undefined;
    const content = route.slice(lt + 1, gt);
    if (content.length === 0) {
      from = lt + 1;
      continue;
    }
    const colon = content.indexOf(':');
    if (colon > 0 && colon < content.length - 1) return { index: lt, end: gt + 1, type: content.slice(0, colon) };
    return { index: lt, end: gt + 1 };
  }
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** A Python `re` pattern as a JavaScript RegExp, when the translation is faithful; undefined otherwise. */
export function pythonRegex(pattern: string): RegExp | undefined {
  let src = pattern;
  let flags = '';
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (inline) {
    if (/[Lmx]/.test(inline[1]!)) return undefined;
    if (inline[1]!.includes('i')) flags += 'i';
    if (inline[1]!.includes('s')) flags += 's';
    src = src.slice(inline[0].length);
  }
  if (src.startsWith('\\A')) src = `^${src.slice(2)}`;
  if (src.endsWith('\\Z') && !src.endsWith('\\\\Z')) src = `${src.slice(0, -2)}$`;
  // Constructs JavaScript reads differently or not at all: refuse rather than guess.
  if (/\\[AZNU]|\(\?P=|\(\?\(|\(\?>|\(\?[aiLmsux-]+[:)]|[*+?}]\+/.test(src)) return undefined;
  src = src.replace(/\(\?P</g, '(?<');
  // From the repository: compiled so that it cannot run away on the tool's probe paths.
  return untrustedRegExp(src, flags);
}

export type Resolution =
  /** A route matches the path: Django calls its view. */
  | { kind: 'match'; entry: UrlEntry; module: UrlConfModule }
  /** No pattern matches: Django answers 404 (CommonMiddleware may first redirect to the path with a slash). */
  | { kind: 'none' }
  /** Something that cannot be read statically might match it. */
  | { kind: 'unknown'; why: string; span?: Span };

export interface ResolveOptions {
  /** Whether production runs with DEBUG on (routes under `if settings.DEBUG:` then count); undefined = not known. */
  debug: boolean | undefined;
}

/**
 * Does any pattern of the URLconf match `path` (the request path, with its leading slash)?
 * Patterns are tried as Django's resolver tries them: path() routes anchored at the start and,
 * for views, at the end; re_path() patterns searched as written; include() prefixes consumed and
 * the rest resolved in the included module.
 */
export function resolvePath(conf: UrlConfModule, path: string, opts: ResolveOptions): Resolution {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.split(/[?#]/)[0]!);
  } catch {
    return { kind: 'unknown', why: 'the path is not valid percent-encoding' };
  }
  if (!decoded.startsWith('/')) return { kind: 'unknown', why: 'the path does not start with /' };
  return resolveIn(conf, decoded.slice(1), opts);
}

function resolveIn(mod: UrlConfModule, rest: string, opts: ResolveOptions): Resolution {
  if (mod.opaque) return { kind: 'unknown', why: mod.opaque, ...(mod.span ? { span: mod.span } : {}) };
  let unknown: Resolution | undefined;
  for (const entry of mod.entries) {
    if (entry.condition === 'debug' && opts.debug === false) continue;
    const r = resolveEntry(mod, entry, rest, opts);
    if (r.kind === 'match') {
      if (entry.condition === 'other' || (entry.condition === 'debug' && opts.debug !== true)) {
        unknown ??= { kind: 'unknown', why: `it matches a route added only under a condition (${entry.condition === 'debug' ? 'DEBUG' : 'an if/try block'})`, span: entry.span };
        continue;
      }
      return r;
    }
    if (r.kind === 'unknown') unknown ??= r;
  }
  return unknown ?? { kind: 'none' };
}

function patternRegex(entry: Exclude<UrlEntry, { kind: 'opaque' }>, endpoint: boolean): RegExp | undefined {
  if (entry.fn === 'path') return routeToRegex(entry.pattern, endpoint);
  return pythonRegex(entry.pattern);
}

function resolveEntry(mod: UrlConfModule, entry: UrlEntry, rest: string, opts: ResolveOptions): Resolution {
  if (entry.kind === 'opaque') return { kind: 'unknown', why: entry.why, span: entry.span };
  const endpoint = entry.kind === 'route';
  const re = patternRegex(entry, endpoint);
  if (!re) return { kind: 'unknown', why: `the pattern '${entry.pattern}' uses a converter or regex syntax this reader does not interpret`, span: entry.span };
  let m: RegExpExecArray | null;
  if (entry.fn !== 'path' && endpoint && entry.pattern.endsWith('$')) {
    // Django >= 2.0 fullmatches endpoint regexes that end with $.
    m = re.exec(rest);
    if (m && (m.index !== 0 || m[0].length !== rest.length)) {
      const full = new RegExp(`^(?:${re.source})$`, re.flags);
      m = full.exec(rest);
    }
  } else m = re.exec(rest);
  if (!m) return { kind: 'none' };
  if (entry.kind === 'route') return { kind: 'match', entry, module: mod };
  if (entry.opaque || !entry.target) return { kind: 'unknown', why: entry.opaque ?? 'an include() this reader cannot follow', span: entry.span };
  return resolveIn(entry.target, rest.slice(m.index + m[0].length), opts);
}

/** Every module of the URLconf (the root and what it includes), for messages and related locations. */
export function urlConfFiles(conf: UrlConfModule): string[] {
  const files = new Set<string>();
  const visit = (m: UrlConfModule) => {
    files.add(m.file);
    for (const e of m.entries) if (e.kind === 'include' && e.target) visit(e.target);
  };
  visit(conf);
  return [...files];
}
