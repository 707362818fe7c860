import type { SourceText } from '../../core/source.js';
import type { Span } from '../../core/position.js';
import { untrustedRegExp } from '../../core/untrusted-regex.js';

/**
 * A `.dockerignore` file read as BuildKit reads it (moby/patternmatcher and the ignorefile reader):
 * `#` starts a comment only at the very start of a line; lines are trimmed; `!` re-includes; each
 * pattern is path-cleaned and a leading `/` dropped; patterns are relative to the context root, so
 * `.env` matches only the root `.env` (unlike .gitignore); `**` spans any number of directories,
 * `*` and `?` stay inside one; a path is excluded when it or one of its parent directories matches,
 * and the last matching pattern decides.
 */

export interface DockerignorePattern {
  /** The cleaned pattern, without `!`. */
  pattern: string;
  exclusion: boolean;
  span: Span;
  regex: RegExp;
}

export interface Dockerignore {
  file: string;
  patterns: DockerignorePattern[];
}

export function parseDockerignore(src: SourceText): Dockerignore {
  const patterns: DockerignorePattern[] = [];
  const lines = src.text.split(/\r\n|\n|\r/);
  lines.forEach((raw, i) => {
    if (raw.startsWith('#')) return;
    let p = raw.trim();
    if (p === '') return;
    const exclusion = p.startsWith('!');
    if (exclusion) p = p.slice(1).trim();
    if (p !== '') {
      p = cleanPath(p);
      if (p.length > 1 && p.startsWith('/')) p = p.slice(1);
    }
    const col = raw.indexOf(raw.trim()) + 1;
    const span = src.lines.span(src.path, src.lines.offsetAt(i + 1, col), src.lines.offsetAt(i + 1, col) + raw.trim().length);
    patterns.push({ pattern: p, exclusion, span, regex: compilePattern(p) });
  });
  return { file: src.path, patterns };
}

/** Go's filepath.Clean on a slash path. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!rooted) parts.push('..');
      continue;
    }
    parts.push(seg);
  }
  const joined = parts.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/** Longer patterns match no real path, and V8 refuses to run very large expressions (at exec time). */
const MAX_PATTERN = 4096;

function compilePattern(p: string): RegExp {
  if (p.length > MAX_PATTERN) return /$^/;
  let re = '^';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') {
      if (p[i + 1] === '*') {
        i++;
        // `**/` at any place matches zero or more directories.
        if (p[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '\\' && i + 1 < p.length) {
      i++;
      re += escapeRe(p[i]!);
    } else if (c === '[') {
      const close = p.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        let body = p.slice(i + 1, close);
        if (body.startsWith('^')) body = '^' + body.slice(1);
        else if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else re += escapeRe(c);
  }
  re += '$';
  // Linear time: a pattern such as `*a*a*a*a*a*a*a*a*a*a*a*ab` made the backtracking engine run for
  // more than a minute on one 60-character path. One that cannot be run safely matches nothing.
  return untrustedRegExp(re) ?? /$^/;
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * The pattern that decides whether a context path (relative, slash-separated) is left out of the
 * build context: the last pattern matching the path or one of its parents. Undefined when none
 * matches (the path is sent).
 */
export function decidingPattern(ignore: Dockerignore, path: string): DockerignorePattern | undefined {
  const clean = cleanPath(path);
  const parents: string[] = [];
  const segs = clean.split('/');
  for (let n = 1; n < segs.length; n++) parents.push(segs.slice(0, n).join('/'));
  let decided: DockerignorePattern | undefined;
  for (const p of ignore.patterns) {
    if (p.pattern === '') continue;
    const hit = p.regex.test(clean) || parents.some((d) => p.regex.test(d));
    if (hit) decided = p;
  }
  return decided;
}

/** Whether the path is left out of the build context. */
export function isIgnored(ignore: Dockerignore, path: string): boolean {
  const p = decidingPattern(ignore, path);
  return p !== undefined && !p.exclusion;
}
