import type { SourceText } from '../../core/source.js';
import type { Span } from '../../core/position.js';
import { hasInterpolation, interpolate, type InterpolationLookup } from './interpolate.js';
import { get, readYaml, type YMap, type YNode, type YPair, type YScalar, type YamlProblem } from './yaml.js';

/**
 * One compose file, read as compose reads it before merging: YAML with anchors and merge keys,
 * every string value interpolated from the project environment (values only, never keys), and the
 * list forms of `environment:` and `depends_on:` turned into mappings so that files merge by
 * name. Positions stay exact: a `KEY=value` list item gives a key and a value span inside it.
 */

export interface ComposeFileRead {
  file: string;
  root?: YMap;
  problems: YamlProblem[];
  /** The file holds `{{ }}` / `{% %}` template syntax: it is not YAML until rendered. */
  template: boolean;
  /** Its top-level networks include an external one or one with a fixed `name:` (as written, before interpolation). */
  sharedNetwork: boolean;
}

/**
 * Whether the text holds `{{ ... }}` or `{% ... %}`: what `/\{\{[^}]*\}\}|\{%[^%]*%\}/` tests, in linear
 * time (the regex rescans the rest of the file from every unclosed `{{`).
 */
export function hasTemplateSyntax(text: string): boolean {
  const closes = (open: string, stop: string): boolean => {
    let next = -1;
    for (let i = text.indexOf(open); i >= 0; i = text.indexOf(open, i + 1)) {
      if (next < i + 2) next = text.indexOf(stop, i + 2);
      if (next < 0) return false;
      if (text[next + 1] === '}') return true;
    }
    return false;
  };
  return closes('{{', '}') || closes('{%', '%');
}

export function readComposeFile(src: SourceText, lookup: InterpolationLookup): ComposeFileRead {
  const read = readYaml(src);
  const template = hasTemplateSyntax(src.text);
  if (!read.root) {
    return { file: src.path, problems: read.problems.length ? read.problems : [{ message: 'empty compose file', span: src.lines.lineSpan(src.path, 1) }], template, sharedNetwork: false };
  }
  if (read.root.kind !== 'map') {
    return { file: src.path, problems: [...read.problems, { message: 'a compose file must be a mapping at the top level', span: read.root.span }], template, sharedNetwork: declaresSharedNetwork(read.root) };
  }
  const sharedNetwork = declaresSharedNetwork(read.root);
  const seen = new Set<YNode>();
  const services = get(read.root, 'services');
  if (services?.kind === 'map') {
    for (const s of services.pairs) {
      if (s.value.kind !== 'map' || seen.has(s.value)) continue;
      seen.add(s.value);
      normalizeService(s.value, src);
    }
  }
  interpolateTree(read.root, lookup, new Set(), read.problems, src.path);
  return { file: src.path, root: read.root, problems: read.problems, template, sharedNetwork };
}

/** Top-level networks include an external one (`external:` not false) or one with a fixed `name:`. */
function declaresSharedNetwork(root: YNode): boolean {
  const nets = get(root, 'networks');
  if (!nets) return false;
  if (nets.kind !== 'map') return true;
  return nets.pairs.some((p) => {
    const ext = get(p.value, 'external');
    return (ext !== undefined && !(ext.kind === 'scalar' && (ext.value === false || ext.value === 'false'))) || get(p.value, 'name') !== undefined;
  });
}

/** Whether a YAML text looks like a compose file: `services:` at the top, each a mapping of compose keys. */
export function looksLikeCompose(src: SourceText): boolean {
  if (!/^services\s*:/m.test(src.text)) return false;
  const read = readYaml(src);
  const services = get(read.root, 'services');
  if (!services || services.kind !== 'map' || services.pairs.length === 0) return false;
  const KEYS = new Set(['image', 'build', 'command', 'ports', 'environment', 'env_file', 'volumes', 'depends_on', 'restart', 'entrypoint']);
  return services.pairs.every((p) => p.value.kind === 'map' && p.value.pairs.some((q) => KEYS.has(q.key)));
}

function normalizeService(service: YMap, src: SourceText): void {
  for (const pair of service.pairs) {
    if (pair.key === 'environment' && pair.value.kind === 'seq') pair.value = listToMap(pair.value.items, src, '=');
    else if (pair.key === 'depends_on' && pair.value.kind === 'seq') pair.value = listToMap(pair.value.items, src, undefined);
  }
}

/**
 * `["A=1", "B"]` as a mapping: each item becomes a pair whose key span covers the name and whose
 * value span covers the text after `=`. With no separator (depends_on), items become keys with a
 * null value.
 */
function listToMap(items: YNode[], src: SourceText, sep: '=' | undefined): YMap {
  const pairs: YPair[] = [];
  let spanStart: Span | undefined;
  let spanEnd: Span | undefined;
  for (const item of items) {
    spanStart ??= item.span;
    spanEnd = item.span;
    if (item.kind !== 'scalar' || item.value === null) continue;
    const text = String(item.value);
    const inner = innerStart(item, src);
    const at = (i: number, j: number): Span => {
      if (inner === undefined) return item.span;
      return src.lines.span(src.path, inner + i, inner + j);
    };
    const eq = sep ? text.indexOf(sep) : -1;
    if (eq < 0) {
      pairs.push({ key: text, keySpan: at(0, text.length), value: { kind: 'scalar', value: null, span: at(text.length, text.length), quoted: false, block: false }, listItem: item.span });
      continue;
    }
    const value: YScalar = { kind: 'scalar', value: text.slice(eq + 1), span: at(eq + 1, text.length), quoted: item.quoted, block: false };
    pairs.push({ key: text.slice(0, eq), keySpan: at(0, eq), value, listItem: item.span });
  }
  const span = spanStart && spanEnd ? { file: spanStart.file, start: spanStart.start, end: spanEnd.end } : items[0]?.span ?? src.lines.lineSpan(src.path, 1);
  return { kind: 'map', pairs, span };
}

/**
 * The source offset of a scalar's first character of content when its value is exactly its
 * source text (plain, or quoted without escapes on one line); undefined otherwise.
 */
export function innerStart(s: YScalar, src: SourceText): number | undefined {
  const a = s.span.start.offset;
  const b = s.span.end.offset;
  const raw = src.text.slice(a, b);
  const text = s.written ?? (s.value === null ? '' : String(s.value));
  if (raw === text) return a;
  if (s.quoted && raw.length >= 2 && raw.slice(1, -1) === text) return a + 1;
  return undefined;
}

function interpolateTree(node: YNode, lookup: InterpolationLookup, seen: Set<YNode>, problems: YamlProblem[], file: string): void {
  if (seen.has(node)) return;
  seen.add(node);
  if (node.kind === 'scalar') {
    if (typeof node.value !== 'string' || !hasInterpolation(node.value)) return;
    const written = node.value;
    const r = interpolate(written, lookup);
    node.written = written;
    node.interp = r;
    node.value = r.value;
    if (r.error) problems.push({ message: r.error, span: node.span });
    return;
  }
  if (node.kind === 'seq') for (const i of node.items) interpolateTree(i, lookup, seen, problems, file);
  else for (const p of node.pairs) interpolateTree(p.value, lookup, seen, problems, file);
}
