import type { Document, Node as YamlNode, Pair } from 'yaml';
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from '../yaml-lib.js';
import type { SourceText } from '../../core/source.js';
import type { Span } from '../../core/position.js';

/**
 * A YAML document as a small positioned tree: every scalar, key, mapping and sequence with its
 * exact span. Anchors and aliases are resolved (an alias takes the anchored node, with the
 * anchor's positions: that is where the text is written) and `<<` merge keys are applied as
 * YAML 1.1 defines them (keys written in the mapping win; among several merged mappings the
 * first wins). Parse errors are problems with spans; the reader never throws.
 */

export interface YScalar {
  kind: 'scalar';
  /** The scalar as the YAML 1.2 core schema types it (compose reads YAML this way). */
  value: string | number | boolean | null;
  span: Span;
  /** Single- or double-quoted. */
  quoted: boolean;
  /** A block scalar (`|` or `>`). */
  block: boolean;
  /**
   * Set by the compose reader on strings with `$` expressions: the text as written, and how each
   * variable was resolved; `value` then holds the interpolated string.
   */
  written?: string;
  interp?: import('./interpolate.js').Interpolated;
}

export interface YPair {
  key: string;
  keySpan: Span;
  value: YNode;
  /** Came in through a `<<` merge key. */
  merged?: boolean;
  /** For a pair made from a list item (`- KEY=value` in `environment:`): the item's span. */
  listItem?: Span;
}

export interface YMap {
  kind: 'map';
  pairs: YPair[];
  span: Span;
}

export interface YSeq {
  kind: 'seq';
  items: YNode[];
  span: Span;
}

export type YNode = YScalar | YMap | YSeq;

export interface YamlProblem {
  message: string;
  span: Span;
}

export interface YamlRead {
  root?: YNode;
  problems: YamlProblem[];
}

/** How many nodes alias expansion may produce before the reader gives up (billion laughs). */
const MAX_NODES = 200_000;

export function readYaml(src: SourceText): YamlRead {
  const problems: YamlProblem[] = [];
  let doc: Document.Parsed;
  try {
    doc = parseDocument(src.text, { merge: false, prettyErrors: false, keepSourceTokens: false, uniqueKeys: false });
  } catch (err) {
    return { problems: [{ message: `cannot read the YAML: ${err instanceof Error ? err.message : String(err)}`, span: src.lines.lineSpan(src.path, 1) }] };
  }
  for (const e of doc.errors) {
    const [a, b] = e.pos;
    problems.push({ message: firstLine(e.message), span: src.lines.span(src.path, a, Math.max(a, b)) });
  }
  if (!doc.contents) return { problems };
  const reader = new Reader(src, doc, problems);
  try {
    const root = reader.node(doc.contents as YamlNode);
    return { root, problems };
  } catch (err) {
    problems.push({ message: err instanceof Error ? err.message : String(err), span: src.lines.lineSpan(src.path, 1) });
    return { problems };
  }
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return (i < 0 ? s : s.slice(0, i)).replace(/ at line \d+, column \d+:?$/, '');
}

class Reader {
  private count = 0;
  private readonly resolving = new Set<YamlNode>();
  private readonly cache = new Map<YamlNode, YNode>();
  /** Keys already reported as duplicates (an aliased mapping is read once per alias). */
  private readonly reported = new Set<YamlNode>();

  constructor(
    private readonly src: SourceText,
    private readonly doc: Document.Parsed,
    private readonly problems: YamlProblem[],
  ) {}

  private span(range: readonly number[] | null | undefined, fallback = 0): Span {
    const a = range?.[0] ?? fallback;
    const b = range?.[1] ?? a;
    return this.src.lines.span(this.src.path, a, Math.max(a, b));
  }

  node(n: YamlNode | null | undefined, at = 0): YNode {
    if (++this.count > MAX_NODES) throw new Error('YAML aliases expand to too many nodes; not read');
    if (n === null || n === undefined) return { kind: 'scalar', value: null, span: this.span(undefined, at), quoted: false, block: false };
    if (isAlias(n)) {
      const target = n.resolve(this.doc) as YamlNode | undefined;
      if (!target) {
        this.problems.push({ message: `unknown alias *${n.source}`, span: this.span(n.range) });
        return { kind: 'scalar', value: null, span: this.span(n.range), quoted: false, block: false };
      }
      if (this.resolving.has(target)) {
        this.problems.push({ message: `alias *${n.source} refers to itself`, span: this.span(n.range) });
        return { kind: 'scalar', value: null, span: this.span(n.range), quoted: false, block: false };
      }
      const cached = this.cache.get(target);
      if (cached) return cached;
      this.resolving.add(target);
      try {
        const out = this.node(target);
        this.cache.set(target, out);
        return out;
      } finally {
        this.resolving.delete(target);
      }
    }
    if (isScalar(n)) {
      const t = n.type;
      const v = n.value;
      const value = v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : typeof v === 'bigint' ? Number(v) : String(v);
      return {
        kind: 'scalar',
        value,
        span: this.span(n.range),
        quoted: t === 'QUOTE_DOUBLE' || t === 'QUOTE_SINGLE',
        block: t === 'BLOCK_FOLDED' || t === 'BLOCK_LITERAL',
      };
    }
    if (isSeq(n)) {
      return { kind: 'seq', items: n.items.map((i) => this.node(i as YamlNode, n.range?.[0])), span: this.span(n.range) };
    }
    if (isMap(n)) {
      const own: YPair[] = [];
      const mergeSources: YMap[] = [];
      // Duplicate keys, found here in one pass (the yaml library's own check is quadratic).
      const keys = new Set<string>();
      for (const p of n.items) {
        if (!isPair(p)) continue;
        const pair = p as Pair<YamlNode, YamlNode>;
        const keyNode = pair.key;
        const keySpan = this.span((keyNode as YamlNode | null)?.range, n.range?.[0]);
        const key = keyText(keyNode);
        if (key === '<<' && isScalar(keyNode) && keyNode.type === 'PLAIN') {
          const v = this.node(pair.value, keySpan.end.offset);
          const sources = v.kind === 'seq' ? v.items : [v];
          for (const s of sources) {
            if (s.kind === 'map') mergeSources.push(s);
            else this.problems.push({ message: 'a << merge key needs a mapping or a list of mappings', span: s.span });
          }
          continue;
        }
        if (keys.has(key) && !this.reported.has(keyNode as YamlNode)) {
          this.reported.add(keyNode as YamlNode);
          this.problems.push({ message: 'Map keys must be unique', span: keySpan });
        }
        keys.add(key);
        own.push({ key, keySpan, value: this.node(pair.value, keySpan.end.offset) });
      }
      const seen = new Set(own.map((p) => p.key));
      const pairs = [...own];
      for (const m of mergeSources) {
        for (const p of m.pairs) {
          if (seen.has(p.key)) continue;
          seen.add(p.key);
          pairs.push({ ...p, merged: true });
        }
      }
      return { kind: 'map', pairs, span: this.span(n.range) };
    }
    return { kind: 'scalar', value: null, span: this.span(undefined, at), quoted: false, block: false };
  }
}

function keyText(k: unknown): string {
  if (k === null || k === undefined) return '';
  if (isScalar(k)) return k.value === null ? '' : String(k.value);
  return String(k);
}

// ---------------------------------------------------------------------------------------------
// Helpers for readers of the tree

export function get(map: YNode | undefined, key: string): YNode | undefined {
  if (!map || map.kind !== 'map') return undefined;
  for (let i = map.pairs.length - 1; i >= 0; i--) if (map.pairs[i]!.key === key) return map.pairs[i]!.value;
  return undefined;
}

export function pairOf(map: YNode | undefined, key: string): YPair | undefined {
  if (!map || map.kind !== 'map') return undefined;
  for (let i = map.pairs.length - 1; i >= 0; i--) if (map.pairs[i]!.key === key) return map.pairs[i];
  return undefined;
}

/** A scalar's value as the string compose would see (numbers and booleans printed); undefined for collections and null. */
export function scalarString(n: YNode | undefined): string | undefined {
  if (!n || n.kind !== 'scalar' || n.value === null) return undefined;
  return typeof n.value === 'string' ? n.value : String(n.value);
}
