/**
 * Word splitting for command lines, with the source position of every character kept, so that a
 * finding can point at one option of a long command line.
 *
 * Two dialects:
 * - `splitShell`: POSIX sh as Procfiles, Docker's shell form, `sh -c '...'` and gunicorn's
 *   GUNICORN_CMD_ARGS (shlex) see it: blanks split words; single quotes are literal; double quotes
 *   keep `$` expansions and honour `\` before `$ \` " \\` and newline; an unquoted `\` escapes the
 *   next character; `#` at the start of a word begins a comment; `&& || ; | &` and newlines separate
 *   commands; redirections (`> file`, `2>&1`) are dropped from the words.
 * - `splitSystemdExec`: an ExecStart= value as systemd.service(5) describes it: blanks split words,
 *   single and double quotes group, C escapes (`\n`, `\t`, `\\`, `\"`, `\xNN` ...) apply inside and
 *   outside quotes, `${VAR}` is replaced inside a word while a lone `$VAR` word expands to several
 *   words, `$$` is a literal `$`, `%%` a literal `%` (other `%` specifiers are kept as unknowns),
 *   a lone `;` separates commands, and the executable may carry the `@ - : + !` prefixes.
 *
 * Expansions are never performed here: they are recorded on the word (`expansions`) with their
 * place in `value`, and `resolveWord` substitutes what an environment knows.
 *
 * `lexShell` is the one sh tokenizer: `splitShell` here and the whole-script reader of shell.ts
 * (`parseShellScript`, which adds `;;`, `name()` definitions and here-documents through its
 * `script` dialect) both build on it.
 */

export interface Expansion {
  /** Variable name (`PORT`), or a description of a command substitution (`$(...)`) / specifier (`%i`). */
  name: string;
  kind: 'variable' | 'command' | 'specifier';
  /** Index range of the expansion's text within the word's `value`. */
  start: number;
  end: number;
  /** `${NAME:-default}` / `${NAME-default}`: the default text, when one is given. */
  fallback?: string;
  /** systemd: an unbraced `$VAR` word, which expands to several words. */
  splits?: boolean;
}

export interface ShellWord {
  /** The word after quote removal and escapes, expansions kept as written (`0.0.0.0:$PORT`). */
  value: string;
  /** Source offset of each character of `value` (same length as `value`). */
  offsets: number[];
  /** Source offsets of the raw word: first character, and just after the last one. */
  start: number;
  end: number;
  /** Any part of it was quoted. */
  quoted: boolean;
  expansions: Expansion[];
}

export type CommandSeparator = '&&' | '||' | ';' | '|' | '&' | 'newline' | '(' | ')';

export interface SplitCommand {
  words: ShellWord[];
  /** What ends this command (undefined for the last one). */
  separator?: CommandSeparator;
}

export interface SplitProblem {
  message: string;
  /** Source offsets. */
  start: number;
  end: number;
}

export interface SplitResult {
  commands: SplitCommand[];
  problems: SplitProblem[];
}

export interface SplitOptions {
  /**
   * Source offset of each character of the text (for text taken out of a larger file, e.g. the
   * inside of a quoted `sh -c` argument). Default: the text starts at `base`.
   */
  offsets?: readonly number[];
  /** Source offset of the text's first character when `offsets` is not given (default 0). */
  base?: number;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

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

function sourceOffsets(opts: SplitOptions): (i: number) => number {
  const map = opts.offsets;
  const base = opts.base ?? 0;
  if (map) {
    return (i) => (i < map.length ? map[i]! : (map.length > 0 ? map[map.length - 1]! + 1 + (i - map.length) : base + i));
  }
  return (i) => base + i;
}

/**
 * Reads `$NAME`, `${...}`, `$(...)`, `$((...))` or a backquoted command at text[i] (text[i] is `$`
 * or `` ` ``). Appends the raw text to the word and records the expansion. Returns the index after it.
 * `nested` (the script dialect): quotes inside `$(...)` and braces nested in `${...}` are followed;
 * otherwise `$(` ends at its matching `)` by count alone and `${` at the first `}` (so a GitHub
 * Actions `${{ expr }}` in a command line keeps the expansion it always had).
 */
function readDollar(text: string, i: number, w: WordBuilder, src: (i: number) => number, problems: SplitProblem[], nested: boolean): number {
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
      if (!nested) {
        if (ch === '(') depth++;
        else if (ch === ')' && --depth === 0) break;
        continue;
      }
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
      if (!nested) {
        if (text[k] === '}') break;
        continue;
      }
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
  // A lone `$` is literal.
  copy(i, i + 1);
  return i + 1;
}

/** A here-document (`<<EOF` ... `EOF`), met by the script dialect of `lexShell`. */
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

export type ShellOperator = '&&' | '||' | ';' | ';;' | '|' | '&' | 'newline' | '(' | ')';

/** What `lexShell` reports, in text order. */
export type ShellToken =
  /** A word (redirection targets and the fd numbers before redirections are not words). */
  | { kind: 'word'; word: ShellWord }
  /** A command separator (`;;` only in the script dialect). */
  | { kind: 'operator'; op: ShellOperator }
  /** Script dialect: `name()` (the name is not reported as a word); `start` is the source offset of `(`. */
  | { kind: 'function'; name: string; start: number }
  /** Script dialect: a here-document started by the command being read; its body is filled in after the line ends. */
  | { kind: 'heredoc'; heredoc: Heredoc }
  /** The end of the text (before the bodies of here-documents started on the last line are read). */
  | { kind: 'end' };

export interface LexOptions extends SplitOptions {
  /**
   * Whole scripts: `;;`, `name()` function definitions, here-documents (`<<EOF`, `<<-EOF`, `<<<`),
   * quotes inside `$(...)` and braces nested in `${...}`.
   */
  script?: boolean;
  /** Index of the text to start at (after a shebang line). */
  from?: number;
}

/**
 * The sh tokenizer: blanks, single and double quotes, backslash escapes and line continuations,
 * `#` comments at the start of a word, `$...` and backquote expansions kept inside words, the
 * operators `&& || ; | & ( )` and newlines, redirections (targets dropped). Tokens go to `emit` as
 * they are read. Never throws; problems (unterminated quotes ...) are pushed to `problems`.
 */
export function lexShell(text: string, opts: LexOptions, problems: SplitProblem[], emit: (token: ShellToken) => void): void {
  const src = sourceOffsets(opts);
  const script = opts.script === true;
  let w = new WordBuilder();
  let dropNext = false;
  let heredocNext: { stripTabs: boolean } | undefined;
  let pendingHeredocs: Heredoc[] = [];

  const endWord = () => {
    if (w.started) {
      if (heredocNext) {
        const heredoc: Heredoc = { delimiter: w.value, quoted: w.quoted, stripTabs: heredocNext.stripTabs, body: '', bodyStart: -1, closed: false };
        heredocNext = undefined;
        pendingHeredocs.push(heredoc);
        emit({ kind: 'heredoc', heredoc });
      } else if (dropNext) dropNext = false;
      else emit({ kind: 'word', word: w.build() });
    }
    w = new WordBuilder();
  };
  const operator = (op: ShellOperator) => {
    endWord();
    emit({ kind: 'operator', op });
  };

  /** After a newline: read the bodies of the here-documents started on the line just ended. */
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

  let i = opts.from ?? 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      endWord();
      i++;
      continue;
    }
    if (c === '\n' || c === '\r') {
      operator('newline');
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
        // Line continuation: removed.
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
          k = readDollar(text, k, w, src, problems, script);
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
      i = readDollar(text, i, w, src, problems, script);
      continue;
    }
    // Operators.
    const two = text.slice(i, i + 2);
    if (two === '&&' || two === '||' || (script && two === ';;')) {
      operator(two as ShellOperator);
      i += 2;
      continue;
    }
    if (script && c === '(' && text[i + 1] === ')' && w.started) {
      // name() { ... }: a function definition.
      const name = w.value;
      w = new WordBuilder();
      emit({ kind: 'function', name, start: src(i) });
      i += 2;
      continue;
    }
    if (c === ';' || c === '|' || c === '(' || c === ')') {
      operator(c);
      i++;
      continue;
    }
    if (c === '&' && text[i + 1] !== '>') {
      operator('&');
      i++;
      continue;
    }
    if (c === '>' || c === '<' || (c === '&' && text[i + 1] === '>')) {
      // A redirection: an fd number right before it belongs to it; the target word is dropped.
      if (w.started && /^\d+$/.test(w.value) && w.expansions.length === 0 && !w.quoted) w = new WordBuilder();
      else endWord();
      if (script && text.startsWith('<<<', i)) {
        dropNext = true;
        i += 3;
        continue;
      }
      if (script && text.startsWith('<<', i)) {
        const strip = text[i + 2] === '-';
        heredocNext = { stripTabs: strip };
        i += strip ? 3 : 2;
        while (text[i] === ' ' || text[i] === '\t') i++;
        continue;
      }
      let k = i + 1;
      while (k < text.length && (text[k] === '>' || text[k] === '<' || text[k] === '|')) k++;
      if (text[k] === '&') {
        // `2>&1`, `>&2`: the target is an fd, part of the operator.
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
  endWord();
  emit({ kind: 'end' });
  if (pendingHeredocs.length > 0) readHeredocBodies(text.length);
}

function lineEnd(text: string, from: number): number {
  const n = text.indexOf('\n', from);
  return n < 0 ? text.length : n;
}

/** POSIX-sh-like splitting (Procfile commands, Docker shell form, `sh -c` strings, shlex). */
export function splitShell(text: string, opts: SplitOptions = {}): SplitResult {
  const problems: SplitProblem[] = [];
  const commands: SplitCommand[] = [];
  let words: ShellWord[] = [];
  const endCommand = (sep?: CommandSeparator) => {
    if (words.length > 0 || (sep && sep !== 'newline')) commands.push({ words, separator: sep });
    words = [];
  };
  lexShell(text, opts, problems, (t) => {
    if (t.kind === 'word') words.push(t.word);
    else if (t.kind === 'operator') endCommand(t.op as CommandSeparator);
    else if (t.kind === 'end') endCommand();
  });
  return { commands, problems };
}

const C_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'", s: ' ' };

/** The executable prefixes systemd.service(5) allows on an Exec line's first word. */
export interface ExecPrefixes {
  /** `-`: a failing exit status is ignored. */
  ignoreFailure: boolean;
  /** `@`: the second word is argv[0], not an argument. */
  argv0: boolean;
  /** `:`: no environment variable substitution. */
  noSubstitution: boolean;
  /** `+` / `!` / `!!`: privilege handling. */
  privileged: boolean;
}

export interface SystemdExecCommand extends SplitCommand {
  prefixes: ExecPrefixes;
}

export interface SystemdSplitResult {
  commands: SystemdExecCommand[];
  problems: SplitProblem[];
}

/**
 * Splits an ExecStart= value the way systemd does. `text` may be the raw source of the value
 * (with `\`-newline continuations and comment lines inside them, which systemd skips).
 */
export function splitSystemdExec(text: string, opts: SplitOptions = {}): SystemdSplitResult {
  const src = sourceOffsets(opts);
  const problems: SplitProblem[] = [];
  const commands: SystemdExecCommand[] = [];
  let words: ShellWord[] = [];
  let w = new WordBuilder();

  const endWord = () => {
    if (w.started) words.push(w.build());
    w = new WordBuilder();
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push({ words, prefixes: takePrefixes(words), separator: ';' });
    words = [];
  };

  let i = 0;
  let atLineStart = true;
  let quote: '"' | "'" | undefined;
  let quoteStart = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (atLineStart && !quote && i > 0) {
      // Inside a continuation, a line starting with # or ; is a comment and is skipped.
      let k = i;
      while (k < text.length && (text[k] === ' ' || text[k] === '\t')) k++;
      if (text[k] === '#' || text[k] === ';') {
        while (k < text.length && text[k] !== '\n') k++;
        i = k + 1;
        continue;
      }
    }
    atLineStart = false;
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      // Continuation: the backslash and line break become a blank.
      if (!quote) endWord();
      i += text[i + 1] === '\r' ? 3 : 2;
      atLineStart = true;
      continue;
    }
    if (c === '\n') {
      if (!quote) endWord();
      i++;
      atLineStart = true;
      continue;
    }
    if (!quote && (c === ' ' || c === '\t')) {
      endWord();
      i++;
      continue;
    }
    if (!quote && (c === '"' || c === "'")) {
      quote = c;
      quoteStart = i;
      w.quoted = true;
      w.touch(src(i), src(i) + 1);
      i++;
      continue;
    }
    if (quote && c === quote) {
      quote = undefined;
      w.touch(src(i), src(i) + 1);
      i++;
      continue;
    }
    if (c === '\\') {
      const n = text[i + 1];
      if (n === undefined) {
        problems.push({ message: 'trailing backslash', start: src(i), end: src(i) + 1 });
        i++;
        continue;
      }
      let ch: string | undefined = C_ESCAPES[n];
      let len = 2;
      if (ch === undefined && n === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
        ch = String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16));
        len = 4;
      } else if (ch === undefined && /^[0-7]{3}$/.test(text.slice(i + 1, i + 4))) {
        ch = String.fromCharCode(parseInt(text.slice(i + 1, i + 4), 8));
        len = 4;
      }
      if (ch === undefined) {
        problems.push({ message: `unknown escape \\${n}`, start: src(i), end: src(i + 1) + 1 });
        ch = n;
      }
      w.push(ch, src(i + len - 1));
      w.touch(src(i), src(i + len - 1) + 1);
      i += len;
      continue;
    }
    if (c === '$') {
      const n = text[i + 1];
      if (n === '$') {
        w.push('$', src(i + 1));
        w.touch(src(i), src(i + 1) + 1);
        i += 2;
        continue;
      }
      if (n === '{') {
        const close = text.indexOf('}', i + 2);
        if (close > i + 2 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(text.slice(i + 2, close))) {
          const startInValue = w.value.length;
          for (let k = i; k <= close; k++) w.push(text[k]!, src(k));
          w.touch(src(i), src(close) + 1);
          w.expansions.push({ name: text.slice(i + 2, close), kind: 'variable', start: startInValue, end: w.value.length });
          i = close + 1;
          continue;
        }
      } else if (n !== undefined && NAME_START.test(n)) {
        let k = i + 1;
        while (k < text.length && NAME_CHAR.test(text[k]!)) k++;
        const startInValue = w.value.length;
        const lone = !w.started && !quote && (k >= text.length || /[ \t\n]/.test(text[k]!));
        for (let q = i; q < k; q++) w.push(text[q]!, src(q));
        w.touch(src(i), src(k - 1) + 1);
        const exp: Expansion = { name: text.slice(i + 1, k), kind: 'variable', start: startInValue, end: w.value.length };
        if (lone) exp.splits = true;
        w.expansions.push(exp);
        i = k;
        continue;
      }
    }
    if (c === '%') {
      const n = text[i + 1];
      if (n === '%') {
        w.push('%', src(i + 1));
        w.touch(src(i), src(i + 1) + 1);
        i += 2;
        continue;
      }
      if (n !== undefined && /[A-Za-z]/.test(n)) {
        const startInValue = w.value.length;
        w.push('%', src(i));
        w.push(n, src(i + 1));
        w.touch(src(i), src(i + 1) + 1);
        w.expansions.push({ name: `%${n}`, kind: 'specifier', start: startInValue, end: w.value.length });
        i += 2;
        continue;
      }
    }
    if (!quote && c === ';' && !w.started && (i + 1 >= text.length || /[ \t\n\\]/.test(text[i + 1]!))) {
      endCommand();
      i++;
      continue;
    }
    w.push(c, src(i));
    w.touch(src(i), src(i) + 1);
    i++;
  }
  if (quote) problems.push({ message: `unterminated ${quote === '"' ? 'double' : 'single'} quote`, start: src(quoteStart), end: src(text.length - 1) + 1 });
  endCommand();
  if (commands.length > 0) delete commands[commands.length - 1]!.separator;
  return { commands, problems };
}

/** Removes the `@-:+!` prefixes from the first word and says which were there. */
function takePrefixes(words: ShellWord[]): ExecPrefixes {
  const prefixes: ExecPrefixes = { ignoreFailure: false, argv0: false, noSubstitution: false, privileged: false };
  const first = words[0];
  if (!first) return prefixes;
  let n = 0;
  while (n < first.value.length && '@-:+!|'.includes(first.value[n]!)) {
    const ch = first.value[n]!;
    if (ch === '@') prefixes.argv0 = true;
    else if (ch === '-') prefixes.ignoreFailure = true;
    else if (ch === ':') prefixes.noSubstitution = true;
    else prefixes.privileged = true;
    n++;
  }
  if (n > 0) words[0] = sliceWord(first, n);
  return prefixes;
}

/** The part of a word from index `from` (to `to`) of its value, with positions. */
export function sliceWord(word: ShellWord, from: number, to = word.value.length): ShellWord {
  const offsets = word.offsets.slice(from, to);
  return {
    value: word.value.slice(from, to),
    offsets,
    start: offsets[0] ?? word.end,
    end: offsets.length > 0 ? offsets[offsets.length - 1]! + 1 : word.end,
    quoted: word.quoted,
    expansions: word.expansions
      .filter((e) => e.start >= from && e.end <= to)
      .map((e) => ({ ...e, start: e.start - from, end: e.end - from })),
  };
}

/** Source offsets [start, end) of the characters value[from, to) of a word. */
export function wordRange(word: ShellWord, from = 0, to = word.value.length): { start: number; end: number } {
  if (from === 0 && to === word.value.length) return { start: word.start, end: word.end };
  if (to <= from || word.offsets.length === 0) return { start: word.offsets[from] ?? word.start, end: (word.offsets[from] ?? word.start) };
  return { start: word.offsets[from]!, end: word.offsets[to - 1]! + 1 };
}

/**
 * A variable's value as some environment knows it: a string, `null` when the variable is known
 * to be unset, or `undefined` when it cannot be known.
 */
export type EnvLookup = (name: string) => string | null | undefined;

export interface ResolvedWord {
  /** The text with every expansion substituted; undefined when one of them cannot be known. */
  value: string | undefined;
  /** The text with known expansions substituted and unknown ones kept as written. */
  partial: string;
  /** Variables (and other expansions) whose values are not known. */
  unknown: string[];
}

/** Substitutes what `lookup` knows into a word's expansions (shell semantics for defaults). */
export function resolveWord(word: ShellWord, lookup: EnvLookup): ResolvedWord {
  let partial = '';
  let complete = true;
  const unknown: string[] = [];
  let at = 0;
  for (const e of word.expansions) {
    partial += word.value.slice(at, e.start);
    at = e.end;
    let v: string | null | undefined;
    if (e.kind === 'variable') {
      v = lookup(e.name);
      if ((v === null || v === '') && e.fallback !== undefined && !e.fallback.includes('$')) v = e.fallback;
      if (v === null) v = '';
    }
    if (v === undefined) {
      complete = false;
      unknown.push(e.kind === 'variable' ? e.name : word.value.slice(e.start, e.end));
      partial += word.value.slice(e.start, e.end);
    } else {
      partial += v;
    }
  }
  partial += word.value.slice(at);
  return { value: complete ? partial : undefined, partial, unknown: [...new Set(unknown)] };
}
