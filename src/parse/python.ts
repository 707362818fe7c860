import Parser from 'tree-sitter';
import Python from 'tree-sitter-python';
import { monotonicMs } from '../core/clock.js';
import { LineIndex, type Span } from '../core/position.js';
import type { ParseProblem } from '../model/settings-types.js';
import { CopiedNode, flatten, materialize, nodeBeyondDepth, TreeTooDeep, unflatten, wrapNative, type FlatTree, type PyNode } from './py-tree.js';
import { blankRuns, longCommentRuns } from './python-runs.js';

export type { PyNode };

/**
 * Files up to this many characters are copied out of tree-sitter (fast to read again and again);
 * bigger ones, generated or hostile rather than settings anyone writes, keep tree-sitter's compact
 * native tree behind the same interface (a copy of a 3 MB module took about 800 MB of heap).
 */
export const COPY_TREE_MAX_CHARS = 256 * 1024;

/** A parsed Python file: its text, line index, syntax tree and syntax problems. */
export interface ParsedPython {
  path: string;
  text: string;
  lines: LineIndex;
  /** The module node (tree-sitter's tree copied into plain objects); an empty module when the parser could not run. */
  root: PyNode;
  problems: ParseProblem[];
  /**
   * Set when the file's tree is not read at all (nesting too deep to read safely): `root` is then an
   * empty module, and what the file defines is not known (rather than not set).
   */
  unread?: ParseProblem;
}

let parser: Parser | undefined;

type LanguageWithClasses = Parser.Language & { nodeSubclasses?: unknown };
const language = Python as unknown as LanguageWithClasses;

/**
 * Every node type on tree-sitter's base node class: setLanguage otherwise builds a JavaScript
 * subclass per node type (typed field getters, compiled from source text), about 9 ms of every
 * run's start-up. Copied trees are read through a cursor and never need them.
 */
const BASE_NODE_CLASSES = new Proxy([], { get: (_target, key) => (key === 'length' ? 0 : (Parser as unknown as { SyntaxNode: unknown }).SyntaxNode) });
let baseClassesOnly = false;

function sharedParser(): Parser {
  if (!parser) {
    parser = new Parser();
    if (!language.nodeSubclasses) {
      language.nodeSubclasses = BASE_NODE_CLASSES;
      baseClassesOnly = true;
    }
    parser.setLanguage(language);
  }
  return parser;
}

/**
 * tree-sitter's per-type node classes, built before a native tree is read (files too big to copy):
 * there each node's type is then a prototype property rather than a call into C++.
 */
function useTypedNodeClasses(): void {
  if (!baseClassesOnly) return;
  baseClassesOnly = false;
  delete language.nodeSubclasses;
  sharedParser().setLanguage(language);
}

/**
 * Parses Python source. Never throws: a parser failure becomes a problem and an empty module.
 *
 * node-tree-sitter hands the text over as UTF-16 and reports `startIndex`/`endIndex` in UTF-16
 * code units (checked against strings with `é` and astral emoji), so node offsets index `text`
 * directly and spans are computed through our own LineIndex rather than tree-sitter's rows.
 * `quietRunMinTokens` (tests only) changes how long a comment run must be before the parser gets
 * it blanked (python-runs.ts). `flat` is what flatParse made of this very text elsewhere (a parse
 * worker): the tree, of which what is left to do here is the cheap part, turning it into nodes, or
 * 'timeout' when tree-sitter took longer than the time limit there. `timeLimitMs` (tests only)
 * replaces PARSE_TIME_LIMIT_MS.
 */
export function parsePython(path: string, text: string, options: { quietRunMinTokens?: number; flat?: FlatTree | 'timeout'; timeLimitMs?: number } = {}): ParsedPython {
  const lines = new LineIndex(text);
  // A flat tree (or the parser's time limit) comes only for a text flatParse found nested within
  // Python's limits: the scan is not made again for it.
  const tooDeep = options.flat === undefined ? nestingBeyondPython(text) : undefined;
  if (tooDeep) {
    // CPython refuses the whole file, so there is nothing to evaluate; and a tree that deep would
    // overflow the stack of every recursive walk over it.
    const problem: ParseProblem = { file: path, span: lines.span(path, tooDeep.offset, tooDeep.offset + 1), message: tooDeep.message, kind: 'syntax' };
    return { path, text, lines, root: emptyRoot(), problems: [problem], unread: problem };
  }
  const limitMs = options.timeLimitMs ?? PARSE_TIME_LIMIT_MS;
  try {
    let root: PyNode;
    try {
      // Node text is always sliced from the original text (the parser may have seen blanked comments).
      if (options.flat === 'timeout') throw new ParseTimedOut();
      if (options.flat && text.length <= COPY_TREE_MAX_CHARS) root = unflatten(options.flat, text);
      else if (text.length <= COPY_TREE_MAX_CHARS) root = materialize(parseQuietly(text, options.quietRunMinTokens, limitMs), text, MAX_TREE_DEPTH);
      else {
        const tree = parseQuietly(text, options.quietRunMinTokens, limitMs);
        const deep = nodeBeyondDepth(tree, MAX_TREE_DEPTH);
        if (deep) throw new TreeTooDeep(deep.offset, deep.pythonDepth);
        useTypedNodeClasses();
        root = wrapNative(tree.rootNode, text);
      }
    } catch (err) {
      if (err instanceof ParseTimedOut) {
        // Not a syntax error: the audit's limit. What the file sets is not known.
        const problem: ParseProblem = { file: path, span: lines.span(path, 0, Math.min(1, text.length)), message: parseTimeMessage(limitMs), kind: 'evaluation' };
        return { path, text, lines, root: emptyRoot(), problems: [problem], unread: problem };
      }
      if (!(err instanceof TreeTooDeep)) throw err;
      // Like nesting beyond the tokenizer's limits: nothing to evaluate, and every recursive walk
      // over a tree that deep (the interpreter, the URLconf and model readers) would run out of stack.
      const refusedByPython = err.pythonDepth > MAX_TREE_DEPTH - 8;
      // What CPython compiles (a long and/or chain) is no syntax error: only the audit's limit.
      const problem: ParseProblem = {
        file: path,
        span: lines.span(path, err.offset, Math.min(err.offset + 1, text.length)),
        message: refusedByPython ? TOO_DEEP_FOR_PYTHON : TOO_DEEP_TO_READ,
        kind: refusedByPython ? 'syntax' : 'evaluation',
      };
      return { path, text, lines, root: emptyRoot(), problems: [problem], unread: problem };
    }
    const parsed: ParsedPython = { path, text, lines, root, problems: [] };
    parsed.problems = syntaxProblems(parsed);
    return parsed;
  } catch (err) {
    const problem: ParseProblem = {
      file: path,
      span: lines.span(path, 0, Math.min(1, text.length)),
      message: `could not parse: ${err instanceof Error ? err.message : String(err)}`,
      kind: 'syntax',
    };
    return { path, text, lines, root: emptyRoot(), problems: [problem] };
  }
}

/**
 * The flattened tree parsePython would copy for this text, for a parse worker to hand over; undefined
 * when parsePython takes another way (nesting too deep, a file too big to copy, a parser failure), which
 * the main thread then takes itself. `stopped` is asked before each chunk of text the parser reads:
 * once it holds, the parser reads no more (so that a worker being shut down leaves native code soon)
 * and the result is undefined.
 */
export function flatParse(text: string, stopped?: () => boolean): FlatTree | 'timeout' | undefined {
  if (text.length > COPY_TREE_MAX_CHARS || nestingBeyondPython(text)) return undefined;
  try {
    const tree = parseQuietly(text, undefined, PARSE_TIME_LIMIT_MS, stopped);
    // The tree of a text cut short is of no use.
    return stopped?.() ? undefined : flatten(tree, MAX_TREE_DEPTH);
  } catch (err) {
    return err instanceof ParseTimedOut && !stopped?.() ? 'timeout' : undefined;
  }
}

/**
 * How long tree-sitter may take over one file, all blanking rounds together. A settings module takes
 * milliseconds and the largest file read (2 MB) well under a second; a text that takes longer is
 * hostile, and the rest of the audit should not wait for it.
 */
export const PARSE_TIME_LIMIT_MS = 10_000;

function parseTimeMessage(limitMs: number): string {
  const limit = limitMs >= 1000 ? `${limitMs / 1000} s` : `${limitMs} ms`;
  return `the Python parser took more than ${limit} over this file: the audit does not read it, so what it sets is not known`;
}

class ParseTimedOut extends Error {
  constructor() {
    super('parse time limit reached');
  }
}

function parseText(text: string, deadline: number, stopped?: () => boolean): Parser.Tree {
  const parser = sharedParser();
  // tree-sitter checks its clock as it goes and gives up (null) once the time is spent.
  parser.setTimeoutMicros(Math.max(1, Math.round((deadline - monotonicMs()) * 1000)));
  // The callback form avoids the binding's limits on one huge string argument.
  const chunk = 64 * 1024;
  const tree = parser.parse((index: number) => (index < text.length && !stopped?.() ? text.slice(index, index + chunk) : '')) as Parser.Tree | null;
  if (!tree) {
    // Otherwise the next parse would resume this one.
    parser.reset();
    throw new ParseTimedOut();
  }
  return tree;
}

/**
 * Parses with the comments of long comment-only runs blanked (see python-runs.ts: tree-sitter-python
 * is quadratic on them), same offsets and lines. The parser has the last word on what is a string:
 * a run it sees inside a string (our scan misread the text) is put back and the text parsed again;
 * when no run is left or after three rounds, the original text is parsed as it is.
 */
function parseQuietly(text: string, minTokens: number | undefined, limitMs: number, stopped?: () => boolean): Parser.Tree {
  const deadline = monotonicMs() + limitMs;
  let runs = longCommentRuns(text, minTokens);
  for (let round = 0; runs.length > 0 && round < 3; round++) {
    const tree = parseText(blankRuns(text, runs), deadline, stopped);
    const misread = runs.filter((r) => insideString(tree.rootNode, r.start));
    if (misread.length === 0) return tree;
    runs = runs.filter((r) => !misread.includes(r));
  }
  return parseText(text, deadline, stopped);
}

/** Whether the offset lies inside a string literal of the tree (replacement fields of f-strings included). */
function insideString(root: Parser.SyntaxNode, offset: number): boolean {
  for (let node: Parser.SyntaxNode | null = root.descendantForIndex(offset, offset + 1); node; node = node.parent) {
    if (node.type === 'string' || node.type === 'string_content') return true;
  }
  return false;
}

/**
 * Syntax trees deeper than this are not read. Without brackets, an expression nests one level per
 * operator in a chain (`- - - 1`, `not not x`, `1 + 1 + ... + 1`, `a.b.b.b`, `f()()()`): CPython 3.11's
 * compiler stops such a chain at 2,992 levels (RecursionError; measured), and the audit's recursive
 * readers run out of JavaScript stack somewhere past 6,000. A long `and`/`or` chain is the exception:
 * one node for CPython, which compiles it, so the message does not say Python refuses it.
 */
export const MAX_TREE_DEPTH = 3000;
// Written out rather than toLocaleString(): loading Intl's locale data costs ~15 ms of every run's start-up.
const MAX_TREE_DEPTH_TEXT = '3,000';
const TOO_DEEP_FOR_PYTHON = `an expression nests more than ${MAX_TREE_DEPTH_TEXT} levels deep: CPython 3.11 refuses to compile it (RecursionError), and the audit does not read this file`;
const TOO_DEEP_TO_READ = `an and/or chain nests more than ${MAX_TREE_DEPTH_TEXT} levels deep: the audit does not read this file, so what it sets is not known`;

/** CPython's tokenizer limits: MAXLEVEL (nested brackets) and MAXINDENT (its indentation stack, level 0 included). */
const MAX_BRACKET_LEVEL = 200;
const MAX_INDENT_LEVEL = 100;

/**
 * Where the text nests deeper than CPython's tokenizer accepts ("too many nested parentheses",
 * "too many levels of indentation"), found by a linear scan that skips comments and strings.
 */
export function nestingBeyondPython(text: string): { offset: number; message: string } | undefined {
  let level = 0;
  const indents: number[] = [0];
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    if (atLineStart && level === 0) {
      let width = 0;
      let j = i;
      while (text[j] === ' ' || text[j] === '\t') {
        width += text[j] === '\t' ? 8 - (width % 8) : 1;
        j++;
      }
      const blank = j >= text.length || text[j] === '\n' || text[j] === '\r' || text[j] === '#';
      if (!blank) {
        while (indents.length > 1 && width < indents[indents.length - 1]!) indents.pop();
        if (width > indents[indents.length - 1]!) {
          indents.push(width);
          if (indents.length - 1 >= MAX_INDENT_LEVEL) return { offset: j, message: 'too many levels of indentation (Python allows 99): Python cannot compile this file' };
        }
      }
      i = j;
      atLineStart = false;
      if (i >= text.length) break;
    }
    const ch = text[i]!;
    if (ch === '\n' || ch === '\r') {
      atLineStart = true;
      continue;
    }
    if (ch === '#') {
      while (i + 1 < text.length && text[i + 1] !== '\n' && text[i + 1] !== '\r') i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const triple = text.startsWith(ch.repeat(3), i);
      const quote = triple ? ch.repeat(3) : ch;
      i += quote.length;
      while (i < text.length && !text.startsWith(quote, i)) {
        if (text[i] === '\\') i++;
        else if (!triple && (text[i] === '\n' || text[i] === '\r')) break;
        i++;
      }
      i += quote.length - 1;
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') {
      level++;
      if (level > MAX_BRACKET_LEVEL) return { offset: i, message: `too many nested parentheses (Python allows ${MAX_BRACKET_LEVEL}): Python cannot compile this file` };
    } else if ((ch === ')' || ch === ']' || ch === '}') && level > 0) level--;
  }
  return undefined;
}

/** Converts a node's extent to our Span (1-based lines/columns, UTF-16, end exclusive). */
export function spanOf(parsed: { path: string; lines: LineIndex }, node: PyNode): Span {
  return parsed.lines.span(parsed.path, node.startIndex, node.endIndex);
}

/**
 * One problem per ERROR region (not repeated for ERROR nodes nested inside it) and one per
 * MISSING token, so a single typo does not become a cascade of findings.
 */
function syntaxProblems(parsed: ParsedPython): ParseProblem[] {
  const out: ParseProblem[] = [];
  if (!parsed.root.hasError) return out;
  // Depth-first in document order, with a stack of our own: a tree 20,000 levels deep is fine.
  const stack: Array<[PyNode, boolean]> = [[parsed.root, false]];
  while (stack.length > 0) {
    const [node, insideError] = stack.pop()!;
    if (node.isMissing) {
      out.push(problemAt(parsed, node, `missing "${node.type}"`));
      continue;
    }
    const isError = node.type === 'ERROR';
    if (isError && !insideError) out.push(problemAt(parsed, node, `invalid syntax: unexpected ${describeError(node)}`));
    if (!node.hasError && !isError) continue;
    const children = node.children;
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i]!, insideError || isError]);
  }
  return out;
}

function problemAt(parsed: ParsedPython, node: PyNode, message: string): ParseProblem {
  const span = spanOf(parsed, node);
  return { file: parsed.path, span, message, kind: 'syntax' };
}

/** The first token the parser could not place, quoted and shortened. */
function describeError(node: PyNode): string {
  let leaf: PyNode = node;
  while (leaf.childCount > 0) leaf = leaf.child(0)!;
  const raw = (leaf.text || node.text).split(/\r?\n|\r/)[0] ?? '';
  const shown = raw.length > 30 ? `${raw.slice(0, 30)}...` : raw;
  if (shown.length === 0) return 'end of input';
  return JSON.stringify(shown);
}

/** An empty module for files the parser could not handle. */
function emptyRoot(): PyNode {
  return new CopiedNode('module', 0, 0, true, false, '');
}
