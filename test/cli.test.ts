import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Capture, runCli } from './support/cli-run.js';
import { makeSarifValidator } from './support/sarif-validator.js';

/**
 * End-to-end tests of the command line: the in-process entry point for every option and exit
 * status, and the real `bin/audit-deploy.js` (built) for what a user types.
 */
const REPO = resolve(import.meta.dirname, '..');
const SAMPLE = join(REPO, 'fixtures', 'sample-shop');
const ESC = '\u001b[';

const run = runCli;

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'audit-deploy-cli-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('usage', () => {
  it('--help lists every option and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--format', '--output', '--sarif-output', '--settings', '--min-score', '--fail-on', '--color', '--help', '--version']) {
      expect(r.stdout).toContain(flag);
    }
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it.each([
    [['--format', 'xml', SAMPLE], '--format must be one of'],
    [['--min-score', '101', SAMPLE], '--min-score must be'],
    [['--min-score', 'ten', SAMPLE], '--min-score must be'],
    [['--fail-on', 'critical', SAMPLE], '--fail-on must be one of'],
    [['--color', 'sometimes', SAMPLE], '--color must be'],
    [['--settings', 'not a module', SAMPLE], '--settings must be'],
    [['--no-such-flag', SAMPLE], 'no-such-flag'],
    [[SAMPLE, SAMPLE], 'at most one PATH'],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  it('a path that is not a directory is a usage error', async () => {
    const r = await run([join(tmp, 'nowhere')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a directory');
  });

  it('an unwritable --output is a usage error, not a crash', async () => {
    const r = await run([SAMPLE, '--output', join(tmp, 'no', 'such', 'dir', 'report.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot write the report');
  });
});

describe('the bundled sample', () => {
  it('prints the readiness headline first and fails the default gate (69% < 80%)', async () => {
    const r = await run([SAMPLE, '--color', 'never']);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toMatch(/^Readiness: \d+% — NOT READY \(threshold 80%\)$/);
    expect(r.stdout).toContain('shop/settings/production.py:10:1');
    expect(r.stdout).toContain('DJ040');
  });

  it('the same score in text, json and sarif', async () => {
    const text = await run([SAMPLE, '--color', 'never']);
    const json = JSON.parse((await run([SAMPLE, '--format', 'json'])).stdout) as { readiness: { score: number; status: string } };
    const sarif = JSON.parse((await run([SAMPLE, '--format', 'sarif'])).stdout) as {
      runs: Array<{ properties: { readiness: { score: number; status: string } } }>;
    };
    const score = Number(/Readiness: (\d+)%/.exec(text.stdout)![1]);
    expect(json.readiness.score).toBe(score);
    expect(sarif.runs[0]!.properties.readiness.score).toBe(score);
    expect(sarif.runs[0]!.properties.readiness.status).toBe(json.readiness.status);
  });

  it('--min-score lowers the gate; --fail-on still fails on a high finding', async () => {
    expect((await run([SAMPLE, '--min-score', '50'])).code).toBe(0);
    expect((await run([SAMPLE, '--min-score', '50', '--fail-on', 'high'])).code).toBe(1);
    expect((await run([SAMPLE, '--min-score', '0', '--fail-on', 'blocker'])).code).toBe(0);
  });

  it('--output writes the report to a file and nothing to stdout; --sarif-output adds a valid SARIF file', async () => {
    const out = join(tmp, 'report.json');
    const sarifPath = join(tmp, 'report.sarif');
    const r = await run([SAMPLE, '--format', 'json', '--output', out, '--sarif-output', sarifPath]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const json = JSON.parse(readFileSync(out, 'utf8')) as { schemaVersion: number; findings: unknown[] };
    expect(json.schemaVersion).toBe(1);
    expect(json.findings.length).toBeGreaterThan(5);
    const validate = makeSarifValidator();
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8')) as unknown;
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
  });

  it('--settings audits the named module instead (local.py: DEBUG on)', async () => {
    const r = await run([SAMPLE, '--settings', 'shop.settings.local', '--format', 'json']);
    const json = JSON.parse(r.stdout) as { projects: Array<{ settingsModule: string }>; findings: Array<{ ruleId: string; location: { file: string; line: number } }> };
    expect(json.projects[0]!.settingsModule).toBe('shop.settings.local');
    expect(json.findings.some((f) => f.ruleId === 'DJ018')).toBe(true);
    expect(r.code).toBe(1);
  });

  it('colour: auto honours FORCE_COLOR and NO_COLOR; --color wins over both', async () => {
    expect((await run([SAMPLE], { FORCE_COLOR: '1' })).stdout).toContain(ESC);
    expect((await run([SAMPLE], { NO_COLOR: '1' })).stdout).not.toContain(ESC);
    expect((await run([SAMPLE], {})).stdout).not.toContain(ESC); // not a terminal
    expect((await run([SAMPLE, '--color', 'never'], { FORCE_COLOR: '1' })).stdout).not.toContain(ESC);
    expect((await run([SAMPLE, '--color', 'always'], { NO_COLOR: '1' })).stdout).toContain(ESC);
    expect((await run([SAMPLE, '--format', 'json'], { FORCE_COLOR: '1' })).stdout).not.toContain(ESC);
  });

  it('colour: a terminal turns it on; only the text report asks whether there is one', async () => {
    const { main } = await import('../src/cli/main.js');
    const terminal = () => {
      const out = Object.assign(new Capture(), { asked: 0 });
      Object.defineProperty(out, 'isTTY', { get: () => (out.asked++, true) });
      return out;
    };
    const text = terminal();
    await main([SAMPLE], { stdout: text, stderr: new Capture(), env: {} });
    expect(text.text).toContain(ESC);
    expect(text.asked).toBe(1);
    for (const format of ['json', 'sarif', 'markdown']) {
      const out = terminal();
      await main([SAMPLE, '--format', format], { stdout: out, stderr: new Capture(), env: {} });
      expect(out.text, format).not.toContain(ESC);
      expect(out.asked, format).toBe(0);
    }
    const noColor = terminal();
    await main([SAMPLE], { stdout: noColor, stderr: new Capture(), env: { NO_COLOR: '1' } });
    expect(noColor.asked).toBe(0);
  });
});

describe('hostile and odd repositories', () => {
  it('a repository without a Django project passes with nothing to judge', async () => {
    const dir = join(tmp, 'empty');
    mkdirSync(dir);
    writeFileSync(join(dir, 'README.md'), '# nothing here\n');
    const r = await run([dir, '--format', 'json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { findings: unknown[] }).findings).toEqual([]);
  });

  it('binary, undecodable, broken and looping files give findings or notices, never exit 2', async () => {
    const dir = join(tmp, 'hostile');
    mkdirSync(join(dir, 'site', 'settings'), { recursive: true });
    writeFileSync(join(dir, 'manage.py'), 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings.production")\n');
    writeFileSync(join(dir, 'site', '__init__.py'), '');
    writeFileSync(join(dir, 'site', 'settings', '__init__.py'), '');
    writeFileSync(join(dir, 'site', 'settings', 'base.py'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 0xff, 0xfe]));
    writeFileSync(join(dir, 'site', 'settings', 'production.py'), 'from .base import *\nDEBUG = False\nALLOWED_HOSTS = ["x.example.com"\nSECRET_KEY = "k"\n');
    writeFileSync(join(dir, '.env.production'), Buffer.concat([Buffer.from('DEBUG=off\nNAME='), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]));
    symlinkSync('.', join(dir, 'site', 'loop'));
    symlinkSync('/etc', join(dir, 'outside'));
    writeFileSync(join(dir, 'unreadable.py'), 'x = 1\n');
    chmodSync(join(dir, 'unreadable.py'), 0o000);
    const r = await run([dir, '--format', 'json']);
    expect([0, 1]).toContain(r.code);
    const json = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; location: { file: string; line: number } }>; notices: Array<{ message: string; file?: string }> };
    // The syntax error is a finding at its line; the binary module is named in a notice.
    expect(json.findings.some((f) => f.ruleId === 'GEN001' && f.location.file === 'site/settings/production.py')).toBe(true);
    expect(json.notices.some((n) => (n.file ?? n.message).includes('site/settings/base.py'))).toBe(true);
    expect(json.notices.some((n) => (n.file ?? '').includes('outside') || n.message.includes('outside'))).toBe(true);
  });

  it('a secret hardcoded in settings never appears in any format', async () => {
    const dir = join(tmp, 'secret');
    mkdirSync(join(dir, 'app'), { recursive: true });
    const secret = 'q7#Vx9!mZ2$Lw4@Rt8%Ky6^Hp3&Nd5*Bj1(Gf0)Sc';
    const dbPassword = 'hunter2-but-longer';
    writeFileSync(join(dir, 'manage.py'), 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings")\n');
    writeFileSync(join(dir, 'app', '__init__.py'), '');
    writeFileSync(
      join(dir, 'app', 'settings.py'),
      `SECRET_KEY = "${secret}"\nDEBUG = False\nALLOWED_HOSTS = ["app.example.com"]\n` +
        `DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "HOST": "db.example.com", "PASSWORD": "${dbPassword}"}}\n`,
    );
    for (const format of ['text', 'json', 'sarif']) {
      const r = await run([dir, '--format', format, '--color', 'never']);
      expect(r.stdout).not.toContain(secret);
      expect(r.stdout).not.toContain(secret.slice(0, 12));
      expect(r.stdout).not.toContain(dbPassword);
    }
    const text = (await run([dir, '--color', 'never'])).stdout;
    expect(text).toContain('DJ102'); // the hardcoded key is reported, redacted
  });
});

describe('the installed command', () => {
  beforeAll(() => {
    // The bin runs the built CLI (the single-file bundle): build it from the current sources first.
    execFileSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO, 'tsconfig.build.json')], { cwd: REPO, stdio: 'pipe' });
    execFileSync(process.execPath, [join(REPO, 'scripts', 'bundle.mjs')], { cwd: REPO, stdio: 'pipe' });
  }, 120_000);

  it('the bundle holds every rule the sources define', async () => {
    const { loadRules } = await import('../src/engine/registry.js');
    const ids = (await loadRules()).map((r) => r.meta.id);
    const r = spawnSync(process.execPath, [join(REPO, 'bin', 'audit-deploy.js'), 'fixtures/sample-shop', '--format', 'sarif'], { cwd: REPO, encoding: 'utf8' });
    const sarif = JSON.parse(r.stdout) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } } }> };
    expect(sarif.runs[0]!.tool.driver.rules.map((x) => x.id).sort()).toEqual(expect.arrayContaining(ids.filter((id) => id.startsWith('DJ'))));
  });

  it('bin/audit-deploy.js, required rather than run, runs nothing; the code cache the build wrote is one V8 accepts', () => {
    const probe = "const l = require('./bin/audit-deploy.js'); const b = l.loadBundle(l.bundleFile); console.log(typeof b.main, b.cacheAccepted)";
    const r = spawnSync(process.execPath, ['-e', probe], { cwd: REPO, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('function true\n');
  });

  it('the bundle loads the tree-sitter addons from where the build found them, and searches for them when they are not there', () => {
    const bundle = readFileSync(join(REPO, 'dist', 'audit-deploy.cjs'), 'latin1');
    const recorded = [...bundle.matchAll(/__auditDeployNative\("(tree-sitter(?:-python)?)","([^"]+)"\)/g)].map((m) => m[1]);
    expect(recorded.sort()).toEqual(['tree-sitter', 'tree-sitter-python']);
    // A copy whose recorded places are wrong (dist/ moved to another machine), inside node_modules so that
    // its require finds the packages: node-gyp-build searches, and the audit is the same.
    const out = join(REPO, 'node_modules', '.cache', 'audit-deploy-tests');
    mkdirSync(out, { recursive: true });
    const moved = join(out, `moved-bundle-${process.pid}.cjs`);
    writeFileSync(moved, bundle.replace(/__auditDeployNative\("(tree-sitter(?:-python)?)","[^"]+"\)/g, '__auditDeployNative("$1","build/nowhere/none.node")'), 'latin1');
    try {
      const audit = (file: string) =>
        spawnSync(process.execPath, ['-e', `const l = require(${JSON.stringify(join(REPO, 'bin', 'audit-deploy.js'))}); l.loadBundle(${JSON.stringify(file)}).main(['fixtures/sample-shop', '--format', 'json'])`], { cwd: REPO, encoding: 'utf8' });
      const here = audit(join(REPO, 'dist', 'audit-deploy.cjs'));
      const there = audit(moved);
      expect(there.stderr).toBe('');
      expect(JSON.parse(there.stdout).findings.length).toBeGreaterThan(0);
      expect(there.stdout).toBe(here.stdout);
    } finally {
      rmSync(moved, { force: true });
      rmSync(`${moved}.v8cache`, { force: true });
    }
  });

  it('bin/audit-deploy.js runs the quick start on the sample', () => {
    const r = spawnSync(process.execPath, [join(REPO, 'bin', 'audit-deploy.js'), 'fixtures/sample-shop', '--color', 'never'], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^Readiness: \d+% — NOT READY/);
    expect(r.stderr).toBe('');
  });

  it('bin/audit-deploy.js writes a large report whole through a pipe, and stops quietly when the reader goes away', () => {
    // The launcher writes to the file descriptors directly (src/cli/stdio.ts), not through process.stdout.
    const bin = join(REPO, 'bin', 'audit-deploy.js');
    const whole = spawnSync(process.execPath, [bin, 'fixtures/sample-shop', '--format', 'sarif'], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(whole.stdout.length).toBeGreaterThan(100_000);
    expect(() => JSON.parse(whole.stdout)).not.toThrow();
    const head = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" fixtures/sample-shop --format sarif | head -c 100 >/dev/null; echo "status=$?"`], { cwd: REPO, encoding: 'utf8' });
    expect(head.stdout.trim()).toBe('status=0');
    expect(head.stderr).not.toContain('internal error');
    expect(head.stderr).not.toContain('EPIPE');
  });

  it('the shell environment changes no JSON or SARIF report, bundled or not (Django variables, CI variables, the yaml library debugging hooks)', () => {
    // The yaml library's LOG_TOKENS and LOG_STREAM print to standard output when set: into the middle of
    // a JSON or SARIF report (they did). Settings are evaluated against the repository's environment
    // sources, never the shell's: DEBUG or DJANGO_SETTINGS_MODULE exported here must not change a finding.
    const bundle = readFileSync(join(REPO, 'dist', 'audit-deploy.cjs'), 'latin1');
    // The library's own reads are gone from the bundle (src/parse/yaml-lib.ts still clears the two).
    expect(/\bnode_process\.env\.LOG_(TOKENS|STREAM)\b/.test(bundle)).toBe(false);
    const bin = join(REPO, 'bin', 'audit-deploy.js');
    const unbundled = `import(${JSON.stringify(pathToFileURL(join(REPO, 'dist', 'src', 'cli', 'main.js')).href)}).then((m) => m.main(process.argv.slice(1))).then((code) => { process.exitCode = code; })`;
    const shellEnv = {
      ...process.env,
      LOG_TOKENS: '1',
      LOG_STREAM: '1',
      DEBUG: 'True',
      DJANGO_DEBUG: '1',
      DJANGO_SETTINGS_MODULE: 'shop.settings.local',
      SECRET_KEY: 'django-insecure-shell-value',
      DATABASE_URL: 'sqlite:///shell.db',
      ALLOWED_HOSTS: '*',
      CI: 'true',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'someone/else',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      TZ: 'Pacific/Chatham',
    };
    // The sample's env-driven settings; compose files, Kubernetes manifests and a workflow: every reader of YAML.
    for (const fixture of ['sample-shop', 'cmp-unhardened-stack', 'k8s-shop-naive', 'gha-naive-deploy']) {
      for (const format of ['json', 'sarif']) {
        const args = [join(REPO, 'fixtures', fixture), '--format', format];
        const plain = spawnSync(process.execPath, [bin, ...args], { cwd: REPO, encoding: 'utf8', env: { PATH: process.env.PATH } });
        expect(plain.stdout.length, fixture).toBeGreaterThan(1_000);
        for (const command of [[bin, ...args], ['--enable-experimental-regexp-engine', '-e', unbundled, ...args]]) {
          const r = spawnSync(process.execPath, command, { cwd: REPO, encoding: 'utf8', env: shellEnv });
          expect(r.stderr, `${fixture} ${format}`).toBe('');
          expect(r.stdout === plain.stdout, `${fixture} ${format} ${command[0]}`).toBe(true);
        }
      }
    }
  }, 90_000);

  it('parse-ahead: reports are byte-identical with Python parsed on a second thread or not (a generated monorepo, the sample)', () => {
    // Eight projects of the benchmark's generator: 8 x 14 Python files to parse, so 'auto' starts the worker.
    const mono = join(tmp, 'mono8');
    execFileSync(process.execPath, [join(REPO, 'bench', 'gen-monorepo.mjs'), mono, '8'], { stdio: 'pipe' });
    const bin = join(REPO, 'bin', 'audit-deploy.js');
    for (const [target, modes] of [[mono, ['auto', 'never']], [SAMPLE, ['always', 'never']]] as const) {
      for (const format of ['json', 'sarif']) {
        const outputs = modes.map((mode) => {
          const r = spawnSync(process.execPath, [bin, target, '--format', format], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, AUDIT_DEPLOY_PARSE_AHEAD: mode } });
          expect(r.stderr).toBe('');
          return r.stdout;
        });
        expect(outputs[0]!.length).toBeGreaterThan(10_000);
        expect(outputs[0] === outputs[1], `${target} ${format}`).toBe(true);
      }
    }
  }, 60_000);

  it('exit 2 and usage on stderr for a bad flag', () => {
    const r = spawnSync(process.execPath, [join(REPO, 'bin', 'audit-deploy.js'), '--format=yaml'], { cwd: REPO, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Usage: audit-deploy');
  });
});
