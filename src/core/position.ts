/**
 * The one position type shared by every parser, the model, the rules and the reporters.
 *
 * Lines and columns are 1-based (as SARIF and editors expect); columns count UTF-16 code units
 * (SARIF's default `columnKind`). `offset` is the 0-based UTF-16 index into the decoded text.
 * A span's `end` is exclusive: it is the position just after the last character.
 */
export interface Position {
  line: number;
  column: number;
  offset: number;
}

export interface Span {
  /** Repository-relative POSIX path of the file (never absolute). */
  file: string;
  start: Position;
  end: Position;
}

/**
 * Index of line starts for a text, to turn offsets into positions and back. Built on first use: most
 * texts read (every file the secrets scan reads, say) never need a position.
 */
export class LineIndex {
  private startsCache: Int32Array | undefined;

  constructor(readonly text: string) {}

  /** Offsets where lines start: after each \n, \r\n or lone \r. */
  private get starts(): Int32Array {
    this.startsCache ??= lineStarts(this.text);
    return this.startsCache;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - this.starts[lo]! + 1, offset: o };
  }

  /** Offset of a 1-based line and column (clamped to the text). */
  offsetAt(line: number, column: number): number {
    const l = Math.max(1, Math.min(line, this.starts.length));
    return Math.min(this.text.length, this.starts[l - 1]! + Math.max(0, column - 1));
  }

  /** The text of a 1-based line, without its line terminator. */
  lineText(line: number): string {
    if (line < 1 || line > this.starts.length) return '';
    const from = this.starts[line - 1]!;
    const to = line < this.starts.length ? this.starts[line]! : this.text.length;
    return this.text.slice(from, to).replace(/\r?\n$|\r$/, '');
  }

  span(file: string, startOffset: number, endOffset: number): Span {
    return { file, start: this.positionAt(startOffset), end: this.positionAt(endOffset) };
  }

  /** A span covering the whole of a 1-based line's text. */
  lineSpan(file: string, line: number): Span {
    const from = this.offsetAt(line, 1);
    return this.span(file, from, from + this.lineText(line).length);
  }
}

/** A span for a whole file when nothing better is known (line 1, column 1). */
export function fileStartSpan(file: string): Span {
  const p: Position = { line: 1, column: 1, offset: 0 };
  return { file, start: p, end: { line: 1, column: 2, offset: 1 } };
}

export function formatSpan(span: Span): string {
  return `${span.file}:${span.start.line}:${span.start.column}`;
}

export function compareSpans(a: Span, b: Span): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.start.offset - b.start.offset || a.end.offset - b.end.offset;
}

/**
 * Line start offsets (a typed array: its contents live outside the garbage-collected heap, which does
 * not copy them around). Texts without a carriage return, nearly all, are searched with indexOf.
 */
function lineStarts(text: string): Int32Array {
  const starts = [0];
  if (!text.includes('\r')) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return Int32Array.from(starts);
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return Int32Array.from(starts);
}
