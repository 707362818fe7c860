/**
 * The app-server model against the real servers (Debian's gunicorn 20.1 and uWSGI 2.0):
 *
 * - gunicorn: generated command lines, GUNICORN_CMD_ARGS, environment variables (WEB_CONCURRENCY,
 *   PORT, FORWARDED_ALLOW_IPS) and gunicorn.conf.py files, started from a systemd unit in the
 *   model and run through `gunicorn --print-config` for real; every compared setting must agree
 *   (command line > GUNICORN_CMD_ARGS > config file > environment default > default).
 * - uWSGI: generated ini files with tricky lines (blanks, tabs, CR, inline `#`, `=` in values,
 *   keys without `=`, comments, other sections); `uwsgi --ini f --get key` must print exactly the
 *   raw value our reader gives for every key.
 *
 *   AUDIT_DEPLOY_APPSERVERS_REQUIRED=1 (or CI)  fail instead of skipping when a binary is missing
 *   AUDIT_DEPLOY_APPSERVERS_CASES               number of generated cases per server (default 20 gunicorn, 25 ini)
 *   AUDIT_DEPLOY_APPSERVERS_SEED                seed (default 7)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LineIndex } from '../src/core/position.js';
import { buildModel } from '../src/model/build.js';
import type { AppServerOption } from '../src/model/appserver/types.js';
import { parseUwsgiIni } from '../src/parse/uwsgi/ini.js';

const REQUIRED = process.env.AUDIT_DEPLOY_APPSERVERS_REQUIRED === '1' || !!process.env.CI;
const COUNT = Number(process.env.AUDIT_DEPLOY_APPSERVERS_CASES ?? 20);
const INI_COUNT = Number(process.env.AUDIT_DEPLOY_APPSERVERS_CASES ?? 25);
const SEED = Number(process.env.AUDIT_DEPLOY_APPSERVERS_SEED ?? 7);

function has(binary: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' }).status === 0;
}

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'audit-deploy-real-'));
  roots.push(d);
  return d;
}

/** mulberry32: a small seeded generator, so that a failing case can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function run(cmd: string, args: string[], opts: { cwd: string; env: Record<string, string> }): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd: opts.cwd, env: opts.env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 20000);
    p.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

async function inBatches<T, R>(items: T[], size: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(f))));
  return out;
}

// ---------------------------------------------------------------------------------------------
// gunicorn

interface GunicornCase {
  id: string;
  args: string[];
  env: Record<string, string>;
  /** Config file name (gunicorn.conf.py, or another one passed with -c) and text. */
  config?: { name: string; text: string };
}

const COMPARED = ['bind', 'workers', 'worker_class', 'threads', 'timeout', 'graceful_timeout', 'keepalive', 'max_requests', 'reload', 'preload_app', 'accesslog', 'errorlog', 'loglevel', 'forwarded_allow_ips'];

function generateGunicorn(seed: number, count: number): GunicornCase[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number) => r() < p;
  const n = () => String(1 + Math.floor(r() * 9));
  const cliOptions: Array<() => string[]> = [
    () => pick([['-w', n()], ['--workers', n()], [`--workers=${n()}`], [`-w${n()}`], [`-w=${n()}`]]),
    () => pick([['-b', '127.0.0.1:9001'], ['--bind', '0.0.0.0:9002'], ['--bind=unix:/tmp/g.sock'], ['-b', ':9003'], ['-b', '[::1]:9004']]),
    () => pick([['-t', n() + '0'], ['--timeout', '0'], [`--timeout=${n()}`]]),
    () => pick([['--graceful-timeout', n()], ['--grace', n()]]),
    () => pick([['--keep-alive', n()], [`--keep-alive=${n()}`]]),
    () => ['--max-requests', n() + '00'],
    () => ['--reload'],
    () => ['--preload'],
    () => pick([['-k', 'gthread'], ['--worker-class', 'sync'], ['--worker-class=gthread']]),
    () => ['--threads', n()],
    () => pick([['--access-logfile', '-'], ['--error-logfile', '/tmp/err.log'], ['--log-file', '-']]),
    () => pick([['--log-level', 'warning'], ['--log-level=debug']]),
    () => pick([['--forwarded-allow-ips', '*'], ['--forwarded-allow-ips=10.0.0.1,10.0.0.2']]),
  ];
  const configLines: Array<() => string> = [
    () => pick([`workers = ${n()}`, 'workers = 2 * 3 + 1', 'workers = int(os.environ.get("WEB_CONCURRENCY", "4"))', 'workers = max(2, 3)']),
    () => pick(['bind = "127.0.0.1:7001"', 'bind = ["unix:/tmp/c.sock", "127.0.0.1:7002"]', 'bind = "0.0.0.0:" + os.environ.get("PORT", "7003")']),
    () => pick([`timeout = ${n()}0`, 'timeout = 0', 'timeout = 60 * 2']),
    () => `graceful_timeout = ${n()}`,
    () => `keepalive = ${n()}`,
    () => pick(['reload = True', 'reload = False', 'reload = "true"']),
    () => pick(['preload_app = True', 'preload_app = False']),
    () => pick(['worker_class = "gthread"', 'worker_class = "sync"']),
    () => `threads = ${n()}`,
    () => pick(['accesslog = "-"', 'accesslog = None', 'errorlog = "/tmp/e.log"']),
    () => pick(['loglevel = "error"', 'loglevel = "info"']),
    () => pick(['forwarded_allow_ips = "*"', 'forwarded_allow_ips = "10.1.1.1, 10.1.1.2"']),
    () => `max_requests = ${n()}000`,
  ];
  const cases: GunicornCase[] = [];
  for (let i = 0; i < count; i++) {
    const args: string[] = [];
    for (const o of cliOptions) if (chance(0.18)) args.push(...o());
    if (chance(0.3)) args.push('-b', '127.0.0.1:9009');
    const env: Record<string, string> = {};
    if (chance(0.3)) env.WEB_CONCURRENCY = n();
    if (chance(0.25)) env.PORT = `5${n()}00`;
    if (chance(0.2)) env.FORWARDED_ALLOW_IPS = pick(['*', '192.168.0.1']);
    if (chance(0.3)) {
      const extra: string[] = [];
      for (const o of cliOptions.slice(0, 6)) if (chance(0.35)) extra.push(...o());
      if (extra.length) env.GUNICORN_CMD_ARGS = extra.join(' ');
    }
    let config: GunicornCase['config'];
    if (chance(0.7)) {
      const lines = ['import os', ''];
      for (const l of configLines) if (chance(0.35)) lines.push(l());
      const name = chance(0.25) ? 'deploy_gunicorn.py' : 'gunicorn.conf.py';
      config = { name, text: lines.join('\n') + '\n' };
      if (name !== 'gunicorn.conf.py') args.unshift(...pick([['-c', name], [`--config=${name}`], ['--config', `./${name}`]]));
    }
    args.push('app:application');
    cases.push({ id: `g${String(i).padStart(3, '0')}`, args, env, ...(config ? { config } : {}) });
  }
  return cases;
}

/** `name = value` lines of `gunicorn --print-config`, values as Python's str() wrote them. */
function parsePrintConfig(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = /^(\w+)\s+= (.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** Our option in print-config's notation. */
function printed(o: AppServerOption | undefined): string | undefined {
  if (!o) return 'None';
  const v = o.value;
  switch (v.kind) {
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'int':
      return String(v.value);
    case 'str':
      return v.value;
    case 'list':
      return `[${v.items.map((i) => `'${i.value}'`).join(', ')}]`;
    default:
      return undefined;
  }
}

function unitFor(c: GunicornCase): string {
  const quote = (w: string) => (/[\s"'\\$;]/.test(w) ? `"${w.replace(/(["\\])/g, '\\$1')}"` : w);
  const env = Object.entries(c.env).map(([k, v]) => `Environment="${k}=${v}"`);
  return ['[Service]', 'WorkingDirectory=/srv/case', ...env, `ExecStart=/usr/bin/gunicorn ${c.args.map(quote).join(' ')}`, ''].join('\n');
}

describe.runIf(has('gunicorn') || REQUIRED)('gunicorn: the model agrees with `gunicorn --print-config`', () => {
  it(`${COUNT} generated cases (seed ${SEED})`, async () => {
    expect(has('gunicorn'), 'gunicorn is not installed (apt-get install gunicorn)').toBe(true);
    const cases = generateGunicorn(SEED, COUNT);
    const base = tmp();
    const disagreements: string[] = [];
    let compared = 0;
    await inBatches(cases, 6, async (c) => {
      const dir = join(base, c.id);
      mkdirSync(join(dir, 'deploy'), { recursive: true });
      writeFileSync(join(dir, 'app.py'), 'def application(environ, start_response):\n    return []\n');
      if (c.config) writeFileSync(join(dir, c.config.name), c.config.text);
      writeFileSync(join(dir, 'deploy', 'app.service'), unitFor(c));
      const real = await run('gunicorn', ['--print-config', ...c.args], { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...c.env } });
      const theirs = parsePrintConfig(real.stdout);
      if (!theirs.has('workers')) {
        disagreements.push(`${c.id}: gunicorn printed no configuration (${real.stderr.trim().split('\n').pop()})`);
        return;
      }
      const model = await buildModel(dir);
      const inst = model.appServers.find((s) => s.origin === 'systemd');
      if (!inst) {
        disagreements.push(`${c.id}: no instance built`);
        return;
      }
      for (const name of COMPARED) {
        const o = inst.options[name];
        // forwarded_allow_ips' default differs between gunicorn releases (127.0.0.1 in 20.1, 127.0.0.1,::1 later).
        if (name === 'forwarded_allow_ips' && (!o || o.source === 'default')) continue;
        const ours = printed(o);
        const want = theirs.get(name)!;
        let expected = want;
        if (name === 'forwarded_allow_ips') expected = want;
        compared++;
        if (ours !== expected) disagreements.push(`${c.id} ${name}: ours ${ours} (${o?.source}), gunicorn ${want}\n  args: ${c.args.join(' ')}\n  env: ${JSON.stringify(c.env)}\n  config: ${c.config ? c.config.text.replace(/\n/g, ' | ') : '-'}`);
        else if (o && !o.certain) disagreements.push(`${c.id} ${name}: agrees but is marked uncertain (${o.doubt})`);
      }
    });
    expect(disagreements).toEqual([]);
    expect(compared).toBeGreaterThan(COUNT * 10);
  }, 240000);
});

// ---------------------------------------------------------------------------------------------
// uWSGI

interface IniCase {
  id: string;
  text: string;
}

const UWSGI_KEYS = ['processes', 'harakiri', 'socket', 'chdir', 'module', 'uid', 'gid', 'master', 'vacuum', 'buffer-size', 'max-requests', 'http-socket', 'die-on-term', 'threads', 'env', 'pythonpath', 'listen'];

const FLAGS = new Set(['master', 'vacuum', 'die-on-term']);

function generateIni(seed: number, count: number): IniCase[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const values = ['4', 'true', 'false # off', '/run/uwsgi/app.sock', ':3031', 'a=b=c', '', 'x ; y', "'quoted'", '"dq"', '60', 'DJANGO_SETTINGS_MODULE=shop.settings', '  spaced  '];
  const cases: IniCase[] = [];
  for (let i = 0; i < count; i++) {
    const keys = [...UWSGI_KEYS].sort(() => r() - 0.5).slice(0, 3 + Math.floor(r() * 6));
    const lines: string[] = [];
    if (r() < 0.3) lines.push('; a comment before any section', '[other]', `${pick(keys)} = ignored`);
    lines.push(pick(['[uwsgi]', '  [uwsgi]', '[uwsgi]\t', '[uwsgi]  ']));
    for (const k of keys) {
      if (r() < 0.2) lines.push(pick(['# comment', '   ; indented comment', '', '\t']));
      // uWSGI refuses an empty socket name: only flags get empty values.
      const v = FLAGS.has(k) ? pick(values) : pick(values.filter((x) => x.trim() !== ''));
      lines.push(pick([`${k} = ${v}`, `${k}=${v}`, `\t${k}\t=\t${v}`, `  ${k}   =   ${v}   `, v === '' ? k : `${k} =${v}`]));
    }
    if (r() < 0.3) lines.push('[tail]', `${keys[0]} = not-uwsgi`);
    const eol = r() < 0.25 ? '\r\n' : '\n';
    cases.push({ id: `u${String(i).padStart(3, '0')}`, text: lines.join(eol) + (r() < 0.8 ? eol : '') });
  }
  return cases;
}

describe.runIf(has('uwsgi') || REQUIRED)('uWSGI: the ini reader agrees with `uwsgi --ini f --get key`', () => {
  it(`${INI_COUNT} generated ini files (seed ${SEED})`, async () => {
    expect(has('uwsgi'), 'uwsgi is not installed (apt-get install uwsgi-core)').toBe(true);
    const base = tmp();
    const disagreements: string[] = [];
    let compared = 0;
    await inBatches(generateIni(SEED, INI_COUNT), 3, async (c) => {
      const file = join(base, `${c.id}.ini`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, c.text);
      const parsed = parseUwsgiIni(c.text, new LineIndex(c.text));
      const ours = new Map<string, string>();
      for (const e of parsed.entries) if (e.section === 'uwsgi' && !ours.has(e.key)) ours.set(e.key, e.value);
      await Promise.all(
        UWSGI_KEYS.map(async (key) => {
          const real = await run('uwsgi', ['--ini', file, '--get', key], { cwd: base, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
          compared++;
          if (real.status !== 0) {
            disagreements.push(`${c.id}: uwsgi refused the file (${real.stderr.trim().split('\n').pop()})`);
            return;
          }
          const lines = real.stdout.split('\n');
          const theirs = lines.length > 1 || lines[0] !== '' ? lines.slice(0, -1).join('\n') : undefined;
          const mine = ours.get(key);
          if (mine !== theirs) disagreements.push(`${c.id} ${key}: ours ${JSON.stringify(mine)}, uwsgi ${JSON.stringify(theirs)}\n${JSON.stringify(c.text)}`);
        }),
      );
    });
    expect(disagreements).toEqual([]);
    expect(compared).toBe(INI_COUNT * UWSGI_KEYS.length);
  }, 240000);
});

describe.runIf(has('gunicorn') || REQUIRED)('gunicorn: what the model says makes it exit is what makes `gunicorn --check-config` fail', () => {
  const cases: Array<{ args: string; config?: string }> = [
    { args: '-w 3 app:application' },
    { args: '--worker 3 app:application' },
    { args: '-w abc app:application' },
    { args: '--timeout app:application' },
    { args: '--reload=1 app:application' },
    { args: 'app:application --workers' },
    { args: '--grace 10 app:application' },
    { args: '-w 0x10 app:application' },
    { args: '-w 1_0 app:application' },
    { args: '-b app:application' },
    { args: '-w 2' },
    { args: '-c conf.py', config: 'wsgi_app = "app:application"\n' },
    { args: '-c conf.py app:application', config: 'reload = "yes"\n' },
    { args: '-c conf.py app:application', config: 'reload = "True"\n' },
    { args: '-c conf.py app:application', config: 'timeout = "03"\n' },
    { args: '-c conf.py app:application', config: 'workers = "0x4"\n' },
    { args: '-c conf.py app:application', config: 'workers = -1\n' },
    { args: '-c conf.py app:application', config: 'bind = 8000\n' },
    { args: '-c conf.py app:application', config: 'loglevel = 10\n' },
    { args: '-c conf.py app:application', config: 'user = 0\naccesslog = None\nreload = None\n' },
    { args: '-c conf.py app:application', config: 'timeout = 1.5\n' },
    { args: '-c conf.py app:application', config: 'forwarded_allow_ips = "*"\nsecure_scheme_headers = {}\n' },
  ];
  it(`${cases.length} command lines and config values`, async () => {
    expect(has('gunicorn'), 'gunicorn is not installed (apt-get install gunicorn)').toBe(true);
    const base = tmp();
    const disagreements: string[] = [];
    await inBatches(cases.map((c, i) => ({ ...c, id: `r${i}` })), 6, async (c) => {
      const dir = join(base, c.id);
      mkdirSync(join(dir, 'deploy'), { recursive: true });
      writeFileSync(join(dir, 'app.py'), 'def application(environ, start_response):\n    return []\n');
      if (c.config) writeFileSync(join(dir, 'conf.py'), c.config);
      const args = c.args.split(' ');
      // A Procfile: the command runs in the Procfile's directory, so every file gunicorn could read is known.
      writeFileSync(join(dir, 'Procfile'), `web: gunicorn ${c.args}\n`);
      const real = await run('gunicorn', ['--check-config', ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
      const model = await buildModel(dir);
      const inst = model.appServers.find((s) => s.origin === 'procfile');
      const refused = !!inst?.problems.some((p) => p.fatal);
      if (refused !== (real.status !== 0)) {
        disagreements.push(`${c.args} ${c.config ?? ''}: ours ${refused ? 'refused' : 'accepted'} (${inst?.problems.map((p) => p.message).join('; ')}), gunicorn ${real.status === 0 ? 'accepted' : `refused (${real.stderr.trim().split('\n').pop()})`}`);
      }
    });
    expect(disagreements).toEqual([]);
  }, 120000);
});
