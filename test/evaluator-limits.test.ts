import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/audit.js';
import { evaluate, run, val } from './evaluator-helpers.js';

/** file:line:column-line:column message, for exact comparisons. */
const located = (p: { file: string; span: { start: { line: number; column: number }; end: { line: number; column: number } }; message: string }) =>
  `${p.file}:${p.span.start.line}:${p.span.start.column}-${p.span.end.line}:${p.span.end.column} ${p.message}`;

describe('evaluator limits point at what was being evaluated (issue 7)', () => {
  it('the step limit: at the expression of the endless loop, not at line 1', () => {
    const s = run('A = 1\nN = 0\nwhile True:\n    N += 1\nB = 2\n', undefined, { limits: { maxSteps: 500 } });
    expect(s.problems.map(located)).toEqual(['settings.py:4:5-4:6 evaluation step limit (500) reached; settings not evaluated by then are unknown']);
    expect(val(s, 'A')).toBe(1);
    expect(val(s, 'B')).toEqual({ unknown: [] });
  });

  it('the step limit inside an imported module: in that file, on that line', () => {
    const s = evaluate({
      files: {
        'settings.py': 'from base import *\nB = 2\n',
        'base.py': 'A = 1\n\ndef spin():\n    n = 0\n    while n >= 0:\n        n = n + 1\n\nspin()\n',
      },
      limits: { maxSteps: 800 },
    });
    expect(s.problems).toHaveLength(1);
    expect(s.problems[0]).toMatchObject({ file: 'base.py', kind: 'evaluation', span: { file: 'base.py', start: { line: 6 }, end: { line: 6 } } });
    expect(s.problems[0]!.message).toBe('evaluation step limit (800) reached; settings not evaluated by then are unknown');
  });

  it('running out of JavaScript stack (recursion with the call depth limit lifted): a depth limit on the innermost statement', () => {
    const s = run('A = 1\ndef f(n):\n    return f(n + 1)\nX = f(0)\nB = 2\n', undefined, { limits: { maxDepth: 1_000_000 } });
    expect(s.problems.map(located)).toEqual([
      'settings.py:3:5-3:20 evaluation depth limit (the JavaScript stack) reached: expressions or calls nest too deeply here; settings not evaluated by then are unknown',
    ]);
    expect(val(s, 'A')).toBe(1);
    expect(val(s, 'B')).toEqual({ unknown: [] });
  });

  it('the import depth limit: at the import that went one level too deep, in the importing file', () => {
    const files: Record<string, string> = { 'settings.py': 'A = 1\nfrom m1 import *\nB = 2\n' };
    for (let i = 1; i < 12; i++) files[`m${i}.py`] = `X${i} = ${i}\nfrom m${i + 1} import *\n`;
    files['m12.py'] = 'Z = 1\n';
    const s = evaluate({ files, limits: { maxDepth: 5 } });
    expect(s.problems.map(located)).toEqual(['m4.py:2:6-2:8 import depth limit (5) reached; m5 not evaluated']);
    expect(s.names()).toEqual(['A', 'B', 'X1', 'X2', 'X3', 'X4']);
  });

  it('the call depth limit stays on the recursive call', () => {
    const s = run('def f(n):\n    return f(n + 1)\nX = f(0)\nY = 1\n', undefined, { limits: { maxDepth: 10 } });
    expect(s.problems.map(located)).toEqual(['settings.py:2:12-2:20 call depth limit (10) reached in f()']);
  });

  describe('as audit notices', () => {
    const dirs: string[] = [];
    afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
    const repo = (settings: string, more: Record<string, string> = {}) => {
      const d = mkdtempSync(join(tmpdir(), 'audit-deploy-evallimits-'));
      dirs.push(d);
      const files: Record<string, string> = {
        'manage.py': "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n",
        'mysite/__init__.py': '',
        'mysite/settings.py': settings,
        'requirements.txt': 'Django==5.2\ngunicorn==23.0\n',
        ...more,
      };
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(d, path)), { recursive: true });
        writeFileSync(join(d, path), text);
      }
      return d;
    };

    it('expressions nested thousands of levels deep in every Python file the audit reads: located findings, no crash', async () => {
      const deep = (n: number) => '-'.repeat(n) + '1';
      const root = repo(`DEBUG = False\nROOT_URLCONF = 'mysite.urls'\nTIMEOUT = ${deep(20_000)}\n` + '# c\n'.repeat(30_000) + 'SECRET_KEY = "x"\n', {
        'mysite/urls.py': `from django.urls import path\nurlpatterns = [path("a", ${deep(8000)})]\n` + '\\\n'.repeat(30_000),
        'mysite/celery.py': `app = ${'a.b'.repeat(1) + '.b'.repeat(9000)}\n`,
        'gunicorn.conf.py': `workers = 2\nbind = ${'1 + '.repeat(9000)}1\n`,
        'Procfile': 'web: gunicorn mysite.wsgi\n',
      });
      const t0 = performance.now();
      const result = await runAudit({ root });
      expect(performance.now() - t0).toBeLessThan(30_000);
      const gen = result.findings.filter((f) => f.ruleId === 'GEN001').map((f) => `${f.span?.file}:${f.span?.start.line}`).sort();
      expect(gen).toEqual(['gunicorn.conf.py:2', 'mysite/settings.py:3', 'mysite/urls.py:2']);
    }, 60_000);

    it('a settings module the audit does not read: what its text assigns is unknown, not unset, and nothing else is claimed', async () => {
      // CPython compiles a long and/or chain (one node); tree-sitter nests it 5,000 levels deep.
      const chain = `${'a or '.repeat(5000)}b`;
      const settings = `import os
SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["shop.example.com"]
X = ${chain}
`;
      const result = await runAudit({ root: repo(settings) });
      const byRule = (id: string) => result.findings.filter((f) => f.ruleId === id).map((f) => f.status);
      // Assigned in the text: unknown (the file was not read), never "not set".
      expect(byRule('DJ009')).toEqual(['unknown']);
      expect(byRule('DJ020')).toEqual(['unknown']);
      expect(byRule('DJ018')).toEqual(['unknown']);
      expect(result.findings.find((f) => f.ruleId === 'DJ009')!.message).toContain('mysite/settings.py was not read');
      // Not a syntax error (Python imports the file): a limit notice on the line, no GEN001.
      expect(byRule('GEN001')).toEqual([]);
      expect(result.notices.filter((n) => n.kind === 'limit').map((n) => `${n.file}:${n.span?.start.line} ${n.message}`)).toEqual([
        'mysite/settings.py:5 mysite/settings.py:5: an and/or chain nests more than 3,000 levels deep: the audit does not read this file, so what it sets is not known',
      ]);

      // A file Python refuses (20,000 unary minuses): GEN001 on the line, its assignments unknown too.
      const refused = await runAudit({ root: repo(`import os
SECRET_KEY = os.environ["SECRET_KEY"]
X = ${'-'.repeat(20_000)}1
`) });
      expect(refused.findings.filter((f) => f.ruleId === 'GEN001').map((f) => `${f.span.file}:${f.span.start.line}`)).toEqual(['mysite/settings.py:3']);
      expect(refused.findings.filter((f) => f.ruleId === 'DJ009').map((f) => f.status)).toEqual(['unknown']);
    }, 60_000);

    it('a URLconf the audit does not read leaves the routes unknown, not empty', async () => {
      const result = await runAudit({
        root: repo(`DEBUG = False
SECRET_KEY = "${'k9'.repeat(30)}"
ALLOWED_HOSTS = ["shop.example.com"]
ROOT_URLCONF = "mysite.urls"
`, {
          'mysite/urls.py': `from django.urls import path
OK = ${'a and '.repeat(5000)}b
urlpatterns = [path("healthz/", lambda r: None)]
`,
        }),
      });
      expect(result.findings.filter((f) => f.ruleId === 'DJ128' && f.status === 'fail')).toEqual([]);
    }, 60_000);
  });
});
