/**
 * systemd command lines (ExecStart= and the other Exec*= settings), split the way systemd's
 * `config_parse_exec()` does it (src/core/load-fragment.c, systemd 252):
 *
 * - Words are separated by blanks. Double and single quotes group, anywhere in a word
 *   (`a"b c"d` is one word `ab cd`); an unbalanced quote makes systemd refuse the setting. A
 *   backslash starts a C escape (`\n`, `\t`, `\\`, `\"`, `\'`, `\s` for a space, `\xNN`, `\NNN`
 *   octal, `\uNNNN`, `\UNNNNNNNN`); systemd 252 keeps any other escape as written, with a warning.
 * - A lone `;` separates commands; `\;` is a literal `;` argument.
 * - The first word may start with the prefixes `-` (failure ignored), `@` (the second word is
 *   argv[0]), `:` (no variable expansion), `+` (full privileges), `!` / `!!` (no user switch).
 * - `$NAME` as a whole word expands at run time to the variable split at blanks; `${NAME}`
 *   expands in place as one piece; `$$` is a literal `$`. They are recorded, never expanded here.
 * - `%` specifiers (`%i`, `%n`, `%h`, `%%` ...) are recorded, never expanded here.
 *
 * Indices are into the assignment's value, so that callers can point at a word.
 */

export type ExecPrefix = '-' | '@' | ':' | '+' | '!' | '!!';

export interface ExecWord {
  /** The word after unquoting and unescaping (variables and specifiers left as written). */
  text: string;
  /** The exact source text of the word, quotes included. */
  raw: string;
  /** Index of the word's first character in the value (after any prefix, for the first word). */
  start: number;
  /** Index just past the word's last character. */
  end: number;
  quoted: boolean;
  /** `$NAME` as a whole word: expands at run time into zero or more words. */
  splitVariable?: string;
  /** `${NAME}` references inside the word (expanded in place at run time). */
  variables: string[];
  /** Contains a `%` specifier other than `%%`. */
  hasSpecifier: boolean;
}

export interface ExecCommand {
  prefixes: ExecPrefix[];
  /** The executable as written (after prefixes): absolute path, or a bare name looked up in systemd's fixed search path. */
  path: ExecWord;
  /** argv as systemd builds it: argv[0] is the path unless the `@` prefix names it explicitly. */
  argv: ExecWord[];
  /** argv[1..]: the arguments after the program name. */
  args: ExecWord[];
}

export interface ExecParseError {
  message: string;
  start: number;
  end: number;
}

export interface ParsedExec {
  commands: ExecCommand[];
  /** What makes systemd refuse the setting (the unit then does not load). */
  errors: ExecParseError[];
  /** What systemd warns about and tolerates (unknown escapes, kept as written). */
  warnings: ExecParseError[];
}

const BLANK = /[ \t\n\r]/;

/** Split an Exec*= value into commands. Never throws. */
export function parseExecLine(value: string): ParsedExec {
  const out: ParsedExec = { commands: [], errors: [], warnings: [] };
  let i = 0;
  const skip = () => {
    while (i < value.length && BLANK.test(value[i]!)) i++;
  };
  for (;;) {
    skip();
    if (i >= value.length) break;
    // The first word of a command, prefixes included.
    const first = readWord(value, i, out.warnings);
    if ('error' in first) {
      out.errors.push(first.error);
      return out;
    }
    i = first.next;
    if (first.word.text === ';' && !first.word.quoted) continue;

    const prefixes: ExecPrefix[] = [];
    let p = 0;
    const t = first.word.raw;
    for (;;) {
      const c = t[p];
      if (c === '-' && !prefixes.includes('-')) prefixes.push('-');
      else if (c === '@' && !prefixes.includes('@')) prefixes.push('@');
      else if (c === ':' && !prefixes.includes(':')) prefixes.push(':');
      else if (c === '+' && !prefixes.some((x) => x === '+' || x === '!' || x === '!!')) prefixes.push('+');
      else if (c === '!' && !prefixes.some((x) => x === '+' || x === '!' || x === '!!')) prefixes.push('!');
      else if (c === '!' && prefixes.includes('!') && !prefixes.includes('+') && !prefixes.includes('!!')) {
        prefixes.splice(prefixes.indexOf('!'), 1, '!!');
      } else break;
      p++;
    }
    const path = p === 0 ? first.word : rereadAfterPrefix(value, first.word, p);
    if (path.text === '') {
      out.errors.push({ message: `Empty path in command line: '${value.slice(first.word.start, first.word.end)}'`, start: first.word.start, end: first.word.end });
      return out;
    }
    const words: ExecWord[] = [];
    let separated = false;
    for (;;) {
      skip();
      if (i >= value.length) break;
      if (value[i] === ';' && (i + 1 >= value.length || BLANK.test(value[i + 1]!))) {
        i++;
        separated = true;
        break;
      }
      if (value[i] === '\\' && value[i + 1] === ';' && (i + 2 >= value.length || BLANK.test(value[i + 2]!))) {
        words.push({ text: ';', raw: '\\;', start: i, end: i + 2, quoted: false, variables: [], hasSpecifier: false });
        i += 2;
        continue;
      }
      const w = readWord(value, i, out.warnings);
      if ('error' in w) {
        out.errors.push(w.error);
        return out;
      }
      i = w.next;
      words.push(w.word);
    }
    const argv = prefixes.includes('@') ? words : [path, ...words];
    out.commands.push({ prefixes, path, argv, args: argv.slice(1) });
    if (!separated) break;
  }
  return out;
}

/** The first word without its prefix characters (prefixes are never quoted). */
function rereadAfterPrefix(value: string, word: ExecWord, prefixLength: number): ExecWord {
  const r = readWord(value, word.start + prefixLength, []);
  if ('error' in r) return { ...word, text: word.text.slice(prefixLength), raw: word.raw.slice(prefixLength), start: word.start + prefixLength };
  return r.word;
}

type ReadResult = { word: ExecWord; next: number } | { error: ExecParseError };

/** systemd's extract_first_word() with EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE, starting at a non-blank. */
function readWord(value: string, start: number, warnings: ExecParseError[]): ReadResult {
  let i = start;
  let text = '';
  let quote: '"' | "'" | undefined;
  let quoted = false;
  while (i < value.length) {
    const c = value[i]!;
    if (c === '\\') {
      const esc = unescapeOne(value, i + 1);
      if (!esc) {
        // EXTRACT_CUNESCAPE_RELAX: the backslash and the character after it stay as they are.
        const end = Math.min(value.length, i + 2);
        warnings.push({ message: `Ignoring unknown escape sequence '${value.slice(i, end)}'`, start: i, end });
        text += value.slice(i, end);
        i = end;
        continue;
      }
      text += esc.text;
      i = esc.next;
      continue;
    }
    if (quote) {
      if (c === quote) quote = undefined;
      else text += c;
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      quoted = true;
      i++;
      continue;
    }
    if (BLANK.test(c)) break;
    text += c;
    i++;
  }
  if (quote) return { error: { message: 'Unbalanced quoting in command line', start, end: value.length } };
  const raw = value.slice(start, i);
  const word: ExecWord = { text, raw, start, end: i, quoted, variables: variablesIn(text), hasSpecifier: /%[^%]/.test(text.replace(/%%/g, '')) };
  const split = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
  if (split && !quoted) word.splitVariable = split[1];
  else if (/^\$[^{$]/.test(text) && !quoted) word.splitVariable = text.slice(1);
  return { word, next: i };
}

/**
 * The names in `${NAME}` (after `$$` escapes), as the regex /\$(?:\$|\{([^}]*)\})/g finds them, by
 * indexOf (issue 7: the regex rescans the rest from every `${` that no `}` follows).
 */
export function variablesIn(text: string): string[] {
  const out: string[] = [];
  const lastClose = text.lastIndexOf('}');
  for (let i = text.indexOf('$'); i >= 0; i = text.indexOf('$', i + 1)) {
    if (text[i + 1] === '$') i++;
    else if (text[i + 1] === '{' && i + 2 <= lastClose) {
      const close = text.indexOf('}', i + 2);
      out.push(text.slice(i + 2, close));
      i = close;
    }
  }
  return out;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'", s: ' ',
};

/** systemd's cunescape_one(): the escape after a backslash at `i`, or undefined when invalid. */
function unescapeOne(s: string, i: number): { text: string; next: number } | undefined {
  const c = s[i];
  if (c === undefined) return undefined;
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return { text: simple, next: i + 1 };
  const hex = (n: number) => {
    const digits = s.slice(i + 1, i + 1 + n);
    if (digits.length !== n || !/^[0-9a-fA-F]+$/.test(digits)) return undefined;
    const code = parseInt(digits, 16);
    if (code === 0 || code > 0x10ffff) return undefined;
    return { text: String.fromCodePoint(code), next: i + 1 + n };
  };
  if (c === 'x') return hex(2);
  if (c === 'u') return hex(4);
  if (c === 'U') return hex(8);
  if (c >= '0' && c <= '7') {
    const digits = s.slice(i, i + 3);
    if (!/^[0-7]{3}$/.test(digits)) return undefined;
    const code = parseInt(digits, 8);
    if (code === 0 || code > 255) return undefined;
    return { text: String.fromCharCode(code), next: i + 3 };
  }
  return undefined;
}

/**
 * How systemd treats the executable of a command (systemd ≥ 239): an absolute path, or a plain file
 * name that it looks up in its fixed search path. Anything else (`venv/bin/gunicorn`, `./run.sh`,
 * `~/bin/x`, `${VENV}/bin/x`) is refused when the unit loads.
 */
export function executableKind(path: ExecWord): 'absolute' | 'search-path' | 'invalid' | 'specifier' {
  const t = path.text;
  if (t.startsWith('%') && path.hasSpecifier) return 'specifier';
  if (t.startsWith('/')) return 'absolute';
  if (t === '' || t === '.' || t === '..' || t.includes('/')) return 'invalid';
  return 'search-path';
}

/**
 * Split a value into words the way systemd reads `Environment=` and other quoted lists
 * (extract_first_word with EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE): blanks separate words, quotes group,
 * C escapes are applied. Words that systemd would refuse are left out and reported in `errors`.
 */
export function splitWords(value: string): { words: ExecWord[]; errors: ExecParseError[] } {
  const words: ExecWord[] = [];
  const errors: ExecParseError[] = [];
  let i = 0;
  for (;;) {
    while (i < value.length && BLANK.test(value[i]!)) i++;
    if (i >= value.length) break;
    const r = readWord(value, i, errors);
    if ('error' in r) {
      errors.push(r.error);
      break;
    }
    words.push(r.word);
    i = r.next;
  }
  return { words, errors };
}
