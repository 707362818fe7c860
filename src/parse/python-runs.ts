/**
 * Long runs of comment-only lines, for the parser's sake.
 *
 * tree-sitter-python (0.25) takes time quadratic in the length of a run of lines that hold only a
 * comment or only a line continuation (`\`), blank lines mixed in: before each of those tokens its
 * external scanner looks ahead over the rest of the run to find the indentation of the next line of
 * code (comments: where a NEWLINE, INDENT or DEDENT could come, i.e. not before the first statement
 * and not inside brackets; continuations: everywhere). Measured on tree-sitter directly: 8,000
 * comment lines after a statement 2.1 s, 30,000 lines 30.5 s (56 s for 29,000 on a loaded machine),
 * 30,000 continuation-only lines 14.1 s, and as much after a triple-quoted string never closed.
 * Blank lines, long single lines, strings, decorators and brackets are linear.
 *
 * The cure is to hand the parser a copy of the text in which the comments and continuations of a
 * long run are spaces: the same length, the same line breaks, so every offset and line/column stays
 * as it was, and the run is plain blank lines (linear). The tree loses only those comment and
 * line_continuation extras, which no reader uses (blocks then end at their last statement rather
 * than at a trailing comment of the run); node text is always sliced from the original text.
 * Short runs, everything ordinary files hold, are left alone, and so are the comments above the first
 * line of code (the parser is linear on them, and the module node starts at the first of them).
 *
 * The scan follows Python's tokens (string prefixes, triple quotes, escapes, f-string replacement
 * fields and format specs) so that a `#` line inside a string is never taken for a comment. The
 * parser has the last word: python.ts checks the tree and restores any run it sees inside a string.
 */

/** A run is blanked when it holds at least this many comment or continuation lines. */
export const QUIET_RUN_MIN_TOKENS = 50;

/** A run of comment / continuation / blank lines: where it starts and ends, and its tokens. */
export interface QuietRun {
  /** Offset of the first token (a `#` or a `\`). */
  start: number;
  /** Offset just past the last token. */
  end: number;
  /** [start, end) of each comment (from `#` to the end of its line) and continuation (`\`). */
  tokens: Array<[number, number]>;
}

type Frame =
  | { kind: 'code'; depth: number }
  | { kind: 'string'; quote: string; fmt: boolean }
  | { kind: 'spec' };

const isBreak = (c: string | undefined): boolean => c === '\n' || c === '\r';
const NON_ASCII_IDENT = /[\p{L}\p{N}\p{Mn}\p{Mc}\p{Pc}]/u;
function isIdent(c: string): boolean {
  const k = c.charCodeAt(0);
  if (k < 128) return (k >= 97 && k <= 122) || (k >= 65 && k <= 90) || (k >= 48 && k <= 57) || k === 95;
  return NON_ASCII_IDENT.test(c);
}
const PREFIX = /^(?:[rRuU]|[fFtTbB][rR]?|[rR][fFtTbB])$/;

/**
 * The runs of at least `minTokens` comment-only or continuation-only lines (blank lines may sit
 * between them) outside strings, found in one pass.
 */
export function longCommentRuns(text: string, minTokens: number = QUIET_RUN_MIN_TOKENS): QuietRun[] {
  if (!mayHoldRun(text, minTokens)) return [];
  const runs: QuietRun[] = [];
  let tokens: Array<[number, number]> = [];
  const endRun = (): void => {
    if (tokens.length >= minTokens) runs.push({ start: tokens[0]![0], end: tokens[tokens.length - 1]![1], tokens });
    tokens = [];
  };
  const stack: Frame[] = [{ kind: 'code', depth: 0 }];
  const n = text.length;
  let i = 0;
  let lineStart = true;
  let seenCode = false;
  let continuedIntoNext = false;
  // The last string opened outside any other: if the text ends inside it, it was never closed, and
  // tree-sitter reads on past its opening quotes as code (an ERROR there); so does the scan.
  let lastOpen: { after: number; runs: number } | undefined;
  let reopened = 0;
  for (;;) {
    while (i < n) {
      if (lineStart) {
        lineStart = false;
        if (stack.length === 1) {
          // A whole line outside any string: blank, comment-only, continuation-only or code.
          let j = i;
          while (text[j] === ' ' || text[j] === '\t' || text[j] === '\f') j++;
          if (j >= n) break;
          const c = text[j]!;
          if (c === '#') {
            let k = j;
            while (k < n && !isBreak(text[k])) k++;
            // Comments before the first line of code cost nothing (and the module node starts at them).
            if (seenCode) tokens.push([j, k]);
            continuedIntoNext = false;
            i = k;
            continue;
          }
          if (c === '\\' && (j + 1 >= n || isBreak(text[j + 1]))) {
            tokens.push([j, j + 1]);
            continuedIntoNext = true;
            i = j + 1;
            continue;
          }
          if (!isBreak(c)) {
            // A continuation right above this line joins it: it stays, with its indentation (tree-sitter
            // adds the indentation of joined lines up).
            if (continuedIntoNext) tokens.pop();
            endRun();
            seenCode = true;
          }
          continuedIntoNext = false;
          i = j;
          continue;
        }
      }
      const c = text[i]!;
      const top = stack[stack.length - 1]!;
      if (c === '\r' || c === '\n') {
        i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
        lineStart = true;
        // A one-quote string ends at the end of its line (a syntax error; tree-sitter gives up on it there too).
        while (stack.length > 1) {
          const f = stack[stack.length - 1]!;
          if (f.kind === 'string' && f.quote.length === 1) stack.pop();
          else if (f.kind === 'spec' || (f.kind === 'code' && stack.length > 1 && oneQuoteBelow(stack))) stack.pop();
          else break;
        }
        continue;
      }
      if (top.kind === 'code') {
        if (c === '#') {
          while (i < n && !isBreak(text[i])) i++;
          continue;
        }
        if (c === '\\') {
          // A line continuation: the next physical line is looked at as a line (a run may follow).
          if (isBreak(text[i + 1])) {
            i += text[i + 1] === '\r' && text[i + 2] === '\n' ? 3 : 2;
            lineStart = true;
          } else i += 2;
          continue;
        }
        if (c === '"' || c === "'") {
          const bottom = stack.length === 1;
          i = openString(text, i, '', stack);
          if (bottom) lastOpen = { after: i, runs: runs.length };
          continue;
        }
        if (isIdent(c)) {
          let k = i + 1;
          while (k < n && isIdent(text[k]!)) k++;
          const word = text.slice(i, k);
          if ((text[k] === '"' || text[k] === "'") && PREFIX.test(word)) {
            const bottom = stack.length === 1;
            i = openString(text, k, word, stack);
            if (bottom) lastOpen = { after: i, runs: runs.length };
          } else i = k;
          continue;
        }
        if (stack.length > 1) {
          // Inside a replacement field of an f-string.
          if (c === '(' || c === '[' || c === '{') top.depth++;
          else if ((c === ')' || c === ']') && top.depth > 0) top.depth--;
          else if (c === '}') {
            if (top.depth > 0) top.depth--;
            else stack.pop();
          } else if (c === ':' && top.depth === 0) stack.push({ kind: 'spec' });
          else if (c === '!' && top.depth === 0 && text[i + 1] !== '=') stack.push({ kind: 'spec' });
        }
        i++;
        continue;
      }
      if (top.kind === 'spec') {
        // A format spec (or conversion): literal text with nested fields, up to the field's `}`.
        if (c === '{') stack.push({ kind: 'code', depth: 0 });
        else if (c === '}') {
          stack.pop(); // the spec
          stack.pop(); // the field
        }
        i++;
        continue;
      }
      // Inside a string.
      if (c === '\\') {
        if (text[i + 1] === '\r' && text[i + 2] === '\n') i += 3;
        else i += top.fmt && (text[i + 1] === '{' || text[i + 1] === '}') ? 1 : 2;
        continue;
      }
      if (text.startsWith(top.quote, i)) {
        stack.pop();
        i += top.quote.length;
        continue;
      }
      if (top.fmt && (c === '{' || c === '}')) {
        if (text[i + 1] === c) i += 2;
        else {
          if (c === '{') stack.push({ kind: 'code', depth: 0 });
          i++;
        }
        continue;
      }
      i++;
    }
    // Bounded: each round reads to the end again.
    if (stack.length > 1 && lastOpen && reopened < 8) {
      reopened++;
      runs.length = lastOpen.runs;
      tokens = [];
      stack.length = 1;
      i = lastOpen.after;
      lastOpen = undefined;
      lineStart = false;
      seenCode = true;
      continuedIntoNext = false;
      continue;
    }
    break;
  }
  endRun();
  return runs;
}

/**
 * A quick look at lines alone (strings not followed): whether some stretch of comment-only,
 * continuation-only and blank lines holds `minTokens` tokens. Every run the full scan finds is such
 * a stretch, so ordinary files skip the full scan.
 */
function mayHoldRun(text: string, minTokens: number): boolean {
  let streak = 0;
  for (let at = 0; at < text.length; ) {
    let j = at;
    while (text[j] === ' ' || text[j] === '\t' || text[j] === '\f') j++;
    const c = text[j];
    if (c === '#' || (c === '\\' && (j + 1 >= text.length || isBreak(text[j + 1])))) {
      if (++streak >= minTokens) return true;
    } else if (!isBreak(c) && j < text.length) streak = 0;
    let k = j;
    while (k < text.length && !isBreak(text[k])) k++;
    at = k + 1;
  }
  return false;
}

/** Whether the innermost string below a replacement field is a one-quote string (its field ends with the line). */
function oneQuoteBelow(stack: Frame[]): boolean {
  for (let k = stack.length - 1; k >= 0; k--) {
    const f = stack[k]!;
    if (f.kind === 'string') return f.quote.length === 1;
  }
  return false;
}

function openString(text: string, at: number, prefix: string, stack: Frame[]): number {
  const q = text[at]!;
  const quote = text.startsWith(q.repeat(3), at) ? q.repeat(3) : q;
  stack.push({ kind: 'string', quote, fmt: /[fFtT]/.test(prefix) });
  return at + quote.length;
}

/** The text with the tokens of the given runs replaced by spaces (same length, same line breaks). */
export function blankRuns(text: string, runs: QuietRun[]): string {
  if (runs.length === 0) return text;
  const parts: string[] = [];
  let at = 0;
  for (const run of runs) {
    for (const [s, e] of run.tokens) {
      parts.push(text.slice(at, s), ' '.repeat(e - s));
      at = e;
    }
  }
  parts.push(text.slice(at));
  return parts.join('');
}
