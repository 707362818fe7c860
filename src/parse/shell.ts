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
 * again with its true positions. The tokens come from `lexShell` (shell-words.ts, script dialect),
 * the same tokenizer `splitShell` uses; this module builds the commands of a script from them.
 */
import { lexShell, type Heredoc, type ShellOperator, type ShellWord } from './shell-words.js';
import { cutSpacedHashComment } from '../core/trim.js';

export type { Heredoc, ShellWord };

export type ShellSeparator = ShellOperator;

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

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=/;
const LEADING_RESERVED = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time']);
const OPENERS = new Set(['if', 'while', 'until', 'for', 'case', 'select', '{']);
const CLOSERS = new Set(['fi', 'done', 'esac', '}']);

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

  const endCommand = (sep?: ShellSeparator) => {
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

  lexShell(text, { offsets: map, base, script: true, from: i }, problems, (t) => {
    switch (t.kind) {
      case 'word':
        words.push(t.word);
        return;
      case 'heredoc':
        ownHeredocs.push(t.heredoc);
        return;
      case 'operator':
        if (t.op === '(') depth++;
        if (t.op === ')') depth = Math.max(0, depth - 1);
        endCommand(t.op);
        return;
      case 'function':
        // name() { ... }: a function definition; what the command held so far is dropped.
        words = [];
        ownHeredocs = [];
        commands.push({ words: [], assignments: [], separator: undefined, previous, start: t.start, end: t.start + 2, heredocs: [], list: list++, depth, defines: t.name });
        return;
      case 'end':
        endCommand();
        return;
    }
  });
  return { commands, problems, ...(shebang ? { shebang } : {}) };
}

function lineEnd(text: string, from: number): number {
  const n = text.indexOf('\n', from);
  return n < 0 ? text.length : n;
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
