import type { Span } from '../core/position.js';
import type { SourceText } from '../core/source.js';

/**
 * A redis.conf (Redis, Valkey, KeyDB): one directive per line, `name arg arg ...`. Redis trims each
 * line, skips blank lines and lines whose first character is `#` (a `#` later on a line is part of
 * an argument), and splits the rest with `sdssplitargs`: words separated by blanks; "double quotes"
 * with `\n \r \t \b \a \\ \" \xHH` escapes; 'single quotes' with `\'` only; a closing quote must be
 * followed by a blank or the end of the line, else the line is an error ("Unbalanced quotes") and
 * redis-server refuses to start. Directive names are case-insensitive (kept lower-cased here); for
 * most directives the last occurrence wins. `include` files are listed, not followed.
 */
export interface RedisConfArg {
  value: string;
  span: Span;
  quoted: boolean;
}

export interface RedisConfDirective {
  /** Lower-cased, as Redis compares it. */
  name: string;
  args: RedisConfArg[];
  /** The whole directive (the trimmed line). */
  span: Span;
  nameSpan: Span;
  line: number;
}

export interface RedisConfProblem {
  message: string;
  span: Span;
}

export interface RedisConf {
  file: string;
  directives: RedisConfDirective[];
  problems: RedisConfProblem[];
}

/** Longest line read (redis itself has no limit; this keeps a binary or minified file cheap). */
const MAX_LINE = 64 * 1024;

export function parseRedisConf(src: SourceText): RedisConf {
  const out: RedisConf = { file: src.path, directives: [], problems: [] };
  const { lines } = src;
  for (let line = 1; line <= lines.lineCount; line++) {
    const raw = lines.lineText(line);
    const lineStart = lines.offsetAt(line, 1);
    const lead = raw.length - raw.trimStart().length;
    const body = raw.trim();
    if (body === '' || body.startsWith('#')) continue;
    const from = lineStart + lead;
    const span = lines.span(src.path, from, from + body.length);
    if (body.length > MAX_LINE) {
      out.problems.push({ message: `line ${line} is longer than ${MAX_LINE} characters; not read`, span: lines.span(src.path, from, from + 1) });
      continue;
    }
    const split = splitArgs(body);
    if ('error' in split) {
      out.problems.push({ message: `${split.error}: redis-server refuses to start on this line`, span });
      continue;
    }
    const [first, ...rest] = split.words;
    if (!first) continue;
    const at = (w: Word): Span => lines.span(src.path, from + w.start, from + w.end);
    out.directives.push({
      name: first.value.toLowerCase(),
      args: rest.map((w) => ({ value: w.value, span: at(w), quoted: w.quoted })),
      span,
      nameSpan: at(first),
      line,
    });
  }
  return out;
}

interface Word {
  value: string;
  start: number;
  end: number;
  quoted: boolean;
}

const BLANK = /[ \t\n\r\v\f]/;

/** sdssplitargs (redis src/sds.c), with the offsets of each word in `s`. */
export function splitArgs(s: string): { words: Word[] } | { error: string } {
  const words: Word[] = [];
  let i = 0;
  while (true) {
    while (i < s.length && BLANK.test(s[i]!)) i++;
    if (i >= s.length) return { words };
    const start = i;
    let value = '';
    let inDq = false;
    let inSq = false;
    let quoted = false;
    let done = false;
    while (!done) {
      const c = s[i];
      if (inDq) {
        if (c === undefined) return { error: 'unbalanced double quote' };
        if (c === '\\' && s[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) {
          value += String.fromCharCode(parseInt(s.slice(i + 2, i + 4), 16));
          i += 4;
          continue;
        }
        if (c === '\\' && i + 1 < s.length) {
          const n = s[i + 1]!;
          value += n === 'n' ? '\n' : n === 'r' ? '\r' : n === 't' ? '\t' : n === 'b' ? '\b' : n === 'a' ? '\x07' : n;
          i += 2;
          continue;
        }
        if (c === '"') {
          // The closing quote must be followed by a blank or the end.
          if (i + 1 < s.length && !BLANK.test(s[i + 1]!)) return { error: 'unbalanced quotes (a closing double quote must be followed by a space)' };
          inDq = false;
          done = true;
          i++;
          continue;
        }
        value += c;
        i++;
      } else if (inSq) {
        if (c === undefined) return { error: 'unbalanced single quote' };
        if (c === '\\' && s[i + 1] === "'") {
          value += "'";
          i += 2;
          continue;
        }
        if (c === "'") {
          if (i + 1 < s.length && !BLANK.test(s[i + 1]!)) return { error: 'unbalanced quotes (a closing single quote must be followed by a space)' };
          inSq = false;
          done = true;
          i++;
          continue;
        }
        value += c;
        i++;
      } else {
        if (c === undefined || BLANK.test(c)) {
          done = true;
          continue;
        }
        if (c === '"') {
          inDq = true;
          quoted = true;
        } else if (c === "'") {
          inSq = true;
          quoted = true;
        } else value += c;
        i++;
      }
    }
    words.push({ value, start, end: i, quoted });
  }
}

/** The last occurrence of a directive (Redis applies them in order: the last wins). */
export function lastDirective(conf: RedisConf, name: string): RedisConfDirective | undefined {
  for (let i = conf.directives.length - 1; i >= 0; i--) if (conf.directives[i]!.name === name) return conf.directives[i];
  return undefined;
}

/** Whether a text looks like a Redis configuration (for `.conf` files named after nothing). */
export function looksLikeRedisConf(text: string): boolean {
  let hits = 0;
  for (const m of text.matchAll(/^[ \t]*(requirepass|appendonly|maxmemory(?:-policy)?|protected-mode|save|databases|aclfile|rename-command|tcp-keepalive|supervised|dbfilename|appendfsync|masterauth|replicaof|slaveof)\b/gim)) {
    if (m) hits++;
    if (hits >= 2) return true;
  }
  return false;
}
