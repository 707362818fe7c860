import { describe, expect, it } from 'vitest';
import type { Span } from '../src/core/position.js';
import type { FileKind } from '../src/discover/types.js';
import type { Requirement } from '../src/model/types.js';
import { detectDjangoVersion, normaliseName, parseDependencies, parsePep508, parseRequirementsTxt } from '../src/parse/requirements.js';
import { readToml } from '../src/parse/toml.js';

function span(file: string, l1: number, c1: number, o1: number, l2: number, c2: number, o2: number): Span {
  return { file, start: { line: l1, column: c1, offset: o1 }, end: { line: l2, column: c2, offset: o2 } };
}

const parse = (path: string, kind: FileKind, text: string) => parseDependencies([{ path, kind, text }]);
const brief = (reqs: Requirement[]) => reqs.map((r) => [r.name, r.specifier, r.pinned, r.extras, r.scope, r.span.start.line]);

describe('names and PEP 508', () => {
  it('normalises names (PEP 503)', () => {
    expect(normaliseName('Django_Environ')).toBe('django-environ');
    expect(normaliseName('zope.interface')).toBe('zope-interface');
    expect(normaliseName('A--B__c')).toBe('a-b-c');
  });

  it.each([
    ['Django==4.2.11', { name: 'django', extras: [], specifier: '==4.2.11', length: 14 }],
    ['django >= 4.2 , < 5.0 ; python_version >= "3.10"', { name: 'django', extras: [], specifier: '>=4.2,<5.0', length: 21 }],
    ['celery[redis, sqs]~=5.3', { name: 'celery', extras: ['redis', 'sqs'], specifier: '~=5.3', length: 23 }],
    ['Django (>=3.2)', { name: 'django', extras: [], specifier: '>=3.2', length: 14 }],
    ['gunicorn', { name: 'gunicorn', extras: [], specifier: '', length: 8 }],
    ['pkg @ https://example.com/pkg.zip', { name: 'pkg', extras: [], specifier: '', length: 33 }],
  ])('%s', (text, expected) => {
    expect(parsePep508(text)).toEqual(expected);
  });

  it('rejects what is not a requirement', () => {
    expect(parsePep508('not a requirement')).toBeUndefined();
    expect(parsePep508('==1.0')).toBeUndefined();
  });
});

describe('requirements.txt', () => {
  const text = [
    '# production deps',
    'Django==4.2.11  # LTS',
    'psycopg[binary]>=3.1 ; python_version >= "3.10"',
    '-r base.txt',
    '--constraint constraints.txt',
    '-e git+https://github.com/org/repo.git@v1#egg=my_lib',
    'gunicorn==21.2.0 \\',
    '    --hash=sha256:abc \\',
    '    --hash=sha256:def',
    'https://example.com/whl/Whitenoise-6.6.0-py3-none-any.whl',
    '--index-url https://pypi.org/simple',
    '   redis',
    '-e .',
  ].join('\n');

  it('reads requirements, extras, markers, editable VCS lines, URLs, hashes and continuations', () => {
    const r = parseRequirementsTxt('requirements.txt', text);
    expect(brief(r.requirements)).toEqual([
      ['django', '==4.2.11', '4.2.11', [], 'main', 2],
      ['psycopg', '>=3.1', undefined, ['binary'], 'main', 3],
      ['my-lib', '', undefined, [], 'main', 6],
      ['gunicorn', '==21.2.0', '21.2.0', [], 'main', 7],
      ['whitenoise', '==6.6.0', '6.6.0', [], 'main', 10],
      ['redis', '', undefined, [], 'main', 12],
    ]);
    expect(r.includes).toEqual([
      { path: 'base.txt', constraint: false, span: span('requirements.txt', 4, 1, 88, 4, 12, 99) },
      { path: 'constraints.txt', constraint: true, span: span('requirements.txt', 5, 1, 100, 5, 29, 128) },
    ]);
  });

  it('spans cover the requirement text on its line, without comment, marker or hashes', () => {
    const r = parseRequirementsTxt('requirements.txt', text).requirements;
    expect(r[0]!.span).toEqual(span('requirements.txt', 2, 1, 18, 2, 15, 32));
    expect(r[1]!.span).toEqual(span('requirements.txt', 3, 1, 40, 3, 21, 60));
    expect(r[3]!.span).toEqual(span('requirements.txt', 7, 1, 182, 7, 17, 198));
    expect(r[5]!.span).toEqual(span('requirements.txt', 12, 4, 344, 12, 9, 349));
  });

  it('handles CRLF and a file without final newline', () => {
    const r = parseRequirementsTxt('r.txt', 'a==1\r\nb>=2').requirements;
    expect(brief(r)).toEqual([
      ['a', '==1', '1', [], 'main', 1],
      ['b', '>=2', undefined, [], 'main', 2],
    ]);
    expect(r[1]!.span).toEqual(span('r.txt', 2, 1, 6, 2, 5, 10));
  });

  it.each([
    ['requirements/dev.txt', 'dev'],
    ['requirements-test.txt', 'dev'],
    ['requirements/local.in', 'dev'],
    ['requirements_ci.txt', 'dev'],
    ['requirements/production.txt', 'main'],
    ['requirements/base.txt', 'main'],
    ['requirements.txt', 'main'],
  ])('%s has scope %s', (path, scope) => {
    expect(parse(path, 'requirements', 'x==1\n')[0]!.scope).toBe(scope);
  });

  it('a wildcard == is not a pin', () => {
    expect(parse('requirements.txt', 'requirements', 'Django==4.2.*\n')[0]!.pinned).toBeUndefined();
  });
});

describe('pyproject.toml', () => {
  const text = [
    '[project]',
    'name = "site"',
    'dependencies = [',
    '  "Django>=4.2,<5.0",  # LTS',
    "  'gunicorn',",
    ']',
    '',
    '[project.optional-dependencies]',
    'dev = ["pytest-django==4.8.0"]',
    'postgres = ["psycopg[binary]"]',
    '',
    '[dependency-groups]',
    'test = ["coverage", {include-group = "dev"}]',
    '',
    '[tool.poetry.dependencies]',
    'python = "^3.11"',
    'django = "^4.2"',
    'celery = { version = "5.3.6", extras = ["redis"] }',
    'my-lib = { git = "https://github.com/x/y.git" }',
    '',
    '[tool.poetry.group.dev.dependencies]',
    'Django-Debug-Toolbar = "*"',
    '[tool.poetry.dev-dependencies]',
    'black = "24.1.0"',
  ].join('\n');

  it('reads PEP 621, optional dependencies, dependency groups and Poetry tables', () => {
    expect(brief(parse('pyproject.toml', 'pyproject', text))).toEqual([
      ['django', '>=4.2,<5.0', undefined, [], 'main', 4],
      ['gunicorn', '', undefined, [], 'main', 5],
      ['pytest-django', '==4.8.0', '4.8.0', [], 'dev', 9],
      ['psycopg', '', undefined, ['binary'], 'main', 10],
      ['coverage', '', undefined, [], 'dev', 13],
      ['django', '^4.2', undefined, [], 'main', 17],
      ['celery', '==5.3.6', '5.3.6', ['redis'], 'main', 18],
      ['my-lib', '', undefined, [], 'main', 19],
      ['django-debug-toolbar', '', undefined, [], 'dev', 22],
      ['black', '==24.1.0', '24.1.0', [], 'dev', 24],
    ]);
  });

  it('spans: the string literal in arrays, key to value end in tables', () => {
    const r = parse('pyproject.toml', 'pyproject', text);
    expect(r[0]!.span).toEqual(span('pyproject.toml', 4, 3, 43, 4, 21, 61));
    expect(r[6]!.span).toEqual(span('pyproject.toml', 18, 1, 308, 18, 51, 358));
  });

  it('survives a broken line and keeps the rest', () => {
    const r = parse('pyproject.toml', 'pyproject', '[project]\nname = = "x"\ndependencies = ["django==5.0.1"]\n');
    expect(brief(r)).toEqual([['django', '==5.0.1', '5.0.1', [], 'main', 3]]);
  });
});

describe('TOML subset', () => {
  it('reads strings of every kind, escapes, nested arrays and dotted keys', () => {
    const doc = readToml('a.b = "x\\ty\\u00e9"\nc = \'lit\\n\'\nd = """\nm\nl"""\ne = [[1, 2], ["s"]]\n"q.k" = true\n');
    const a = doc.entries.get('a')!.value;
    expect(a.kind === 'table' && a.entries.get('b')!.value).toMatchObject({ kind: 'string', value: 'x\tyé' });
    expect(doc.entries.get('c')!.value).toMatchObject({ kind: 'string', value: 'lit\\n' });
    expect(doc.entries.get('d')!.value).toMatchObject({ kind: 'string', value: 'm\nl' });
    expect(doc.entries.get('e')!.value).toMatchObject({ kind: 'array', items: [{ kind: 'array' }, { kind: 'array' }] });
    expect(doc.entries.get('q.k')!.value).toMatchObject({ kind: 'raw', value: 'true' });
  });
});

describe('Pipfile and lock files', () => {
  it('Pipfile: packages and dev-packages; "*" is no specifier', () => {
    const text = '[[source]]\nurl = "https://pypi.org/simple"\n\n[packages]\ndjango = "==4.2.1"\nrequests = "*"\ncelery = {version = ">=5", extras = ["redis"]}\n\n[dev-packages]\npytest = "*"\n';
    expect(brief(parse('Pipfile', 'pipfile', text))).toEqual([
      ['django', '==4.2.1', '4.2.1', [], 'main', 5],
      ['requests', '', undefined, [], 'main', 6],
      ['celery', '>=5', undefined, ['redis'], 'main', 7],
      ['pytest', '', undefined, [], 'dev', 10],
    ]);
  });

  it('Pipfile.lock: default and develop, span on the package key', () => {
    const text = '{\n    "_meta": {"hash": {}},\n    "default": {\n        "django": {\n            "hashes": [],\n            "version": "==4.2.1"\n        }\n    },\n    "develop": {\n        "pytest": {"version": "==8.0.0"}\n    }\n}\n';
    const r = parse('Pipfile.lock', 'pipfile-lock', text);
    expect(brief(r)).toEqual([
      ['django', '==4.2.1', '4.2.1', [], 'main', 4],
      ['pytest', '==8.0.0', '8.0.0', [], 'dev', 10],
    ]);
    expect(r[0]!.span).toEqual(span('Pipfile.lock', 4, 9, 54, 4, 17, 62));
  });

  it('Pipfile.lock that is not JSON gives nothing', () => {
    expect(parse('Pipfile.lock', 'pipfile-lock', '{ broken')).toEqual([]);
  });

  it('poetry.lock and uv.lock: [[package]] name and version, span on the name line', () => {
    const poetry = '[[package]]\nname = "Django"\nversion = "4.2.11"\ncategory = "main"\n\n[package.dependencies]\nasgiref = ">=3.6.0"\n\n[[package]]\nname = "pytest"\nversion = "8.0.0"\ncategory = "dev"\n\n[metadata]\nlock-version = "1.1"\n';
    const r = parse('poetry.lock', 'poetry-lock', poetry);
    expect(brief(r)).toEqual([
      ['django', '==4.2.11', '4.2.11', [], 'main', 2],
      ['pytest', '==8.0.0', '8.0.0', [], 'dev', 10],
    ]);
    expect(r[0]!.span).toEqual(span('poetry.lock', 2, 1, 12, 2, 16, 27));
    const uv = 'version = 1\n\n[[package]]\nname = "django"\nversion = "5.1.4"\nsource = { registry = "https://pypi.org/simple" }\ndependencies = [\n    { name = "asgiref" },\n]\n';
    expect(brief(parse('uv.lock', 'uv-lock', uv))).toEqual([['django', '==5.1.4', '5.1.4', [], 'main', 4]]);
  });
});

describe('setup.py and setup.cfg', () => {
  it('setup.py: install_requires and tests_require string literals, with spans', () => {
    const text = 'from setuptools import setup\nsetup(\n    name="x",\n    install_requires=[\n        "Django>=3.2,<4.0",  # pinned below 4\n        \'whitenoise\',\n    ],\n    tests_require=("pytest",),\n)\n';
    const r = parse('setup.py', 'setup-py', text);
    expect(brief(r)).toEqual([
      ['django', '>=3.2,<4.0', undefined, [], 'main', 5],
      ['whitenoise', '', undefined, [], 'main', 6],
      ['pytest', '', undefined, [], 'dev', 8],
    ]);
    expect(r[0]!.span).toEqual(span('setup.py', 5, 9, 81, 5, 27, 99));
  });

  it('setup.cfg: install_requires continuation lines and extras', () => {
    const text = '[metadata]\nname = x\n\n[options]\npackages = find:\ninstall_requires =\n    Django==5.0.2\n    # comment\n    gunicorn\n\n[options.extras_require]\ntest =\n    pytest\nredis = redis>=5\n';
    const r = parse('setup.cfg', 'setup-cfg', text);
    expect(brief(r)).toEqual([
      ['django', '==5.0.2', '5.0.2', [], 'main', 7],
      ['gunicorn', '', undefined, [], 'main', 9],
      ['pytest', '', undefined, [], 'dev', 13],
      ['redis', '>=5', undefined, [], 'main', 14],
    ]);
    expect(r[0]!.span).toEqual(span('setup.cfg', 7, 5, 71, 7, 18, 84));
  });

  it('other kinds are ignored', () => {
    expect(parse('a.py', 'python', 'install_requires=["django"]')).toEqual([]);
  });
});

describe('detectDjangoVersion', () => {
  const version = (files: Array<[string, FileKind, string]>) => {
    const v = detectDjangoVersion(parseDependencies(files.map(([path, kind, text]) => ({ path, kind, text }))));
    return [v.major, v.minor, v.assumed, v.text, v.span?.file, v.span?.start.line];
  };

  it('prefers a lock-file pin over a requirements pin', () => {
    expect(
      version([
        ['requirements.txt', 'requirements', 'Django==4.1.0\n'],
        ['poetry.lock', 'poetry-lock', '[[package]]\nname = "django"\nversion = "4.2.11"\n'],
      ]),
    ).toEqual([4, 2, false, 'django==4.2.11', 'poetry.lock', 2]);
  });

  it('prefers an == pin over a range', () => {
    expect(
      version([
        ['pyproject.toml', 'pyproject', '[project]\ndependencies = ["django>=4.0"]\n'],
        ['requirements/production.txt', 'requirements', 'django==5.0.3\n'],
      ]),
    ).toEqual([5, 0, false, 'django==5.0.3', 'requirements/production.txt', 1]);
  });

  it('prefers production requirements over development ones', () => {
    expect(
      version([
        ['requirements/dev.txt', 'requirements', 'django==5.1\n'],
        ['requirements/base.txt', 'requirements', 'django==4.2.7\n'],
      ]),
    ).toEqual([4, 2, false, 'django==4.2.7', 'requirements/base.txt', 1]);
  });

  it.each([
    ['Django>=4.2,<5.0', 4, 2],
    ['Django~=4.1.0', 4, 1],
    ['Django>=3.2', 3, 2],
    ['django<4', 3, 2],
    ['django<5.0', 4, 2],
    ['django<4.2', 4, 1],
    ['django<2', 1, 11],
    ['django<=4.1', 4, 1],
    ['django==4.2.*', 4, 2],
    ['django!=4.0,>=3.2', 3, 2],
  ])('%s -> %i.%i', (line, major, minor) => {
    expect(version([['requirements.txt', 'requirements', `${line}\n`]]).slice(0, 3)).toEqual([major, minor, false]);
  });

  it('Poetry caret and tilde', () => {
    expect(version([['pyproject.toml', 'pyproject', '[tool.poetry.dependencies]\ndjango = "^5.0"\n']]).slice(0, 4)).toEqual([5, 0, false, 'django^5.0']);
    expect(version([['pyproject.toml', 'pyproject', '[tool.poetry.dependencies]\ndjango = "~4.2.3"\n']]).slice(0, 3)).toEqual([4, 2, false]);
  });

  it('assumes the latest Django when nothing says which one', () => {
    expect(detectDjangoVersion([])).toEqual({ major: 6, minor: 0, assumed: true });
    expect(version([['requirements.txt', 'requirements', 'django\n']])).toEqual([6, 0, true, undefined, undefined, undefined]);
  });
});
