import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonWithPositions, type JsonNode } from '../src/parse/json-positions.js';
import { parsePm2, type JsProp } from '../src/parse/pm2.js';
import { buildPackageJsons } from '../src/model/pm2/build.js';
import { LineIndex } from '../src/core/position.js';
import type { ModelSources } from '../src/model/build.js';

/** The value a node stands for, as JSON.parse builds it (the last of duplicate keys wins). */
function valueOf(n: JsonNode): unknown {
  if (n.kind === 'object') {
    const o: Record<string, unknown> = {};
    for (const m of n.members) Object.defineProperty(o, m.key, { value: valueOf(m.value), enumerable: true, configurable: true, writable: true });
    return o;
  }
  if (n.kind === 'array') return n.items.map(valueOf);
  return n.value;
}

/** Every node's text parses (JSON.parse) to the node's own value. */
function checkSpans(n: JsonNode, text: string): void {
  expect(JSON.parse(text.slice(n.start, n.end))).toEqual(valueOf(n));
  if (n.kind === 'object') {
    for (const m of n.members) {
      expect(JSON.parse(text.slice(m.keyStart, m.keyEnd))).toBe(m.key);
      expect(m.start).toBe(m.keyStart);
      expect(m.end).toBe(m.value.end);
      checkSpans(m.value, text);
    }
  }
  if (n.kind === 'array') for (const i of n.items) checkSpans(i, text);
}

const accepts = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('parseJsonWithPositions', () => {
  it('reads what JSON.parse reads, with the value of every span (random JSON, any layout)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 4 }), (value, indent) => {
        const text = JSON.stringify(value, null, indent === 4 ? '\t' : indent);
        const r = parseJsonWithPositions(text);
        expect(r.problem).toBeUndefined();
        expect(valueOf(r.root!)).toEqual(JSON.parse(text));
        checkSpans(r.root!, text);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses exactly what JSON.parse refuses (random JSON with a character changed, removed or added)', () => {
    const mutated = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom('delete', 'insert', 'replace'), fc.constantFrom(',', ':', '"', '\\', '{', '}', '[', ']', '0', '-', '.', 'e', 't', 'n', ' ', '\n', '\u0001', "'", '/', 'x', 'u'))
      .map(([text, at, op, ch]) => {
        const i = text.length === 0 ? 0 : at % text.length;
        if (op === 'delete') return text.slice(0, i) + text.slice(i + 1);
        if (op === 'insert') return text.slice(0, i) + ch + text.slice(i);
        return text.slice(0, i) + ch + text.slice(i + 1);
      });
    fc.assert(
      fc.property(mutated, (text) => {
        const r = parseJsonWithPositions(text);
        expect(r.problem === undefined).toBe(accepts(text));
        if (r.problem) {
          expect(r.problem.offset).toBeGreaterThanOrEqual(0);
          expect(r.problem.offset).toBeLessThanOrEqual(text.length);
        } else expect(valueOf(r.root!)).toEqual(JSON.parse(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('names the place of a syntax error', () => {
    expect(parseJsonWithPositions('{"a": 1,}').problem).toEqual({ message: "unexpected '}', expected a member name in double quotes at offset 8", offset: 8 });
    expect(parseJsonWithPositions('{"a": "x\ny"}').problem?.offset).toBe(8);
    expect(parseJsonWithPositions('').problem?.message).toBe('unexpected end of input, expected a value at offset 0');
    expect(parseJsonWithPositions('{} {}').problem?.offset).toBe(3);
  });

  it('refuses hostile nesting instead of overflowing the stack', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const r = parseJsonWithPositions(deep);
    expect(r.problem?.message).toMatch(/^nested more than 1000 levels deep at offset 1000$/);
    expect(parseJsonWithPositions('['.repeat(900) + ']'.repeat(900)).problem).toBeUndefined();
  });

  it('reads a 5 MB document in linear time', () => {
    const big = JSON.stringify({ scripts: Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`s${i}`, `echo ${'x'.repeat(30)} ${i}`])) });
    const t0 = performance.now();
    const r = parseJsonWithPositions(big);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(r.root?.kind).toBe('object');
  });
});

describe('package.json scripts', () => {
  const sources = (files: Record<string, string>): ModelSources =>
    ({
      text: (path: string) => (path in files ? { path, text: files[path]!, lines: new LineIndex(files[path]!) } : undefined),
    }) as unknown as ModelSources;

  /** What the reader gave before (@babel/parser through the pm2 reader): the reference for valid JSON. */
  function babelScripts(text: string): JsProp[] {
    const whole = parsePm2(`{"apps":${text}}`, true);
    const props = whole.apps[0]?.props ?? [];
    const scripts = props.find((p) => p.key === 'scripts')?.object ?? [];
    return scripts.map((p) => ({ ...p, start: p.start - 8, end: p.end - 8, keyStart: p.keyStart - 8, valueStart: p.valueStart - 8, valueEnd: p.valueEnd - 8 }));
  }

  it('gives the scripts, their spans and values as the babel-based reader did (random package.json files)', () => {
    const scriptValue = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constant('gunicorn shop.wsgi && rm -rf /data'), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }));
    const pkg = fc.record({
      name: fc.string(),
      scripts: fc.dictionary(fc.string({ minLength: 1 }), scriptValue, { maxKeys: 6 }),
      dependencies: fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
    });
    fc.assert(
      fc.property(pkg, fc.integer({ min: 0, max: 3 }), (p, indent) => {
        const text = JSON.stringify(p, null, indent);
        const [built] = buildPackageJsons([{ path: 'package.json', absPath: '/x/package.json', kind: 'package-json', size: text.length }], sources({ 'package.json': text }));
        const lines = new LineIndex(text);
        const expected = babelScripts(text)
          .map((s) => ({ name: s.key, command: typeof s.value === 'string' ? s.value : '', span: lines.span('package.json', s.valueStart, s.valueEnd), pairSpan: lines.span('package.json', s.start, s.end) }))
          .filter((s) => s.command !== '');
        expect(built!.scripts).toEqual(expected);
        expect(built!.problems).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('reports a package.json npm would refuse, where it breaks', () => {
    const text = '{\n  "scripts": {\n    "start": "gunicorn shop.wsgi",\n  }\n}\n';
    const [built] = buildPackageJsons([{ path: 'package.json', absPath: '/x/package.json', kind: 'package-json', size: text.length }], sources({ 'package.json': text }));
    expect(built!.scripts).toEqual([]);
    expect(built!.problems).toHaveLength(1);
    expect(built!.problems[0]!.message).toBe("cannot be parsed: unexpected '}', expected a member name in double quotes at offset 54");
    expect(built!.problems[0]!.span.start).toMatchObject({ line: 4, column: 3 });
  });
});
