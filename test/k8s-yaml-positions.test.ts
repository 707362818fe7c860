import { describe, expect, it } from 'vitest';
import { makeSourceText } from '../src/core/source.js';
import { asScalar, get, getPath, items, parseYamlFile, text, valueRangeSpan, walk, type YamlNode } from '../src/parse/yaml-positions.js';

const parse = (t: string) => parseYamlFile(makeSourceText('m.yaml', t));
const at = (s: { start: { line: number; column: number }; end: { line: number; column: number } }) => `${s.start.line}:${s.start.column}-${s.end.line}:${s.end.column}`;

describe('YAML with positions', () => {
  it('gives each document, key and value its span', () => {
    const f = parse('apiVersion: v1\nkind: Service\n---\n# c\napiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 3\n');
    expect(f.documents).toHaveLength(2);
    expect(f.problems).toEqual([]);
    const [a, b] = f.documents;
    expect(at(a!.span)).toBe('1:1-2:14');
    expect(at(b!.span)).toBe('5:1-8:14');
    const replicas = getPath(b!.contents, 'spec', 'replicas');
    expect(replicas && at(replicas.span)).toBe('8:13-8:14');
    const pair = b!.contents!.kind === 'map' ? b!.contents!.pairs[1]! : undefined;
    expect(pair?.key).toBe('kind');
    expect(at(pair!.keySpan)).toBe('6:1-6:5');
    expect(at(pair!.span)).toBe('6:1-6:17');
  });

  it('resolves aliases and merge keys without expanding them', () => {
    const f = parse('base: &b\n  cpu: 100m\n  memory: 128Mi\nother:\n  <<: *b\n  memory: 256Mi\nref: *b\n');
    const doc = f.documents[0]!.contents;
    expect(text(getPath(doc, 'other', 'cpu'))).toBe('100m');
    expect(text(getPath(doc, 'other', 'memory'))).toBe('256Mi');
    expect(get(doc, 'ref')).toBe(get(doc, 'base'));
    expect(at(getPath(doc, 'other', 'cpu')!.span)).toBe('2:8-2:12');
  });

  it('survives an alias bomb and a self-referencing alias', () => {
    let bomb = 'a: &a ["lol","lol"]\n';
    let prev = 'a';
    for (let i = 0; i < 40; i++) {
      bomb += `n${i}: &n${i} [*${prev},*${prev},*${prev},*${prev}]\n`;
      prev = `n${i}`;
    }
    const t0 = Date.now();
    const f = parse(bomb);
    let count = 0;
    walk(f.documents[0]!.contents, () => count++);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(count).toBeLessThan(200);
    const cyc = parse('x: &x [1, *x]\n');
    let n = 0;
    walk(cyc.documents[0]!.contents, () => n++);
    expect(n).toBeGreaterThan(0);
  });

  it('reports syntax errors with a location and keeps the rest', () => {
    const f = parse('apiVersion: v1\nkind: ConfigMap\ndata:\n  a: [1,\n');
    expect(f.problems.length).toBeGreaterThan(0);
    expect(f.problems[0]!.span.start.line).toBeGreaterThanOrEqual(4);
    const dup = parse('a: 1\na: 2\n');
    expect(dup.problems.map((p) => p.span.start.line)).toEqual([2]);
    expect(parse('').documents).toEqual([]);
    expect(parse('\u0000\u0001garbage: [').problems.length).toBeGreaterThan(0);
  });

  it('maps positions inside block and plain scalars back to the source', () => {
    const src = 'steps:\n  - run: |\n      echo start\n        ssh -o StrictHostKeyChecking=no deploy@host\n  - run: >-\n      one\n      two three\n  - run: echo "${{ github.head_ref }}"\n';
    const f = parse(src);
    const runs = items(get(f.documents[0]!.contents, 'steps')).map((s: YamlNode) => asScalar(get(s, 'run'))!);
    const r0 = runs[0]!;
    const i = r0.text.indexOf('StrictHostKeyChecking=no');
    expect(at(valueRangeSpan(r0, i, i + 'StrictHostKeyChecking=no'.length))).toBe('4:16-4:40');
    const r1 = runs[1]!;
    expect(r1.text).toBe('one two three');
    const j = r1.text.indexOf('three');
    expect(at(valueRangeSpan(r1, j, j + 5))).toBe('7:11-7:16');
    const r2 = runs[2]!;
    const k = r2.text.indexOf('${{');
    expect(at(valueRangeSpan(r2, k, k + '${{ github.head_ref }}'.length))).toBe('8:16-8:38');
  });

  it('handles CRLF line ends', () => {
    const f = parse('a:\r\n  b: |\r\n    x\r\n    yz\r\n');
    const b = asScalar(getPath(f.documents[0]!.contents, 'a', 'b'))!;
    expect(b.text).toBe('x\nyz\n');
    expect(at(valueRangeSpan(b, 2, 4))).toBe('4:5-4:7');
  });
});
