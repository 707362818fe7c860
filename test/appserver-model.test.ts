import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Span } from '../src/core/position.js';
import { buildModel } from '../src/model/build.js';
import type { AppServerInstance, AppServerOption } from '../src/model/appserver/types.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

async function serversOf(files: Record<string, string>): Promise<AppServerInstance[]> {
  const root = mkdtempSync(join(tmpdir(), 'audit-deploy-app-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return (await buildModel(root)).appServers;
}

const at = (s: Span | undefined) => (s ? `${s.file}:${s.start.line}:${s.start.column}-${s.end.line}:${s.end.column}` : undefined);
function val(o: AppServerOption | undefined): unknown {
  if (!o) return undefined;
  const v = o.value;
  switch (v.kind) {
    case 'list':
      return v.items.map((i) => i.value);
    case 'unknown':
      return { unknown: v.text ?? v.reason, atLeast: v.atLeast };
    default:
      return v.value;
  }
}

describe('gunicorn from a Procfile', () => {
  it('reads options with positions, the app, and the platform defaults', async () => {
    const [g, ...rest] = await serversOf({ Procfile: 'release: python manage.py migrate\nweb: gunicorn shop.wsgi:application --workers=3 -t 60 --log-file -\n' });
    expect(rest).toEqual([]);
    expect(g!.server).toBe('gunicorn');
    expect(g!.origin).toBe('procfile');
    expect(g!.processName).toBe('web');
    expect(g!.web).toBe(true);
    expect(g!.role).toBe('production');
    expect(g!.app).toEqual({ value: 'shop.wsgi:application', span: expect.objectContaining({ file: 'Procfile' }) });
    expect(at(g!.app!.span)).toBe('Procfile:2:15-2:36');
    expect(val(g!.options.workers)).toBe(3);
    expect(g!.options.workers!.source).toBe('command-line');
    expect(at(g!.options.workers!.span)).toBe('Procfile:2:37-2:48');
    expect(at(g!.options.workers!.valueSpan)).toBe('Procfile:2:47-2:48');
    expect(val(g!.options.timeout)).toBe(60);
    expect(at(g!.options.timeout!.span)).toBe('Procfile:2:49-2:54');
    // Heroku sets PORT for web processes: gunicorn binds 0.0.0.0:$PORT.
    expect(val(g!.options.bind)).toEqual(['0.0.0.0:$PORT']);
    expect(g!.options.bind!.certain).toBe(true);
    expect(g!.options.graceful_timeout).toMatchObject({ source: 'default', certain: true, value: { kind: 'int', value: 30 } });
  });

  it('keeps a default that WEB_CONCURRENCY may replace uncertain', async () => {
    const [g] = await serversOf({ Procfile: 'web: gunicorn app.wsgi\n' });
    expect(g!.options.workers).toMatchObject({ source: 'default', certain: false, variables: ['WEB_CONCURRENCY'], value: { kind: 'int', value: 1 } });
  });

  it('looks through launchers and sh -c, and treats Procfile.dev as development', async () => {
    const servers = await serversOf({
      Procfile: "web: bin/pre && newrelic-admin run-program poetry run gunicorn app.wsgi -b 0.0.0.0:$PORT\nworker: sh -c 'exec python -m gunicorn other.wsgi --reload'\n",
      'Procfile.dev': 'web: python manage.py runserver 0.0.0.0:8000\n',
    });
    expect(servers.map((s) => [s.file, s.processName, s.server, s.role, s.web])).toEqual([
      ['Procfile', 'web', 'gunicorn', 'production', true],
      ['Procfile', 'worker', 'gunicorn', 'production', false],
      ['Procfile.dev', 'web', 'runserver', 'development', true],
    ]);
    const worker = servers[1]!;
    expect(worker.options.reload).toMatchObject({ source: 'command-line', value: { kind: 'bool', value: true } });
    expect(at(worker.options.reload!.span)).toBe('Procfile:2:51-2:59');
    expect(val(servers[0]!.options.bind)).toEqual(['0.0.0.0:$PORT']);
    expect(servers[0]!.options.bind!.value).toMatchObject({ items: [{ unresolved: ['PORT'] }] });
    expect(val(servers[2]!.options.bind)).toEqual(['0.0.0.0:8000']);
    expect(val(servers[2]!.options.reload)).toBe(true);
  });

  it('appends repeated --bind within the command line', async () => {
    const [g] = await serversOf({ Procfile: 'web: gunicorn -b 127.0.0.1:8000 --bind [::1]:8000 -b=unix:/tmp/g.sock app.wsgi\n' });
    expect(val(g!.options.bind)).toEqual(['127.0.0.1:8000', '[::1]:8000', 'unix:/tmp/g.sock']);
    expect(g!.options.bind!.history).toHaveLength(3);
  });
});

describe('gunicorn config files', () => {
  const conf = [
    'import multiprocessing',
    'import os',
    '',
    'bind = "0.0.0.0:8000"',
    'workers = multiprocessing.cpu_count() * 2 + 1',
    'timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))',
    'reload = True',
    'accesslog = "-"',
    'forwarded_allow_ips = "*"',
    'def on_starting(server):',
    '    pass',
    '',
  ].join('\n');

  it('joins the implicit ./gunicorn.conf.py of the Procfile directory; the command line wins', async () => {
    const [g] = await serversOf({ Procfile: 'web: gunicorn app.wsgi --timeout 45\n', 'gunicorn.conf.py': conf });
    expect(g!.configFiles).toEqual([{ reference: './gunicorn.conf.py', file: 'gunicorn.conf.py', status: 'joined' }]);
    expect(val(g!.options.bind)).toEqual(['0.0.0.0:8000']);
    expect(g!.options.bind!.source).toBe('config-file');
    expect(at(g!.options.bind!.span)).toBe('gunicorn.conf.py:4:1-4:22');
    expect(val(g!.options.workers)).toEqual({ unknown: 'multiprocessing.cpu_count() * 2 + 1', atLeast: 3 });
    expect(val(g!.options.timeout)).toBe(45);
    expect(g!.options.timeout!.source).toBe('command-line');
    expect(g!.options.timeout!.history.map(at)).toEqual(['gunicorn.conf.py:6:1-6:57', 'Procfile:1:24-1:36']);
    expect(val(g!.options.reload)).toBe(true);
    expect(val(g!.options.forwarded_allow_ips)).toEqual(['*']);
  });

  it('a lone config file is an instance of its own, its defaults uncertain', async () => {
    const [g, ...rest] = await serversOf({ 'deploy/gunicorn.conf.py': conf });
    expect(rest).toEqual([]);
    expect(g!.origin).toBe('gunicorn-config');
    expect(g!.file).toBe('deploy/gunicorn.conf.py');
    expect(g!.command).toBeUndefined();
    expect(g!.options.reload).toMatchObject({ source: 'config-file', certain: true });
    expect(g!.options.graceful_timeout).toMatchObject({ source: 'default', certain: false });
    // The timeout comes from an environment variable nobody sets in the repository: its default is not certain.
    expect(g!.options.timeout).toMatchObject({ value: { kind: 'int', value: 120 }, certain: false, variables: ['GUNICORN_TIMEOUT'] });
  });

  it('-c and python: references resolve; a missing file makes defaults uncertain', async () => {
    const servers = await serversOf({
      'Procfile': 'web: gunicorn -c config/gunicorn.py app.wsgi\nalt: gunicorn --config python:config.gunicorn app.wsgi\nold: gunicorn -c /etc/gunicorn/none.py app.wsgi\n',
      'config/gunicorn.py': 'workers = 4\n',
    });
    expect(servers.map((s) => s.configFiles.map((c) => [c.reference, c.file, c.status]))).toEqual([
      [['config/gunicorn.py', 'config/gunicorn.py', 'joined']],
      [['python:config.gunicorn', 'config/gunicorn.py', 'joined']],
      [['/etc/gunicorn/none.py', undefined, 'missing']],
    ]);
    expect(val(servers[0]!.options.workers)).toBe(4);
    expect(servers[2]!.options.timeout).toMatchObject({ source: 'default', certain: false, doubt: expect.stringMatching(/not in the repository/) });
  });

  it('does not take a Python file that sets no gunicorn setting for a config', async () => {
    expect(await serversOf({ 'gunicorn.py': 'import gunicorn\nprint(gunicorn.__version__)\n' })).toEqual([]);
  });
});

describe('uWSGI', () => {
  const ini = [
    '[uwsgi]',
    'chdir = /srv/shop',
    'module = shop.wsgi:application',
    'master = false # keep it off',
    'processes = 4',
    'socket = %(chdir)/shop.sock',
    'socket = 127.0.0.1:3031',
    'py-autoreload = 2',
    'uid = $(APP_USER)',
    'harakiri = 30',
    '',
    '[other]',
    'processes = 9',
    '',
  ].join('\n');

  it('reads a lone ini the way uWSGI does (inline # is part of the value, lists accumulate, %(opt) expands)', async () => {
    const [u, ...rest] = await serversOf({ 'deploy/uwsgi.ini': ini });
    expect(rest).toEqual([]);
    expect(u!.server).toBe('uwsgi');
    expect(u!.origin).toBe('uwsgi-config');
    expect(at(u!.span)).toBe('deploy/uwsgi.ini:1:1-1:8');
    expect(u!.app).toEqual({ value: 'shop.wsgi:application', span: expect.anything() });
    expect(val(u!.options.master)).toBe(true);
    expect(val(u!.options.processes)).toBe(4);
    expect(val(u!.options.socket)).toEqual(['/srv/shop/shop.sock', '127.0.0.1:3031']);
    expect(val(u!.options['py-autoreload'])).toBe(2);
    expect(at(u!.options['py-autoreload']!.span)).toBe('deploy/uwsgi.ini:8:1-8:18');
    expect(u!.options.uid!.value).toEqual({ kind: 'str', value: '$(APP_USER)', unresolved: ['APP_USER'] });
    expect(u!.options['die-on-term']).toMatchObject({ source: 'default', value: { kind: 'bool', value: false }, certain: true });
  });

  it('a command line applies --ini in place; later options win', async () => {
    const [u, ...rest] = await serversOf({
      Procfile: 'web: uwsgi --processes 2 --ini uwsgi.ini --die-on-term -M --http :$PORT\n',
      'uwsgi.ini': '[uwsgi]\nprocesses = 8\nmaster = false\n',
    });
    expect(rest).toEqual([]);
    expect(val(u!.options.processes)).toBe(8);
    expect(val(u!.options.master)).toBe(true);
    expect(u!.options.master!.source).toBe('command-line');
    expect(val(u!.options['die-on-term'])).toBe(true);
    expect(val(u!.options.http)).toEqual([':$PORT']);
    expect(u!.configFiles).toEqual([{ reference: 'uwsgi.ini', span: expect.anything(), file: 'uwsgi.ini', status: 'joined' }]);
  });

  it('ini files of other kinds count only with a [uwsgi] section; Debian apps-enabled defaults are uncertain', async () => {
    const servers = await serversOf({
      'setup.ini': '[metadata]\nname = x\n',
      'tox.ini': '[tox]\nenvlist = py311\n',
      'etc/uwsgi/apps-enabled/shop.ini': '[uwsgi]\nmodule = shop.wsgi\n',
    });
    expect(servers.map((s) => s.file)).toEqual(['etc/uwsgi/apps-enabled/shop.ini']);
    expect(servers[0]!.options.master).toMatchObject({ certain: false, doubt: expect.stringMatching(/Debian/) });
  });
});

describe('runserver, uvicorn, daphne', () => {
  it('reads their bind and reload', async () => {
    const servers = await serversOf({
      Procfile: [
        'web: python manage.py runserver 0.0.0.0:$PORT --noreload',
        'asgi: uvicorn shop.asgi:application --host 0.0.0.0 --port 8001 --reload --workers 2',
        'ws: daphne -b 0.0.0.0 -p 8002 shop.asgi:application',
        'sock: uvicorn shop.asgi:application --uds /run/uv.sock',
        '',
      ].join('\n'),
    });
    expect(servers.map((s) => [s.server, val(s.options.bind), val(s.options.reload)])).toEqual([
      ['runserver', ['0.0.0.0:$PORT'], false],
      ['uvicorn', ['0.0.0.0:8001'], true],
      ['daphne', ['0.0.0.0:8002'], undefined],
      ['uvicorn', ['unix:/run/uv.sock'], false],
    ]);
    expect(val(servers[1]!.options.workers)).toBe(2);
  });
});

describe('bad input never crashes', () => {
  it('binary, broken quotes, odd ini, syntax errors', async () => {
    const servers = await serversOf({
      Procfile: 'web: gunicorn "app.wsgi\n: nothing\nweird line\n',
      'uwsgi.ini': '[uwsgi]\n=\nmaster\n[]\n',
      // uWSGI drops the last character of a header whatever it is: this section is "uwsg".
      'app/uwsgi.ini': '[uwsgi\nmaster = true\n',
      'gunicorn.conf.py': 'workers = (\n',
    });
    expect(servers.map((s) => s.server)).toEqual(['gunicorn', 'uwsgi']);
  });
});

describe("the settings evaluator's names option (gunicorn config files are lower-case)", () => {
  it("keeps only upper-case names by default and every module-level name with names: 'all'", async () => {
    const { evaluateSettings, makeResolver } = await import('../src/model/settings/evaluate.js');
    const { LayeredEnv } = await import('../src/model/env/types.js');
    const files = [{ path: 'conf.py', text: 'import os\nbind = "0.0.0.0:8000"\nWORKERS = 2\n_private = 1\nworkers = WORKERS * 2\n' }];
    const run = (names?: 'all' | 'upper-case') =>
      evaluateSettings({ module: 'conf', resolver: makeResolver(files), env: new LayeredEnv([]), environmentName: 'unset', ...(names ? { names } : {}) });
    expect(run().names()).toEqual(['WORKERS']);
    expect(run('upper-case').names()).toEqual(['WORKERS']);
    const all = run('all');
    expect(all.names()).toEqual(['WORKERS', '__doc__', '__file__', '__name__', '__package__', '_private', 'bind', 'os', 'workers']);
    expect(all.get('workers')!.value).toMatchObject({ kind: 'int', value: 4 });
    expect(all.get('bind')!.span.start.line).toBe(2);
  });
});

describe('gunicorn and uWSGI from systemd units', () => {
  const unit = [
    '[Unit]',
    'Description=shop',
    '',
    '[Service]',
    'User=www-data',
    'WorkingDirectory=/srv/shop/src',
    'Environment="GUNICORN_CMD_ARGS=--timeout 90 --max-requests 1000" WEB_CONCURRENCY=5',
    'ExecStart=/srv/shop/venv/bin/gunicorn \\',
    '    --bind unix:/run/shop.sock \\',
    '    shop.wsgi:application',
    '',
  ].join('\n');

  it('reads a continued ExecStart with exact positions, the environment, GUNICORN_CMD_ARGS and the working directory', async () => {
    const [g, ...rest] = await serversOf({ 'deploy/shop.service': unit, 'src/gunicorn.conf.py': 'timeout = 20\nkeepalive = 5\n', 'src/shop/wsgi.py': '' });
    expect(rest).toEqual([]);
    expect(g!.origin).toBe('systemd');
    expect(g!.unit).toEqual({ name: 'shop.service', file: 'deploy/shop.service' });
    expect(g!.environment.complete).toBe(true);
    expect(g!.environment.vars.map((v) => [v.name, v.value, at(v.span)])).toEqual([
      ['GUNICORN_CMD_ARGS', '--timeout 90 --max-requests 1000', 'deploy/shop.service:7:32-7:64'],
      ['WEB_CONCURRENCY', '5', 'deploy/shop.service:7:82-7:83'],
    ]);
    expect(at(g!.options.bind!.span)).toBe('deploy/shop.service:9:5-9:31');
    expect(at(g!.app!.span)).toBe('deploy/shop.service:10:5-10:26');
    // WorkingDirectory=/srv/shop/src is the repository's src/: its gunicorn.conf.py applies, GUNICORN_CMD_ARGS beats it.
    expect(g!.configFiles.map((c) => [c.file, c.status])).toEqual([['src/gunicorn.conf.py', 'joined']]);
    expect(val(g!.options.keepalive)).toBe(5);
    expect(g!.options.timeout).toMatchObject({ source: 'environment', value: { kind: 'int', value: 90 } });
    expect(at(g!.options.timeout!.span)).toBe('deploy/shop.service:7:32-7:44');
    expect(g!.options.workers).toMatchObject({ source: 'environment', certain: true, value: { kind: 'int', value: 5 } });
  });

  it('a unit without WorkingDirectory starts in /: no implicit config; an env file leaves defaults open', async () => {
    const servers = await serversOf({
      'a.service': '[Service]\nExecStart=/usr/bin/gunicorn app.wsgi\n',
      'b.service': '[Service]\nEnvironmentFile=/etc/shop.env\nWorkingDirectory=/srv/shop\nExecStart=/usr/bin/uwsgi --ini /etc/uwsgi/shop.ini\n',
      'gunicorn.conf.py': 'workers = 3\n',
    });
    const a = servers.find((s) => s.unit?.name === 'a.service')!;
    const b = servers.find((s) => s.unit?.name === 'b.service')!;
    expect(a.configFiles).toEqual([]);
    expect(a.options.workers).toMatchObject({ source: 'default', certain: true, value: { kind: 'int', value: 1 } });
    expect(b.server).toBe('uwsgi');
    expect(b.environment).toMatchObject({ complete: false, openBy: 'EnvironmentFile=/etc/shop.env' });
    expect(b.configFiles).toEqual([{ reference: '/etc/uwsgi/shop.ini', span: expect.anything(), status: 'missing' }]);
    expect(b.options.master).toMatchObject({ certain: false });
    // The config nobody's command line reads is an instance of its own.
    expect(servers.filter((s) => s.origin === 'gunicorn-config').map((s) => s.file)).toEqual(['gunicorn.conf.py']);
  });
});

describe('buildAppServers contract (hand-built inputs)', () => {
  it('reads a hand-built systemd unit and exec-form command lines handed in by the containers model', async () => {
    const { buildAppServers } = await import('../src/model/appserver/build.js');
    const { makeSourceText } = await import('../src/core/source.js');
    const { LineIndex } = await import('../src/core/position.js');
    const texts: Record<string, string> = {
      'deploy/app.service': '[Service]\nExecStart=/srv/venv/bin/gunicorn --workers 4 app.wsgi\n',
      Dockerfile: 'FROM python:3.12\nCMD ["gunicorn", "--bind", "0.0.0.0:8000", "app.wsgi"]\n',
    };
    const files = Object.keys(texts).map((path) => ({ path, absPath: `/x/${path}`, kind: 'other' as const, size: texts[path]!.length }));
    const sources = {
      byPath: new Map(files.map((f) => [f.path, f])),
      text: (p: string) => (texts[p] !== undefined ? makeSourceText(p, texts[p]!) : undefined),
      python: () => undefined,
      configuredRole: () => undefined,
    };
    const unitLines = new LineIndex(texts['deploy/app.service']!);
    const valueStart = texts['deploy/app.service']!.indexOf('/srv');
    const value = '/srv/venv/bin/gunicorn --workers 4 app.wsgi';
    const valueSpan = unitLines.span('deploy/app.service', valueStart, valueStart + value.length);
    const unit = {
      name: 'app.service', type: 'service' as const, file: 'deploy/app.service', span: unitLines.lineSpan('deploy/app.service', 1), dropIns: [],
      entries: [{ section: 'Service', key: 'ExecStart', value, span: unitLines.lineSpan('deploy/app.service', 2), valueSpan, file: 'deploy/app.service' }],
      problems: [], assignments: [], sections: [], resets: [], template: false, role: 'production' as const,
    };
    const dl = new LineIndex(texts.Dockerfile!);
    const find = (needle: string) => {
      const i = texts.Dockerfile!.indexOf(needle);
      return dl.span('Dockerfile', i, i + needle.length);
    };
    const servers = buildAppServers(files, sources, {
      systemdUnits: [unit],
      commandLines: [{
        origin: 'dockerfile', file: 'Dockerfile', span: find('["gunicorn", "--bind", "0.0.0.0:8000", "app.wsgi"]'),
        words: ['gunicorn', '--bind', '0.0.0.0:8000', 'app.wsgi'].map((w) => ({ value: w, span: find(`"${w}"`) })),
      }],
    }, []);
    expect(servers.map((s) => [s.origin, s.server, val(s.options.workers), val(s.options.bind)])).toEqual([
      ['systemd', 'gunicorn', 4, ['127.0.0.1:8000']],
      ['dockerfile', 'gunicorn', 1, ['0.0.0.0:8000']],
    ]);
    expect(at(servers[0]!.options.workers!.valueSpan)).toBe('deploy/app.service:2:44-2:45');
    // Exec-form words: the JSON string, quotes included (as for a quoted shell word).
    expect(at(servers[1]!.options.bind!.valueSpan)).toBe('Dockerfile:2:28-2:42');
    expect(servers[1]!.options.workers!.certain).toBe(false);
  });
});

describe('launchers', () => {
  it('looks through buildpack wrappers and `--`-terminated secret/wait wrappers, not through installers', async () => {
    const servers = await serversOf({
      Procfile: [
        'web: bin/start-nginx bin/start-pgbouncer gunicorn -c config/gunicorn.py app.wsgi',
        'api: doppler run --project shop -- uvicorn app.asgi:application --workers 2',
        'wait: wait-for-it db:5432 -t 30 -- python manage.py runserver',
        'setup: pip install gunicorn -- nothing',
        '',
      ].join('\n'),
    });
    expect(servers.map((s) => [s.processName, s.server])).toEqual([
      ['web', 'gunicorn'],
      ['api', 'uvicorn'],
      ['wait', 'runserver'],
    ]);
  });
});

describe('integers as Python reads them', () => {
  it("int(x, 0) for config-file strings and int(x) for command-line values (checked against CPython)", async () => {
    const { parsePythonInt0, parseIntLike } = await import('../src/model/appserver/context.js');
    const base0: Array<[string, number | undefined]> = [
      ['03', undefined], ['0x10', 16], ['1_000', 1000], [' 7 ', 7], ['0', 0], ['00', 0], ['0_0', 0], ['-3', -3], ['+4', 4], ['1__0', undefined], ['0o17', 15], ['0b101', 5], ['1e3', undefined],
    ];
    for (const [t, want] of base0) expect(parsePythonInt0(t), t).toBe(want);
    const base10: Array<[string, number | undefined]> = [['03', 3], ['0x10', undefined], ['1_000', 1000], [' 7 ', 7], ['-3', -3], ['abc', undefined], ['1__0', undefined]];
    for (const [t, want] of base10) expect(parseIntLike(t), t).toBe(want);
  });
});

describe('uWSGI ini includes', () => {
  it('reads `ini = other.ini` at its place; the included file is not a lone instance of its own', async () => {
    const servers = await serversOf({
      'deploy/uwsgi.ini': '[uwsgi]\nini = base.ini\nprocesses = 8\n',
      'deploy/base.ini': '[uwsgi]\nmaster = true\nprocesses = 2\nharakiri = 30\n',
    });
    expect(servers.map((s) => s.file)).toEqual(['deploy/uwsgi.ini']);
    const main = servers[0]!;
    expect(val(main.options.master)).toBe(true);
    expect(val(main.options.processes)).toBe(8);
    expect(val(main.options.harakiri)).toBe(30);
    expect(main.configFiles.map((c) => [c.file, c.status])).toEqual([['deploy/uwsgi.ini', 'joined'], ['deploy/base.ini', 'joined']]);
  });
});
