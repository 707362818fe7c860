import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from '../src/cli/args.js';
import { runAudit } from '../src/cli/audit.js';
import { makeSourceText } from '../src/core/source.js';
import { readYaml } from '../src/parse/compose/yaml.js';
import { loadConfig } from '../src/config/load.js';
import { ConfigError } from '../src/config/types.js';
import { timeBudget } from '../src/engine/budget.js';
import { formatJson } from '../src/report/json.js';
import { formatSarif } from '../src/report/sarif.js';
import { formatText } from '../src/report/text.js';
import { makeSarifValidator } from './support/sarif-validator.js';

/**
 * The total-time limit (issue 7): once the wall-clock budget is spent, the audit stops at safe
 * points (between files while the model is built, between rules), names what it did not do in a
 * notice, reports what it did not decide as unknown (never pass), and still prints valid reports.
 * Deterministic: the clock is injected, nothing here depends on how fast the machine is.
 */
const SAMPLE = resolve(import.meta.dirname, '..', 'fixtures', 'sample-shop');
const validate = makeSarifValidator();

/** A clock that stands still until `advance` is called. */
function manualClock() {
  let now = 0;
  return { clock: () => now, advance: (ms: number) => void (now += ms) };
}

function reportsAreValid(result: Awaited<ReturnType<typeof runAudit>>): void {
  const sarif = JSON.parse(formatSarif(result, { secrets: result.secrets }));
  expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
  expect(() => JSON.parse(formatJson(result, { secrets: result.secrets }))).not.toThrow();
  expect(formatText(result, { color: false } as Parameters<typeof formatText>[1])).toContain('time limit');
}

describe('the time budget', () => {
  it('expires when its clock passes the limit, and stays expired', () => {
    const c = manualClock();
    const b = timeBudget(1000, c.clock);
    expect(b.expired()).toBe(false);
    c.advance(999);
    expect(b.expired()).toBe(false);
    c.advance(1);
    expect(b.expired()).toBe(true);
    c.advance(-5000);
    expect(b.expired()).toBe(true);
  });

  it('a run within the budget is the same as a run without one', async () => {
    const free = await runAudit({ root: SAMPLE });
    const c = manualClock();
    const bounded = await runAudit({ root: SAMPLE, maxTimeSeconds: 5, clock: c.clock });
    expect(bounded.outcomes.map((o) => [o.meta.id, o.status])).toEqual(free.outcomes.map((o) => [o.meta.id, o.status]));
    expect(bounded.notices.filter((n) => n.kind === 'limit')).toEqual([]);
  });

  it('spent before any file is read: every file is named, nothing passes, reports stay valid', async () => {
    const c = manualClock();
    // The budget starts at 0; the first question it is asked comes after the limit.
    const clock = () => {
      const t = c.clock();
      c.advance(10_000);
      return t;
    };
    const result = await runAudit({ root: SAMPLE, maxTimeSeconds: 1, clock });
    const limit = result.notices.filter((n) => n.kind === 'limit');
    const reading = limit.find((n) => n.message.includes('while reading the repository'));
    expect(reading?.message).toMatch(/^time limit \(1 s\) reached while reading the repository: \d+ files not read \(.*settings.*\)/);
    expect(reading?.file).toBeTruthy();
    const rules = limit.find((n) => n.message.includes('not checked'));
    expect(rules?.message).toMatch(/^time limit \(1 s\) reached: \d+ rules not checked \([A-Z0-9]+, .* and \d+ more\), reported unknown$/);
    expect(result.outcomes.length).toBeGreaterThan(100);
    expect(result.outcomes.filter((o) => o.status === 'pass')).toEqual([]);
    expect(result.outcomes.every((o) => o.status === 'unknown' || o.status === 'na')).toBe(true);
    expect(result.readiness.status).not.toBe('READY');
    reportsAreValid(result);
  });

  it('spent between rules: the model is complete, the rules left over are unknown and named', async () => {
    const free = await runAudit({ root: SAMPLE });
    const c = manualClock();
    let checking = false;
    // Once the rules start, each question to the clock costs a millisecond: the budget of 1.010 s,
    // of which 1 s is spent as the rules start, lets exactly 10 rules run.
    const clock = () => {
      const t = c.clock();
      if (checking) c.advance(1);
      return t;
    };
    const result = await runAudit({
      root: SAMPLE,
      maxTimeSeconds: 1.01,
      clock,
      onProgress: (stage) => {
        if (stage === 'checking') {
          checking = true;
          c.advance(1000);
        }
      },
    });
    const limit = result.notices.filter((n) => n.kind === 'limit');
    expect(limit.map((n) => n.message).join('\n')).not.toContain('while reading');
    const skippedNotice = limit.find((n) => n.message.includes('not checked'))!;
    expect(skippedNotice.message).toMatch(/^time limit \(1\.01 s\) reached: \d+ rules not checked/);
    // The first ten rules ran as they do without a budget; the rest are unknown, none passed.
    expect(result.outcomes.slice(0, 10).map((o) => [o.meta.id, o.status])).toEqual(free.outcomes.slice(0, 10).map((o) => [o.meta.id, o.status]));
    const rest = result.outcomes.slice(10);
    expect(rest.length).toBeGreaterThan(50);
    expect(rest.every((o) => o.status === 'unknown' && o.reason === 'not checked: the time limit (1.01 s) was reached')).toBe(true);
    expect(skippedNotice.message).toContain(rest[0]!.meta.id);
    // The project's section says the same as the headline: not checked is unknown, not n/a.
    const section = result.sections!.find((x) => x.kind === 'project')!;
    expect(section.readiness.items.filter((i) => rest.some((o) => o.meta.id === i.id)).every((i) => i.status === 'unknown')).toBe(true);
    reportsAreValid(result);
  });
});

describe('--max-time and max-time:', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const configDir = (yaml: string) => {
    const d = mkdtempSync(join(tmpdir(), 'audit-deploy-maxtime-'));
    dirs.push(d);
    writeFileSync(join(d, '.audit-deploy.yml'), yaml);
    return d;
  };

  it('the flag takes seconds above zero', () => {
    expect(parseCliArgs(['--max-time', '2.5']).maxTime).toBe(2.5);
    expect(parseCliArgs([]).maxTime).toBeUndefined();
    for (const bad of ['0', '-1', 'soon', '1e3']) expect(() => parseCliArgs(['--max-time', bad])).toThrow(UsageError);
  });

  it('the configuration key takes seconds above zero, errors name the line', () => {
    expect(loadConfig(configDir('max-time: 30\n')).maxTime).toBe(30);
    expect(() => loadConfig(configDir('select: [DJ]\nmax-time: 0\n'))).toThrow(ConfigError);
    expect(() => loadConfig(configDir('select: [DJ]\nmax-time: 0\n'))).toThrow(/:2:\d+: "max-time" must be a number of seconds above 0/);
  });
});

describe('the other limits of issue 7 leave a located notice', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const repo = (files: Record<string, string>) => {
    const d = mkdtempSync(join(tmpdir(), 'audit-deploy-limits-'));
    dirs.push(d);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(d, path)), { recursive: true });
      writeFileSync(join(d, path), text);
    }
    return d;
  };
  const project = (settings: string) => ({
    'manage.py': "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n",
    'mysite/__init__.py': '',
    'mysite/settings.py': settings,
    'requirements.txt': 'Django==5.2\n',
  });

  it('evaluator loop limit: a notice on the loop', async () => {
    const result = await runAudit({ root: repo(project('DEBUG = False\nN = 0\nwhile True:\n    N += 1\nSECRET_KEY = "x"\n')) });
    const notice = result.notices.find((n) => n.kind === 'limit');
    expect(notice).toMatchObject({ file: 'mysite/settings.py', message: 'mysite/settings.py:3: loop did not finish within 10000 iterations' });
    expect(notice!.span?.start.line).toBe(3);
  });

  it('evaluator recursion limit: a notice on the call', async () => {
    const result = await runAudit({ root: repo(project('def f(n):\n    return f(n + 1)\n\nX = f(0)\nDEBUG = False\n')) });
    const notice = result.notices.find((n) => n.kind === 'limit');
    expect(notice).toMatchObject({ file: 'mysite/settings.py', message: expect.stringMatching(/^mysite\/settings\.py:2: call depth limit \(50\) reached in f\(\)/) });
  });

  it('YAML: an alias bomb shares nodes; the node limit (alias expansion included) gives a located problem', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
    expect(readYaml(makeSourceText('docker-compose.yml', bomb)).root?.kind).toBe('map');
    const huge = readYaml(makeSourceText('docker-compose.yml', `x: &x [${'1,'.repeat(120_000)}1]\ny: *x\n`));
    expect(huge.root).toBeUndefined();
    expect(huge.problems).toContainEqual(expect.objectContaining({ message: 'YAML aliases expand to too many nodes; not read', span: expect.objectContaining({ file: 'docker-compose.yml' }) }));
  });

  it('file size limit: a notice naming the file', async () => {
    const result = await runAudit({ root: repo({ ...project('DEBUG = False\n'), '.env.production': `SECRET_KEY=${'x'.repeat(3 * 1024 * 1024)}\n` }) });
    expect(result.notices).toContainEqual(expect.objectContaining({ kind: 'too-large', file: '.env.production' }));
  });
});
