import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { loadConfig } from '../src/config/load.js';
import { ConfigError } from '../src/config/types.js';
import { data, property } from '../src/report/github.js';
import { Capture, runCli } from './support/cli-run.js';
import { makeSarifValidator } from './support/sarif-validator.js';

/**
 * Issue 6: configuration, inline suppressions, baselines, --diff-base and the reports for people,
 * end to end through the CLI on copies of the bundled sample project.
 */
const REPO = resolve(import.meta.dirname, '..');
const SAMPLE = join(REPO, 'fixtures', 'sample-shop');
const PROD = 'shop/settings/production.py';

const run = runCli;

interface JsonOut {
  findings: Array<{ ruleId: string; status: string; location: { file: string; startLine: number }; fingerprint: string; severity: string }>;
  suppressed: Array<{ finding: { ruleId: string }; reason: string; location: { startLine: number } }>;
  notices: Array<{ kind: string; message: string }>;
  rules: Array<{ id: string; status: string; severity: string; reason: string | null }>;
  readiness: { score: number; status: string; threshold: number };
  baseline: { known: number; stale: unknown[] } | null;
  comparison: { delta: number | null; newlyFailing: Array<{ id: string }>; newlyFixed: Array<{ id: string }>; newFindings: Array<{ ruleId: string }> } | null;
  configFile: string | null;
}

async function json(argv: string[]): Promise<{ code: number; doc: JsonOut; stderr: string }> {
  const r = await run([...argv, '--format', 'json']);
  return { code: r.code, doc: JSON.parse(r.stdout) as JsonOut, stderr: r.stderr };
}

const ids = (doc: JsonOut) => doc.findings.map((f) => `${f.location.file}:${f.location.startLine} ${f.ruleId}`);

let tmp: string;
let n = 0;
/** A fresh copy of the sample project (inside its own git repository, so config lookup stops there). */
function copySample(): string {
  const dir = join(tmp, `shop-${n++}`);
  cpSync(SAMPLE, dir, { recursive: true });
  mkdirSync(join(dir, '.git'));
  return dir;
}

function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
  writeFileSync(file, text.replace(from, to));
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'audit-deploy-workflow-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('configuration', () => {
  it('is found upward to the git root, in .audit-deploy.yml, and selects, ignores and re-levels rules', async () => {
    const dir = copySample();
    writeFileSync(join(dir, '.audit-deploy.yml'), 'ignore: [DJ040, DJ11]\nseverity:\n  DJ016: low\nper-path-ignores:\n  "shop/settings/base.py": [DJ126]\n');
    const { doc } = await json([join(dir, 'shop')]);
    // Audited from a subdirectory: the file at the repository root still applies.
    expect(doc.configFile).toBe('../.audit-deploy.yml');
    const { doc: full } = await json([dir]);
    expect(full.rules.map((r) => r.id)).not.toContain('DJ040');
    expect(full.rules.some((r) => r.id.startsWith('DJ11'))).toBe(false);
    expect(full.rules.find((r) => r.id === 'DJ016')?.severity).toBe('low');
    expect(full.findings.find((f) => f.ruleId === 'DJ016')?.severity).toBe('low');
    expect(ids(full)).not.toContain('shop/settings/base.py:40 DJ126');
    expect(full.rules.find((r) => r.id === 'DJ126')?.status).toBe('pass');
  });

  it('stops at the git root: a configuration above it does not apply', async () => {
    const outer = join(tmp, `outer-${n++}`);
    mkdirSync(outer);
    writeFileSync(join(outer, '.audit-deploy.yml'), 'ignore: [DJ]\n');
    cpSync(SAMPLE, join(outer, 'repo'), { recursive: true });
    mkdirSync(join(outer, 'repo', '.git'));
    expect(loadConfig(join(outer, 'repo')).file).toBeUndefined();
  });

  it('reads [tool.audit-deploy] from pyproject.toml, and skips a pyproject without that table', async () => {
    const dir = copySample();
    writeFileSync(join(dir, 'pyproject.toml'), '[project]\nname = "shop"\n\n[tool.audit-deploy]\nselect = ["DJ01"]\nmin-score = 50\n');
    const { doc } = await json([dir]);
    expect(doc.configFile).toBe('pyproject.toml [tool.audit-deploy]');
    expect(doc.rules.every((r) => r.id.startsWith('DJ01'))).toBe(true);
    expect(doc.readiness.threshold).toBe(50);
    const other = copySample();
    writeFileSync(join(other, 'pyproject.toml'), '[project]\nname = "shop"\n');
    expect(loadConfig(other).file).toBeUndefined();
  });

  it('--config wins over the file found by lookup', async () => {
    const dir = copySample();
    writeFileSync(join(dir, '.audit-deploy.yml'), 'ignore: [DJ016]\n');
    const alt = join(dir, 'ci-audit.yml');
    writeFileSync(alt, 'ignore: [DJ040]\n');
    const { doc } = await json([dir, '--config', alt]);
    expect(doc.rules.map((r) => r.id)).toContain('DJ016');
    expect(doc.rules.map((r) => r.id)).not.toContain('DJ040');
  });

  it.each([
    ['selct: [DJ]\n', /\.audit-deploy\.yml:1:1: unknown key "selct"/],
    ['severity:\n  DJ016: critical\n', /\.audit-deploy\.yml:2:10: "severity\.DJ016" must be one of blocker, high, medium, low/],
    ['min-score: 120\n', /:1:12: "min-score" must be a number from 0 to 100/],
    ['ignore: [NOPE9]\n', /"ignore": "NOPE9" matches no rule/],
    ['ignore: [dj018]\n', /"ignore": "dj018" is not a rule id or prefix/],
    ['attest:\n  MAN001: yes\n', /"attest\.MAN001" must be done, not-done or n\/a/],
    ['select: [DJ\n', /invalid YAML/],
  ])('an invalid configuration is a clear error naming the file and key, exit 2: %j', async (yml, message) => {
    const dir = copySample();
    writeFileSync(join(dir, '.audit-deploy.yml'), yml);
    const r = await run([dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('a missing --config file is an error', async () => {
    const r = await run([copySample(), '--config', join(tmp, 'nope.yml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no such configuration file');
  });

  it('marks files as production or development whatever their names say', async () => {
    const dir = copySample();
    // A production env file under a name the audit would take for a developer's file.
    writeFileSync(join(dir, 'deploy.env'), 'DEBUG=True\n');
    const before = await json([dir]);
    writeFileSync(join(dir, '.audit-deploy.yml'), 'production: ["deploy.env"]\ndevelopment: [".env.production"]\n');
    const after = await json([dir]);
    expect(before.doc.rules.find((r) => r.id === 'DJ018')?.status).toBe('pass');
    expect(after.doc.rules.find((r) => r.id === 'DJ018')?.status).toBe('fail');
    expect(loadConfig(dir).production).toEqual(['deploy.env']);
  });

  it('ConfigError carries the file and position', () => {
    const dir = copySample();
    writeFileSync(join(dir, '.audit-deploy.yml'), 'fail-on: often\n');
    expect(() => loadConfig(dir)).toThrow(ConfigError);
    expect(() => loadConfig(dir)).toThrow(/\.audit-deploy\.yml:1:10: "fail-on" must be one of/);
  });
});

describe('inline suppressions', () => {
  it('suppress on the line or the line before, need a reason, and unused ones are reported', async () => {
    const dir = copySample();
    const prod = join(dir, PROD);
    edit(prod, 'CSRF_COOKIE_SECURE = 1  # expect: DJ016', 'CSRF_COOKIE_SECURE = 1  # audit-deploy: ignore[DJ016] -- the CDN strips the cookie');
    edit(prod, 'CSRF_TRUSTED_ORIGINS =', '# audit-deploy: ignore[DJ040]\nCSRF_TRUSTED_ORIGINS =');
    edit(prod, 'SESSION_COOKIE_SECURE = True', '# audit-deploy: ignore[DJ0] -- nothing to suppress here\n\nSESSION_COOKIE_SECURE = True');
    const { doc } = await json([dir]);
    expect(ids(doc)).not.toContain(`${PROD}:6 DJ016`);
    expect(doc.suppressed.map((s) => `${s.finding.ruleId} ${s.reason}`)).toEqual(['DJ016 the CDN strips the cookie']);
    expect(doc.rules.find((r) => r.id === 'DJ016')).toMatchObject({ status: 'silenced', reason: 'suppressed inline: the CDN strips the cookie' });
    // No reason: it suppresses nothing, and says so.
    expect(ids(doc).some((i) => i.endsWith('DJ040'))).toBe(true);
    const notes = doc.notices.filter((x) => x.kind === 'suppression').map((x) => x.message);
    expect(notes.some((m) => /production\.py:\d+: suppression of DJ040 ignored: give the reason/.test(m))).toBe(true);
    expect(notes.some((m) => /unused suppression of DJ0/.test(m))).toBe(true);
  });

  it('--no-inline-suppressions reports everything, and SARIF leaves suppressed results out', async () => {
    const dir = copySample();
    edit(join(dir, PROD), 'CSRF_COOKIE_SECURE = 1  # expect: DJ016', 'CSRF_COOKIE_SECURE = 1  # audit-deploy: ignore[DJ016] -- accepted risk');
    const off = await json([dir, '--no-inline-suppressions']);
    expect(ids(off.doc)).toContain(`${PROD}:6 DJ016`);
    expect(off.doc.suppressed).toEqual([]);
    const sarif = JSON.parse((await run([dir, '--format', 'sarif'])).stdout) as { runs: Array<{ results: Array<{ ruleId: string; suppressions?: unknown }> }> };
    expect(sarif.runs[0]!.results.map((r) => r.ruleId)).not.toContain('DJ016');
    expect(sarif.runs[0]!.results.every((r) => r.suppressions === undefined)).toBe(true);
    const validate = makeSarifValidator();
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('baseline', () => {
  it('records current findings; later runs report only new ones, with stale entries, whatever the line numbers', async () => {
    const dir = copySample();
    const w = await run(['baseline', dir]);
    expect(w.code).toBe(0);
    expect(w.stdout).toMatch(/wrote .*\.audit-deploy-baseline\.json: \d+ findings/);
    const saved = JSON.parse(readFileSync(join(dir, '.audit-deploy-baseline.json'), 'utf8')) as { entries: Array<{ fingerprint: string }> };
    expect(JSON.stringify(saved)).not.toMatch(/"line"/);

    // Same tree: nothing new, the gate passes although the project is not ready.
    const same = await json([dir]);
    // Findings the audit could not decide are never hidden by a baseline.
    expect(same.doc.findings.filter((f) => f.status === 'fail')).toEqual([]);
    expect(same.doc.findings.every((f) => f.status === 'unknown')).toBe(true);
    expect(same.code).toBe(0);
    expect(same.doc.readiness.status).toBe('NOT READY');

    // Lines inserted above, one finding fixed, one new.
    const prod = join(dir, PROD);
    edit(prod, 'from .base import *', '# Reviewed 2026-11.\n\n\nfrom .base import *');
    edit(prod, 'CSRF_TRUSTED_ORIGINS = ["shop.example.com", ', 'CSRF_TRUSTED_ORIGINS = [');
    edit(prod, 'SESSION_COOKIE_SECURE = True', 'SESSION_COOKIE_SECURE = False');
    const later = await json([dir]);
    expect(later.doc.findings.filter((f) => f.status === 'fail').map((f) => f.ruleId)).toEqual(['DJ010']);
    expect(later.doc.baseline?.stale).toHaveLength(1);
    expect(later.doc.notices.some((x) => x.kind === 'baseline' && x.message.includes('DJ040'))).toBe(true);
    expect(later.code).toBe(1);
  });

  it('a broken baseline file is a clear error', async () => {
    const dir = copySample();
    writeFileSync(join(dir, '.audit-deploy-baseline.json'), '{"version": 7}');
    const r = await run([dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not an audit-deploy baseline');
  });
});

describe('--diff-base', () => {
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });

  it('compares with a git revision without touching the work tree, and --fail-on-new gates on new findings', async () => {
    const dir = join(tmp, `git-${n++}`);
    cpSync(SAMPLE, dir, { recursive: true });
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'base');
    const prod = join(dir, PROD);
    edit(prod, 'CSRF_TRUSTED_ORIGINS = ["shop.example.com", ', 'CSRF_TRUSTED_ORIGINS = [');
    edit(prod, 'SESSION_COOKIE_SECURE = True', 'SESSION_COOKIE_SECURE = False');
    const statusBefore = git(dir, 'status', '--porcelain');

    const { code, doc } = await json([dir, '--diff-base', 'HEAD', '--fail-on-new']);
    expect(doc.comparison?.newlyFailing.map((i) => i.id)).toEqual(['DJ010']);
    expect(doc.comparison?.newlyFixed.map((i) => i.id)).toEqual(['DJ040']);
    expect(doc.comparison?.newFindings.map((f) => f.ruleId)).toEqual(['DJ010']);
    expect(typeof doc.comparison?.delta).toBe('number');
    expect(code).toBe(1);
    expect(git(dir, 'status', '--porcelain')).toBe(statusBefore);

    const text = await run([dir, '--diff-base', 'HEAD', '--color', 'never']);
    expect(text.stdout).toMatch(/Against HEAD: (\d+)% -> \1% \(= 0\)/);
    expect(text.stdout).toMatch(/newly failing\s+DJ010/);

    // Back to the base content: nothing new.
    edit(prod, 'SESSION_COOKIE_SECURE = False', 'SESSION_COOKIE_SECURE = True');
    expect((await run([dir, '--diff-base', 'HEAD', '--fail-on-new'])).code).toBe(0);
  });

  it('an unknown revision or a directory outside git is an error; --fail-on-new alone is a usage error', async () => {
    const dir = join(tmp, `git-${n++}`);
    cpSync(SAMPLE, dir, { recursive: true });
    git(dir, 'init', '-q');
    expect((await run([dir, '--diff-base', 'no-such-ref'])).stderr).toContain('unknown git revision "no-such-ref"');
    const plain = await run([dir, '--fail-on-new']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('--fail-on-new needs --diff-base');
  });
});

describe('reports for people', () => {
  it('markdown: readiness, status, failing items by severity with links, collapsed details, under the limit', async () => {
    const r = await run([SAMPLE, '--format', 'markdown'], { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'o/r', GITHUB_SHA: 'abc123' });
    expect(r.stdout).toMatch(/^<!-- audit-deploy -->\n## ❌ Deployment readiness: \d+% — NOT READY/);
    expect(r.stdout).toContain('### High (');
    expect(r.stdout).toMatch(/<details><summary><code>DJ016<\/code>/);
    // Paths are given from the working directory (the repository root in Actions).
    expect(r.stdout).toContain('[`fixtures/sample-shop/shop/settings/production.py:6`](https://github.com/o/r/blob/abc123/fixtures/sample-shop/shop/settings/production.py#L6)');
    expect(r.stdout.length).toBeLessThan(65_536);
  });

  it('markdown stays under 65,536 characters however many findings there are', async () => {
    const dir = copySample();
    const lines = Array.from({ length: 3000 }, (_, i) => `CSRF_TRUSTED_ORIGINS += ["host${i}.example.com"]`);
    writeFileSync(join(dir, PROD), readFileSync(join(dir, PROD), 'utf8') + lines.join('\n') + '\n');
    const r = await run([dir, '--format', 'markdown']);
    expect(r.stdout.length).toBeLessThanOrEqual(65_536);
    expect(r.stdout).toMatch(/more lines? left out to stay under 65536 characters/);
    // Every <details> opened is closed.
    expect(r.stdout.split('<details>').length).toBe(r.stdout.split('</details>').length);
  });

  it('github: workflow commands, worst first, escaped, with the readiness last', async () => {
    const r = await run([SAMPLE, '--format', 'github']);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^::error file=fixtures\/sample-shop\/shop\/settings\/[\w.]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=DJ\d+%3A .+::.+/);
    const order = lines.map((l) => l.slice(2, l.indexOf(' ')));
    const rank = { error: 0, warning: 1, notice: 2 } as Record<string, number>;
    expect(order.slice(0, -1).map((c) => rank[c])).toEqual([...order.slice(0, -1).map((c) => rank[c])].sort());
    expect(lines.at(-1)).toMatch(/^::notice title=audit-deploy readiness::\d+%25 NOT READY/);
    expect(data('50% done\r\nnext')).toBe('50%25 done%0D%0Anext');
    expect(property('a:b,c')).toBe('a%3Ab%2Cc');
  });

  it('junit: one test case per checklist item, well-formed XML (checked by Python\'s parser)', async () => {
    const r = await run([SAMPLE, '--format', 'junit']);
    const file = join(tmp, 'junit.xml');
    writeFileSync(file, r.stdout);
    const py = spawnSync('python3', ['-c', 'import sys,xml.etree.ElementTree as E; t=E.parse(sys.argv[1]).getroot(); print(t.tag, t.get("tests"), len(t.findall(".//testcase")), len(t.findall(".//failure")))', file], { encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
    const [tag, tests, cases, failures] = py.stdout.trim().split(' ');
    expect(tag).toBe('testsuites');
    expect(cases).toBe(tests);
    expect(Number(failures)).toBeGreaterThan(0);
  });

  it('checklist: sections, automatic and manual items, attestations from the configuration, N% ready', async () => {
    const dir = copySample();
    writeFileSync(join(dir, '.audit-deploy.yml'), 'attest:\n  MAN001: { status: done, by: ops, date: 2026-11-30 }\n  MAN005: not-done\n  MAN012: n/a\n');
    const r = await run(['checklist', dir]);
    expect(r.stdout).toMatch(/^Production checklist: \d+% ready \(verified by the audit: \d+%; 9 manual items to attest\)/);
    expect(r.stdout).toMatch(/\nBackups\n(?: {2}.*\n)*? {2}✓ {4}MAN001 {2}Database backups run automatically.* \(manual\) — attested by ops, 2026-11-30/);
    expect(r.stdout).toMatch(/✗ {4}MAN005/);
    expect(r.stdout).toMatch(/✗ {4}DJ016/);
    const j = JSON.parse((await run(['checklist', dir, '--format', 'json'])).stdout) as { attested: number; verified: number; sections: Array<{ section: string }> };
    expect(j.sections.map((s) => s.section)[0]).toBe('security');
    expect(j.attested).toBeLessThan(j.verified);
  });

  it('rules and explain', async () => {
    const list = await run(['rules']);
    expect(list.stdout).toMatch(/^DJ001\s+medium\s+security\s+SecurityMiddleware is not in MIDDLEWARE/m);
    const ex = await run(['explain', 'dj018']);
    expect(ex.code).toBe(0);
    expect(ex.stdout).toMatch(/^DJ018 DebugEnabled: /);
    expect(ex.stdout).toContain('Why is this bad?');
    const bad = await run(['explain', 'DJ999']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no rule DJ999 \(did you mean DJ001/);
  });

  it('a progress line appears on a terminal for long runs only, never under CI', async () => {
    const stdout = new Capture();
    const stderr = new Capture();
    stderr.isTTY = true;
    await main([SAMPLE, '--format', 'json'], { stdout, stderr, env: { CI: 'true' } });
    expect(stderr.text).toBe('');
  });
});
