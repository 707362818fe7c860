import { LineIndex, type Span } from '../core/position.js';
import type { DotenvDialect, EnvEntry } from '../model/env/types.js';

/**
 * A positioned .env parser that reads a file the way each consumer does. The same line can mean
 * different things: `H=abc #c` is `abc` to python-dotenv and `abc #c` to python-decouple, and
 * `K = v` is ignored by django-environ. The behaviours follow the per-consumer table in
 * shared/reference/containers-systemd-env.md §3b (and django-checks.md §4).
 */

export interface DotenvEntry extends EnvEntry {
  /**
   * Variables the value took from outside the file (the environment the consumer runs in),
   * through `${VAR}` expansion. The value was computed as if they were unset.
   */
  hostVariables?: string[];
}

export interface DotenvProblem {
  span: Span;
  message: string;
}

export interface DotenvParse {
  /** Every definition in file order; a name defined twice appears twice (the last one wins). */
  entries: DotenvEntry[];
  problems: DotenvProblem[];
}

/** Parse `text` as `dialect` reads it. Never throws. */
export function parseDotenv(path: string, text: string, dialect: DotenvDialect): DotenvParse {
  const doc = new Doc(path, text);
  try {
    PARSERS[dialect](doc);
  } catch (err) {
    // A parser bug must not stop the audit; what was parsed so far stays.
    doc.problem(0, 0, `internal error while reading this file as ${dialect}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { entries: doc.entries, problems: doc.problems };
}

/** The last definition of each name, in the order those definitions appear. */
export function lastDefinitions(entries: readonly DotenvEntry[]): DotenvEntry[] {
  const last = new Map<string, DotenvEntry>();
  for (const e of entries) {
    last.delete(e.name);
    last.set(e.name, e);
  }
  return [...last.values()];
}

const PARSERS: Record<DotenvDialect, (doc: Doc) => void> = {
  'python-dotenv': parsePythonDotenv,
  'python-decouple': parseDecouple,
  'django-environ': parseDjangoEnviron,
  compose: parseCompose,
  systemd: parseSystemd,
  'npm-dotenv': parseNpmDotenv,
};

// ---------------------------------------------------------------------------------------------
// Shared bookkeeping

class Doc {
  readonly lines: LineIndex;
  readonly entries: DotenvEntry[] = [];
  readonly problems: DotenvProblem[] = [];
  /** The value each name has so far (later definitions win), for `${VAR}` expansion. */
  private readonly values = new Map<string, string | null>();

  constructor(
    readonly path: string,
    readonly text: string,
  ) {
    this.lines = new LineIndex(text);
  }

  /**
   * Record a definition. The entry's span runs from the start of the line where the statement
   * starts to the end of the line where it ends; the value span covers the value as written
   * (quotes included, trailing comment and blanks excluded).
   */
  add(name: string, value: string | null, stmt: [number, number], valueRange?: [number, number], hostVariables?: string[]): void {
    const entry: DotenvEntry = {
      name,
      value,
      span: this.lines.span(this.path, lineStart(this.text, stmt[0]), lineEnd(this.text, stmt[0], stmt[1])),
      layer: this.path,
    };
    if (valueRange) entry.valueSpan = this.lines.span(this.path, valueRange[0], valueRange[1]);
    if (hostVariables && hostVariables.length > 0) entry.hostVariables = hostVariables;
    this.entries.push(entry);
    this.values.set(name, value);
  }

  /** A problem on the whole line(s) from `from` to `to`. */
  problem(from: number, to: number, message: string): void {
    this.problems.push({ span: this.lines.span(this.path, lineStart(this.text, from), lineEnd(this.text, from, to)), message });
  }

  known(): ReadonlyMap<string, string | null> {
    return this.values;
  }
}

function lineStart(text: string, offset: number): number {
  let i = Math.min(offset, text.length);
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

/** End of the line where a statement from `start` to `end` ends (one ending just after a newline ends on that line). */
function lineEnd(text: string, start: number, end: number): number {
  let i = Math.min(end, text.length);
  if (i > start && (text[i - 1] === '\n' || text[i - 1] === '\r')) {
    i--;
    if (text[i] === '\n' && text[i - 1] === '\r') i--;
    return i;
  }
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

/** Each physical line with its offsets, split at \r\n, \r or \n (Python's universal newlines). */
function physicalLines(text: string): Array<{ text: string; start: number; end: number }> {
  const out: Array<{ text: string; start: number; end: number }> = [];
  const re = /\r\n|\r|\n/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ text: text.slice(start, m.index), start, end: m.index });
    start = m.index + m[0].length;
  }
  if (start < text.length) out.push({ text: text.slice(start), start, end: text.length });
  return out;
}

const PY_SPACE = /[\s\x1c-\x1f\x85]/;

/** Python's str.strip() bounds within [from, to). */
function pyStrip(text: string, from: number, to: number): [number, number] {
  while (from < to && PY_SPACE.test(text[from]!)) from++;
  while (to > from && PY_SPACE.test(text[to - 1]!)) to--;
  return [from, to];
}

// ---------------------------------------------------------------------------------------------
// python-dotenv 1.x: a regex-driven reader (dotenv/parser.py) followed by `${VAR}` expansion.

const PD = {
  multilineWhitespace: /\s*/y,
  whitespace: /[^\S\r\n]*/y,
  export: /(?:export[^\S\r\n]+)?/y,
  singleQuotedKey: /'([^']+)'/y,
  unquotedKey: /([^=#\s]+)/y,
  equalSign: /(=[^\S\r\n]*)/y,
  singleQuotedValue: /'((?:\\'|[^'])*)'/y,
  doubleQuotedValue: /"((?:\\"|[^"])*)"/y,
  unquotedValue: /([^\r\n]*)/y,
  comment: /(?:[^\S\r\n]*#[^\r\n]*)?/y,
  endOfLine: /[^\S\r\n]*(?:\r\n|\n|\r|$)/y,
  restOfLine: /[^\r\n]*(?:\r|\n|\r\n)?/y,
};

class PdSyntaxError extends Error {}

/** A cursor over the text that reads sticky regexes, as python-dotenv's Reader does. */
class Cursor {
  pos = 0;
  constructor(readonly text: string) {}

  read(re: RegExp): RegExpExecArray {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) throw new PdSyntaxError();
    this.pos = re.lastIndex;
    return m;
  }

  peek(): string {
    return this.text.charAt(this.pos);
  }
}

const PD_DOUBLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

function parsePythonDotenv(doc: Doc): void {
  // A leading BOM counts as blank space (JS `\s` includes U+FEFF), as python-dotenv drops it.
  const cur = new Cursor(doc.text);
  while (cur.pos < cur.text.length) {
    cur.read(PD.multilineWhitespace);
    if (cur.pos >= cur.text.length) break;
    const start = cur.pos;
    try {
      readPdBinding(doc, cur, start);
    } catch (err) {
      if (!(err instanceof PdSyntaxError)) throw err;
      cur.read(PD.restOfLine);
      doc.problem(start, cur.pos, 'python-dotenv cannot parse this line and skips it (with a warning)');
    }
  }
}

function readPdBinding(doc: Doc, cur: Cursor, start: number): void {
  cur.read(PD.export);
  if (cur.peek() === '#') {
    cur.read(PD.comment);
    cur.read(PD.endOfLine);
    return;
  }
  const key = (cur.peek() === "'" ? cur.read(PD.singleQuotedKey) : cur.read(PD.unquotedKey))[1]!;
  cur.read(PD.whitespace);
  let value: string | null = null;
  let range: [number, number] | undefined;
  if (cur.peek() === '=') {
    const eq = cur.read(PD.equalSign)[1]!;
    const read = readPdValue(cur, eq.length > 1);
    value = read.value;
    range = read.range;
  }
  const stmtEnd = range ? range[1] : cur.pos;
  cur.read(PD.comment);
  cur.read(PD.endOfLine);
  const expanded = value === null ? { value: null, host: [] } : expandPythonDotenv(value, doc.known());
  doc.add(key, expanded.value, [start, stmtEnd], range, expanded.host);
}

function readPdValue(cur: Cursor, afterBlank: boolean): { value: string; range: [number, number] } {
  const from = cur.pos;
  const c = cur.peek();
  if (c === "'") {
    const raw = cur.read(PD.singleQuotedValue)[1]!;
    return { value: raw.replace(/\\[\\']/g, (m) => m[1]!), range: [from, cur.pos] };
  }
  if (c === '"') {
    const raw = cur.read(PD.doubleQuotedValue)[1]!;
    return { value: raw.replace(/\\[\\'"abfnrtv]/g, (m) => PD_DOUBLE_ESCAPES[m[1]!]!), range: [from, cur.pos] };
  }
  if (c === '' || c === '\n' || c === '\r') return { value: '', range: [from, from] };
  const part = cur.read(PD.unquotedValue)[1]!;
  // `KEY=  # note` is empty, but `KEY=#value` keeps its `#`: a comment needs blank space before it.
  const value = afterBlank && part.startsWith('#') ? '' : part.replace(/(?<!\s)\s+#[^\r\n]*/, '').trimEnd();
  return { value, range: [from, from + value.length] };
}

/**
 * python-dotenv expands `${NAME}` and `${NAME:-default}` (not `$NAME`), in every kind of value,
 * single-quoted included. The default applies only when NAME is absent: a NAME defined empty
 * stays empty. Undefined names come from the process environment, assumed here to lack them.
 */
function expandPythonDotenv(value: string, known: ReadonlyMap<string, string | null>): { value: string; host: string[] } {
  const host: string[] = [];
  const out = replaceBraceReferences(value, (name: string, dflt: string | undefined) => {
    const value = known.get(name);
    if (typeof value === 'string') return value;
    if (!host.includes(name)) host.push(name);
    // A name declared without a value (bare KEY) is present but None: its default does not apply.
    return value === null ? '' : dflt ?? '';
  });
  return { value: out, host };
}

// ---------------------------------------------------------------------------------------------
// python-decouple 3.8 (RepositoryEnv): split on the first '=', strip, drop one pair of outer quotes.
// No `export`, no inline comments, no expansion; lines without '=' are skipped silently.

function parseDecouple(doc: Doc): void {
  for (const line of physicalLines(doc.text)) {
    const [from, to] = pyStrip(doc.text, line.start, line.end);
    const stripped = doc.text.slice(from, to);
    if (stripped === '' || stripped.startsWith('#') || !stripped.includes('=')) continue;
    const eq = doc.text.indexOf('=', from);
    const [kFrom, kTo] = pyStrip(doc.text, from, eq);
    const [vFrom, vTo] = pyStrip(doc.text, eq + 1, to);
    const key = doc.text.slice(kFrom, kTo);
    let value = doc.text.slice(vFrom, vTo);
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]!)) value = value.slice(1, -1);
    doc.add(key, value, [from, to], [vFrom, vTo]);
    if (/^export\s/.test(key)) {
      doc.problem(from, to, `python-decouple does not understand 'export': this defines a variable named '${key}'`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// django-environ ≥ 0.12 (Env.read_env with the default parse_comments=False).
//
// Only lines matching `^(?:export )?([A-Za-z_0-9]+)=(.*)$` count, so `KEY = v` is ignored; one pair
// of outer single quotes, then one pair of outer double quotes, is removed; inside double quotes
// `\x` becomes `x` except `\n`, `\r`, `\t`, which stay as written. Inline comments are kept.
// Versions before 0.12 cut unquoted values at the first `#` (`H=abc#def` -> `abc`, `H=abc #c` ->
// `abc `) and broke quoted values holding `#` (`D="abc#def"` -> `"abc`, issue #519).

const ENVIRON_LINE = /^(?:export )?([A-Za-z_0-9]+)=(.*)$/;

function parseDjangoEnviron(doc: Doc): void {
  for (const line of physicalLines(doc.text)) {
    const m = ENVIRON_LINE.exec(line.text);
    if (!m) {
      reportEnvironInvalidLine(doc, line);
      continue;
    }
    const valueFrom = line.start + line.text.length - m[2]!.length;
    const value = environValue(m[2]!);
    doc.add(m[1]!, value, [line.start, line.end], [valueFrom, line.end]);
    if (value.startsWith('$')) {
      doc.problem(
        line.start,
        line.end,
        `django-environ reads a value starting with '$' as a reference to the variable '${value.slice(1)}'; the read fails unless that variable exists (escape it as '\\$')`,
      );
    }
  }
}

function environValue(raw: string): string {
  let val = raw;
  const single = /^'(.*)'$/.exec(val);
  if (single) val = single[1]!;
  const double = /^"(.*)"$/.exec(val);
  if (double) val = double[1]!.replace(/\\(.)/g, (_m, c: string) => ('rnt'.includes(c) ? `\\${c}` : c));
  return val;
}

function reportEnvironInvalidLine(doc: Doc, line: { text: string; start: number; end: number }): void {
  const trimmed = line.text.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return;
  doc.problem(line.start, line.end, `django-environ ignores this line (${environInvalidReason(line.text)})`);
}

function environInvalidReason(line: string): string {
  if (/^\s/.test(line)) return 'it does not accept blanks at the start of a line';
  if (/^(?:export\s+)?[A-Za-z_0-9]+[^\S\r\n]+=/.test(line)) return "it does not accept blanks before '='";
  return "it accepts only KEY=value lines, KEY made of letters, digits and '_'";
}

// ---------------------------------------------------------------------------------------------
// Docker Compose env_file (compose-go dotenv): `export`, `KEY=v` and `KEY: v`, quotes that may span
// lines, ` #` comments on unquoted values, escapes and shell-style expansion outside single
// quotes. A bare KEY is taken from the environment compose runs in. Syntax errors make compose
// refuse to start the project.

const COMPOSE_SPACE = /[\t\v\f\r \x85\xa0]/;
const COMPOSE_REFUSES = 'compose would refuse to start';

function parseCompose(doc: Doc): void {
  const text = doc.text;
  let pos = 0;
  while (pos < text.length) {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
    if (pos >= text.length) break;
    if (text[pos] === '#') {
      pos = nextNewline(text, pos);
      continue;
    }
    pos = readComposeStatement(doc, pos);
  }
}

function nextNewline(text: string, from: number): number {
  const i = text.indexOf('\n', from);
  return i < 0 ? text.length : i;
}

function readComposeStatement(doc: Doc, start: number): number {
  const text = doc.text;
  let p = start;
  const exp = /^export\s+/.exec(text.slice(p, nextNewline(text, p) + 1));
  if (exp) p += exp[0].length;
  const key = readComposeKey(text, p);
  if ('error' in key) {
    doc.problem(start, start, `${COMPOSE_REFUSES}: ${key.error}`);
    return nextNewline(text, start);
  }
  if (key.name.includes(' ')) {
    doc.problem(start, start, `${COMPOSE_REFUSES}: a variable name cannot contain a space ('${key.name}')`);
    return nextNewline(text, start);
  }
  if (key.inherited) {
    doc.add(key.name, null, [start, key.end]);
    return key.end;
  }
  let v = key.end;
  while (v < text.length && COMPOSE_SPACE.test(text[v]!) && text[v] !== '\r') v++;
  const value = readComposeValue(doc, v);
  if ('error' in value) {
    doc.problem(start, start, `${COMPOSE_REFUSES}: ${value.error}`);
    return nextNewline(text, start);
  }
  for (const message of value.problems) doc.problem(start, value.range[1], message);
  doc.add(key.name, value.value, [start, value.range[1]], value.range, value.host);
  return value.next;
}

type ComposeKey = { name: string; end: number; inherited: boolean } | { error: string };

/** The name up to `=`, `:` or the end of the line (then inherited); blanks inside are kept to be refused. */
function readComposeKey(text: string, from: number): ComposeKey {
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (COMPOSE_SPACE.test(c)) continue;
    if (c === '=' || c === ':' || c === '\n') {
      return { name: text.slice(from, i).trimEnd(), end: c === '\n' ? i : i + 1, inherited: c === '\n' };
    }
    if (!/[\p{L}\p{N}_.\-[\]]/u.test(c)) {
      return { error: `unexpected character '${c}' in the variable name '${text.slice(from, nextNewline(text, from)).trim()}'` };
    }
  }
  // A bare name on the last line, without a newline, is inherited like any other bare name.
  return { name: text.slice(from).trimEnd(), end: text.length, inherited: true };
}

interface ComposeValue {
  value: string;
  range: [number, number];
  next: number;
  host: string[];
  problems: string[];
}

function readComposeValue(doc: Doc, from: number): ComposeValue | { error: string } {
  const text = doc.text;
  const quote = text[from];
  if (quote !== '"' && quote !== "'") {
    const eol = nextNewline(text, from);
    const cut = text.slice(from, eol).split(' #')[0]!.trimEnd();
    const expanded = expandCompose(cut, doc.known());
    return { ...expanded, range: [from, from + cut.length], next: eol };
  }
  let chars = '';
  let escaped = false;
  for (let i = from + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c !== quote) {
      if (!escaped && c === '\\') {
        escaped = true;
        continue;
      }
      if (escaped) chars += '\\';
      escaped = false;
      chars += c;
      continue;
    }
    if (escaped) {
      escaped = false;
      chars += c;
      continue;
    }
    const range: [number, number] = [from, i + 1];
    if (quote === "'") return { value: chars, range, next: i + 1, host: [], problems: [] };
    return { ...expandCompose(composeEscapes(chars), doc.known()), range, next: i + 1 };
  }
  return { error: `unterminated quoted value ${text.slice(from, nextNewline(text, from)).replace(/\r$/, '')}` };
}

const COMPOSE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };

/** Backslash escapes in double quotes. `\$` becomes `$$`, which expansion turns into a literal `$`. */
function composeEscapes(s: string): string {
  return s.replace(/\\(0[0-7]{1,3}|.)/gs, (m, c: string) => {
    if (c === '$') return '$$';
    if (c.length > 1) return String.fromCharCode(parseInt(c.slice(1), 8));
    return COMPOSE_ESCAPES[c] ?? m;
  });
}

/**
 * Compose interpolation: `$$`, `$NAME`, `${NAME}`, `${NAME:-d}`/`${NAME-d}` (default when unset or
 * empty / unset), `${NAME:?e}`/`${NAME?e}` (error), `${NAME:+a}`/`${NAME+a}` (alternative when set).
 * Names come from earlier lines; any other name comes from where compose runs (assumed unset).
 */
function expandCompose(s: string, known: ReadonlyMap<string, string | null>): { value: string; host: string[]; problems: string[] } {
  const host: string[] = [];
  const problems: string[] = [];
  const lookup = (name: string): string | undefined => {
    const v = known.get(name);
    if (v !== undefined && v !== null) return v;
    if (!host.includes(name)) host.push(name);
    return undefined;
  };
  const expand = (t: string): string => {
    let out = '';
    let i = 0;
    while (i < t.length) {
      const c = t[i]!;
      if (c !== '$') {
        out += c;
        i++;
        continue;
      }
      const next = t[i + 1];
      if (next === '$') {
        out += '$';
        i += 2;
      } else if (next === '{') {
        const close = matchingBrace(t, i + 1);
        if (close < 0) {
          out += t.slice(i);
          break;
        }
        out += expandBraced(t.slice(i + 2, close), lookup, expand, problems);
        i = close + 1;
      } else {
        const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(t.slice(i + 1))?.[0];
        if (!name) {
          out += '$';
          i++;
          continue;
        }
        out += lookup(name) ?? '';
        i += 1 + name.length;
      }
    }
    return out;
  };
  return { value: expand(s), host, problems };
}

function matchingBrace(t: string, open: number): number {
  let depth = 0;
  for (let i = open; i < t.length; i++) {
    if (t[i] === '{') depth++;
    else if (t[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function expandBraced(
  body: string,
  lookup: (name: string) => string | undefined,
  expand: (t: string) => string,
  problems: string[],
): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(body);
  if (!m) return `\${${body}}`;
  const [, name, op, arg = ''] = m as unknown as [string, string, string | undefined, string | undefined];
  const value = lookup(name);
  const set = value !== undefined;
  const nonEmpty = set && value !== '';
  switch (op) {
    case undefined:
      return value ?? '';
    case ':-':
      return nonEmpty ? value! : expand(arg);
    case '-':
      return set ? value! : expand(arg);
    case ':+':
      return nonEmpty ? expand(arg) : '';
    case '+':
      return set ? expand(arg) : '';
    default: {
      const ok = op === ':?' ? nonEmpty : set;
      if (!ok) problems.push(`${COMPOSE_REFUSES} unless ${name} is set${op === ':?' ? ' and not empty' : ''} where compose runs${arg ? ` ("${arg}")` : ''}`);
      return value ?? '';
    }
  }
}

// ---------------------------------------------------------------------------------------------
// systemd EnvironmentFile= (src/basic/env-file.c): a character state machine. `#`/`;` start a
// comment only at the start of a line; quotes open only at the start of a value (elsewhere they
// are literal); a backslash escapes the next character and a backslash-newline continues the
// line; no expansion. Names must be valid environment variable names or the line is ignored.

type SdState = 'preKey' | 'key' | 'preValue' | 'value' | 'valueEscape' | 'single' | 'double' | 'doubleEscape' | 'comment' | 'commentEscape';

interface SdStatement {
  start: number;
  key: string;
  keyTrim: number;
  value: string;
  valueTrim: number;
  valueFrom: number;
  valueTo: number;
  quoteOpenedAt: number;
}

function parseSystemd(doc: Doc): void {
  const text = doc.text;
  let state: SdState = 'preKey';
  let st = newSdStatement(0);
  const finish = (end: number): void => {
    pushSystemd(doc, st, end);
    state = 'preKey';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const newline = c === '\n' || c === '\r';
    const blank = newline || c === ' ' || c === '\t';
    switch (state) {
      case 'preKey':
        if (c === '#' || c === ';') state = 'comment';
        else if (!blank) {
          st = newSdStatement(i);
          st.key = c;
          state = 'key';
        }
        break;
      case 'key':
        if (newline) state = 'preKey';
        else if (c === '=') {
          state = 'preValue';
          st.valueFrom = st.valueTo = i + 1;
        } else {
          st.keyTrim = blank ? (st.keyTrim < 0 ? st.key.length : st.keyTrim) : -1;
          st.key += c;
        }
        break;
      case 'preValue':
        if (newline) finish(i);
        else if (c === "'" || c === '"') {
          if (st.value === '' && st.valueTo === st.valueFrom) st.valueFrom = i;
          st.quoteOpenedAt = i;
          state = c === "'" ? 'single' : 'double';
        } else if (c === '\\') {
          if (st.value === '' && st.valueTo === st.valueFrom) st.valueFrom = i;
          state = 'valueEscape';
        } else if (!blank) {
          if (st.value === '' && st.valueTo === st.valueFrom) st.valueFrom = i;
          st.value += c;
          st.valueTo = i + 1;
          state = 'value';
        }
        break;
      case 'value':
        if (newline) {
          if (st.valueTrim >= 0) st.value = st.value.slice(0, st.valueTrim);
          finish(i);
        } else if (c === '\\') {
          state = 'valueEscape';
          st.valueTrim = -1;
        } else {
          if (!blank) {
            st.valueTrim = -1;
            st.valueTo = i + 1;
          } else if (st.valueTrim < 0) st.valueTrim = st.value.length;
          st.value += c;
        }
        break;
      case 'valueEscape':
        state = 'value';
        // An escaped newline is dropped: the value continues on the next line.
        if (!newline) st.value += c;
        st.valueTo = i + 1;
        break;
      case 'single':
        if (c === "'") state = 'preValue';
        else st.value += c;
        st.valueTo = i + 1;
        break;
      case 'double':
        if (c === '"') state = 'preValue';
        else if (c === '\\') state = 'doubleEscape';
        else st.value += c;
        st.valueTo = i + 1;
        break;
      case 'doubleEscape':
        state = 'double';
        if ('"\\`$'.includes(c)) st.value += c;
        else if (c !== '\n') st.value += `\\${c}`;
        st.valueTo = i + 1;
        break;
      case 'comment':
        if (c === '\\') state = 'commentEscape';
        else if (newline) state = 'preKey';
        break;
      case 'commentEscape':
        state = 'comment';
        break;
    }
  }
  if (state === 'single' || state === 'double' || state === 'doubleEscape') {
    doc.problem(st.quoteOpenedAt, st.quoteOpenedAt, 'the quote is never closed: systemd takes the rest of the file as the value');
  }
  if (state === 'value' && st.valueTrim >= 0) st.value = st.value.slice(0, st.valueTrim);
  if (['preValue', 'value', 'valueEscape', 'single', 'double', 'doubleEscape'].includes(state)) pushSystemd(doc, st, text.length);
}

function newSdStatement(start: number): SdStatement {
  return { start, key: '', keyTrim: -1, value: '', valueTrim: -1, valueFrom: start, valueTo: start, quoteOpenedAt: start };
}

function pushSystemd(doc: Doc, st: SdStatement, end: number): void {
  const key = st.keyTrim >= 0 ? st.key.slice(0, st.keyTrim) : st.key;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
    doc.problem(st.start, end, `systemd ignores this assignment: '${key}' is not a valid environment variable name`);
    return;
  }
  doc.add(key, st.value, [st.start, st.valueTo], [st.valueFrom, st.valueTo]);
}

// ---------------------------------------------------------------------------------------------
// npm dotenv 16+: one global multi-line regex over the text with CRLF turned into LF. An unquoted
// `#` starts a comment even without a blank before it; quotes (', ", `) may span lines; only
// `\n` and `\r` are unescaped, in double quotes; no expansion (that is dotenv-expand's job).
//
// The regex is npm dotenv's LINE. Its leading \s* runs over blank lines, so a global exec rescans a
// run of blank lines from each of its line starts (issue 7: quadratic on a file of blank lines). Every
// line start in such a run reaches the same key (or fails the same way), so nextNpmLine tries the first
// line start from where the search resumes once (NPM_LINE_AT, sticky), and then goes on with
// NPM_LINE_AFTER, which skips line starts whose previous line is blank: the same leftmost matches.
const NPM_LINE_AT = /(?:^|^)\s*(?:export\s+)?([\w.-]+)(\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?$/dmy;
const NPM_LINE_AFTER = /(?:^|^)(?<!^[^\S\n\r\u2028\u2029]*[\n\r\u2028\u2029])\s*(?:export\s+)?([\w.-]+)(\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?$/dgm;

/** The next match of npm dotenv's LINE regex (global, multi-line) at or after `from`, in linear time. */
export function nextNpmLine(text: string, from: number): RegExpExecArray | null {
  const breaks = '\n\r\u2028\u2029';
  let start = from;
  if (start > 0 && !breaks.includes(text[start - 1]!)) {
    while (start < text.length && !breaks.includes(text[start]!)) start++;
    if (start === text.length) return null;
    start++;
  }
  NPM_LINE_AT.lastIndex = start;
  const m = NPM_LINE_AT.exec(text);
  if (m) return m;
  NPM_LINE_AFTER.lastIndex = start + 1;
  return start + 1 > text.length ? null : NPM_LINE_AFTER.exec(text);
}

/**
 * `t.replace(/^(['"`])([\s\S]*)\1$/gm, '$2')` in linear time (issue 7: the regex rescans the rest of the
 * text from every line that starts with a quote): a line-initial quote pairs with the last same quote
 * that ends a line, if that one comes after it.
 */
export function unquoteLines(t: string): string {
  const breaks = '\n\r\u2028\u2029';
  const lastClose = new Map<string, number>();
  for (let e = t.length - 1; e >= 0 && lastClose.size < 3; e--) {
    const q = t[e]!;
    if ((q === "'" || q === '"' || q === '`') && !lastClose.has(q) && (e + 1 === t.length || breaks.includes(t[e + 1]!))) lastClose.set(q, e);
  }
  let out = '';
  let from = 0;
  for (let p = 0; p < t.length; p++) {
    if (p > 0 && !breaks.includes(t[p - 1]!)) continue;
    const close = lastClose.get(t[p]!);
    if (close === undefined || close <= p) continue;
    out += t.slice(from, p) + t.slice(p + 1, close);
    from = close + 1;
    p = close;
  }
  return out + t.slice(from);
}

function parseNpmDotenv(doc: Doc): void {
  const { text, origin } = normaliseNewlines(doc.text);
  for (let m = nextNpmLine(text, 0); m; m = nextNpmLine(text, m.index + Math.max(1, m[0].length))) {
    const [keyFrom, keyTo] = m.indices![1]!;
    const raw = m[3] ?? '';
    const rawFrom = m.indices![3]?.[0] ?? m.indices![2]![1];
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    const quote = trimmed[0];
    let value = unquoteLines(trimmed);
    if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
    const vFrom = origin(rawFrom + lead);
    const vTo = origin(rawFrom + lead + trimmed.length);
    doc.add(m[1]!, value, [origin(keyFrom), trimmed ? vTo : origin(keyTo)], [vFrom, vTo]);
  }
}

/** The text with \r\n and \r turned into \n, and a map from its offsets back to the original's. */
function normaliseNewlines(original: string): { text: string; origin: (offset: number) => number } {
  const map: number[] = [];
  let text = '';
  for (let i = 0; i < original.length; i++) {
    map.push(i);
    if (original[i] === '\r') {
      text += '\n';
      if (original[i + 1] === '\n') i++;
    } else text += original[i];
  }
  map.push(original.length);
  return { text, origin: (offset) => map[offset] ?? original.length };
}

/**
 * `value.replace(/\$\{([^}:]*)(?::-([^}]*))?\}/g, ...)` in linear time: the regex rescans the rest of
 * the value from every unclosed `${`.
 */
export function replaceBraceReferences(value: string, replace: (name: string, dflt: string | undefined) => string): string {
  let out = '';
  let done = 0;
  let stop = -1; // the first '}' or ':' at or after a position, cached while it stays ahead
  for (let i = value.indexOf('${'); i >= 0; i = value.indexOf('${', i)) {
    if (stop < i + 2) {
      stop = i + 2;
      while (stop < value.length && value[stop] !== '}' && value[stop] !== ':') stop++;
    }
    let end = -1;
    let dflt: string | undefined;
    if (value[stop] === '}') end = stop + 1;
    else if (value[stop] === ':' && value[stop + 1] === '-') {
      const close = value.indexOf('}', stop + 2);
      if (close >= 0) {
        dflt = value.slice(stop + 2, close);
        end = close + 1;
      }
    }
    if (end < 0) {
      i += 1;
      continue;
    }
    out += value.slice(done, i) + replace(value.slice(i + 2, stop), dflt);
    done = end;
    i = end;
  }
  return out + value.slice(done);
}
