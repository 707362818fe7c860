import { existsSync, readFileSync, readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { Notice } from '../core/finding.js';
import { classify } from './classify.js';
import { DEFAULT_MAX_BYTES, errorCode } from './read.js';
import type { DiscoveredFile } from './types.js';

export interface DiscoverOptions {
  /** Files larger than this are left out, with a notice (default 2 MiB). */
  maxFileBytes?: number;
  /** Stop listing after this many files, with a notice (default 50 000). */
  maxFiles?: number;
  /** Told of each file as it is found (in walk order, not the sorted order of the result). */
  onFile?: (file: DiscoveredFile) => void;
}

export interface Discovery {
  files: DiscoveredFile[];
  notices: Notice[];
}

/** Directories that never hold deployed project sources: VCS data, caches, editor state, installed packages. */
const ALWAYS_SKIPPED = new Set([
  '.git', '.hg', '.svn', 'node_modules', '__pycache__', '.tox', '.nox', '.mypy_cache', '.pytest_cache',
  '.ruff_cache', 'site-packages', '.idea', '.vscode', 'venv', '.venv',
]);

/** A `.gitignore` and the directory (repo-relative, '' for the root) its patterns are relative to. */
interface IgnoreLevel {
  base: string;
  rules: Ignore;
  /** See gitignoreLiterals: undefined when a pattern of the file could match any path. */
  literals?: string[];
}

interface WalkState {
  rootReal: string;
  files: DiscoveredFile[];
  notices: Notice[];
  maxFileBytes: number;
  maxFiles: number;
  ignoredFiles: number;
  ignoredDirs: number;
  largeOthers: number;
  limitReached: boolean;
  onFile?: (file: DiscoveredFile) => void;
}

/**
 * Every file of the tree at `rootAbs` that would be deployed from git: repo-relative POSIX paths,
 * sorted. Gitignored paths are skipped (they are not in the repository; one 'info' notice counts
 * them), so are caches, virtualenvs and build output. Symlinks are followed only inside the root
 * and never into a loop. Problems become notices; the walk never throws.
 */
export function discover(rootAbs: string, opts: DiscoverOptions = {}): Discovery {
  const notices: Notice[] = [];
  let rootReal: string;
  try {
    rootReal = realpathSync(rootAbs);
  } catch (err) {
    notices.push({ kind: 'unreadable', file: '.', message: `cannot read the root ${rootAbs} (${errorCode(err)})` });
    return { files: [], notices };
  }
  const state: WalkState = {
    rootReal,
    files: [],
    notices,
    maxFileBytes: opts.maxFileBytes ?? DEFAULT_MAX_BYTES,
    maxFiles: opts.maxFiles ?? 50_000,
    ignoredFiles: 0,
    ignoredDirs: 0,
    largeOthers: 0,
    limitReached: false,
    onFile: opts.onFile,
  };
  walkDir(state, rootAbs, '', [rootReal], rootIgnoreLevels(rootAbs));
  addSummaryNotices(state);
  state.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files: state.files, notices: state.notices };
}

function walkDir(state: WalkState, absDir: string, relDir: string, ancestors: string[], levels: IgnoreLevel[], listed?: Dirent[]): void {
  let entries: Dirent[];
  try {
    entries = listed ?? readdirSync(absDir, { withFileTypes: true });
  } catch (err) {
    state.notices.push(unreadable(relDir || '.', `directory cannot be listed (${errorCode(err)})`));
    return;
  }
  // Read .gitignore only where the listing shows one (a failed open per directory costs more than the listing).
  const own = entries.some((e) => e.name === '.gitignore' && !e.isDirectory()) ? loadGitignore(join(absDir, '.gitignore'), relDir) : undefined;
  const active = own ? [...levels, own] : levels;
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (state.limitReached) return;
    visitEntry(state, entry, absDir, relDir, ancestors, active);
  }
}

function visitEntry(state: WalkState, entry: Dirent, absDir: string, relDir: string, ancestors: string[], levels: IgnoreLevel[]): void {
  const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
  // Below the root, absDir is already normalised (an earlier join): a plain concatenation is what
  // join would give, without normalising the whole path again for each of thousands of entries.
  const abs = relDir ? `${absDir}/${entry.name}` : join(absDir, entry.name);
  const isDir = entry.isDirectory();
  if (isDir && ALWAYS_SKIPPED.has(entry.name)) return;
  if (isGitignored(levels, rel, isDir)) {
    if (isDir) state.ignoredDirs++;
    else state.ignoredFiles++;
    return;
  }
  if (entry.isSymbolicLink()) return visitSymlink(state, abs, rel, ancestors, levels);
  if (isDir) return visitDirectory(state, abs, rel, join(ancestors[ancestors.length - 1]!, entry.name), ancestors, levels);
  if (entry.isFile()) return visitFile(state, abs, rel);
  state.notices.push(unreadable(rel, `not a regular file (${specialKind(entry)}); skipped`));
}

function visitDirectory(state: WalkState, abs: string, rel: string, real: string, ancestors: string[], levels: IgnoreLevel[]): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(abs, { withFileTypes: true });
  } catch (err) {
    state.notices.push(unreadable(rel, `directory cannot be listed (${failure(err, rel)})`));
    return;
  }
  if (looksLikeVirtualenv(abs, entries) || looksLikeBuildOutput(abs, rel)) return;
  walkDir(state, abs, rel, [...ancestors, real], levels, entries);
}

/** Links are followed like git would deploy them: only to targets inside the tree, never in circles. */
function visitSymlink(state: WalkState, abs: string, rel: string, ancestors: string[], levels: IgnoreLevel[]): void {
  let real: string;
  let stats: Stats;
  try {
    real = realpathSync(abs);
    stats = statSync(real);
  } catch (err) {
    state.notices.push(unreadable(rel, `symbolic link cannot be resolved (${failure(err, rel)}); skipped`));
    return;
  }
  if (!isInside(state.rootReal, real)) {
    state.notices.push({ kind: 'symlink', file: rel, message: `${rel}: symbolic link points outside the audited tree; not followed` });
    return;
  }
  if (stats.isDirectory()) {
    if (ancestors.includes(real)) {
      state.notices.push({ kind: 'symlink', file: rel, message: `${rel}: symbolic link loops back to ${displayPath(state, real)}; not followed` });
      return;
    }
    return visitDirectory(state, abs, rel, real, ancestors, levels);
  }
  if (stats.isFile()) return addFile(state, abs, rel, stats.size);
  state.notices.push(unreadable(rel, 'symbolic link to something that is not a regular file; skipped'));
}

function visitFile(state: WalkState, abs: string, rel: string): void {
  let size: number;
  try {
    size = statSync(abs).size;
  } catch (err) {
    state.notices.push(unreadable(rel, `cannot be read (${failure(err, rel)})`));
    return;
  }
  addFile(state, abs, rel, size);
}

function addFile(state: WalkState, abs: string, rel: string, size: number): void {
  const kind = classify(rel);
  if (size > state.maxFileBytes) {
    // Large unclassified files (images, archives, data) are common and not audited: count them.
    if (kind === 'other') state.largeOthers++;
    else state.notices.push({ kind: 'too-large', file: rel, message: `${rel}: ${size} bytes is over the ${state.maxFileBytes}-byte limit; skipped` });
    return;
  }
  if (state.files.length >= state.maxFiles) {
    state.limitReached = true;
    state.notices.push({ kind: 'limit', message: `stopped after ${state.maxFiles} files; the rest of the tree was not audited` });
    return;
  }
  const file: DiscoveredFile = { path: rel, absPath: abs, kind, size };
  state.files.push(file);
  state.onFile?.(file);
}

function addSummaryNotices(state: WalkState): void {
  const ignored = state.ignoredFiles + state.ignoredDirs;
  if (ignored > 0) {
    state.notices.push({
      kind: 'info',
      message: `skipped ${ignored} path${ignored === 1 ? '' : 's'} ignored by .gitignore (${count(state.ignoredFiles, 'file')}, ${count(state.ignoredDirs, 'directory', 'directories')})`,
    });
  }
  if (state.largeOthers > 0) {
    state.notices.push({
      kind: 'too-large',
      message: `skipped ${count(state.largeOthers, 'unclassified file')} over the ${state.maxFileBytes}-byte limit`,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// .gitignore

function rootIgnoreLevels(rootAbs: string): IgnoreLevel[] {
  const exclude = loadGitignore(join(rootAbs, '.git', 'info', 'exclude'), '');
  return exclude ? [exclude] : [];
}

function loadGitignore(file: string, base: string): IgnoreLevel | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return { base, rules: ignore().add(text), literals: gitignoreLiterals(text) };
}

/**
 * One lower-cased piece of literal text for each pattern: a path a pattern matches, or whose parent
 * it matches, holds that piece, so a path that holds none of them is neither ignored nor re-included
 * (`!pattern`, which can overrule a shallower .gitignore) by this file, and the `ignore` library need
 * not be asked (its answer walks every parent of the path: about a fifth of discovery on a large
 * tree). Any piece of the pattern's literal text will do; the longest is the most selective.
 * Undefined when a pattern has no literal text at all (`*`, `/**`): it could match anything.
 */
export function gitignoreLiterals(text: string): string[] | undefined {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const line = raw.startsWith('!') ? raw.slice(1) : raw;
    // Bracket expressions and wildcards are no literal text; slashes and backslashes only cut the text.
    const pieces = withoutBrackets(line).split(/[*?[\]\\/\s]+/);
    let longest = '';
    for (const p of pieces) if (p.length > longest.length) longest = p;
    if (longest === '') return undefined;
    out.push(longest.toLowerCase());
  }
  return out;
}

/** The text with each `[...]` (from a `[` to the next `]`) replaced by `*`: in one pass (a regex for it is quadratic on `[[[[...`). */
function withoutBrackets(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    const open = line.indexOf('[', i);
    const close = open < 0 ? -1 : line.indexOf(']', open + 1);
    if (close < 0) return out + line.slice(i);
    out += `${line.slice(i, open)}*`;
    i = close + 1;
  }
  return out;
}

/**
 * Git's precedence: the deepest .gitignore whose patterns say anything about the path decides,
 * so a nested `!pattern` can re-include what a parent excluded.
 */
function isGitignored(levels: IgnoreLevel[], rel: string, isDir: boolean): boolean {
  let ignored = false;
  let lower: string | undefined;
  for (const level of levels) {
    const local = level.base ? rel.slice(level.base.length + 1) : rel;
    if (level.literals) {
      // The library matches case-insensitively (its default): so does this test. The whole path
      // holds what its part below the level holds.
      lower ??= rel.toLowerCase();
      if (!level.literals.some((l) => lower!.includes(l))) continue;
    }
    const result = level.rules.test(isDir ? `${local}/` : local);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

// ---------------------------------------------------------------------------------------------
// Directories that are not sources

/** A virtualenv of any name: `pyvenv.cfg` (venv, virtualenv ≥20) or `bin/activate` (older virtualenv). */
function looksLikeVirtualenv(abs: string, entries: Dirent[]): boolean {
  // The directory's own listing answers for pyvenv.cfg and bin/ without a system call per directory.
  const has = (name: string) => entries.some((e) => e.name === name);
  return has('pyvenv.cfg') || (has('bin') && existsSync(join(abs, 'bin', 'activate')));
}

/**
 * `dist/` and `build/` are usually packaging or front-end output, but some projects keep their
 * deployment files in a `build/` directory: those with a manage.py, Dockerfile or compose file
 * at their top are kept.
 */
function looksLikeBuildOutput(abs: string, rel: string): boolean {
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  if (name !== 'dist' && name !== 'build') return false;
  let names: string[];
  try {
    names = readdirSync(abs);
  } catch {
    return false;
  }
  return !names.some((n) => n === 'manage.py' || n.startsWith('Dockerfile') || /^(docker-)?compose[\w.-]*\.ya?ml$/.test(n));
}

// ---------------------------------------------------------------------------------------------

function isInside(rootReal: string, real: string): boolean {
  return real === rootReal || real.startsWith(rootReal.endsWith(sep) ? rootReal : rootReal + sep);
}

function displayPath(state: WalkState, real: string): string {
  const rel = relative(state.rootReal, real).split(sep).join('/');
  return rel === '' ? '.' : rel;
}

function specialKind(entry: Dirent): string {
  if (entry.isFIFO()) return 'FIFO';
  if (entry.isSocket()) return 'socket';
  if (entry.isBlockDevice() || entry.isCharacterDevice()) return 'device';
  return 'unknown type';
}

/**
 * Why an entry the listing named cannot be opened. A name that is not valid UTF-8 reaches us with its
 * bad bytes replaced (U+FFFD), a name no file has: ENOENT would only puzzle the reader.
 */
function failure(err: unknown, rel: string): string {
  const code = errorCode(err);
  return code === 'ENOENT' && rel.includes('\uFFFD') ? 'its name is not valid UTF-8, which cannot be opened by name here' : code;
}

function unreadable(rel: string, what: string): Notice {
  return { kind: 'unreadable', file: rel, message: `${rel}: ${what}` };
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
