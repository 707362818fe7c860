import { LineIndex, type Span } from '../../core/position.js';

/**
 * A systemd unit file parser that reads lines the way systemd's own `config_parse()` does
 * (src/shared/conf-parser.c, systemd 252), with a position for every piece:
 *
 * - `#` and `;` start a comment only as the first non-blank character of a line; later in a line
 *   they are part of the value (`Environment=PASS=a#b` keeps `a#b`).
 * - A line ending in an odd number of backslashes continues on the next line: the last backslash
 *   becomes a space and the next line is appended as it is (leading blanks included). Comment lines
 *   inside a continuation are skipped; an empty line ends it.
 * - `[Section]` headers; an unterminated header is a fatal error (the unit does not load).
 * - `Key=Value`: the key and the value are trimmed of blanks (space, tab, CR, LF); keys are
 *   case-sensitive. Repeated keys are all kept, in order: what repetition means (a list grows,
 *   a later scalar wins, an empty assignment resets) is the model's business.
 * - Lines without `=`, with an empty key, or outside any section are ignored with systemd's own
 *   warning text. `.include` (removed from systemd) is one of those: a line without `=`.
 *
 * The parser knows nothing of rules and never throws.
 */

/** One physical-line piece of a value: `text` sits at `span` character for character. */
export interface UnitValuePiece {
  text: string;
  span: Span;
}

export interface UnitAssignment {
  section: string;
  key: string;
  /** Continuations joined (each continuing backslash is a space), trimmed; quotes and escapes kept. */
  value: string;
  /** From the key's first character to the end of the assignment's last physical line. */
  span: Span;
  keySpan: Span;
  /** The value's extent; zero-width just after `=` when the value is empty. */
  valueSpan: Span;
  /**
   * The value split by physical line: concatenated, the pieces' texts are exactly `value`, and each
   * character sits at its piece's span (a continuation's backslash is the space that replaced it).
   */
  valuePieces: UnitValuePiece[];
}

export interface UnitSectionHeader {
  name: string;
  span: Span;
}

export interface UnitProblem {
  message: string;
  span: Span;
  /** True when systemd refuses to load the unit because of it (not only ignores a line). */
  fatal: boolean;
  /** The line is an obsolete `.include FILE` directive (systemd no longer reads it). */
  include?: string;
}

export interface ParsedUnitFile {
  path: string;
  sections: UnitSectionHeader[];
  assignments: UnitAssignment[];
  problems: UnitProblem[];
}

/** systemd's LONG_LINE_MAX: a longer line (or continuation) makes the whole file fail to load. */
export const LONG_LINE_MAX = 1024 * 1024;

const BLANKS = ' \t\n\r';
/**
 * `.include PATH`: /^\.include[ \t]+(.*)$/ with `(?![ \t])` after the blanks: the same match (when the
 * path cannot reach the end, no shorter run of blanks helps), without trying every split of them (issue 7).
 */
export const INCLUDE = /^\.include[ \t]+(?![ \t])(.*)$/;

interface Piece {
  /** Text of the physical line from its start (leading blanks kept); a continuing `\` already a space. */
  text: string;
  offset: number;
  line: number;
}

export function parseUnitFile(path: string, text: string): ParsedUnitFile {
  const out: ParsedUnitFile = { path, sections: [], assignments: [], problems: [] };
  const lines = new LineIndex(text);
  try {
    parseInto(out, text, lines);
  } catch (err) {
    out.problems.push({
      message: `internal error while reading this unit file: ${err instanceof Error ? err.message : String(err)}`,
      span: lines.span(path, 0, Math.min(1, text.length)),
      fatal: false,
    });
  }
  return out;
}

function parseInto(out: ParsedUnitFile, text: string, lines: LineIndex): void {
  const path = out.path;
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    out.problems.push({ message: 'binary content (NUL byte): not a unit file', span: lines.span(path, nul, nul + 1), fatal: true });
    return;
  }
  const state: ParseState = { section: undefined, sectionIgnored: false };
  let continuation: Piece[] | undefined;
  let continuationLength = 0;

  for (let n = 1; n <= lines.lineCount; n++) {
    let offset = lines.offsetAt(n, 1);
    let raw = lines.lineText(n);
    if (n === lines.lineCount && raw === '' && offset >= text.length) break;
    if (n === 1 && raw.startsWith('\uFEFF')) {
      raw = raw.slice(1);
      offset += 1;
    }
    if (raw.length > LONG_LINE_MAX) {
      out.problems.push({ message: 'Line too long', span: lines.span(path, offset, offset + 1), fatal: true });
      return;
    }
    const lead = skipBlanks(raw, 0);
    if (lead < raw.length && (raw[lead] === '#' || raw[lead] === ';')) continue;

    let pieceText = raw;
    const continues = endsWithOddBackslashes(raw);
    if (continues) pieceText = raw.slice(0, -1) + ' ';
    const piece: Piece = { text: pieceText, offset, line: n };

    if (continuation) {
      continuationLength += raw.length;
      if (continuationLength > LONG_LINE_MAX) {
        out.problems.push({ message: 'Continuation line too long', span: lines.span(path, offset, offset + 1), fatal: true });
        return;
      }
      continuation.push(piece);
    } else {
      continuation = [piece];
      continuationLength = raw.length;
    }
    if (continues) continue;
    parseLine(out, lines, state, continuation);
    continuation = undefined;
  }
  // A file that ends inside a continuation: systemd parses what it has.
  if (continuation) parseLine(out, lines, state, continuation);
}

interface ParseState {
  section: string | undefined;
  /** The current section header was unusable: its assignments are dropped without more warnings. */
  sectionIgnored: boolean;
}

function parseLine(out: ParsedUnitFile, lines: LineIndex, state: ParseState, pieces: Piece[]): void {
  const path = out.path;
  const joined = pieces.map((p) => p.text).join('');
  const offsetOf = (i: number): number => {
    let base = 0;
    for (const p of pieces) {
      if (i < base + p.text.length) return p.offset + (i - base);
      base += p.text.length;
    }
    const last = pieces[pieces.length - 1]!;
    return last.offset + last.text.length;
  };
  const spanOf = (from: number, to: number): Span => lines.span(path, offsetOf(from), to > from ? offsetOf(to - 1) + 1 : offsetOf(from));

  const start = skipBlanks(joined, 0);
  const end = trimEnd(joined, joined.length);
  if (start >= end) return;
  const lineSpan = spanOf(start, end);

  if (joined[start] === '[') {
    if (joined[end - 1] !== ']' || end - start < 2) {
      out.problems.push({ message: `Invalid section header '${joined.slice(start, end)}'`, span: lineSpan, fatal: true });
      state.section = undefined;
      state.sectionIgnored = true;
      return;
    }
    const name = joined.slice(start + 1, end - 1);
    if (!isSafeString(name)) {
      out.problems.push({ message: `Bad characters in section header '${joined.slice(start, end)}'`, span: lineSpan, fatal: true });
      state.section = undefined;
      state.sectionIgnored = true;
      return;
    }
    out.sections.push({ name, span: lineSpan });
    state.section = name;
    state.sectionIgnored = false;
    return;
  }

  const include = INCLUDE.exec(joined.slice(start, end))?.[1];
  const withInclude = (p: UnitProblem): UnitProblem => (include !== undefined ? { ...p, include } : p);
  if (state.section === undefined) {
    if (!state.sectionIgnored) out.problems.push(withInclude({ message: 'Assignment outside of section. Ignoring.', span: lineSpan, fatal: false }));
    return;
  }

  const eq = joined.indexOf('=', start);
  if (eq < 0 || eq >= end) {
    out.problems.push(withInclude({ message: "Missing '=', ignoring line.", span: lineSpan, fatal: false }));
    return;
  }
  if (eq === start) {
    out.problems.push({ message: "Missing key name before '=', ignoring line.", span: lineSpan, fatal: false });
    return;
  }
  const keyEnd = trimEnd(joined, eq);
  const valueStart = skipBlanks(joined, eq + 1);
  const valueEnd = Math.max(valueStart, end);
  const value = joined.slice(valueStart, valueEnd);

  const valuePieces: UnitValuePiece[] = [];
  let base = 0;
  for (const p of pieces) {
    const from = Math.max(valueStart, base);
    const to = Math.min(valueEnd, base + p.text.length);
    if (from < to) {
      const o = p.offset + (from - base);
      valuePieces.push({ text: joined.slice(from, to), span: lines.span(path, o, o + (to - from)) });
    }
    base += p.text.length;
  }

  const last = pieces[pieces.length - 1]!;
  const lastEnd = last.offset + trimEnd(last.text, last.text.length);
  out.assignments.push({
    section: state.section,
    key: joined.slice(start, keyEnd),
    value,
    span: lines.span(path, offsetOf(start), Math.max(lastEnd, offsetOf(eq) + 1)),
    keySpan: spanOf(start, keyEnd),
    valueSpan: value.length > 0 ? spanOf(valueStart, valueEnd) : lines.span(path, offsetOf(eq) + 1, offsetOf(eq) + 1),
    valuePieces,
  });
}

function skipBlanks(s: string, i: number): number {
  while (i < s.length && BLANKS.includes(s[i]!)) i++;
  return i;
}

/** Index just past the last non-blank character before `end`. */
function trimEnd(s: string, end: number): number {
  while (end > 0 && BLANKS.includes(s[end - 1]!)) end--;
  return end;
}

function endsWithOddBackslashes(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

/** systemd's string_is_safe(): no control characters, no quotes or backslashes. */
function isSafeString(s: string): boolean {
  for (const c of s) {
    const code = c.codePointAt(0)!;
    if (code < 32 || code === 127 || c === '\\' || c === '"' || c === "'") return false;
  }
  return true;
}

/** Where characters `from`..`to` (indices into an assignment's value) sit in the file. */
export function valueRangeSpan(assignment: { valuePieces: UnitValuePiece[]; valueSpan: Span }, from: number, to: number): Span {
  const pieces = assignment.valuePieces;
  if (pieces.length === 0) return assignment.valueSpan;
  const at = (i: number, isEnd: boolean) => {
    let base = 0;
    for (const p of pieces) {
      const len = p.text.length;
      if (i < base + len || (isEnd && i === base + len)) {
        const d = i - base;
        return { line: p.span.start.line, column: p.span.start.column + d, offset: p.span.start.offset + d };
      }
      base += len;
    }
    return { ...pieces[pieces.length - 1]!.span.end };
  };
  const start = at(Math.max(0, from), false);
  const end = to > from ? at(to, true) : start;
  return { file: assignment.valueSpan.file, start, end };
}
