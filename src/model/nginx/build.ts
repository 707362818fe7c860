import type { Notice } from '../../core/finding.js';
import type { Span } from '../../core/position.js';
import { makeSourceText, type SourceText } from '../../core/source.js';
import { readText } from '../../discover/read.js';
import type { DiscoveredFile } from '../../discover/types.js';
import { BLOCK_DIRECTIVES, SIMPLE_DIRECTIVES } from '../../parse/nginx/directives.js';
import { apacheSectionAt } from '../../parse/apache.js';
import type { ApacheFile } from '../apache.js';
import { splitNginxDump, type DumpSegment } from '../../parse/nginx/dump.js';
import { parseNginx, type ParsedDirective, type ParsedNginxFile } from '../../parse/nginx/parse.js';
import { hasPlaceholder, placeholdersIn, templateEngineOf, type TemplateEngine } from '../../parse/nginx/template.js';
import type { ModelSources } from '../build.js';
import type { NginxConfig, NginxContext, NginxDirective, NginxInclude, NginxProblem } from './types.js';
import { untrustedRegExp } from '../../core/untrusted-regex.js';
import { filesByPath } from '../files.js';

/**
 * nginx configuration trees from the discovered files.
 *
 * - Main files: a file whose top level has `http {` or `events {` (nginx.conf), and `nginx -T`
 *   dumps (split back into their files by the `# configuration file PATH:` lines).
 * - Every other nginx file that no configuration includes becomes its own configuration: site files
 *   (sites-*, conf.d/, templates/, or any file with a top-level `server {`) in the `http` context, a
 *   file of bare `location` blocks in the `server` context, other fragments in the `unknown` one.
 *   A `.conf` of no known kind (conf-candidate) counts only when its content is nginx's.
 * - `include` is expanded in place, per include site, with nginx's rules: relative paths against the
 *   configuration's directory (the conf prefix: the main file's directory; for a site file, the
 *   directory above sites-enabled/, conf.d/ ...), globs sorted, an empty glob accepted. Absolute
 *   paths under /etc/nginx/ are mapped onto that directory: a repository's deploy/nginx/conf.d/app.conf
 *   is what /etc/nginx/conf.d/*.conf means. Files nginx packages ship (mime.types, fastcgi_params,
 *   proxy_params ...) are not expected in a repository: an info notice, never a problem.
 * - One deliberate difference from nginx: a glob does not bring in files that cannot be nginx
 *   configuration on a server (README.md, editor backups).
 */

const MAX_INCLUDE_DEPTH = 10;

/** Directory names whose parent is nginx's configuration directory (/etc/nginx). */
const NGINX_SUBDIRS = new Set(['sites-available', 'sites-enabled', 'conf.d', 'snippets', 'templates', 'modules-enabled', 'default.d', 'http.d', 'vhosts.d', 'servers']);

/** Absolute prefixes that stand for nginx's configuration directory on common systems. */
const NGINX_PREFIXES = ['/etc/nginx/', '/usr/local/etc/nginx/', '/usr/local/nginx/conf/', '/opt/homebrew/etc/nginx/', '/etc/openresty/', '/usr/local/openresty/nginx/conf/'];

/** Files and globs nginx packages ship: an include of one is fine even when the repository lacks it. */
const DISTRIBUTION_FILES = [
  /^mime\.types$/, /^(?:fastcgi|scgi|uwsgi)_params$/, /^fastcgi\.conf$/, /^proxy_params$/, /^koi-(?:utf|win)$/, /^win-utf$/,
  /^snippets\/(?:fastcgi-php|snakeoil)\.conf$/, /^modules-enabled\//, /^modules\//, /^default\.d\//,
];

/** A file a glob on a server would hold, but a repository keeps beside configuration for people. */
const NOT_CONFIG = /\.(?:md|markdown|txt|rst|adoc|orig|bak|rej|swp|swo|dpkg-\w+|rpm\w+)$|~$|(?:^|\/)(?:README|LICENSE|\.gitkeep|\.keep)[^/]*$/i;

/** Path words of a development configuration (unless the project's configuration names the file's role). */
const DEV_WORDS = new Set(['dev', 'devel', 'develop', 'development', 'local', 'localhost', 'test', 'tests', 'testing', 'e2e', 'ci', 'example', 'examples', 'sample', 'samples', 'demo']);

/** Blocks that only an nginx http/stream configuration has at its top level. */
const NGINX_TOP_BLOCKS = new Set(['server', 'upstream', 'http', 'events', 'stream', 'mail', 'location', 'map', 'geo', 'split_clients']);

interface LoadedFile {
  path: string;
  source: SourceText;
  /** Parsed with no context (to classify the file and find its includes). */
  parsed?: ParsedNginxFile;
  /** Parsed in the context it is read in (`http`, a location ...), by context name. */
  parses: Map<string, ParsedNginxFile>;
  engine?: TemplateEngine;
}

/** `apacheFiles`, when given, receives the candidates that turned out to be Apache httpd files (not read as nginx). */
export function buildNginxConfigs(files: DiscoveredFile[], sources: ModelSources, notices: Notice[], apacheFiles?: ApacheFile[]): NginxConfig[] {
  return new NginxBuilder(files, sources, notices, apacheFiles).build();
}

class NginxBuilder {
  private readonly byPath: ReadonlyMap<string, DiscoveredFile>;
  private readonly loaded = new Map<string, LoadedFile | null>();
  private readonly noticed = new Set<string>();

  constructor(
    private readonly files: DiscoveredFile[],
    private readonly sources: ModelSources,
    private readonly notices: Notice[],
    private readonly apacheFiles?: ApacheFile[],
  ) {
    this.byPath = filesByPath(files);
    for (const n of notices) if (n.file && (n.kind === 'too-large' || n.kind === 'unreadable' || n.kind === 'binary')) this.skipped.set(n.file, n.message);
  }

  /** Files discovery saw but did not keep (too large, unreadable, binary), with why. */
  private readonly skipped = new Map<string, string>();

  build(): NginxConfig[] {
    const candidates = this.files
      .filter((f) => f.kind === 'nginx' || f.kind === 'conf-candidate' || isDumpName(f.path))
      .map((f) => f.path)
      .sort();
    const configs: NginxConfig[] = [];
    const mains: string[] = [];
    const others: string[] = [];
    for (const path of candidates) {
      const file = this.load(path);
      if (!file) continue;
      const segments = splitNginxDump(file.source.text);
      if (segments) {
        configs.push(this.buildDump(file, segments));
        continue;
      }
      if (isDumpName(path) && this.byPath.get(path)!.kind === 'other') continue;
      // Only a file nginx itself would refuse: one that reads as valid nginx is nginx, whatever it holds.
      const apache = file.parsed?.problems.some((p) => p.kind === 'syntax') ? apacheSectionAt(file.source.text) : undefined;
      if (apache) {
        this.notices.push({
          kind: 'info',
          file: path,
          span: file.source.lines.lineSpan(path, apache.line),
          message: `an Apache httpd configuration (<${apache.tag}>), not nginx: its settings are not checked`,
        });
        this.apacheFiles?.push({ path, section: apache });
        continue;
      }
      if (this.byPath.get(path)!.kind === 'conf-candidate' && !looksLikeNginx(file)) continue;
      const top = file.parsed?.directives ?? [];
      if (top.some((d) => d.block && (d.name === 'http' || d.name === 'events'))) mains.push(path);
      else others.push(path);
    }

    const included = new Set<string>();
    for (const path of mains) {
      const config = this.buildConfig(path, 'main', dirOf(path), false);
      config.files.slice(1).forEach((f) => included.add(f));
      configs.push(config);
    }

    // Files another remaining file includes are read where they are included, not on their own.
    const remaining = others.filter((p) => !included.has(p));
    const includedByOthers = new Set<string>();
    for (const path of remaining) {
      const file = this.load(path)!;
      for (const target of this.includeTargets(file, prefixOf(path))) if (target !== path) includedByOthers.add(target);
    }
    for (const path of remaining) {
      if (includedByOthers.has(path)) continue;
      const file = this.load(path)!;
      configs.push(this.buildConfig(path, contextOf(path, file), prefixOf(path), true));
    }
    return configs;
  }

  /** Read, classify and parse a file once (any discovered file: include targets may be of any kind). */
  private load(path: string): LoadedFile | undefined {
    const cached = this.loaded.get(path);
    if (cached !== undefined) return cached ?? undefined;
    const file = this.byPath.get(path);
    let source: SourceText | undefined;
    if (file) {
      source = this.sources.text(path);
      if (!source && !this.sources.byPath.has(path)) {
        // Not a kind the model reads by default (proxy_params, mime.types, an nginx -T dump saved as .txt).
        const { text, notice } = readText(file);
        if (notice) this.notices.push(notice);
        if (text !== undefined) source = makeSourceText(path, text);
      }
    }
    if (!source) {
      this.loaded.set(path, null);
      return undefined;
    }
    const engine = templateEngineOf(path, source.text);
    const loaded: LoadedFile = { path, source, engine, parses: new Map() };
    if (engine !== 'jinja') loaded.parsed = parseNginx(path, source.text, { lines: source.lines });
    this.loaded.set(path, loaded);
    return loaded;
  }

  /** Repo paths an include pattern may bring in, without building anything (to find roots). */
  private includeTargets(file: LoadedFile, prefix: string): string[] {
    const out: string[] = [];
    const walk = (ds: ParsedDirective[]) => {
      for (const d of ds) {
        if (d.name === 'include' && d.args.length === 1 && !d.block) out.push(...this.resolve(d.args[0]!.value, prefix, dirOf(file.path), true).files);
        if (d.block) walk(d.block);
      }
    };
    walk(file.parsed?.directives ?? []);
    return out;
  }

  /**
   * Where an include points in the repository. `fallbackDir` (the including file's directory) is
   * tried after the prefix only when the prefix was inferred (a site file), not for a main file.
   */
  private resolve(pattern: string, prefix: string, fallbackDir: string, inferredPrefix: boolean): NginxInclude {
    const result = (status: NginxInclude['status'], files: string[] = []): NginxInclude => ({ pattern, files, status });
    if (pattern.includes('$') || pattern === '') return result('unresolvable');
    let rel: string | undefined;
    if (pattern.startsWith('/')) {
      const known = NGINX_PREFIXES.find((p) => pattern.startsWith(p));
      if (known) rel = pattern.slice(known.length);
      else {
        // A repository that mirrors the file system (etc/nginx/...) may hold other absolute paths too.
        const fsRoot = /(?:^|\/)etc\/nginx$/.test(prefix) ? prefix.slice(0, -'etc/nginx'.length).replace(/\/$/, '') : undefined;
        if (fsRoot !== undefined) {
          const files = this.match(joinPath(fsRoot, pattern.slice(1)));
          if (files.length > 0) return result('resolved', files);
        }
        return result('outside');
      }
    } else rel = pattern;
    const candidates = [joinPath(prefix, rel)];
    if (inferredPrefix && !pattern.startsWith('/') && fallbackDir !== prefix) candidates.push(joinPath(fallbackDir, rel));
    const glob = /[*?[]/.test(rel);
    // The official Docker image renders templates/X.template into conf.d/X at start-up.
    const rendered = normalizePath(rel).startsWith('conf.d/') ? this.match(joinPath(prefix, `templates/${normalizePath(rel).slice('conf.d/'.length)}.template`)) : [];
    for (const candidate of candidates) {
      const files = this.match(candidate);
      if (files.length > 0 || rendered.length > 0) {
        const byName = (f: string) => f.slice(f.lastIndexOf('/') + 1).replace(/\.template$/, '');
        const all = [...files, ...rendered.filter((t) => !files.some((f) => byName(f) === byName(t)))];
        return result('resolved', all.sort((a, b) => (byName(a) < byName(b) ? -1 : byName(a) > byName(b) ? 1 : 0)));
      }
    }
    if (!glob) {
      const skipped = candidates.find((c) => this.skipped.has(normalizePath(c)));
      if (skipped) return result('limit', [normalizePath(skipped)]);
    }
    if (DISTRIBUTION_FILES.some((re) => re.test(normalizePath(rel)))) return result('distribution');
    return result(glob ? 'empty-glob' : 'missing');
  }

  /** Discovered files matching a repo-relative path or glob (nginx's glob: sorted, `*` stays within a directory, no leading dots). */
  private match(repoPattern: string): string[] {
    const pattern = normalizePath(repoPattern);
    if (pattern.startsWith('../')) return [];
    if (!/[*?[]/.test(pattern)) return this.byPath.has(pattern) ? [pattern] : [];
    const re = globToRegExp(pattern);
    return [...this.byPath.keys()].filter((p) => re.test(p) && !NOT_CONFIG.test(p)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * The file parsed in the block it is read in (the parent of the include site; `http` for a
   * site file): structure checks that depend on it (`server x;` in http, names in a `map` block).
   */
  private parsedIn(file: LoadedFile, context: string | undefined): ParsedNginxFile | undefined {
    if (!file.parsed || context === undefined) return file.parsed;
    let parsed = file.parses.get(context);
    if (!parsed) {
      parsed = parseNginx(file.path, file.source.text, { lines: file.source.lines, context });
      file.parses.set(context, parsed);
    }
    return parsed;
  }

  private buildConfig(mainPath: string, context: NginxContext, prefix: string, inferredPrefix: boolean): NginxConfig {
    const main = this.load(mainPath)!;
    const config: NginxConfig = {
      mainFile: mainPath,
      files: [mainPath],
      span: main.source.lines.lineSpan(mainPath, 1),
      context,
      directives: [],
      problems: [],
      template: false,
      role: this.sources.configuredRole(mainPath) ?? roleOf(mainPath),
      source: 'file',
      prefix,
    };
    const state = new ConfigState(config);
    const top = context === 'http' || context === 'server' ? context : undefined;
    const parsed = this.parsedIn(main, top);
    this.addFileFacts(main, parsed, state);
    config.directives = this.instantiate(parsed?.directives ?? [], undefined, top, [], [mainPath], state, (pattern, site) =>
      this.resolve(pattern, prefix, dirOf(site), inferredPrefix),
    );
    config.problems = state.problems();
    return config;
  }

  private buildDump(file: LoadedFile, segments: DumpSegment[]): NginxConfig {
    const path = file.path;
    const parsedSegments = new Map<string, ParsedNginxFile>();
    for (const seg of segments) {
      if (!parsedSegments.has(seg.path)) parsedSegments.set(seg.path, parseNginx(path, file.source.text, { lines: file.source.lines, start: seg.start, end: seg.end }));
    }
    const mainSeg = segments[0]!;
    const confDir = mainSeg.path.replace(/\/[^/]*$/, '') || '/';
    const config: NginxConfig = {
      mainFile: path,
      files: [path],
      span: file.source.lines.lineSpan(path, file.source.lines.positionAt(mainSeg.start).line),
      context: 'main',
      directives: [],
      problems: [],
      template: false,
      role: this.sources.configuredRole(path) ?? roleOf(path),
      source: 'dump',
      prefix: dirOf(path),
    };
    const state = new ConfigState(config);
    for (const p of parsedSegments.values()) state.addParsedProblems(p);
    const segmentPaths = [...parsedSegments.keys()];
    const resolveInDump = (pattern: string): NginxInclude => {
      const abs = pattern.startsWith('/') ? pattern : `${confDir}/${pattern}`;
      const re = globToRegExp(normalizePath(abs.slice(1)));
      const files = segmentPaths.filter((p) => re.test(p.slice(1))).sort();
      if (files.length > 0) return { pattern, files, status: 'resolved' };
      return { pattern, files: [], status: /[*?[]/.test(pattern) ? 'empty-glob' : 'missing' };
    };
    config.directives = this.instantiateDump(parsedSegments.get(mainSeg.path)!.directives, undefined, [], [mainSeg.path], state, parsedSegments, resolveInDump);
    config.problems = state.problems();
    return config;
  }

  private instantiateDump(
    parsed: ParsedDirective[],
    parent: NginxDirective | undefined,
    includedFrom: Span[],
    chain: string[],
    state: ConfigState,
    segments: Map<string, ParsedNginxFile>,
    resolve: (pattern: string) => NginxInclude,
  ): NginxDirective[] {
    const out: NginxDirective[] = [];
    for (const pd of parsed) {
      const d = makeDirective(pd, parent, includedFrom);
      out.push(d);
      if (pd.block) d.block = this.instantiateDump(pd.block, d, includedFrom, chain, state, segments, resolve);
      if (!isInclude(pd)) continue;
      const inc = resolve(pd.args[0]!.value);
      d.include = inc;
      for (const target of inc.files) {
        if (chain.includes(target)) {
          inc.status = 'cycle';
          state.problem({ kind: 'include', message: `include cycle: ${[...chain, target].join(' -> ')}`, span: pd.span });
          continue;
        }
        out.push(...this.instantiateDump(segments.get(target)!.directives, parent, [...includedFrom, pd.span], [...chain, target], state, segments, resolve));
      }
    }
    return out;
  }

  /** Copy a file's parsed tree into the configuration, expanding includes at each include site. */
  private instantiate(
    parsed: ParsedDirective[],
    parent: NginxDirective | undefined,
    top: string | undefined,
    includedFrom: Span[],
    chain: string[],
    state: ConfigState,
    resolve: (pattern: string, includingFile: string) => NginxInclude,
  ): NginxDirective[] {
    const out: NginxDirective[] = [];
    for (const pd of parsed) {
      const d = makeDirective(pd, parent, includedFrom);
      out.push(d);
      if (pd.block) d.block = this.instantiate(pd.block, d, top, includedFrom, chain, state, resolve);
      if (!isInclude(pd)) continue;
      const inc = resolve(pd.args[0]!.value, chain[chain.length - 1]!);
      d.include = inc;
      this.noteUnresolved(inc, pd, state);
      const brought: NginxDirective[] = [];
      if (inc.status === 'limit') {
        const target = inc.files[0]!;
        state.problem({ kind: 'limit', message: `${target} is not read (${this.skipped.get(target) ?? 'skipped'}); what it sets is not known`, span: pd.span });
        inc.files = [];
        continue;
      }
      for (const target of inc.files) {
        if (chain.includes(target)) {
          inc.status = 'cycle';
          state.problem({ kind: 'include', message: `include cycle: ${[...chain, target].join(' -> ')}`, span: pd.span });
          continue;
        }
        if (chain.length > MAX_INCLUDE_DEPTH) {
          inc.status = 'limit';
          state.problem({ kind: 'limit', message: `includes nested deeper than ${MAX_INCLUDE_DEPTH} levels; ${target} is not read`, span: pd.span });
          continue;
        }
        const file = this.load(target);
        if (!file) {
          inc.status = 'limit';
          state.problem({ kind: 'limit', message: `${target} could not be read (see the notices); what it sets is not known`, span: pd.span });
          continue;
        }
        state.addFile(target);
        const parsed = this.parsedIn(file, parent?.name ?? top);
        this.addFileFacts(file, parsed, state);
        brought.push(...this.instantiate(parsed?.directives ?? [], parent, top, [...includedFrom, pd.span], [...chain, target], state, resolve));
      }
      out.push(...brought);
    }
    return out;
  }

  private noteUnresolved(inc: NginxInclude, pd: ParsedDirective, state: ConfigState): void {
    const where = pd.span;
    if (inc.status === 'missing') {
      state.problem({ kind: 'include', message: `included file "${inc.pattern}" is not in the repository; what it sets is not known`, span: where });
    } else if (inc.status === 'distribution' || inc.status === 'outside') {
      const key = `${where.file}:${where.start.offset}`;
      if (this.noticed.has(key)) return;
      this.noticed.add(key);
      const why = inc.status === 'distribution'
        ? 'a file nginx packages ship, not expected in the repository'
        : 'outside nginx\'s configuration directory, not in the repository';
      this.notices.push({ kind: 'info', message: `include "${inc.pattern}" is ${why}; its content is not checked`, span: where, file: where.file });
    }
  }

  /** Problems and template facts of one file, once per configuration. */
  private addFileFacts(file: LoadedFile, parsed: ParsedNginxFile | undefined, state: ConfigState): void {
    if (!state.firstTime(file.path)) return;
    if (parsed) state.addParsedProblems(parsed);
    if (file.engine === 'jinja') {
      state.config.template = true;
      state.problem({ kind: 'template', message: `${file.path} is a Jinja/Go template; it is not nginx configuration until rendered and is not checked`, span: file.source.lines.lineSpan(file.path, 1) });
      this.notice(`Jinja/Go template; not parsed as nginx configuration`, file.path);
      return;
    }
    const placeholder = firstPlaceholder(parsed?.directives ?? []);
    if (file.engine === 'envsubst' || placeholder) {
      state.config.template = true;
      const names = placeholder ? ` (${placeholdersIn(placeholder.value).join(', ')} ...)` : '';
      state.problem({
        kind: 'template',
        message: `${file.path} is an envsubst template${names}: values holding a placeholder are filled in when the container starts and are not judged`,
        span: placeholder?.span ?? file.source.lines.lineSpan(file.path, 1),
      });
      this.notice(`envsubst template; values holding placeholders are not judged`, file.path);
    }
  }

  private notice(message: string, file: string): void {
    const key = `${file}\0${message}`;
    if (this.noticed.has(key)) return;
    this.noticed.add(key);
    this.notices.push({ kind: 'info', message, file });
  }
}

/** Problems of one configuration, each file's once, in order. */
class ConfigState {
  private readonly seenFiles = new Set<string>();
  private readonly list: NginxProblem[] = [];
  private readonly keys = new Set<string>();

  constructor(readonly config: NginxConfig) {}

  firstTime(path: string): boolean {
    if (this.seenFiles.has(path)) return false;
    this.seenFiles.add(path);
    return true;
  }

  addFile(path: string): void {
    if (!this.config.files.includes(path)) this.config.files.push(path);
  }

  addParsedProblems(parsed: ParsedNginxFile): void {
    for (const p of parsed.problems) {
      const problem: NginxProblem = { message: p.message, span: p.span, kind: p.kind };
      if (p.related) problem.related = p.related;
      this.problem(problem);
    }
  }

  problem(p: NginxProblem): void {
    const key = `${p.kind}|${p.span.file}|${p.span.start.offset}|${p.message}`;
    if (this.keys.has(key)) return;
    this.keys.add(key);
    this.list.push(p);
  }

  problems(): NginxProblem[] {
    return this.list;
  }
}

function makeDirective(pd: ParsedDirective, parent: NginxDirective | undefined, includedFrom: Span[]): NginxDirective {
  const d: NginxDirective = { name: pd.name, args: pd.args, span: pd.span, nameSpan: pd.nameSpan, parent, includedFrom };
  if (pd.nameArg.quoted) d.nameQuoted = true;
  if (pd.rawBody !== undefined) {
    d.rawBody = pd.rawBody;
    d.rawBodySpan = pd.rawBodySpan;
    d.block = [];
  }
  return d;
}

function isInclude(pd: ParsedDirective): boolean {
  return pd.name === 'include' && pd.args.length === 1 && !pd.block;
}

function firstPlaceholder(ds: ParsedDirective[]): { value: string; span: Span } | undefined {
  for (const d of ds) {
    if (d.rawBody !== undefined) continue;
    for (const a of d.args) if (hasPlaceholder(a.value)) return { value: a.value, span: a.span };
    if (d.block) {
      const inner = firstPlaceholder(d.block);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** A `.conf` of unknown kind is nginx when its top level is: a server/upstream/... block, or only well-known directives. */
function looksLikeNginx(file: LoadedFile): boolean {
  if (file.engine === 'jinja') return /(?:^|\n)[^\S\n]*(?:server|upstream|location\s+\S+)\s*\{/.test(file.source.text);
  const parsed = file.parsed!;
  const top = parsed.directives;
  if (top.length === 0) return false;
  if (top.some((d) => d.block && NGINX_TOP_BLOCKS.has(d.name) && d.rawBody === undefined)) {
    // A top-level block of nginx's own: nginx unless the text is something else that happens to have braces.
    return top.every((d) => /^[a-z_][a-z0-9_]*$/.test(d.name));
  }
  if (parsed.problems.some((p) => p.kind === 'syntax')) return false;
  return top.every((d) => SIMPLE_DIRECTIVES.has(d.name) || BLOCK_DIRECTIVES.has(d.name) || /^(?:proxy|ssl|uwsgi|fastcgi|gzip|limit|add|client|keepalive|real_ip|auth)_/.test(d.name));
}

/** The top-level context of a configuration that is not a main file. */
function contextOf(path: string, file: LoadedFile): NginxContext {
  const top = file.parsed?.directives ?? [];
  if (top.some((d) => d.block && ['server', 'upstream', 'map', 'geo', 'split_clients'].includes(d.name))) return 'http';
  if (top.some((d) => d.name.startsWith('limit_req_zone') || d.name === 'log_format' || d.name === 'proxy_cache_path')) return 'http';
  const dirs = path.split('/').slice(0, -1);
  if (dirs.some((d) => ['sites-available', 'sites-enabled', 'conf.d', 'templates', 'http.d', 'vhosts.d'].includes(d))) return 'http';
  if (top.some((d) => d.block && d.name === 'location')) return 'server';
  if (file.engine === 'jinja' && /(?:^|\n)[^\S\n]*server\s*\{/.test(file.source.text)) return 'http';
  return 'unknown';
}

/** The repository directory that stands for /etc/nginx for a file that is not a main file. */
function prefixOf(path: string): string {
  const dirs = path.split('/').slice(0, -1);
  for (let i = dirs.length - 1; i >= 0; i--) if (NGINX_SUBDIRS.has(dirs[i]!)) return dirs.slice(0, i).join('/');
  return dirs.join('/');
}

function roleOf(path: string): 'production' | 'development' {
  const words = path.toLowerCase().split(/[./_\-\\]+/).filter(Boolean);
  return words.some((w) => DEV_WORDS.has(w)) ? 'development' : 'production';
}

function isDumpName(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return /nginx/i.test(base) && /\.(?:txt|out|log|dump)$/i.test(base);
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function joinPath(dir: string, rel: string): string {
  return normalizePath(dir === '' ? rel : `${dir}/${rel}`);
}

/** Resolve `.` and `..` segments and duplicate slashes (a leading `..` is kept: it leaves the repository). */
function normalizePath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

/** What a glob pattern says of a path. */
export interface PathMatcher {
  test(path: string): boolean;
}

/**
 * glob(3) without flags: `*` and `?` never match `/` nor a leading `.`; `[...]` classes.
 *
 * Run in linear time (include patterns come from the repository: `*a*a*a*a*a*a*a*a*ab` made the
 * backtracking engine run without end): the pattern without the leading-dot rule is a regex V8's
 * linear engine runs, and the rule is checked per path segment, which `*` and `?` never cross.
 */
export function globToRegExp(pattern: string): PathMatcher {
  let re = '^';
  let segmentStart = true;
  // Per segment of the pattern: whether it starts with a wildcard (which may not match a leading dot).
  const wildStart: boolean[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (segmentStart) wildStart.push(c === '*' || c === '?');
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let body = pattern.slice(i + 1, close);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
    segmentStart = c === '/';
  }
  if (segmentStart) wildStart.push(false);
  const regex = untrustedRegExp(`${re}$`) ?? /$^/;
  return {
    test(path: string): boolean {
      if (!regex.test(path)) return false;
      const segments = path.split('/');
      return segments.every((s, i) => !(wildStart[i] && s.startsWith('.')));
    },
  };
}

// Exported for tests.
export const _internal = { prefixOf, roleOf, normalizePath };
