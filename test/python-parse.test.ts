import { describe, expect, it } from 'vitest';
import { nestingBeyondPython, parsePython, spanOf } from '../src/parse/python.js';

describe('parsePython', () => {
  it('parses a clean module without problems', () => {
    const p = parsePython('a.py', 'X = 1\nY = "two"\n');
    expect(p.problems).toEqual([]);
    expect(p.root.type).toBe('module');
    expect(p.root.namedChildren.map((c) => c.type)).toEqual(['expression_statement', 'expression_statement']);
    expect(p.path).toBe('a.py');
    expect(p.lines.lineCount).toBe(3);
  });

  it('reports spans in UTF-16 columns after é and an astral emoji', () => {
    const text = 'A = "é😀"; B = 1\n';
    const p = parsePython('a.py', text);
    const second = p.root.namedChildren[1]!;
    expect(second.text).toBe('B = 1');
    const span = spanOf(p, second);
    // "A = " (4) + quote + é (1) + 😀 (2 UTF-16 units) + quote + "; " = 11 units before B.
    expect(span).toEqual({ file: 'a.py', start: { line: 1, column: 12, offset: 11 }, end: { line: 1, column: 17, offset: 16 } });
    expect(text.slice(span.start.offset, span.end.offset)).toBe('B = 1');
  });

  it('keeps spans right on later lines after non-ASCII text and CRLF endings', () => {
    const text = '# é😀é\r\nNAME = "x"\r\n';
    const p = parsePython('b.py', text);
    const stmt = p.root.namedChildren.find((c) => c.type === 'expression_statement')!;
    expect(spanOf(p, stmt).start).toEqual({ line: 2, column: 1, offset: 8 });
    expect(spanOf(p, stmt).end).toEqual({ line: 2, column: 11, offset: 18 });
  });

  it('turns an ERROR region into one syntax problem with the unexpected token', () => {
    const p = parsePython('c.py', 'A = foo(1 2)\nB = 3\n');
    expect(p.problems).toHaveLength(1);
    expect(p.problems[0]).toMatchObject({ file: 'c.py', kind: 'syntax', message: 'invalid syntax: unexpected "2"' });
    expect(p.problems[0]!.span.start).toEqual({ line: 1, column: 11, offset: 10 });
  });

  it('reports a statement-level error and still parses what follows', () => {
    const p = parsePython('d.py', 'if x:\n    a = 1\nelse\n    b = 2\nC = 3\n');
    expect(p.problems.map((q) => [q.message, q.span.start.line])).toEqual([['invalid syntax: unexpected "else"', 3]]);
    expect(p.root.namedChildren.some((c) => c.text === 'C = 3')).toBe(true);
  });

  it('reports MISSING tokens as missing', () => {
    const p = parsePython('e.py', 'def f(:\n    pass\n');
    expect(p.problems.length).toBeGreaterThan(0);
    expect(p.problems.every((q) => q.kind === 'syntax')).toBe(true);
    const q = parsePython('e2.py', 'X = [1, 2\n');
    expect(q.problems.length).toBeGreaterThan(0);
  });

  it('does not throw on binary garbage and NUL bytes', () => {
    const p = parsePython('bin.py', '\0\x01\x02garbage \uD800 ((((\0');
    expect(p.problems.length).toBeGreaterThan(0);
    expect(p.problems[0]!.kind).toBe('syntax');
    expect(p.problems[0]!.message.startsWith('invalid syntax')).toBe(true);
  });

  it('parses a multi-megabyte file completely', () => {
    const big = 'X_é = "😀"\n'.repeat(300000);
    const p = parsePython('big.py', big);
    expect(p.problems).toEqual([]);
    expect(p.root.namedChildCount).toBe(300000);
    expect(p.root.lastNamedChild!.endIndex).toBe(big.length - 1);
  });

  it('handles empty input', () => {
    const p = parsePython('empty.py', '');
    expect(p.problems).toEqual([]);
    expect(p.root.namedChildCount).toBe(0);
  });
});

describe('nesting beyond what CPython compiles', () => {
  it('is a syntax problem and an empty module, not a stack overflow', () => {
    const deep = `A = 1\nX = ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    const parsed = parsePython('deep.py', deep);
    expect(parsed.problems.map((p) => `${p.span.start.line}:${p.span.start.column} ${p.message}`)).toEqual([
      '2:205 too many nested parentheses (Python allows 200): Python cannot compile this file',
    ]);
    expect(parsed.root.namedChildren).toEqual([]);
  });

  it('counts only real brackets: strings and comments do not nest', () => {
    const text = `S = "${'('.repeat(300)}"\n# ${'['.repeat(300)}\nT = """\n${'{'.repeat(300)}\n"""\nU = ${'('.repeat(200)}1${')'.repeat(200)}\n`;
    expect(nestingBeyondPython(text)).toBeUndefined();
  });

  it('stops at 100 levels of indentation, as CPython 3.11 does (99 compile)', () => {
    const nested = (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}if True:`).join('\n') + `\n${' '.repeat(n)}pass\n`;
    expect(nestingBeyondPython(nested(100))?.message).toMatch(/too many levels of indentation/);
    expect(nestingBeyondPython(nested(99))).toBeUndefined();
  });
});
