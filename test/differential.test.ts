/**
 * Differential test: audit-deploy's findings for Django's mirrored checks against real Django's
 * `check --deploy` on generated settings modules.
 *
 *   AUDIT_DEPLOY_DIFF_SEED       seed of the generated corpus (default 20240601)
 *   AUDIT_DEPLOY_DIFF_CASES      number of cases (default 300)
 *   AUDIT_DEPLOY_DJANGO_PYTHONS  comma-separated interpreters with Django (default /usr/bin/python3)
 *   AUDIT_DEPLOY_DIFF_KEEP=1     keep the generated cases on disk even when everything agrees
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../src/core/finding.js';
import { compareCase, formatDisagreement, mirroredChecks, type AuditOutcome, type Disagreement } from './differential/compare.js';
import { djangoInterpreters, runDjangoChecks, type DjangoCaseResult, type DriverCase } from './differential/django.js';
import { generateCases, writeCases, type GeneratedCase } from './differential/generate.js';

const SEED = Number(process.env.AUDIT_DEPLOY_DIFF_SEED ?? 20240601);
const COUNT = Number(process.env.AUDIT_DEPLOY_DIFF_CASES ?? 300);
const KEEP = process.env.AUDIT_DEPLOY_DIFF_KEEP === '1';
const interpreters = djangoInterpreters();
const firstPython = interpreters.available[0]?.python;

function driverCases(dir: string, cases: GeneratedCase[]): DriverCase[] {
  return cases.map((c) => ({ case: c.id, dir: join(dir, c.id), settings: c.settingsModule, env: c.env }));
}

describe('differential: generator', () => {
  const cases = generateCases({ seed: SEED, count: COUNT, djangoVersion: '3.2.25' });
  const allText = (c: GeneratedCase) => c.files.map((f) => f.text).join('\n');

  it('is deterministic for a seed and differs between seeds', () => {
    const again = generateCases({ seed: SEED, count: COUNT, djangoVersion: '3.2.25' });
    expect(JSON.stringify(again)).toBe(JSON.stringify(cases));
    const other = generateCases({ seed: SEED + 1, count: COUNT, djangoVersion: '3.2.25' });
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(cases));
  });

  it('writes the requested number of cases, each pinning the Django version', () => {
    expect(cases).toHaveLength(COUNT);
    expect(new Set(cases.map((c) => c.id)).size).toBe(COUNT);
    for (const c of cases) {
      const req = c.files.find((f) => f.path === 'requirements.txt');
      expect(req?.text).toMatch(/^[Dd]jango==3\.2\.25$/m);
    }
  });

  it('gives every required env read a value, in .env.production and in the case env alike', () => {
    for (const c of cases) {
      const text = allText(c);
      const defaulted = new Set([...text.matchAll(/os\.environ\.setdefault\('([A-Z_0-9]+)'/g)].map((m) => m[1]));
      for (const m of text.matchAll(/os\.environ\['([A-Z_0-9]+)'\]/g)) {
        if (!defaulted.has(m[1])) expect(c.env, `${c.id} reads ${m[1]}`).toHaveProperty(m[1]!);
      }
      const dotenv = c.files.find((f) => f.path === '.env.production');
      if (Object.keys(c.env).length > 0) expect(dotenv, c.id).toBeDefined();
      for (const [k, v] of Object.entries(c.env)) {
        expect(dotenv!.text.split('\n')).toContainEqual(expect.stringMatching(new RegExp(`^${k}=("?)${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1$`)));
      }
    }
  });

  it('covers the expression shapes it promises (default seed, 300 cases)', () => {
    const fixed = generateCases({ seed: 20240601, count: 300, djangoVersion: '3.2.25' });
    const corpus = fixed.map(allText).join('\n');
    const shapes = [
      'from .base import *', 'from config.settings.base import *', 'MIDDLEWARE.append(', 'MIDDLEWARE.insert(', 'MIDDLEWARE.remove(',
      'MIDDLEWARE += ', 'INSTALLED_APPS.append(', 'for item in', 'def env_bool(', 'env_bool(\'', 'def env_list(', 'def get_secret(',
      "int(os.environ.get('", "os.getenv('", "== 'True'", '.lower() in (', "f'{", "'%s%s' % (", "'{}{}'.format(", "''.join([",
      '.upper()', '.strip()', 'django-insecure-', 'SECRET_KEY_FALLBACKS', 'SILENCED_SYSTEM_CHECKS', 'X_FRAME_OPTIONS',
      "'deny'", 'SECURE_REFERRER_POLICY = None', 'SECURE_CROSS_ORIGIN_OPENER_POLICY', 'CSRF_TRUSTED_ORIGINS', "ALLOWED_HOSTS = ['*']",
      "ALLOWED_HOSTS = ['']", 'ALLOWED_HOSTS = []', ".split(',')", 'if ', 'else:', 'not DEBUG', "'0'", '😀',
      'django.contrib.sessions.apps.SessionsConfig', 'SecurityMiddleware \'', ': object = ',
      'from .local import *', 'del SECURE_HSTS_PRELOAD', "os.environ.setdefault('", "' in os.environ", 'class DevSettings:', 'if False:', "('same-origin')", 'X_FRAME_OPTIONS = None', '= -1', 'SESSION_COOKIE_SECURE, CSRF_COOKIE_SECURE = ', '_SECURE = CSRF_COOKIE_SECURE = ',
    ];
    const missing = shapes.filter((s) => !corpus.includes(s));
    expect(missing).toEqual([]);
    expect(fixed.filter((c) => c.files.some((f) => f.path === '.env.production')).length).toBeGreaterThan(100);
    expect(fixed.filter((c) => c.settingsModule.endsWith('.production')).length).toBeGreaterThan(75);
    expect(fixed.filter((c) => c.files.some((f) => f.path.endsWith('/local.py'))).length).toBeGreaterThan(0);
  });
});

describe('differential: comparison', () => {
  const testCase: GeneratedCase = { id: 'case-x', settingsModule: 'config.settings', env: {}, files: [] };
  const project = { root: '.', settingsModule: 'config.settings', settingsFile: 'config/settings.py', reason: '--settings', djangoVersion: '3.2', djangoVersionAssumed: false, envSources: [] };
  const span = { file: 'config/settings.py', start: { line: 3, column: 1, offset: 20 }, end: { line: 3, column: 5, offset: 24 } };
  const finding = (ruleId: string, status: 'fail' | 'unknown', djangoCheck?: string): Finding => ({
    ruleId, severity: 'high', status, message: `${ruleId} says so`, span, related: [], fingerprint: ruleId,
    ...(djangoCheck ? { djangoCheck } : {}), ...(status === 'unknown' ? { decidingVariables: ['DEBUG'] } : {}),
  });
  const mirrored = new Set(['security.W018', 'security.W010', 'security.W012', 'security.E024']);
  const mirroringRules = new Set(['DJ018', 'DJ010', 'DJ024']);
  const compare = (djangoIds: string[], findings: Finding[], projects = [project]) =>
    compareCase({ testCase, djangoVersion: '3.2.25', djangoIds, audit: { findings, projects }, mirrored, mirroringRules });

  it('agrees when the exact ids match, ignoring unmirrored Django ids and unmirroring rules', () => {
    expect(compare(['security.W018', 'security.W012', 'security.W999'], [finding('DJ018', 'fail', 'security.W018'), finding('DJ010', 'fail', 'security.W012'), finding('DJ101', 'unknown')])).toBeUndefined();
    expect(compare([], [])).toBeUndefined();
  });

  it('reports missed and extra ids by exact id (W010 is not W012)', () => {
    expect(compare(['security.W012'], [finding('DJ010', 'fail', 'security.W010')])).toEqual({
      caseId: 'case-x', django: ['security.W012'], audit: ['security.W010'], missed: ['security.W012'], extra: ['security.W010'], unknown: [], problems: [],
    });
  });

  it('counts an unknown finding of a mirroring rule as a disagreement', () => {
    expect(compare(['security.W018'], [finding('DJ018', 'fail', 'security.W018'), finding('DJ024', 'unknown')])?.unknown).toEqual([
      'DJ024 config/settings.py:3: DJ024 says so [DEBUG]',
    ]);
  });

  it('reports the wrong module, an assumed version and a failure without an exact id', () => {
    const other = { ...project, settingsModule: 'config.other', djangoVersion: '5.2', djangoVersionAssumed: true };
    expect(compare([], [finding('DJ010', 'fail')], [other])?.problems).toEqual([
      'audit-deploy audited config.other, not config.settings',
      'audit-deploy assumed Django 5.2 (not detected), the pin is 3.2.25',
      'DJ010 failed without naming the exact Django check',
    ]);
    expect(compare([], [], [])?.problems).toEqual(['audit-deploy found no Django project']);
  });

  it('reports a crash of audit-deploy', () => {
    const d = compareCase({ testCase, djangoVersion: '3.2.25', djangoIds: ['security.W018'], audit: { error: 'boom' }, mirrored, mirroringRules });
    expect(d?.problems).toEqual(['audit-deploy threw: boom']);
    expect(d?.missed).toEqual(['security.W018']);
  });
});

describe.runIf(firstPython)('differential: the Django driver', () => {
  let dir: string;
  const results = new Map<string, DjangoCaseResult>();
  const hand: Array<{ id: string; settings: string; env?: Record<string, string> }> = [
    { id: 'debug-true', settings: "DEBUG = True\nSECRET_KEY = 'k' * 10 + 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH'\nALLOWED_HOSTS = ['a']\n" },
    { id: 'debug-false-string', settings: "DEBUG = 'False'\n" },
    { id: 'debug-silenced', settings: "DEBUG = True\nSILENCED_SYSTEM_CHECKS = ['security.W018']\n" },
    { id: 'debug-env', settings: "import os\nDEBUG = os.environ.get('DEBUG') == '1'\n", env: { DEBUG: '1' } },
    { id: 'debug-env-unset', settings: "import os\nDEBUG = os.environ.get('HOME_NOT_SET', 'x') == 'x' and 'PATH' in os.environ\n" },
    { id: 'import-error', settings: 'DEBUG = undefined_name\n' },
    {
      id: 'hardened',
      settings: [
        "SECRET_KEY = 'q8#Lm2!vZ7@pR4^tX9&wN1*yB6(cH3)kD5-fJ0_gS8+eA2=uV7~iO4'",
        "ALLOWED_HOSTS = ['example.com']",
        "INSTALLED_APPS = ['django.contrib.contenttypes', 'django.contrib.sessions']",
        'MIDDLEWARE = [',
        "    'django.middleware.security.SecurityMiddleware',",
        "    'django.contrib.sessions.middleware.SessionMiddleware',",
        "    'django.middleware.csrf.CsrfViewMiddleware',",
        "    'django.middleware.clickjacking.XFrameOptionsMiddleware',",
        ']',
        'SECURE_HSTS_SECONDS = 31536000',
        'SECURE_HSTS_INCLUDE_SUBDOMAINS = True',
        'SECURE_HSTS_PRELOAD = True',
        'SECURE_SSL_REDIRECT = True',
        'SESSION_COOKIE_SECURE = True',
        'CSRF_COOKIE_SECURE = True',
        '',
      ].join('\n'),
    },
  ];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'audit-deploy-driver-'));
    const cases: DriverCase[] = hand.map((h) => {
      const caseDir = join(dir, h.id);
      mkdirSync(join(caseDir, 'proj'), { recursive: true });
      writeFileSync(join(caseDir, 'proj', '__init__.py'), '');
      writeFileSync(join(caseDir, 'proj', 'settings.py'), h.settings);
      return { case: h.id, dir: caseDir, settings: 'proj.settings', env: h.env ?? {} };
    });
    for (const [k, v] of runDjangoChecks(firstPython!, cases, dir)) results.set(k, v);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports W018 for DEBUG = True and for the truthy string "False"', () => {
    expect(results.get('debug-true')).toEqual({ case: 'debug-true', error: null, ids: ['security.W001', 'security.W002', 'security.W003', 'security.W018'] });
    expect(results.get('debug-false-string')!.ids).toContain('security.W018');
  });

  it('honours SILENCED_SYSTEM_CHECKS', () => {
    expect(results.get('debug-silenced')!.ids).not.toContain('security.W018');
    expect(results.get('debug-silenced')!.ids).toContain('security.W009');
  });

  it("gives each case exactly its own environment and nothing of the parent's", () => {
    expect(results.get('debug-env')!.ids).toContain('security.W018');
    // PATH is not in the case's environment, so the condition is False.
    expect(results.get('debug-env-unset')!.ids).not.toContain('security.W018');
  });

  it('reports settings that fail to import, with the exception', () => {
    expect(results.get('import-error')).toEqual({ case: 'import-error', ids: [], error: "NameError: name 'undefined_name' is not defined" });
  });

  it('reports nothing for hardened settings', () => {
    expect(results.get('hardened')).toEqual({ case: 'hardened', ids: [], error: null });
  });
});

for (const interpreter of interpreters.available) {
  describe(`differential: audit-deploy vs Django ${interpreter.version} (${interpreter.python}), seed ${SEED}, ${COUNT} cases`, () => {
    let dir: string;
    let cases: GeneratedCase[];
    let django: Map<string, DjangoCaseResult>;
    let failed = false;

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), `audit-deploy-diff-${interpreter.version}-`));
      cases = generateCases({ seed: SEED, count: COUNT, djangoVersion: interpreter.version });
      writeCases(dir, cases);
      django = runDjangoChecks(interpreter.python, driverCases(dir, cases), dir);
    });
    afterAll(() => {
      if (!failed && !KEEP) rmSync(dir, { recursive: true, force: true });
      else console.log(`differential cases kept in ${dir}`);
    });

    it('Django sets up every generated case (anything else is a generator bug)', () => {
      const errors = cases.map((c) => ({ id: c.id, r: django.get(c.id) })).filter(({ r }) => !r || r.error);
      if (errors.length) failed = true;
      expect(errors.map(({ id, r }) => `${id}: ${r?.error ?? 'no result'}`)).toEqual([]);
    });

    it('audit-deploy reports exactly the mirrored checks Django reports, and nothing unknown', async () => {
      const { runAudit } = await import('../src/cli/audit.js');
      const { loadRules } = await import('../src/engine/registry.js');
      const rules = await loadRules();
      const mirrored = mirroredChecks(rules);
      const mirroringRules = new Set(rules.filter((r) => r.meta.djangoCheck !== undefined).map((r) => r.meta.id));
      expect(mirrored.size, 'no rule declares meta.djangoCheck: nothing to compare').toBeGreaterThan(0);

      const disagreements: Array<{ d: Disagreement; c: GeneratedCase }> = [];
      // Guards against a vacuous pass: the corpus must make Django fire many different mirrored checks.
      const firing = new Set<string>();
      let firingTotal = 0;
      for (const c of cases) {
        const result = django.get(c.id);
        if (!result || result.error) continue;
        let audit: AuditOutcome;
        try {
          audit = await runAudit({ root: join(dir, c.id), settings: c.settingsModule });
        } catch (err) {
          audit = { error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
        }
        const d = compareCase({ testCase: c, djangoVersion: interpreter.version, djangoIds: result.ids, audit, mirrored, mirroringRules });
        if (d) disagreements.push({ d, c });
        const ids = result.ids.filter((id) => mirrored.has(id));
        ids.forEach((id) => firing.add(id));
        firingTotal += ids.length;
      }
      if (disagreements.length > 0) {
        failed = true;
        const report = disagreements.map(({ d, c }) => formatDisagreement(d, c, interpreter.version, join(dir, c.id))).join('\n\n');
        const reportFile = join(dir, 'disagreements.txt');
        writeFileSync(reportFile, `${summarise(disagreements.map((x) => x.d))}\n\n${report}\n`);
        console.log(readFileSync(reportFile, 'utf8'));
      }
      expect(disagreements.map(({ d }) => d.caseId), `disagreements (full report in ${join(dir, 'disagreements.txt')})`).toEqual([]);
      if (COUNT >= 100) {
        expect(firing.size, `mirrored checks Django reported: ${[...firing].sort().join(' ')}`).toBeGreaterThanOrEqual(15);
        expect(firingTotal).toBeGreaterThan(2 * COUNT);
      }
    }, 300_000);
  });
}

// CI sets this (.ci/run) so that a missing release fails loudly instead of shrinking the test.
const REQUIRED = (process.env.AUDIT_DEPLOY_DJANGO_REQUIRED ?? '').split(',').map((s) => s.trim()).filter(Boolean);
if (REQUIRED.length > 0) {
  describe('differential: required Django releases', () => {
    it(`compares against Django ${REQUIRED.join(', ')}`, () => {
      const series = interpreters.available.map((i) => i.version.split('.').slice(0, 2).join('.'));
      expect(series).toEqual(expect.arrayContaining(REQUIRED));
    });
  });
}

if (interpreters.available.length === 0) {
  // Shown, not silent: the comparison needs a Python with Django (CI installs three).
  console.warn(`differential test against Django not run: ${interpreters.skipped.map((s) => `${s.python}: ${s.reason}`).join('; ')}`);
}

/** Counts per kind of disagreement, so the report starts with what to fix first. */
function summarise(ds: Disagreement[]): string {
  const counts = new Map<string, number>();
  const bump = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
  for (const d of ds) {
    d.missed.forEach((id) => bump(`missed ${id}`));
    d.extra.forEach((id) => bump(`extra ${id}`));
    d.unknown.forEach((u) => bump(`unknown ${u.split(' ')[0]}`));
    d.problems.forEach((p) => bump(`problem ${p.replace(/\d+/g, 'N').slice(0, 80)}`));
  }
  const rows = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return [`${ds.length} disagreeing cases:`, ...rows.map(([k, n]) => `  ${String(n).padStart(4)}  ${k}`)].join('\n');
}
