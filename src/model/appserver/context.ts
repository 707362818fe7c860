import type { Notice } from '../../core/finding.js';
import type { LineIndex, Span } from '../../core/position.js';
import { resolveWord, wordRange, type EnvLookup, type ShellWord } from '../../parse/shell-words.js';
import type { ModelSources } from '../build.js';
import type { AppServerEnvironment, AppServerOption, AppServerOrigin, ListItem, OptionSource, OptionValue } from './types.js';

/** How an instance is launched: what every server-specific builder needs to know. */
export interface Launch {
  origin: AppServerOrigin;
  /** The file holding the command line (or the lone config file). */
  file: string;
  lines: LineIndex;
  role: 'production' | 'development';
  processName?: string;
  web: boolean;
  /** The whole command line; for a lone config file, the file's anchor. */
  span: Span;
  environment: AppServerEnvironment;
  /**
   * The directory the server starts in, repo-relative ('' = root). `assumed` when the repository
   * does not say (a unit's WorkingDirectory= that matches no directory of the repository).
   */
  cwd?: { dir: string; assumed: boolean };
  /** The server starts outside the repository (a unit without WorkingDirectory= starts in /). */
  cwdOutsideRepo?: boolean;
  /** The platform sets PORT (a Procfile `web` process on Heroku or Dokku). */
  platformPort?: boolean;
  unit?: { name: string; file: string };
}

export interface BuildContext {
  sources: ModelSources;
  notices: Notice[];
}

/** A variable as the launch's environment knows it: a string, null when known unset, undefined when not known. */
export function envLookup(launch: Launch): EnvLookup {
  return (name) => {
    let hit: string | undefined;
    for (const v of launch.environment.vars) if (v.name === name) hit = v.value;
    if (hit !== undefined) return hit;
    if (name === 'PORT' && launch.platformPort) return undefined;
    return launch.environment.complete ? null : undefined;
  };
}

export function envVar(launch: Launch, name: string): { name: string; value: string; span: Span } | undefined {
  let hit: { name: string; value: string; span: Span } | undefined;
  for (const v of launch.environment.vars) if (v.name === name) hit = v;
  return hit;
}

export function wordSpan(launch: Pick<Launch, 'file' | 'lines'>, word: ShellWord, from?: number, to?: number): Span {
  const r = wordRange(word, from, to);
  return launch.lines.span(launch.file, r.start, Math.max(r.start, r.end));
}

export function rangeSpan(launch: Pick<Launch, 'file' | 'lines'>, start: number, end: number): Span {
  return launch.lines.span(launch.file, start, Math.max(start, end));
}

/** A command-line word as an option value of the given type, expansions resolved where the environment knows them. */
export function wordValue(word: ShellWord, type: 'int' | 'str' | 'bool' | 'list', lookup: EnvLookup, span?: Span): OptionValue {
  const r = resolveWord(word, lookup);
  if (type === 'int') {
    if (r.value === undefined) return { kind: 'unknown', reason: `set from ${r.unknown.map((n) => `$${n}`).join(', ')}`, variables: r.unknown, text: word.value };
    const n = parseIntLike(r.value);
    return n === undefined ? { kind: 'unknown', reason: `not a number: ${r.value}`, variables: [], text: r.value } : { kind: 'int', value: n };
  }
  if (type === 'list') {
    const item: ListItem = { value: r.partial };
    if (span) item.span = span;
    if (r.unknown.length) item.unresolved = r.unknown;
    return { kind: 'list', items: [item] };
  }
  const v: OptionValue = { kind: 'str', value: r.partial };
  if (r.unknown.length) v.unresolved = r.unknown;
  return v;
}

/**
 * Python's `int(text)` (base 10, what argparse's `type=int` does for command-line options): blanks
 * around, an optional sign, digits with single underscores between them.
 */
export function parseIntLike(text: string): number | undefined {
  const t = text.trim();
  return /^[+-]?\d+(?:_\d+)*$/.test(t) ? Number(t.replace(/_/g, '')) : undefined;
}

/** Python's `int(text, 0)` (what gunicorn's validate_pos_int does for strings in a config file): 0x/0o/0b prefixes, no leading zeros. */
export function parsePythonInt0(text: string): number | undefined {
  const t = text.trim().replace(/^\+/, '');
  const neg = t.startsWith('-');
  const u = neg ? t.slice(1) : t;
  let n: number | undefined;
  if (/^(?:0+(?:_0+)*|[1-9]\d*(?:_\d+)*)$/.test(u)) n = Number(u.replace(/_/g, ''));
  else if (/^0[xX](?:_?[0-9a-fA-F])+$/.test(u)) n = parseInt(u.slice(2).replace(/_/g, ''), 16);
  else if (/^0[oO](?:_?[0-7])+$/.test(u)) n = parseInt(u.slice(2).replace(/_/g, ''), 8);
  else if (/^0[bB](?:_?[01])+$/.test(u)) n = parseInt(u.slice(2).replace(/_/g, ''), 2);
  if (n === undefined) return undefined;
  return neg ? -n : n;
}

export function option(name: string, value: OptionValue, source: OptionSource, extra: Partial<AppServerOption> = {}): AppServerOption {
  const o: AppServerOption = { name, value, source, history: [], certain: true, ...extra };
  if (o.span && o.history.length === 0) o.history = [o.span];
  return o;
}

/**
 * A path or module reference (`-c deploy/gunicorn.conf.py`, `--ini /srv/app/uwsgi.ini`) resolved to a
 * repository file: relative to the working directory when it is known (else the repository root
 * and the starting file's directory), an absolute path by its longest matching suffix.
 */
export function resolveRepoPath(ref: string, launch: Launch, byPath: ReadonlyMap<string, unknown>): { file?: string; status: 'joined' | 'missing' | 'ambiguous' } {
  const clean = ref.replace(/^file:/, '');
  if (clean.startsWith('/')) {
    const segs = clean.split('/').filter(Boolean);
    let best: string[] = [];
    let bestLen = 0;
    for (const p of byBaseName(byPath).get(segs[segs.length - 1] ?? '') ?? []) {
      const ps = p.split('/');
      let n = 0;
      while (n < ps.length && n < segs.length && ps[ps.length - 1 - n] === segs[segs.length - 1 - n]) n++;
      if (n === 0) continue;
      if (n > bestLen) {
        best = [p];
        bestLen = n;
      } else if (n === bestLen) best.push(p);
    }
    if (best.length === 1) return { file: best[0]!, status: 'joined' };
    return { status: best.length > 1 ? 'ambiguous' : 'missing' };
  }
  const rel = clean.replace(/^\.\//, '');
  const dirs: string[] = [];
  if (launch.cwd) dirs.push(launch.cwd.dir);
  if (!launch.cwd || launch.cwd.assumed) {
    dirs.push('');
    const own = launch.file.includes('/') ? launch.file.slice(0, launch.file.lastIndexOf('/')) : '';
    dirs.push(own);
  }
  for (const d of dirs) {
    const p = normalize(d ? `${d}/${rel}` : rel);
    if (p && byPath.has(p)) return { file: p, status: 'joined' };
  }
  return { status: 'missing' };
}

/** Repository paths by their last segment, computed once per file map. */
const baseNameCache = new WeakMap<ReadonlyMap<string, unknown>, Map<string, string[]>>();

export function byBaseName(byPath: ReadonlyMap<string, unknown>): Map<string, string[]> {
  let index = baseNameCache.get(byPath);
  if (!index) {
    index = new Map();
    for (const p of byPath.keys()) {
      const b = p.slice(p.lastIndexOf('/') + 1);
      const list = index.get(b);
      if (list) list.push(p);
      else index.set(b, [p]);
    }
    baseNameCache.set(byPath, index);
  }
  return index;
}

function normalize(path: string): string | undefined {
  const out: string[] = [];
  for (const s of path.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(s);
  }
  return out.join('/');
}

/**
 * The repository directory a unit's absolute WorkingDirectory= corresponds to: the directory whose
 * path is the longest suffix of it. Undefined when none matches.
 */
export function mapDirectory(absolute: string, byPath: ReadonlyMap<string, unknown>): string | undefined {
  const segs = absolute.split('/').filter(Boolean);
  const dirs = directoriesOf(byPath);
  // The candidates are the path's own suffixes, longest first: a few set lookups, whatever the repository's size.
  for (let k = segs.length; k >= 1; k--) {
    const suffix = segs.slice(segs.length - k).join('/');
    if (dirs.has(suffix)) return suffix;
  }
  return undefined;
}

/** Every directory holding a file, computed once per file map (a unit per project must not rescan 20,000 paths). */
const directoryCache = new WeakMap<ReadonlyMap<string, unknown>, Set<string>>();

function directoriesOf(byPath: ReadonlyMap<string, unknown>): Set<string> {
  let dirs = directoryCache.get(byPath);
  if (!dirs) {
    dirs = new Set<string>();
    for (const p of byPath.keys()) {
      for (let i = p.indexOf('/'); i !== -1; i = p.indexOf('/', i + 1)) dirs.add(p.slice(0, i));
    }
    directoryCache.set(byPath, dirs);
  }
  return dirs;
}
