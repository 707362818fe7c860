/**
 * A positioned tokenizer for whole shell scripts (deploy scripts, provisioning scripts): enough of
 * POSIX sh / bash to find the simple commands a script runs, their words and flags, on exact
 * lines. It is not an interpreter: nothing is expanded or executed.
 *
 * Handled: blanks, single and double quotes, backslash escapes, line continuations (`\` newline),
 * comments, `$VAR` / `${...}` / `$(...)` / backquotes (kept inside the word), the operators
 * `&& || ; ;; | & ( )`, redirections (their target words are dropped), here-strings, heredocs
 * (`<<EOF`, `<<-EOF`, `<<'EOF'`: the body is recorded on the command and skipped), function
 * definitions (`name() {`, `function name {`) and leading reserved words (`if`, `then`, `do`, `!` ...),
 * which are removed so that `if ! pg_dump ...` is the command `pg_dump`.
 *
 * Words carry the source offset of every character (the `ShellWord` of shell-words.ts), so text
 * nested in a word (`ssh host 'cd /app && ./manage.py migrate'`, `bash -c "..."`) can be tokenized
 * again with its true positions.
 */
import type { Expansion, ShellWord } from './shell-words.js';
import { cutSpacedHashComment } from '../core/trim.js';

export type { ShellWord };

export type ShellSeparator = '&&' | '||' | ';' | ';;' | '|' | '&' | 'newline' | '(' | ')';

export interface Heredoc {
  delimiter: string;
  /** The delimiter was quoted: the body is taken literally (no expansion). */
  quoted: boolean;
  /** `<<-`: leading tabs are stripped. */
  stripTabs: boolean;
  body: string;
  /** Source offset of the body's first character. */
  bodyStart: number;
  /** The closing delimiter was found. */
  closed: boolean;
}

export interface ShellCommand {
  /** The command's words, leading assignments and reserved words removed. */
  words: ShellWord[];
  /** Leading `NAME=value` words (environment for this command, or plain assignments when no words follow). */
  assignments: ShellWord[];
  /** What ends the command (undefined at the end of the text). */
  separator?: ShellSeparator;
  /** The separator before it (undefined for the first command). */
  previous?: ShellSeparator;
  /** Source offsets of the first and just after the last word (or assignment). */
  start: number;
  end: number;
  heredocs: Heredoc[];
  /** Commands joined by `&&`, `||` or `|` share an and-or list number. */
  list: number;
  /** Set when the command is a function definition's name (`deploy() {`). */
  defines?: string;
  /** Nesting depth of `{ }`/`( )`/`if`/`while`/`for`/`case` blocks around it (0 at the top level). */
  depth: number;
  /** The command is an `if`/`while`/`until` condition or negated with `!`: its failure is handled. */
  condition?: boolean;
}

export interface ShellProblem {
  message: string;
  start: number;
  end: number;
}

export interface ParsedShell {
  commands: ShellCommand[];
  problems: ShellProblem[];
  /** `#!/bin/bash -e` on the first line: interpreter base name and its arguments. */
  shebang?: { interpreter: string; args: string[]; start: number; end: number };
}

export interface ShellParseOptions {
  /** Source offset of each character of the text (text taken out of a quoted word). */
  offsets?: readonly number[];
  /** Source offset of the text's first character when `offsets` is not given. */
  base?: number;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=/;
const LEADING_RESERVED = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time']);
const OPENERS = new Set(['if', 'while', 'until', 'for', 'case', 'select', '{']);
const CLOSERS = new Set(['fi', 'done', 'esac', '}']);

class WordBuilder {
  value = '';
  offsets: number[] = [];
  quoted = false;
  started = false;
  start = -1;
  end = -1;
  expansions: Expansion[] = [];

  push(ch: string, at: number): void {
    this.value += ch;
    this.offsets.push(at);
  }

  touch(from: number, to: number): void {
    if (!this.started) {
      this.started = true;
      this.start = from;
    }
    this.end = Math.max(this.end, to);
  }

  build(): ShellWord {
    return { value: this.value, offsets: this.offsets, start: this.start, end: this.end, quoted: this.quoted, expansions: this.expansions };
  }
}

/** Tokenize a shell script (or a command string nested in one). Never throws. */
export function parseShellScript(text: string, opts: ShellParseOptions = {}): ParsedShell {
  const map = opts.offsets;
  const base = opts.base ?? 0;
  const src = map
    ? (i: number) => (i < map.length ? map[i]! : map.length > 0 ? map[map.length - 1]! + 1 + (i - map.length) : base + i)
    : (i: number) => base + i;

  const problems: ShellProblem[] = [];
  const commands: ShellCommand[] = [];
  let words: ShellWord[] = [];
  let w = new WordBuilder();
  let dropNext = false;
  let heredocNext: { stripTabs: boolean } | undefined;
  let pendingHeredocs: Heredoc[] = [];
  let ownHeredocs: Heredoc[] = [];
  let list = 0;
  let previous: ShellSeparator | undefined;
  let depth = 0;
  let conditionList = false;
  let shebang: ParsedShell['shebang'];

  let i = 0;
  if (text.startsWith('#!')) {
    const eol = lineEnd(text, 0);
    const parts = cutSpacedHashComment(text.slice(2, eol)).trim().split(/\s+/).filter(Boolean);
    let interp = parts[0] ?? '';
    let args = parts.slice(1);
    if (/(?:^|\/)env$/.test(interp)) {
      const rest = args.filter((a) => a !== '-S');
      interp = rest[0] ?? '';
      args = rest.slice(1);
    }
    shebang = { interpreter: interp.split('/').pop() ?? interp, args, start: src(0), end: src(eol - 1) + 1 };
    i = eol;
  }

  const endWord = () => {
    if (w.started) {
      if (heredocNext) {
        const h: Heredoc = { delimiter: w.value, quoted: w.quoted, stripTabs: heredocNext.stripTabs, body: '', bodyStart: -1, closed: false };
        heredocNext = undefined;
        pendingHeredocs.push(h);
        ownHeredocs.push(h);
      } else if (dropNext) dropNext = false;
      else words.push(w.build());
    }
    w = new WordBuilder();
  };

  const endCommand = (sep?: ShellSeparator) => {
    endWord();
    let ws = words;
    const original = words;
    words = [];
    const heredocs = ownHeredocs;
    ownHeredocs = [];
    // Reserved words that open or close blocks.
    let condition = false;
    while (ws.length > 0 && !ws[0]!.quoted && LEADING_RESERVED.has(ws[0]!.value)) {
      if (OPENERS.has(ws[0]!.value)) depth++;
      if (['if', 'elif', 'while', 'until', '!'].includes(ws[0]!.value)) condition = true;
      ws = ws.slice(1);
    }
    if (previous === '&&' || previous === '||' || previous === '|') condition ||= conditionList;
    conditionList = condition;
    let defines: string | undefined;
    if (ws.length > 0 && !ws[0]!.quoted && ws[0]!.value === 'function' && ws.length >= 2) {
      defines = ws[1]!.value.replace(/\(\)$/, '');
      if (ws.some((x) => x.value === '{' && !x.quoted)) depth++;
      ws = [];
    }
    if (ws.length > 0 && !ws[0]!.quoted && CLOSERS.has(ws[0]!.value)) {
      depth = Math.max(0, depth - 1);
      ws = ws.slice(1);
    }
    if (ws.length > 0 && !ws[0]!.quoted && (ws[0]!.value === 'for' || ws[0]!.value === 'case' || ws[0]!.value === 'select')) {
      depth++;
      ws = [];
    }
    const assignments: ShellWord[] = [];
    while (ws.length > 0 && !ws[0]!.quoted && ASSIGNMENT.test(ws[0]!.value)) assignments.push(ws.shift()!);
    while (ws.length > 0 && ASSIGNMENT.test(ws[0]!.value) && ws[0]!.offsets.length > 0 && /^[A-Za-z_]/.test(ws[0]!.value)) {
      // NAME="quoted value": the name part is unquoted, the value quoted.
      const eq = ws[0]!.value.indexOf('=');
      if (eq < 0) break;
      assignments.push(ws.shift()!);
    }
    const all = [...assignments, ...ws];
    if (all.length > 0 || heredocs.length > 0 || defines) {
      const spanWords = all.length > 0 ? all : original;
      const start = spanWords.length > 0 ? Math.min(...spanWords.map((x) => x.start)) : heredocs[0]!.bodyStart;
      const end = spanWords.length > 0 ? Math.max(...spanWords.map((x) => x.end)) : start;
      commands.push({ words: ws, assignments, separator: sep, previous, start, end, heredocs, list, depth, ...(defines ? { defines } : {}), ...(condition ? { condition } : {}) });
    }
    if (sep !== '&&' && sep !== '||' && sep !== '|') list++;
    previous = sep;
  };

  /** After a newline: read the bodies of the heredocs started on the line just ended. */
  const readHeredocBodies = (at: number): number => {
    let k = at;
    for (const h of pendingHeredocs) {
      h.bodyStart = src(k);
      const bodyFrom = k;
      let closed = false;
      while (k < text.length) {
        const eol = lineEnd(text, k);
        let line = text.slice(k, eol).replace(/\r$/, '');
        if (h.stripTabs) line = line.replace(/^\t+/, '');
        const next = eol < text.length ? eol + 1 : eol;
        if (line === h.delimiter) {
          h.body = text.slice(bodyFrom, k);
          k = next;
          closed = true;
          break;
        }
        k = next;
      }
      if (!closed) {
        h.body = text.slice(bodyFrom, k);
        problems.push({ message: `here-document delimited by '${h.delimiter}' is never closed`, start: h.bodyStart, end: src(Math.max(bodyFrom, k - 1)) + 1 });
      }
      h.closed = closed;
    }
    pendingHeredocs = [];
    return k;
  };

  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      endWord();
      i++;
      continue;
    }
    if (c === '\n' || c === '\r') {
      endCommand('newline');
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      if (pendingHeredocs.length > 0) i = readHeredocBodies(i);
      continue;
    }
    if (c === '#' && !w.started) {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
      continue;
    }
    if (c === '\\') {
      const n = text[i + 1];
      if (n === undefined) {
        w.push('\\', src(i));
        w.touch(src(i), src(i) + 1);
        i++;
      } else if (n === '\n' || n === '\r') {
        i += n === '\r' && text[i + 2] === '\n' ? 3 : 2;
      } else {
        w.push(n, src(i + 1));
        w.quoted = true;
        w.touch(src(i), src(i + 1) + 1);
        i += 2;
      }
      continue;
    }
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      const end = close < 0 ? text.length : close;
      if (close < 0) problems.push({ message: 'unterminated single quote', start: src(i), end: src(text.length - 1) + 1 });
      w.quoted = true;
      w.touch(src(i), src(Math.max(i, (close < 0 ? text.length : close + 1) - 1)) + 1);
      for (let k = i + 1; k < end; k++) w.push(text[k]!, src(k));
      i = close < 0 ? text.length : close + 1;
      continue;
    }
    if (c === '"') {
      w.quoted = true;
      w.touch(src(i), src(i) + 1);
      let k = i + 1;
      let closed = false;
      while (k < text.length) {
        const d = text[k]!;
        if (d === '"') {
          closed = true;
          k++;
          break;
        }
        if (d === '\\' && k + 1 < text.length && '$`"\\\n'.includes(text[k + 1]!)) {
          if (text[k + 1] !== '\n') w.push(text[k + 1]!, src(k + 1));
          k += 2;
          continue;
        }
        if (d === '$' || d === '`') {
          k = readDollar(text, k, w, src, problems);
          continue;
        }
        w.push(d, src(k));
        k++;
      }
      if (!closed) problems.push({ message: 'unterminated double quote', start: src(i), end: src(text.length - 1) + 1 });
      w.touch(src(i), src(Math.max(i, k - 1)) + 1);
      i = k;
      continue;
    }
    if (c === '$' || c === '`') {
      i = readDollar(text, i, w, src, problems);
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '&&' || two === '||' || two === ';;') {
      endCommand(two as ShellSeparator);
      i += 2;
      continue;
    }
    if (c === '(' && text[i + 1] === ')' && w.started) {
      // name() { ... }: a function definition.
      const name = w.value;
      w = new WordBuilder();
      endWord();
      words = [];
      ownHeredocs = [];
      const at = i;
      commands.push({ words: [], assignments: [], separator: undefined, previous, start: src(at), end: src(at) + 2, heredocs: [], list: list++, depth, defines: name });
      i += 2;
      continue;
    }
    if (c === ';' || c === '|' || c === '(' || c === ')') {
      if (c === '(') depth++;
      if (c === ')') depth = Math.max(0, depth - 1);
      endCommand(c === '|' ? '|' : (c as ShellSeparator));
      i++;
      continue;
    }
    if (c === '&' && text[i + 1] !== '>') {
      endCommand('&');
      i++;
      continue;
    }
    if (c === '>' || c === '<' || (c === '&' && text[i + 1] === '>')) {
      if (w.started && /^\d+$/.test(w.value) && w.expansions.length === 0 && !w.quoted) w = new WordBuilder();
      else endWord();
      if (text.startsWith('<<<', i)) {
        dropNext = true;
        i += 3;
        continue;
      }
      if (text.startsWith('<<', i)) {
        const strip = text[i + 2] === '-';
        heredocNext = { stripTabs: strip };
        i += strip ? 3 : 2;
        while (text[i] === ' ' || text[i] === '\t') i++;
        continue;
      }
      let k = i + 1;
      while (k < text.length && (text[k] === '>' || text[k] === '<' || text[k] === '|')) k++;
      if (text[k] === '&') {
        k++;
        while (k < text.length && /[0-9-]/.test(text[k]!)) k++;
        i = k;
        continue;
      }
      dropNext = true;
      i = k;
      continue;
    }
    w.push(c, src(i));
    w.touch(src(i), src(i) + 1);
    i++;
  }
  endCommand();
  if (pendingHeredocs.length > 0) readHeredocBodies(text.length);
  return { commands, problems, ...(shebang ? { shebang } : {}) };
}

function lineEnd(text: string, from: number): number {
  const n = text.indexOf('\n', from);
  return n < 0 ? text.length : n;
}

/** `$NAME`, `${...}`, `$(...)`, `$((...))` or a backquoted command, copied into the word. */
function readDollar(text: string, i: number, w: WordBuilder, src: (i: number) => number, problems: ShellProblem[]): number {
  const startInValue = w.value.length;
  const copy = (from: number, to: number) => {
    for (let k = from; k < to; k++) w.push(text[k]!, src(k));
    if (to > from) w.touch(src(from), src(to - 1) + 1);
  };
  if (text[i] === '`') {
    const close = text.indexOf('`', i + 1);
    const end = close < 0 ? text.length : close + 1;
    if (close < 0) problems.push({ message: 'unterminated command substitution (`)', start: src(i), end: src(text.length - 1) + 1 });
    copy(i, end);
    w.expansions.push({ name: text.slice(i, end), kind: 'command', start: startInValue, end: w.value.length });
    return end;
  }
  const next = text[i + 1];
  if (next === '(') {
    let depth = 0;
    let k = i + 1;
    let quote: string | undefined;
    for (; k < text.length; k++) {
      const ch = text[k]!;
      if (quote) {
        if (ch === quote) quote = undefined;
        else if (ch === '\\' && quote === '"') k++;
        continue;
      }
      if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '\\') k++;
      else if (ch === '(') depth++;
      else if (ch === ')') {
        depth--;
        if (depth === 0) break;
      }
    }
    const end = k < text.length ? k + 1 : text.length;
    if (k >= text.length) problems.push({ message: 'unterminated command substitution $(', start: src(i), end: src(text.length - 1) + 1 });
    copy(i, end);
    w.expansions.push({ name: text.slice(i, end), kind: 'command', start: startInValue, end: w.value.length });
    return end;
  }
  if (next === '{') {
    let depth = 0;
    let k = i + 1;
    for (; k < text.length; k++) {
      if (text[k] === '{') depth++;
      else if (text[k] === '}') {
        depth--;
        if (depth === 0) break;
      }
    }
    const end = k < text.length ? k + 1 : text.length;
    if (k >= text.length) problems.push({ message: 'unterminated ${', start: src(i), end: src(text.length - 1) + 1 });
    const inner = text.slice(i + 2, k < text.length ? k : text.length);
    const m = /^#?([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])(?:(:?[-=?+])(.*))?$/s.exec(inner);
    copy(i, end);
    const exp: Expansion = { name: m?.[1] ?? inner, kind: 'variable', start: startInValue, end: w.value.length };
    if (m?.[2] && (m[2] === '-' || m[2] === ':-' || m[2] === '=' || m[2] === ':=')) exp.fallback = m[3] ?? '';
    w.expansions.push(exp);
    return end;
  }
  if (next !== undefined && NAME_START.test(next)) {
    let k = i + 1;
    while (k < text.length && NAME_CHAR.test(text[k]!)) k++;
    copy(i, k);
    w.expansions.push({ name: text.slice(i + 1, k), kind: 'variable', start: startInValue, end: w.value.length });
    return k;
  }
  if (next !== undefined && /[0-9@*#?$!-]/.test(next)) {
    copy(i, i + 2);
    w.expansions.push({ name: next, kind: 'variable', start: startInValue, end: w.value.length });
    return i + 2;
  }
  copy(i, i + 1);
  return i + 1;
}

/** Text of a word together with its per-character source offsets, to tokenize again. */
export function nestedSource(words: readonly ShellWord[]): { text: string; offsets: number[] } {
  let text = '';
  const offsets: number[] = [];
  words.forEach((word, n) => {
    if (n > 0) {
      text += ' ';
      offsets.push((offsets[offsets.length - 1] ?? word.start) + 1);
    }
    text += word.value;
    offsets.push(...word.offsets);
  });
  return { text, offsets };
}
