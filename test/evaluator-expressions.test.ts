import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUpperName } from '../src/model/settings/values.js';
import { run, val } from './evaluator-helpers.js';

const one = (expr: string, pre = ''): unknown => val(run(`${pre}\nX = ${expr}\n`), 'X');

describe('evaluator: literals', () => {
  it('integers, floats, underscores and bases', () => {
    expect(one('1_000')).toBe(1000);
    expect(one('0x1F')).toBe(31);
    expect(one('0o17')).toBe(15);
    expect(one('0b101')).toBe(5);
    expect(one('1.5e3')).toBe(1500);
    expect(run('X = 2.0').get('X')!.value.kind).toBe('float');
  });

  it('strings with prefixes, escapes and implicit concatenation', () => {
    expect(one(String.raw`"a\tb\x41\u00e9\n"`)).toBe('a\tbAé\n');
    expect(one(String.raw`r"a\tb"`)).toBe('a\\tb');
    expect(one(`"abc" 'def' """ghi"""`)).toBe('abcdefghi');
    expect(one(`b"x\\x00y"`)).toEqual({ bytes: 'x\0y' });
    expect(one(`u"plain"`)).toBe('plain');
    expect(one(String.raw`"unknown \q escape"`)).toBe('unknown \\q escape');
  });

  it('None, True, False and containers', () => {
    expect(one('None')).toBe(null);
    expect(one('[True, False, (1,), {"a": 1}, {1, 1, 2}]')).toEqual([true, false, { tuple: [1] }, { a: 1 }, { set: [1, 2] }]);
  });

  it('unpacking in displays', () => {
    expect(one('[*A, 3, *(4, 5)]', 'A = [1, 2]')).toEqual([1, 2, 3, 4, 5]);
    expect(one('{**D, "b": 2, **{"a": 9}}', 'D = {"a": 1}')).toEqual({ a: 9, b: 2 });
  });
});

describe('evaluator: operators', () => {
  it('arithmetic with Python semantics', () => {
    expect(one('7 // 2')).toBe(3);
    expect(one('-7 // 2')).toBe(-4);
    expect(one('-7 % 3')).toBe(2);
    expect(one('7 / 2')).toBe(3.5);
    expect(one('2 ** 10')).toBe(1024);
    expect(one('60 * 60 * 24 * 365')).toBe(31536000);
    expect(one('-2 ** 2')).toBe(-4);
    expect(one('True + 1')).toBe(2);
  });

  it('string, list and tuple operators', () => {
    expect(one('"ab" + "cd"')).toBe('abcd');
    expect(one('"ab" * 3')).toBe('ababab');
    expect(one('[1] + [2]')).toEqual([1, 2]);
    expect(one('(1,) * 2')).toEqual({ tuple: [1, 1] });
    expect(one('"%s-%d-%.2f-%r" % ("a", 3, 2.5, "q")')).toBe("a-3-2.50-'q'");
    expect(one('"%(name)s!" % {"name": "x"}')).toBe('x!');
    expect(one('{1, 2} | {3}')).toEqual({ set: [1, 2, 3] });
  });

  it('division by zero becomes unknown with an evaluation problem', () => {
    const s = run('X = 1 / 0\nY = 2\n');
    expect(val(s, 'X')).toEqual({ unknown: [] });
    expect(val(s, 'Y')).toBe(2);
    expect(s.problems.map((p) => [p.kind, p.message, p.span.start.line])).toEqual([['evaluation', 'division by zero', 1]]);
  });

  it('comparisons, chains, in, is', () => {
    expect(one('1 < 2 <= 2')).toBe(true);
    expect(one('1 < 2 > 3')).toBe(false);
    expect(one('"a" in "cat"')).toBe(true);
    expect(one('"x" not in ["a", "b"]')).toBe(true);
    expect(one('"a" in {"a": 1}')).toBe(true);
    expect(one('None is None')).toBe(true);
    expect(one('1 is not None')).toBe(true);
    expect(one('1 == 1.0')).toBe(true);
    expect(one('"1" == 1')).toBe(false);
    expect(one('(1, 2) == (1, 2)')).toBe(true);
  });

  it('and/or return operands; not negates', () => {
    expect(one('"" or "fallback"')).toBe('fallback');
    expect(one('"set" or "fallback"')).toBe('set');
    expect(one('0 and 5')).toBe(0);
    expect(one('1 and 5')).toBe(5);
    expect(one('not []')).toBe(true);
    expect(one('not "False"')).toBe(false);
  });

  it('conditional expressions', () => {
    expect(one('"a" if 1 else "b"')).toBe('a');
    expect(one('"a" if [] else "b"')).toBe('b');
  });
});

describe('evaluator: access', () => {
  it('attribute, subscript, negative index and slices', () => {
    const pre = 'L = [10, 20, 30, 40]\nS = "abcdef"\nD = {"k": {"n": 1}}';
    expect(one('L[-1]', pre)).toBe(40);
    expect(one('L[1:3]', pre)).toEqual([20, 30]);
    expect(one('L[::-1]', pre)).toEqual([40, 30, 20, 10]);
    expect(one('S[-3:]', pre)).toBe('def');
    expect(one('S[::2]', pre)).toBe('ace');
    expect(one('D["k"]["n"]', pre)).toBe(1);
  });

  it('a missing key is a problem and an unknown', () => {
    const s = run('D = {}\nX = D["nope"]\n');
    expect(val(s, 'X')).toEqual({ unknown: [] });
    expect(s.problems.map((p) => p.message)).toEqual(["KeyError: 'nope'"]);
  });
});

describe('evaluator: strings and formatting', () => {
  it('f-strings with conversions and format specs', () => {
    expect(one('f"{N:>5}|{N:05d}|{F:.2f}|{S!r}|{N:,}"', 'N = 1234\nF = 3.14159\nS = "q"')).toBe(" 1234|01234|3.14|'q'|1,234");
    expect(one('f"{{literal}} {1 + 1}"')).toBe('{literal} 2');
    expect(one('f"{W:{w}}"', 'W = "x"\nw = 3')).toBe('x  ');
  });

  it('str.format with positional, named and indexed fields', () => {
    expect(one('"{}-{}".format("a", 1)')).toBe('a-1');
    expect(one('"{1}{0}".format("a", "b")')).toBe('ba');
    expect(one('"{name}:{port:d}".format(name="h", port=80)')).toBe('h:80');
    expect(one('"{0[x]}".format({"x": 5})')).toBe('5');
  });

  it('str methods', () => {
    expect(one('" A,b ,,c ".strip().lower().split(",")')).toEqual(['a', 'b ', '', 'c']);
    expect(one('"a b  c".split()')).toEqual(['a', 'b', 'c']);
    expect(one('"a=b=c".split("=", 1)')).toEqual(['a', 'b=c']);
    expect(one('"a=b=c".rsplit("=", 1)')).toEqual(['a=b', 'c']);
    expect(one('",".join(["x", "y"])')).toBe('x,y');
    expect(one('"xyx".replace("x", "z")')).toBe('zyz');
    expect(one('"https://a".startswith(("http://", "https://"))')).toBe(true);
    expect(one('"k=v".partition("=")')).toEqual({ tuple: ['k', '=', 'v'] });
    expect(one('"xxhixx".strip("x")')).toBe('hi');
    expect(one('"abc".upper().endswith("C")')).toBe(true);
    expect(one('"42".isdigit()')).toBe(true);
    expect(one('"a,,b".split(",")')).toEqual(['a', '', 'b']);
  });
});

describe('evaluator: builtins', () => {
  it('conversions', () => {
    expect(one('int("  42 ")')).toBe(42);
    expect(one('int("ff", 16)')).toBe(255);
    expect(one('int(3.9)')).toBe(3);
    expect(one('float("1.5")')).toBe(1.5);
    expect(one('str(12)')).toBe('12');
    expect(one('str(1.0)')).toBe('1.0');
    expect(one('str(None)')).toBe('None');
    expect(one('bool("False")')).toBe(true);
    expect(one('bool("")')).toBe(false);
    expect(one('list("ab")')).toEqual(['a', 'b']);
    expect(one('tuple([1])')).toEqual({ tuple: [1] });
    expect(one('dict(a=1, b=2)')).toEqual({ a: 1, b: 2 });
    expect(one('dict([("a", 1)])')).toEqual({ a: 1 });
    expect(one('repr("x")')).toBe("'x'");
  });

  it('int() of a bad literal is a ValueError problem', () => {
    const s = run('X = int("abc")');
    expect(val(s, 'X')).toEqual({ unknown: [] });
    expect(s.problems[0]!.message).toBe("invalid literal for int() with base 10: 'abc' (ValueError)");
  });

  it('sequence helpers', () => {
    expect(one('len([1, 2, 3])')).toBe(3);
    expect(one('sorted([3, 1, 2], reverse=True)')).toEqual([3, 2, 1]);
    expect(one('min(4, 2, 8)')).toBe(2);
    expect(one('max([4, 2, 8])')).toBe(8);
    expect(one('any([0, "", 1])')).toBe(true);
    expect(one('all([1, "x"])')).toBe(true);
    expect(one('list(range(3))')).toEqual([0, 1, 2]);
    expect(one('list(enumerate(["a"], 1))')).toEqual([{ tuple: [1, 'a'] }]);
    expect(one('list(zip([1, 2], "ab"))')).toEqual([{ tuple: [1, 'a'] }, { tuple: [2, 'b'] }]);
    expect(one('abs(-3)')).toBe(3);
    expect(one('round(2.5)')).toBe(2);
    expect(one('round(3.14159, 2)')).toBe(3.14);
    expect(one('isinstance("x", str)')).toBe(true);
    expect(one('isinstance(True, (int, float))')).toBe(true);
    expect(one('isinstance([], dict)')).toBe(false);
  });

  it('comprehensions over known iterables', () => {
    expect(one('[h.strip() for h in "a, b".split(",") if h]')).toEqual(['a', 'b']);
    expect(one('{k: v * 2 for k, v in {"a": 1}.items()}')).toEqual({ a: 2 });
    expect(one('{x % 2 for x in range(4)}')).toEqual({ set: [0, 1] });
    expect(one('[(a, b) for a in [1, 2] for b in "x"]')).toEqual([{ tuple: [1, 'x'] }, { tuple: [2, 'x'] }]);
    expect(one('list(x for x in [1, 2])')).toEqual([1, 2]);
  });
});

describe('evaluator: statements', () => {
  it('tuple unpacking, starred targets, chained and annotated assignment', () => {
    const s = run('A, (B, C) = 1, (2, 3)\nD, *E = [1, 2, 3]\nF = G = "same"\nH: int = 5\nI: str\n');
    expect([val(s, 'A'), val(s, 'B'), val(s, 'C'), val(s, 'D'), val(s, 'E'), val(s, 'F'), val(s, 'G'), val(s, 'H')]).toEqual([1, 2, 3, 1, [2, 3], 'same', 'same', 5]);
    expect(s.get('I')).toBeUndefined();
  });

  it('augmented assignment on numbers, strings and lists', () => {
    const s = run('N = 1\nN += 2\nN *= 10\nS = "a"\nS += "b"\nL = [1]\nL += (2, 3)\n');
    expect([val(s, 'N'), val(s, 'S'), val(s, 'L')]).toEqual([30, 'ab', [1, 2, 3]]);
  });

  it('list and dict mutation methods', () => {
    const s = run(`
M = ["a", "c"]
M.insert(1, "b")
M.append("d")
M.extend(["e"])
M.remove("a")
P = M.pop()
D = {"a": 1}
D.update({"b": 2}, c=3)
D.setdefault("a", 99)
D.setdefault("z", 0)
Q = D.pop("c")
G = D.get("missing", "dflt")
D["n"] = {"x": 1}
D["n"]["y"] = 2
del D["z"]
S = {1}
S.add(2)
K = list(D.keys())
`);
    expect(val(s, 'M')).toEqual(['b', 'c', 'd']);
    expect(val(s, 'P')).toBe('e');
    expect(val(s, 'D')).toEqual({ a: 1, b: 2, n: { x: 1, y: 2 } });
    expect(val(s, 'Q')).toBe(3);
    expect(val(s, 'G')).toBe('dflt');
    expect(val(s, 'S')).toEqual({ set: [1, 2] });
    expect(val(s, 'K')).toEqual(['a', 'b', 'n']);
  });

  it('for loops, break/else, continue and while', () => {
    const s = run(`
OUT = []
for i in range(5):
    if i == 1:
        continue
    if i == 3:
        break
    OUT.append(i)
else:
    OUT.append("never")
N = 0
while N < 4:
    N += 1
for k, v in {"a": 1}.items():
    PAIR = k + str(v)
`);
    expect(val(s, 'OUT')).toEqual([0, 2]);
    expect(val(s, 'N')).toBe(4);
    expect(val(s, 'PAIR')).toBe('a1');
  });

  it('del, pass, global and class', () => {
    const s = run(`
A = 1
B = 2
del B
pass
def setit():
    global C
    C = "from function"
setit()
class Conf:
    LEVEL = "x"
LEVEL = Conf.LEVEL
`);
    expect(val(s, 'A')).toBe(1);
    expect(s.get('B')).toBeUndefined();
    expect(val(s, 'C')).toBe('from function');
    expect(val(s, 'LEVEL')).toBe('x');
    expect(val(s, 'CONF')).toBeUndefined();
  });

  it('only isupper() names become settings', () => {
    const s = run('lower = 1\nMixed_Case = 2\nUPPER_1 = 3\n_PRIVATE = 4\nX2 = 5\n');
    expect(s.names()).toEqual(['UPPER_1', 'X2', '_PRIVATE']);
  });

  it('helper functions with defaults, keyword args and returns inside ifs', () => {
    const s = run(`
def pick(a, b=2, *rest, scale=1, **kw):
    if a > 5:
        return "big"
    return (a + b + len(rest) + len(kw)) * scale
X = pick(1)
Y = pick(1, 3, 4, 5, scale=10, extra=1)
Z = pick(9)
W = (lambda v, w=1: v + w)(1)
`);
    expect([val(s, 'X'), val(s, 'Y'), val(s, 'Z'), val(s, 'W')]).toEqual([3, 70, 'big', 2]);
  });

  it('undefined names are a NameError problem, later settings still evaluate', () => {
    const s = run('A = missing_name\nB = 2\n');
    expect(val(s, 'A')).toEqual({ unknown: [] });
    expect(val(s, 'B')).toBe(2);
    expect(s.problems.map((p) => p.message)).toEqual(["name 'missing_name' is not defined (NameError)"]);
  });

  it('an unsupported statement makes the names it assigns unknown, with a problem', () => {
    const s = run('A = 1\nmatch A:\n    case 1:\n        B = 2\nC = 3\n');
    expect(val(s, 'B')).toEqual({ unknown: [] });
    expect(val(s, 'C')).toBe(3);
    expect(s.problems[0]!.message).toContain("unsupported statement 'match_statement'");
  });

  it('a syntax error inside a file still yields later settings', () => {
    const s = run('A = 1\nB = foo(1 2)\nif x:\n    pass\nelse\n    pass\nC = 3\n');
    expect(val(s, 'A')).toBe(1);
    expect(val(s, 'C')).toBe(3);
  });

  it('a known-false assert raises and is reported', () => {
    const s = run('A = 1\nassert A == 2, "nope"\nB = 2\n');
    expect(s.problems.map((p) => p.message)).toEqual(['settings raises AssertionError here; Django would fail to load the settings']);
  });

  it('step limit: stops, records a problem, leaves later names unknown', () => {
    const s = run('A = 1\nN = 0\nwhile True:\n    N += 1\nB = 2\n', undefined, { limits: { maxSteps: 500 } });
    expect(val(s, 'A')).toBe(1);
    expect(val(s, 'B')).toEqual({ unknown: [] });
    expect(s.problems.some((p) => p.message.startsWith('evaluation step limit (500) reached'))).toBe(true);
  });

  it('recursion depth limit gives unknown and a problem', () => {
    const s = run('def f(n):\n    return f(n + 1)\nX = f(0)\nY = 1\n', undefined, { limits: { maxDepth: 10 } });
    expect(val(s, 'X')).toEqual({ unknown: [] });
    expect(val(s, 'Y')).toBe(1);
    expect(s.problems.some((p) => p.message.startsWith('call depth limit (10) reached'))).toBe(true);
  });
});

describe('evaluator: paths', () => {
  const files = (text: string) => ({ files: { 'config/settings/base.py': text }, module: 'config.settings.base' });
  it('Path(__file__) chains', async () => {
    const { evaluate } = await import('./evaluator-helpers.js');
    const s = evaluate(files(`
from pathlib import Path
import os
BASE_DIR = Path(__file__).resolve().parent.parent.parent
P1 = Path(__file__).resolve().parents[1]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA = str(BASE_DIR.joinpath("media", "x"))
NAME = Path(__file__).name
ABS = Path(__file__).absolute().parent
OLD = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JOINED = os.path.join(OLD, "static", "x.css")
FROM_STR = Path("/srv") / "a" / ".." / "b"
EXISTS = BASE_DIR.exists()
TEMPLATES_DIR = os.path.join(BASE_DIR, "templates")
`));
    expect(val(s, 'BASE_DIR')).toEqual({ path: '/app' });
    expect(val(s, 'P1')).toEqual({ path: '/app/config' });
    expect(val(s, 'STATIC_ROOT')).toEqual({ path: '/app/staticfiles' });
    expect(val(s, 'MEDIA')).toBe('/app/media/x');
    expect(val(s, 'NAME')).toBe('base.py');
    expect(val(s, 'ABS')).toEqual({ path: '/app/config/settings' });
    expect(val(s, 'OLD')).toBe('/app/config');
    expect(val(s, 'JOINED')).toBe('/app/config/static/x.css');
    expect(val(s, 'FROM_STR')).toEqual({ path: '/srv/a/../b' });
    expect(val(s, 'EXISTS')).toEqual({ unknown: [] });
    expect(val(s, 'TEMPLATES_DIR')).toBe('/app/templates');
  });
});

describe('isUpperName (which names Django reads as settings)', () => {
  it('answers as Python str.isupper()', () => {
    for (const [name, upper] of [['DEBUG', true], ['SECRET_KEY_2', true], ['_X', true], ['Debug', false], ['debug', false], ['_', false], ['123', false], ['', false], ['\u00c9T\u00c9', true], ['\u00c9T\u00e9', false], ['\u01c5', false], ['A\u01c5', false], ['\u0130', true]] as const) {
      expect(isUpperName(name), name).toBe(upper);
    }
  });
  it('gives on ASCII and other names what a character-by-character case test gives', () => {
    // The reference: the test this function made of every character before its ASCII fast path.
    const reference = (name: string): boolean => {
      let cased = false;
      for (const ch of name) {
        if (ch.toLowerCase() === ch.toUpperCase()) continue;
        if (ch !== ch.toUpperCase()) return false;
        cased = true;
      }
      return cased;
    };
    const chars = fc.constantFrom(...'AZaz_09-.\u00c9\u00e9\u01c5\u0130\u00df\u03a3\u03c3\u4e2d'.split(''));
    fc.assert(fc.property(fc.array(chars, { maxLength: 12 }).map((cs) => cs.join('')), (name) => {
      expect(isUpperName(name)).toBe(reference(name));
    }), { numRuns: 3000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 12 }), (name) => {
      expect(isUpperName(name)).toBe(reference(name));
    }), { numRuns: 3000 });
  });
});
