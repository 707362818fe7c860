import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/audit.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** APP findings of a small repository, as "file:line RULE status". */
async function appFindings(files: Record<string, string>): Promise<string[]> {
  const root = mkdtempSync(join(tmpdir(), 'audit-deploy-apprules-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const result = await runAudit({ root });
  return result.findings.filter((f) => f.ruleId.startsWith('APP')).map((f) => `${f.span.file}:${f.span.start.line} ${f.ruleId} ${f.status}`).sort();
}

const unit = (exec: string, extra = '') => `[Service]\nUser=www-data\nWorkingDirectory=/srv/app\n${extra}ExecStart=${exec}\n`;
const site = (pass: string) => `server {\n    listen 80;\n    server_name app.example.com;\n    location / {\n        ${pass};\n    }\n}\n`;

describe('APP003 wildcard bind behind a local proxy', () => {
  it('fires only when nginx reaches the same port over loopback', async () => {
    expect(await appFindings({ 'app.service': unit('/usr/bin/gunicorn app.wsgi -w 3 -b 0.0.0.0:8000'), 'nginx/app.conf': site('proxy_pass http://localhost:8000') })).toEqual(['app.service:4 APP003 fail']);
    // A compose-style service name, another port, or a unix socket: not the same listener on this host.
    expect(await appFindings({ 'app.service': unit('/usr/bin/gunicorn app.wsgi -w 3 -b 0.0.0.0:8000'), 'nginx/app.conf': site('proxy_pass http://web:8000') })).toEqual([]);
    expect(await appFindings({ 'app.service': unit('/usr/bin/gunicorn app.wsgi -w 3 -b 0.0.0.0:8000'), 'nginx/app.conf': site('proxy_pass http://127.0.0.1:9000') })).toEqual([]);
    expect(await appFindings({ 'app.service': unit('/usr/bin/gunicorn app.wsgi -w 3 -b 127.0.0.1:8000'), 'nginx/app.conf': site('proxy_pass http://127.0.0.1:8000') })).toEqual([]);
  });
});

describe('APP004 single sync worker', () => {
  it('passes threads, async workers and computed counts; unknown when a variable decides', async () => {
    const f = (args: string, extra = '') => appFindings({ 'app.service': unit(`/usr/bin/gunicorn app.wsgi ${args}`, extra) });
    expect(await f('')).toEqual(['app.service:4 APP004 fail']);
    expect(await f('-w 1')).toEqual(['app.service:4 APP004 fail']);
    expect(await f('--threads 4')).toEqual([]);
    expect(await f('-k gevent')).toEqual([]);
    expect(await f('-w 3')).toEqual([]);
    expect(await f('-w $WORKERS', 'EnvironmentFile=/etc/app.env\n')).toEqual(['app.service:5 APP004 unknown']);
    expect(await f('', 'Environment=WEB_CONCURRENCY=4\n')).toEqual([]);
    expect(await appFindings({ 'Procfile': 'web: gunicorn app.wsgi -c conf.py\n', 'conf.py': 'import multiprocessing\nworkers = multiprocessing.cpu_count() * 2\n' })).toEqual([]);
  });
});

describe('APP005 sync worker timeout', () => {
  it('fires for 0 and a few seconds with sync workers only', async () => {
    const f = (args: string) => appFindings({ 'app.service': unit(`/usr/bin/gunicorn app.wsgi -w 3 ${args}`) });
    expect(await f('--timeout 0')).toEqual(['app.service:4 APP005 fail']);
    expect(await f('-t 3')).toEqual(['app.service:4 APP005 fail']);
    expect(await f('-t 5')).toEqual([]);
    expect(await f('--timeout 0 --threads 8')).toEqual([]);
    expect(await f('--timeout 0 -k uvicorn.workers.UvicornWorker')).toEqual([]);
  });
});

describe('APP006 forwarded_allow_ips wildcard', () => {
  it('fires on a host-level server reachable directly, not on platforms, sockets or loopback', async () => {
    expect(await appFindings({ 'app.service': unit('/usr/bin/gunicorn app.wsgi -w 3 -b 0.0.0.0:8000 --forwarded-allow-ips=*') })).toEqual(['app.service:4 APP006 fail']);
    expect(await appFindings({ 'app.service': unit('/usr/bin/gunicorn app.wsgi -w 3 -b unix:/run/app.sock --forwarded-allow-ips=*') })).toEqual([]);
    expect(await appFindings({ 'app.service': unit('/usr/bin/gunicorn app.wsgi -w 3 -b 127.0.0.1:8000 --forwarded-allow-ips=*') })).toEqual([]);
    expect(await appFindings({ Procfile: 'web: gunicorn app.wsgi -w 3 --forwarded-allow-ips="*"\n' })).toEqual([]);
    // FORWARDED_ALLOW_IPS from the unit's environment counts too.
    expect(await appFindings({ 'app.service': unit('/usr/bin/gunicorn app.wsgi -w 3 -b 0.0.0.0:8000', 'Environment=FORWARDED_ALLOW_IPS=*\n') })).toEqual(['app.service:4 APP006 fail']);
    // An empty secure_scheme_headers means no header is trusted at all.
    expect(await appFindings({ 'app.service': unit('/usr/bin/gunicorn -c /srv/app/g.py app.wsgi'), 'g.py': 'workers = 3\nbind = "0.0.0.0:8000"\nforwarded_allow_ips = "*"\nsecure_scheme_headers = {}\n' })).toEqual([]);
  });
});

describe('uWSGI rules', () => {
  const ini = (extra: string) => `[uwsgi]\nmodule = app.wsgi\nmaster = true\nprocesses = 4\nharakiri = 30\nsocket = /run/app.sock\nuid = www-data\n${extra}`;
  it('APP008 follows the unit KillSignal and a pinned uWSGI 2.1', async () => {
    const files = (kill: string, req = 'uWSGI==2.0.28\n') => ({
      'uwsgi.ini': ini(''),
      'app.service': unit('/usr/bin/uwsgi --ini /srv/app/uwsgi.ini', kill),
      'requirements.txt': `Django==5.2.1\n${req}`,
      'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings")\n',
      'app/__init__.py': '',
      'app/settings.py': 'DEBUG = False\n',
    });
    expect(await appFindings(files(''))).toEqual(['app.service:4 APP008 fail']);
    expect(await appFindings(files('KillSignal=SIGTERM\n'))).toEqual(['app.service:5 APP008 fail']);
    expect(await appFindings(files('KillSignal=SIGQUIT\n'))).toEqual([]);
    expect(await appFindings(files('KillSignal=SIGINT\n'))).toEqual([]);
    expect(await appFindings(files('', 'uWSGI==2.1.0\n'))).toEqual([]);
  });

  it('APP009 explicit root, or a root unit with no uid; User= or DynamicUser= pass', async () => {
    const base = ini('die-on-term = true\n').replace('uid = www-data\n', '');
    expect(await appFindings({ 'uwsgi.ini': base + 'gid = 0\n' })).toEqual(['uwsgi.ini:8 APP009 fail']);
    expect(await appFindings({ 'uwsgi.ini': base, 'app.service': '[Service]\nExecStart=/usr/bin/uwsgi --ini /srv/app/uwsgi.ini\n' })).toEqual(['app.service:2 APP009 fail']);
    expect(await appFindings({ 'uwsgi.ini': base, 'app.service': '[Service]\nUser=www-data\nExecStart=/usr/bin/uwsgi --ini /srv/app/uwsgi.ini\n' })).toEqual([]);
    expect(await appFindings({ 'uwsgi.ini': base, 'app.service': '[Service]\nDynamicUser=yes\nExecStart=/usr/bin/uwsgi --ini /srv/app/uwsgi.ini\n' })).toEqual([]);
  });

  it('APP011 compares what nginx sends with what the socket speaks (protocol = http counts)', async () => {
    const ok = ini('die-on-term = true\n');
    expect(await appFindings({ 'uwsgi.ini': ok, 'nginx/app.conf': site('proxy_pass http://unix:/run/app.sock:') })).toEqual(['uwsgi.ini:6 APP011 fail']);
    expect(await appFindings({ 'uwsgi.ini': ok, 'nginx/app.conf': site('uwsgi_pass unix:/run/app.sock') })).toEqual([]);
    expect(await appFindings({ 'uwsgi.ini': ok + 'protocol = http\n', 'nginx/app.conf': site('proxy_pass http://unix:/run/app.sock:') })).toEqual([]);
    // gunicorn only speaks HTTP.
    expect(await appFindings({ 'app.service': unit('/usr/bin/gunicorn app.wsgi -w 3 -b unix:/run/g.sock'), 'nginx/app.conf': site('uwsgi_pass unix:/run/g.sock') })).toEqual(['app.service:4 APP011 fail']);
  });

  it('vassals and Debian apps-enabled files are left to their manager', async () => {
    const bare = '[uwsgi]\nmodule = app.wsgi\nsocket = /run/app.sock\nuid = www-data\n';
    expect(await appFindings({ 'etc/uwsgi/vassals/app.ini': bare })).toEqual([]);
    expect(await appFindings({ 'etc/uwsgi/apps-enabled/app.ini': bare })).toEqual([]);
    expect(await appFindings({ 'deploy/uwsgi.ini': bare })).toEqual([
      'deploy/uwsgi.ini:1 APP004 fail',
      'deploy/uwsgi.ini:1 APP007 fail',
      'deploy/uwsgi.ini:1 APP012 fail',
    ]);
  });
});

describe('APP013 the server exits at start', () => {
  it('says so only when every file gunicorn could read is known', async () => {
    expect(await appFindings({ Procfile: 'web: gunicorn -w 3 --bind 0.0.0.0:$PORT\n' })).toEqual(['Procfile:1 APP013 fail']);
    // A unit whose working directory is not in the repository may find a gunicorn.conf.py naming the app there.
    expect(await appFindings({ 'app.service': '[Service]\nUser=www-data\nWorkingDirectory=/srv/x\nExecStart=/usr/bin/gunicorn -w 3\n' })).toEqual([]);
    expect(await appFindings({ Procfile: 'web: gunicorn "app.wsgi -w 3\n' })).toEqual(['Procfile:1 APP004 unknown', 'Procfile:1 APP013 fail']);
  });
});

describe('APP006 with uvicorn', () => {
  it('reads --forwarded-allow-ips, FORWARDED_ALLOW_IPS and --no-proxy-headers', async () => {
    const u = (args: string, extra = '') => appFindings({ 'app.service': unit(`/usr/bin/uvicorn app.asgi:application --host 0.0.0.0 --port 8000 ${args}`, extra) });
    expect(await u('--forwarded-allow-ips *')).toEqual(['app.service:4 APP006 fail']);
    expect(await u('', 'Environment=FORWARDED_ALLOW_IPS=*\n')).toEqual(['app.service:4 APP006 fail']);
    expect(await u('--forwarded-allow-ips * --no-proxy-headers')).toEqual([]);
    expect(await u('')).toEqual([]);
  });
});
