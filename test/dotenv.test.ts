import { describe, expect, it } from 'vitest';
import type { Span } from '../src/core/position.js';
import { dotenvLayer } from '../src/model/env/dotenv-layer.js';
import { envFileRole } from '../src/model/env/roles.js';
import type { DotenvDialect } from '../src/model/env/types.js';
import { lastDefinitions, parseDotenv } from '../src/parse/dotenv.js';

/** The value each dialect gives `line` (after an `A=exp` line), or 'skipped' when it defines nothing. */
function valueOf(line: string, dialect: DotenvDialect): string | null {
  const { entries } = parseDotenv('.env', `A=exp\n${line}\n`, dialect);
  const rest = entries.slice(1);
  if (rest.length === 0) return 'skipped';
  return rest[rest.length - 1]!.value;
}

function nameOf(line: string, dialect: DotenvDialect): string | undefined {
  return parseDotenv('.env', `${line}\n`, dialect).entries[0]?.name;
}

function span(l1: number, c1: number, o1: number, l2: number, c2: number, o2: number, file = '.env'): Span {
  return { file, start: { line: l1, column: c1, offset: o1 }, end: { line: l2, column: c2, offset: o2 } };
}

type Row = [line: string, pyDotenv: string | null, npm: string | null, compose: string | null, environ: string | null, decouple: string | null];

// shared/reference/containers-systemd-env.md §3b, one row per line of the table (django-environ ≥ 0.12 column).
const TABLE: Row[] = [
  ['K = v v', 'v v', 'v v', 'v v', 'skipped', 'v v'],
  ['H=abc#def', 'abc#def', 'abc', 'abc#def', 'abc#def', 'abc#def'],
  ['H=abc #c', 'abc', 'abc', 'abc', 'abc #c', 'abc #c'],
  ['D="abc#def"', 'abc#def', 'abc#def', 'abc#def', 'abc#def', 'abc#def'],
  ['E="l1\\n\\"q\\""', 'l1\n"q"', 'l1\n\\"q\\"', 'l1\n"q"', 'l1\\n"q"', 'l1\\n\\"q\\"'],
  ['X=${A}/x', 'exp/x', '${A}/x', 'exp/x', '${A}/x', '${A}/x'],
  ['X=$A/x', '$A/x', '$A/x', 'exp/x', '$A/x', '$A/x'],
  ["X='${A}'", 'exp', '${A}', '${A}', '${A}', '${A}'],
  ['M=${M:-d}', 'd', '${M:-d}', 'd', '${M:-d}', '${M:-d}'],
  ['ML="a\nb"', 'a\nb', 'a\nb', 'a\nb', '"a', '"a'],
  ['B=True # c', 'True', 'True', 'True', 'True # c', 'True # c'],
  ['KEY: v', 'skipped', 'v', 'v', 'skipped', 'skipped'],
  ['KEY', null, 'skipped', null, 'skipped', 'skipped'],
  ['U="abc', 'skipped', '"abc', 'skipped', '"abc', '"abc'],
];
const COLUMNS: DotenvDialect[] = ['python-dotenv', 'npm-dotenv', 'compose', 'django-environ', 'python-decouple'];

describe('the §3b table, cell by cell', () => {
  for (const [line, ...values] of TABLE) {
    COLUMNS.forEach((dialect, i) => {
      it(`${dialect}: ${JSON.stringify(line)} -> ${JSON.stringify(values[i])}`, () => {
        expect(valueOf(line, dialect)).toBe(values[i]);
      });
    });
  }

  it.each([
    ['python-dotenv', 'A'],
    ['npm-dotenv', 'A'],
    ['compose', 'A'],
    ['django-environ', 'A'],
    ['python-decouple', 'export A'],
    ['systemd', undefined],
  ] as const)('export A=exp: %s names it %s', (dialect, name) => {
    expect(nameOf('export A=exp', dialect)).toBe(name);
  });

  it.each(COLUMNS)('%s: a duplicate key, the last one wins', (dialect) => {
    const { entries } = parseDotenv('.env', 'A=1\nA=2\n', dialect);
    expect(entries.map((e) => e.value)).toEqual(['1', '2']);
    expect(lastDefinitions(entries).map((e) => [e.name, e.value])).toEqual([['A', '2']]);
  });
});

describe('problems each consumer reports', () => {
  it('python-dotenv: unparseable lines are skipped, with the line as span', () => {
    const r = parseDotenv('.env', 'A=1\nKEY: v\nU="abc\nB=2\n', 'python-dotenv');
    expect(r.entries.map((e) => [e.name, e.value])).toEqual([['A', '1'], ['B', '2']]);
    expect(r.problems).toEqual([
      { span: span(2, 1, 4, 2, 7, 10), message: 'python-dotenv cannot parse this line and skips it (with a warning)' },
      { span: span(3, 1, 11, 3, 7, 17), message: 'python-dotenv cannot parse this line and skips it (with a warning)' },
    ]);
  });

  it('compose: an unterminated quote would stop compose', () => {
    const r = parseDotenv('.env', 'A=1\nU="abc\n', 'compose');
    expect(r.problems).toEqual([{ span: span(2, 1, 4, 2, 7, 10), message: 'compose would refuse to start: unterminated quoted value "abc' }]);
  });

  it('compose: a bad character or a blank inside a name would stop compose', () => {
    expect(parseDotenv('.env', 'A$B=1\n', 'compose').problems.map((p) => p.message)).toEqual([
      "compose would refuse to start: unexpected character '$' in the variable name 'A$B=1'",
    ]);
    expect(parseDotenv('.env', 'A B=1\n', 'compose').problems.map((p) => p.message)).toEqual([
      "compose would refuse to start: a variable name cannot contain a space ('A B')",
    ]);
  });

  it('django-environ: lines it ignores, with the reason', () => {
    const r = parseDotenv('.env', 'K = v\n  A=1\nKEY\n# ok\n\n', 'django-environ');
    expect(r.entries).toEqual([]);
    expect(r.problems).toEqual([
      { span: span(1, 1, 0, 1, 6, 5), message: "django-environ ignores this line (it does not accept blanks before '=')" },
      { span: span(2, 1, 6, 2, 6, 11), message: 'django-environ ignores this line (it does not accept blanks at the start of a line)' },
      { span: span(3, 1, 12, 3, 4, 15), message: "django-environ ignores this line (it accepts only KEY=value lines, KEY made of letters, digits and '_')" },
    ]);
  });

  it('django-environ: a value starting with $ is a proxy to another variable', () => {
    const r = parseDotenv('.env', 'SECRET_KEY=$ecret\n', 'django-environ');
    expect(r.entries[0]!.value).toBe('$ecret');
    expect(r.problems.map((p) => p.message)).toEqual([
      "django-environ reads a value starting with '$' as a reference to the variable 'ecret'; the read fails unless that variable exists (escape it as '\\$')",
    ]);
  });

  it('python-decouple: export makes a different name', () => {
    expect(parseDotenv('.env', 'export A=1\n', 'python-decouple').problems).toEqual([
      { span: span(1, 1, 0, 1, 11, 10), message: "python-decouple does not understand 'export': this defines a variable named 'export A'" },
    ]);
  });

  it('no problems for a clean file in any dialect', () => {
    for (const d of [...COLUMNS, 'systemd'] as DotenvDialect[]) {
      expect(parseDotenv('.env', '# c\nA=1\nB="two words"\n', d).problems).toEqual([]);
    }
  });
});

describe('positions', () => {
  it('spans the whole line and the value as written, quotes included', () => {
    const [a, b] = parseDotenv('.env', 'A=1\nexport  B = "x y" # c\n', 'python-dotenv').entries;
    expect(a).toEqual({ name: 'A', value: '1', span: span(1, 1, 0, 1, 4, 3), valueSpan: span(1, 3, 2, 1, 4, 3), layer: '.env' });
    expect(b!.span).toEqual(span(2, 1, 4, 2, 22, 25));
    expect(b!.valueSpan).toEqual(span(2, 13, 16, 2, 18, 21));
  });

  it('an unquoted value span stops before the comment and trailing blanks', () => {
    const [e] = parseDotenv('.env', 'H=abc   # c\n', 'python-dotenv').entries;
    expect(e!.valueSpan).toEqual(span(1, 3, 2, 1, 6, 5));
  });

  it('an empty value has an empty span just after =', () => {
    for (const d of [...COLUMNS, 'systemd'] as DotenvDialect[]) {
      const [e] = parseDotenv('.env', 'E=\n', d).entries;
      expect([d, e!.value, e!.valueSpan]).toEqual([d, '', span(1, 3, 2, 1, 3, 2)]);
    }
  });

  it('a multi-line value spans its lines', () => {
    for (const d of ['python-dotenv', 'npm-dotenv', 'compose', 'systemd'] as DotenvDialect[]) {
      const [e, f] = parseDotenv('.env', 'K="a\nb"\nF=1\n', d).entries;
      expect([d, e!.value, e!.span, e!.valueSpan]).toEqual([d, 'a\nb', span(1, 1, 0, 2, 3, 7), span(1, 3, 2, 2, 3, 7)]);
      expect([d, f!.span]).toEqual([d, span(3, 1, 8, 3, 4, 11)]);
    }
  });

  it('CRLF line ends are not part of values or spans', () => {
    for (const d of [...COLUMNS, 'systemd'] as DotenvDialect[]) {
      const r = parseDotenv('.env', 'A=1\r\nB="x"\r\n', d);
      expect([d, r.entries.map((e) => [e.name, e.value])]).toEqual([d, [['A', '1'], ['B', 'x']]]);
      expect([d, r.entries[1]!.span]).toEqual([d, span(2, 1, 5, 2, 6, 10)]);
    }
  });

  it('a bare KEY has no value span', () => {
    const [e] = parseDotenv('.env', 'KEY\n', 'compose').entries;
    expect(e).toEqual({ name: 'KEY', value: null, span: span(1, 1, 0, 1, 4, 3), layer: '.env' });
  });
});

describe('python-dotenv details', () => {
  const one = (text: string) => parseDotenv('.env', text, 'python-dotenv').entries.map((e) => [e.name, e.value]);

  it('escapes: double quotes decode \\n \\t \\\\ \\" \\\', single quotes only \\\\ and \\\'', () => {
    expect(one('A="t\\tx\\\\y"\nB=\'a\\\'b\\n\'\n')).toEqual([['A', 't\tx\\y'], ['B', "a'b\\n"]]);
  });

  it('a # is a comment only after blank space; KEY=  # c is empty; KEY=#v keeps it', () => {
    expect(one('A=  # c\nB=#v\nC=x\t# c\n')).toEqual([['A', ''], ['B', '#v'], ['C', 'x']]);
  });

  it('${X:-d} uses d only when X is absent; an X defined empty stays empty', () => {
    expect(one('X=\nA=${X:-d}\nB=${Y:-d}\n')).toEqual([['X', ''], ['A', ''], ['B', 'd']]);
  });

  it('a bare KEY is None: ${KEY:-d} stays empty and KEY may come from the host', () => {
    const r = parseDotenv('.env', 'K\nA=${K:-d}\n', 'python-dotenv').entries;
    expect(r.map((e) => [e.name, e.value, e.hostVariables])).toEqual([
      ['K', null, undefined],
      ['A', '', ['K']],
    ]);
  });

  it('expansion uses earlier definitions only, and lists host variables', () => {
    const r = parseDotenv('.env', 'A=${B}\nB=1\nC=${B}${HOME}\n', 'python-dotenv').entries;
    expect(r.map((e) => [e.name, e.value, e.hostVariables])).toEqual([
      ['A', '', ['B']],
      ['B', '1', undefined],
      ['C', '1', ['HOME']],
    ]);
  });

  it('a quoted key and a value with trailing junk', () => {
    const r = parseDotenv('.env', "'Q'=1\nA=\"x\" junk\n", 'python-dotenv');
    expect(r.entries.map((e) => [e.name, e.value])).toEqual([['Q', '1']]);
    expect(r.problems).toHaveLength(1);
  });
});

describe('compose details', () => {
  const values = (text: string) => parseDotenv('.env', text, 'compose').entries.map((e) => [e.name, e.value]);

  it('escapes in double quotes: \\a \\b \\f \\r \\t \\v \\$ \\0 octal, unknown kept', () => {
    expect(values('A="\\a\\b\\f\\r\\t\\v|\\$HOME|\\0101|\\q"\n')).toEqual([['A', '\x07\b\f\r\t\v|$HOME|A|\\q']]);
  });

  it('single quotes are literal', () => {
    expect(values("A='$HOME \\n'\n")).toEqual([['A', '$HOME \\n']]);
  });

  it('every expansion form', () => {
    const text = ['S=set', 'E=', 'A=${S:-d}|${E:-d}|${U:-d}', 'B=${S-d}|${E-d}|${U-d}', 'C=${S:+a}|${E:+a}|${U:+a}', 'D=${S+a}|${E+a}|${U+a}', 'F=$$S|$S|${S}|${U:-${S}}'].join('\n');
    expect(values(text)).toEqual([
      ['S', 'set'],
      ['E', ''],
      ['A', 'set|d|d'],
      ['B', 'set||d'],
      ['C', 'a||'],
      ['D', 'a|a|'],
      ['F', '$S|set|set|set'],
    ]);
  });

  it('${X:?} and ${X?} need the variable where compose runs', () => {
    const r = parseDotenv('.env', 'E=\nA=${E:?must be set}\nB=${E?x}\n', 'compose');
    expect(r.entries.map((e) => [e.name, e.value, e.hostVariables])).toEqual([
      ['E', '', undefined],
      ['A', '', undefined],
      ['B', '', undefined],
    ]);
    expect(r.problems).toEqual([
      { span: span(2, 1, 3, 2, 20, 22), message: 'compose would refuse to start unless E is set and not empty where compose runs ("must be set")' },
    ]);
  });

  it('a # needs a space before it; a tab does not count', () => {
    expect(values('A=a #c\nB=b\t#c\nC=c#d\n')).toEqual([['A', 'a'], ['B', 'b\t#c'], ['C', 'c#d']]);
  });
});

describe('npm dotenv details', () => {
  it('backquotes and single quotes, no expansion, # always a comment when unquoted', () => {
    const r = parseDotenv('.env', "A=`x y`\nB='a#b'\nC=$A\nD=v#c\n", 'npm-dotenv');
    expect(r.entries.map((e) => [e.name, e.value])).toEqual([['A', 'x y'], ['B', 'a#b'], ['C', '$A'], ['D', 'v']]);
  });
});

describe('systemd EnvironmentFile details', () => {
  const values = (text: string) => parseDotenv('.env', text, 'systemd').entries.map((e) => [e.name, e.value]);

  it('comments only at line start, # and ; kept in values', () => {
    expect(values('# c\n; c\n  # c\nA=a#b;c\n')).toEqual([['A', 'a#b;c']]);
  });

  it('backslash continuation and escapes', () => {
    expect(values('A=one \\\ntwo\nB=a\\ b\\\\c\n')).toEqual([['A', 'one two'], ['B', 'a b\\c']]);
  });

  it('quotes open only at the start of a value; double quotes keep unknown escapes', () => {
    expect(values('A=x"y"\nB="q\\"\\$\\n" \'z\'\nC=  v  \n')).toEqual([['A', 'x"y"'], ['B', 'q"$\\nz'], ['C', 'v']]);
  });

  it('the continuation span covers both lines', () => {
    const [e] = parseDotenv('u.env', 'A=one \\\ntwo\n', 'systemd').entries;
    expect(e!.span).toEqual(span(1, 1, 0, 2, 4, 11, 'u.env'));
    expect(e!.valueSpan).toEqual(span(1, 3, 2, 2, 4, 11, 'u.env'));
  });

  it('an unterminated quote takes the rest of the file, with a problem', () => {
    const r = parseDotenv('.env', 'A="abc\nB=1\n', 'systemd');
    expect(r.entries.map((e) => [e.name, e.value])).toEqual([['A', 'abc\nB=1\n']]);
    expect(r.problems).toEqual([{ span: span(1, 1, 0, 1, 7, 6), message: 'the quote is never closed: systemd takes the rest of the file as the value' }]);
  });

  it('a last line without newline still counts', () => {
    expect(values('A=1\nB=2')).toEqual([['A', '1'], ['B', '2']]);
  });
});

describe('never throws', () => {
  it.each([...COLUMNS, 'systemd'] as DotenvDialect[])('%s on odd input', (d) => {
    for (const text of ['', '\n\n', '=', '"', "'", '${', 'A=${', 'A=$', '\ufeffA=1', 'A=1\rB=2', 'export', '#']) {
      expect(() => parseDotenv('.env', text, d)).not.toThrow();
    }
  });

  it('a leading BOM does not change the first name', () => {
    for (const d of ['python-dotenv', 'compose', 'npm-dotenv'] as DotenvDialect[]) {
      expect(parseDotenv('.env', '\ufeffA=1', d).entries.map((e) => e.name)).toEqual(['A']);
    }
  });
});

describe('dotenvLayer', () => {
  const text = 'export A=1\nH=abc #c\nH=x\n';

  it('parses per requested dialect, python-dotenv by default', () => {
    const layer = dotenvLayer('.env.production', text, 'production');
    expect([layer.name, layer.kind, layer.role, layer.file]).toEqual(['.env.production', 'dotenv', 'production', '.env.production']);
    expect(layer.lookup('A')?.value).toBe('1');
    expect(layer.lookup('A', 'python-decouple')).toBeUndefined();
    expect(layer.lookup('export A', 'python-decouple')?.value).toBe('1');
    expect(layer.lookup('H')?.value).toBe('x');
    expect(layer.lookup('H')?.span.start.line).toBe(3);
    expect(layer.entries().map((e) => e.name)).toEqual(['A', 'H']);
  });

  it('a fixed dialect always wins', () => {
    const layer = dotenvLayer('app.env', 'A=x #c\n', 'production', 'systemd');
    expect(layer.lookup('A', 'python-dotenv')?.value).toBe('x #c');
    expect(layer.lookup('A')?.value).toBe('x #c');
  });
});

describe('envFileRole', () => {
  it.each([
    ['.env', 'development'],
    ['.env.production', 'production'],
    ['.env.prod', 'production'],
    ['production.env', 'production'],
    ['prod.env', 'production'],
    ['.envs/.production/.django', 'production'],
    ['env/production_web.env', 'production'],
    ['deploy/live/app.env', 'production'],
    ['.env.staging', 'staging'],
    ['.env.preprod', 'staging'],
    ['.env.example', 'example'],
    ['.env.production.example', 'example'],
    ['.env.sample', 'example'],
    ['.env.template', 'example'],
    ['.env.dist', 'example'],
    ['.env.tpl', 'example'],
    ['.env.defaults', 'example'],
    ['.env.dev', 'development'],
    ['.env.local', 'development'],
    ['.env.development', 'development'],
    ['.envs/.local/.django', 'development'],
    ['docker.env', 'development'],
    ['.env.test', 'test'],
    ['.env.ci', 'test'],
    ['products/.env', 'development'],
  ])('%s -> %s', (path, role) => {
    expect(envFileRole(path)).toBe(role);
  });
});

describe('placeholder values in env sources', () => {
  it('recognises fill-in-at-deploy values and leaves real ones alone', async () => {
    const { isPlaceholderValue } = await import('../src/model/env/placeholder.js');
    for (const v of ['!!!SET DJANGO_SECRET_KEY!!!', '<your-secret-key>', '{{ secret_key }}', 'changeme', 'CHANGE_ME', 'change-me', 'replace-me',
      'your-secret-key-here', 'your_domain.com', 'https://www.yourdomain.com', 'xxxxxx', '***', '...', 'TODO', '__SECRET_KEY__',
      'postgres://USER:PASSWORD@HOST:5432/NAME', 'postgres://user:password@host/db', 'postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}/app']) {
      expect(isPlaceholderValue(v), v).toBe(true);
    }
    for (const v of ['', 'off', 'True', 'shop.example.com,www.shop.example.com', 'postgres://shop:postgres@db.internal.example.com:5432/shop',
      'django-insecure-abc', 'k8#dj2-Lq0!x', 'redis://cache:6379/1', 'noreply@example.com', 'yourself', 'layout', 'x', 'config.settings.production']) {
      expect(isPlaceholderValue(v), v).toBe(false);
    }
  });

  it('the literal pre-tests leave every answer as the regular expressions alone give it', async () => {
    const { isPlaceholderValue, isWrappedPlaceholder } = await import('../src/model/env/placeholder.js');
    const fc = (await import('fast-check')).default;
    const { WORDS, YOUR, URL_TEMPLATE } = (await import('../src/model/env/placeholder.js')).PLACEHOLDER_PATTERNS;
    const plain = (value: string) => {
      const v = value.trim();
      return v !== '' && (isWrappedPlaceholder(v) || WORDS.test(v) || YOUR.test(v) || URL_TEMPLATE.test(v));
    };
    const pieces = fc.constantFrom('your', 'YOUR', 'YoUr', 'yOur', '-', '_', ' ', '.', ':', '/', '@', '://', 'secret', 'Key', 'own', 'postgres', 'user', 'USER', 'pass', 'host', '${X}', '<a>', 'x', 'é', 'İ', 'ſ', 'K');
    const value = fc.oneof(fc.string({ maxLength: 40 }), fc.array(fc.oneof(pieces, fc.string({ maxLength: 3 })), { maxLength: 12 }).map((p) => p.join('')));
    fc.assert(fc.property(value, (v) => isPlaceholderValue(v) === plain(v)), { numRuns: 5000 });
  });
});
