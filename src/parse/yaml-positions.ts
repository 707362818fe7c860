import type { Document, Node as YamlAstNode } from 'yaml';
import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments } from './yaml-lib.js';
import type { Span } from '../core/position.js';
import type { SourceText } from '../core/source.js';

/**
 * YAML with positions for every node, key and value: a small, read-only tree built from the `yaml`
 * package's AST (which keeps character offsets), so a rule can point at the exact key or value
 * responsible. Used for Kubernetes manifests and GitHub Actions workflows; knows nothing of either.
 *
 * - Multi-document streams (`---`) give one YamlDocument each, with its own span.
 * - Aliases resolve to the anchored node (the same object, so an alias bomb costs nothing: the
 *   tree is a graph that shares nodes, never an expansion). Code that walks the whole tree must
 *   use `walk()`, which visits each node once.
 * - Merge keys (`<<: *base`) add the merged map's pairs that the map does not set itself.
 * - Scalars keep the value as YAML 1.2 (core schema) reads it and the text as written; consumers
 *   with other rules (Kubernetes reads YAML 1.1 booleans: `yes`, `on`) interpret `text` themselves.
 * - Syntax errors become problems with a span; the parts that did parse are still returned.
 */

export type YamlNode = YamlScalar | YamlMap | YamlSeq;

interface NodeBase {
  /** The node's text (for a block collection: its first key or item to its last value). */
  span: Span;
  /** The anchor when the node carries one (`&base`). */
  anchor?: string;
}

export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal' | 'folded';

export interface YamlScalar extends NodeBase {
  kind: 'scalar';
  /** The value as YAML 1.2 core reads it: string, number, boolean or null. */
  value: string | number | boolean | null;
  /** The value as a string: strings as they are, other scalars as written in the source. */
  text: string;
  style: ScalarStyle;
  tag?: string;
  /** Where the value's characters start in the source (after a quote or a block header). */
  source: ScalarSource;
}

export interface YamlPair {
  /** The key as a string (`on`, `runAsNonRoot`); non-scalar keys are stringified. */
  key: string;
  keySpan: Span;
  value: YamlNode | undefined;
  /** Key to the end of the value. */
  span: Span;
  /** True when the pair came from a merge key (`<<: *base`), not from the map itself. */
  merged?: boolean;
}

export interface YamlMap extends NodeBase {
  kind: 'map';
  pairs: YamlPair[];
  /** Flow style (`{a: 1}`). */
  flow: boolean;
}

export interface YamlSeq extends NodeBase {
  kind: 'seq';
  items: YamlNode[];
  flow: boolean;
}

export interface YamlProblem {
  message: string;
  span: Span;
  code?: string;
}

export interface YamlDocument {
  /** 0-based index in the stream. */
  index: number;
  /** The document's content (from its first to its last character, directives excluded). */
  span: Span;
  contents: YamlNode | undefined;
  problems: YamlProblem[];
  /** Number of aliases in the document. */
  aliasCount: number;
}

export interface YamlFile {
  file: string;
  documents: YamlDocument[];
  /** Every document's problems, in order. */
  problems: YamlProblem[];
}

/** What a scalar needs to map value positions back to the source. */
export interface ScalarSource {
  src: SourceText;
  /** Offset of the node's first character (the quote, the block indicator, or the first character). */
  start: number;
  /** Offset just past the value's last character. */
  end: number;
  /** Lazily built: source offset of each value character. */
  map?: Int32Array | null;
}

const STYLE: Record<string, ScalarStyle> = {
  PLAIN: 'plain',
  QUOTE_SINGLE: 'single',
  QUOTE_DOUBLE: 'double',
  BLOCK_LITERAL: 'literal',
  BLOCK_FOLDED: 'folded',
};

/** Parse a YAML stream with positions. Never throws. */
export function parseYamlFile(src: SourceText): YamlFile {
  const file = src.path;
  const out: YamlFile = { file, documents: [], problems: [] };
  let docs: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(src.text, { prettyErrors: false, merge: true, uniqueKeys: true, keepSourceTokens: false });
    // An empty stream (no document at all) is not an array.
    docs = Array.isArray(parsed) ? (parsed as Document.Parsed[]) : [];
  } catch (err) {
    out.problems.push({ message: `YAML could not be read: ${err instanceof Error ? err.message : String(err)}`, span: src.lines.span(file, 0, 0) });
    return out;
  }
  docs.forEach((doc, index) => {
    const conv = new Converter(src, doc);
    const problems = doc.errors.map((e) => problemOf(src, e.message, e.pos, e.code));
    let contents: YamlNode | undefined;
    try {
      contents = doc.contents ? conv.node(doc.contents as YamlAstNode) : undefined;
    } catch (err) {
      problems.push({ message: `YAML could not be read: ${err instanceof Error ? err.message : String(err)}`, span: src.lines.span(file, doc.range[0], doc.range[0]) });
    }
    const start = contents ? contents.span.start.offset : doc.range[0];
    const end = trimEnd(src.text, start, doc.range[1]);
    out.documents.push({ index, span: src.lines.span(file, start, end), contents, problems, aliasCount: conv.aliases });
    out.problems.push(...problems);
  });
  return out;
}

function problemOf(src: SourceText, message: string, pos: [number, number], code?: string): YamlProblem {
  const [a, b] = pos;
  const start = Math.min(a, src.text.length);
  const end = Math.max(start, Math.min(b, src.text.length));
  return { message: message.replace(/\s+/g, ' ').trim(), span: src.lines.span(src.path, start, end), code };
}

function trimEnd(text: string, start: number, end: number): number {
  let e = Math.min(end, text.length);
  while (e > start && /\s/.test(text[e - 1]!)) e--;
  return e;
}

class Converter {
  private readonly seen = new Map<unknown, YamlNode>();
  aliases = 0;

  constructor(private readonly src: SourceText, private readonly doc: Document.Parsed) {}

  private span(range: readonly number[] | null | undefined): Span {
    const start = range?.[0] ?? 0;
    const end = trimEnd(this.src.text, start, range?.[1] ?? start);
    return this.src.lines.span(this.src.path, start, end);
  }

  node(n: YamlAstNode): YamlNode | undefined {
    if (isAlias(n)) {
      this.aliases++;
      const target = n.resolve(this.doc);
      return target ? this.node(target as YamlAstNode) : undefined;
    }
    const known = this.seen.get(n);
    if (known) return known;
    const anchor = (n as { anchor?: string }).anchor || undefined;
    if (isScalar(n)) {
      const range = n.range ?? [0, 0, 0];
      const raw = n.value;
      const value = typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean' || raw === null ? raw : raw === undefined ? null : String(raw);
      const text = typeof raw === 'string' ? raw : (n.source ?? this.src.text.slice(range[0], range[1]));
      const scalar: YamlScalar = {
        kind: 'scalar',
        value,
        text,
        style: STYLE[n.type ?? 'PLAIN'] ?? 'plain',
        span: this.span(range),
        source: { src: this.src, start: range[0], end: range[1] },
      };
      if (n.tag) scalar.tag = n.tag;
      if (anchor) scalar.anchor = anchor;
      this.seen.set(n, scalar);
      return scalar;
    }
    if (isMap(n)) {
      const map: YamlMap = { kind: 'map', pairs: [], flow: !!n.flow, span: this.span(n.range) };
      if (anchor) map.anchor = anchor;
      this.seen.set(n, map);
      const merges: YamlMap[] = [];
      for (const item of n.items) {
        if (!isPair(item)) continue;
        const keyNode = item.key as YamlAstNode | null;
        if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
          // A merge key: `<<: *base` or `<<: [*a, *b]` (earlier maps win).
          const v = item.value ? this.node(item.value as YamlAstNode) : undefined;
          if (v?.kind === 'map') merges.push(v);
          else if (v?.kind === 'seq') for (const m of v.items) if (m.kind === 'map') merges.push(m);
          continue;
        }
        const key = keyNode ? (isScalar(keyNode) ? scalarKeyText(keyNode) : this.src.text.slice(keyNode.range?.[0] ?? 0, keyNode.range?.[1] ?? 0)) : '';
        const keyRange = keyNode?.range ?? (item.value as YamlAstNode | null)?.range ?? n.range;
        const keySpan = this.span(keyRange);
        const value = item.value ? this.node(item.value as YamlAstNode) : undefined;
        const valueRange = (item.value as YamlAstNode | null)?.range;
        const end = valueRange && !isAlias(item.value) ? Math.max(valueRange[1], keyRange?.[1] ?? 0) : valueRange ? valueRange[1] : (keyRange?.[1] ?? 0);
        map.pairs.push({ key, keySpan, value, span: this.span([keyRange?.[0] ?? 0, end]) });
      }
      for (const m of merges) {
        for (const p of m.pairs) if (!map.pairs.some((q) => q.key === p.key)) map.pairs.push({ ...p, merged: true });
      }
      return map;
    }
    if (isSeq(n)) {
      const seq: YamlSeq = { kind: 'seq', items: [], flow: !!n.flow, span: this.span(n.range) };
      if (anchor) seq.anchor = anchor;
      this.seen.set(n, seq);
      for (const item of n.items) {
        if (isPair(item)) {
          // `- a: 1` inside a flow sequence `[a: 1]` is a single-pair map.
          const m: YamlMap = { kind: 'map', pairs: [], flow: true, span: this.span((item.key as YamlAstNode | null)?.range) };
          const key = isScalar(item.key) ? scalarKeyText(item.key) : '';
          const value = item.value ? this.node(item.value as YamlAstNode) : undefined;
          m.pairs.push({ key, keySpan: m.span, value, span: m.span });
          seq.items.push(m);
          continue;
        }
        const v = item ? this.node(item as YamlAstNode) : undefined;
        if (v) seq.items.push(v);
      }
      return seq;
    }
    return undefined;
  }
}

function scalarKeyText(s: { value: unknown; source?: string }): string {
  if (typeof s.value === 'string') return s.value;
  return s.source ?? String(s.value);
}

// ---------------------------------------------------------------------------------------------
// Navigation helpers

/** The value of `key` in a map (undefined when `node` is not a map or has no such key). */
export function get(node: YamlNode | undefined, key: string): YamlNode | undefined {
  if (node?.kind !== 'map') return undefined;
  for (const p of node.pairs) if (p.key === key) return p.value;
  return undefined;
}

/** The pair of `key` in a map. */
export function pairOf(node: YamlNode | undefined, key: string): YamlPair | undefined {
  if (node?.kind !== 'map') return undefined;
  return node.pairs.find((p) => p.key === key);
}

/** Whether a map has the key at all (even with an empty value). */
export function has(node: YamlNode | undefined, key: string): boolean {
  return pairOf(node, key) !== undefined;
}

/** Follow a path of keys through nested maps. */
export function getPath(node: YamlNode | undefined, ...keys: string[]): YamlNode | undefined {
  let cur = node;
  for (const k of keys) cur = get(cur, k);
  return cur;
}

export function asMap(node: YamlNode | undefined): YamlMap | undefined {
  return node?.kind === 'map' ? node : undefined;
}

export function asSeq(node: YamlNode | undefined): YamlSeq | undefined {
  return node?.kind === 'seq' ? node : undefined;
}

export function asScalar(node: YamlNode | undefined): YamlScalar | undefined {
  return node?.kind === 'scalar' ? node : undefined;
}

/** The items of a sequence, or [] (a missing or null value is an empty list). */
export function items(node: YamlNode | undefined): YamlNode[] {
  return node?.kind === 'seq' ? node.items : [];
}

/** A scalar's text (strings as they are, numbers and booleans as written); undefined for null or collections. */
export function text(node: YamlNode | undefined): string | undefined {
  if (node?.kind !== 'scalar' || node.value === null) return undefined;
  return node.text;
}

/** A scalar's number, when it is one (an integer written as a quoted string is not). */
export function num(node: YamlNode | undefined): number | undefined {
  if (node?.kind !== 'scalar') return undefined;
  return typeof node.value === 'number' ? node.value : undefined;
}

/** A null scalar or an absent value. */
export function isNull(node: YamlNode | undefined): boolean {
  return node === undefined || (node.kind === 'scalar' && node.value === null);
}

/** Visit every node once (aliases and cycles included), depth first, in document order. */
export function walk(root: YamlNode | undefined, visit: (node: YamlNode, keyPath: readonly string[]) => void): void {
  const seen = new Set<YamlNode>();
  const stack: Array<[YamlNode, readonly string[]]> = root ? [[root, []]] : [];
  while (stack.length > 0) {
    const [n, path] = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    visit(n, path);
    if (n.kind === 'map') for (let i = n.pairs.length - 1; i >= 0; i--) { const p = n.pairs[i]!; if (p.value) stack.push([p.value, [...path, p.key]]); }
    else if (n.kind === 'seq') for (let i = n.items.length - 1; i >= 0; i--) stack.push([n.items[i]!, [...path, String(i)]]);
  }
}

// ---------------------------------------------------------------------------------------------
// Positions inside a scalar's value

/**
 * The span of the characters [from, to) of a scalar's value (`text`) in the source: a word in a
 * multi-line `run: |` script, an expression inside a quoted string. Block scalars and plain
 * scalars map character for character; for escapes in double-quoted strings the span may widen to
 * the whole scalar, never point elsewhere.
 */
export function valueRangeSpan(node: YamlScalar, from: number, to: number): Span {
  const s = node.source;
  const map = scalarMap(node);
  if (!map || from < 0 || to > node.text.length || from >= to) return node.span;
  const a = map[from]!;
  const b = map[to - 1]! + 1;
  if (a < 0 || b <= a) return node.span;
  return s.src.lines.span(s.src.path, a, b);
}

/** Source offsets of each character of a scalar's text, or null when they cannot be aligned. */
function scalarMap(node: YamlScalar): Int32Array | null {
  const s = node.source;
  if (s.map !== undefined) return s.map;
  const text = s.src.text;
  const value = node.text;
  let p = s.start;
  if (node.style === 'single' || node.style === 'double') p++;
  else if (node.style === 'literal' || node.style === 'folded') {
    // Skip the header line (`|`, `|-`, `>+2`, a comment).
    while (p < s.end && text[p] !== '\n' && text[p] !== '\r') p++;
  }
  const block = node.style === 'literal' || node.style === 'folded';
  let indent = 0;
  if (block) {
    // Content lines are indented by the first non-blank line's indentation.
    let q = p;
    for (;;) {
      while (q < s.end && (text[q] === '\n' || text[q] === '\r')) q++;
      let n = 0;
      while (q + n < s.end && text[q + n] === ' ') n++;
      if (q + n < s.end && (text[q + n] === '\n' || text[q + n] === '\r')) { q += n; continue; }
      indent = n;
      break;
    }
  }
  /** After a line break in a block scalar: the indentation is not part of the value. */
  const skipIndent = () => {
    if (!block) return;
    let n = 0;
    while (n < indent && p < s.end && text[p] === ' ') { p++; n++; }
  };
  const lineBreak = () => {
    if (text[p] === '\r' && text[p + 1] === '\n') p++;
    p++;
    skipIndent();
  };
  if (block && p < s.end) lineBreak();
  const map = new Int32Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    while (p < s.end) {
      const t = text[p]!;
      if (t === c && t !== '\n') break;
      if ((c === ' ' || c === '\n') && (t === '\n' || t === '\r')) break;
      if (t === '\n' || t === '\r') lineBreak();
      else p++;
    }
    if (p >= s.end) {
      s.map = null;
      return null;
    }
    map[i] = p;
    if (text[p] === '\n' || text[p] === '\r') lineBreak();
    else p++;
  }
  s.map = map;
  return map;
}
