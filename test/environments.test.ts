import { mkdtempSync, rmSync, writeFileSync, cpSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/audit.js';
import { moduleHolder, ProjectResolver } from '../src/model/build.js';
import { emptyConfig } from '../src/config/types.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'audit-deploy-env-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of a fixture with some files replaced or added. */
function variant(fixture: string, files: Record<string, string | null>): string {
  const dir = mkdtempSync(join(tmp, `${fixture}-`));
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    if (text === null) rmSync(join(dir, path), { force: true });
    else {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  }
  return dir;
}

const line = (f: { ruleId: string; status: string; span: { file: string; start: { line: number } } }) => `${f.span.file}:${f.span.start.line} ${f.ruleId} ${f.status}`;

describe('staging: settings evaluated again with the staging sources (fixtures/env-staging-split)', async () => {
  const result = await runAudit({ root: join(FIXTURES, 'env-staging-split') });
  const [production, staging] = result.environments!;

  it('reports production (the gate) and staging (informative)', () => {
    expect(result.environments!.map((e) => [e.name, e.gate])).toEqual([
      ['production', true],
      ['staging', false],
    ]);
    expect(production!.readiness).toEqual(result.readiness);
    expect(production!.projects).toEqual([
      { root: '.', settingsModule: 'config.settings.production', settingsFile: 'config/settings/production.py', reason: 'DJANGO_SETTINGS_MODULE in .env.production', envSources: ['.env.production'] },
    ]);
    expect(staging!.projects).toEqual([
      { root: '.', settingsModule: 'config.settings.staging', settingsFile: 'config/settings/staging.py', reason: 'DJANGO_SETTINGS_MODULE in .env.staging', envSources: ['.env.staging'] },
    ]);
  });

  it('finds what only staging gets wrong, on its line, with the staging source related', () => {
    expect(staging!.findings.map(line)).toEqual(['config/settings/base.py:8 DJ018 fail', 'config/settings/staging.py:4 DJ008 fail']);
    const debug = staging!.findings.find((f) => f.ruleId === 'DJ018')!;
    expect(debug.environment).toBe('staging');
    expect(debug.project).toBe('.');
    expect(debug.related.map((r) => `${r.span.file}:${r.span.start.line}`)).toEqual(['.env.staging:2']);
    // Its own identity: a baseline of production never hides it, nor it a production finding.
    expect(debug.fingerprint).toBe('DJ018:config/settings/base.py:DEBUG:security.W018@staging');
    // Production is clean there, and the staging findings never reach production's list.
    expect(result.findings.filter((f) => f.ruleId === 'DJ018' || f.ruleId === 'DJ008')).toEqual([]);
    expect(result.findings.every((f) => f.environment === 'production')).toBe(true);
  });

  it('scores staging with the same checklist: its Django items replaced by staging\'s', () => {
    const items = (r: typeof production) => Object.fromEntries(r!.readiness.items.map((i) => [i.id, i.status]));
    expect([items(production).DJ018, items(production).DJ008]).toEqual(['pass', 'pass']);
    expect([items(staging).DJ018, items(staging).DJ008]).toEqual(['fail', 'fail']);
    // Everything else is the same item for item.
    const differing = Object.keys(items(production)).filter((id) => items(production)[id] !== items(staging)[id]);
    expect(differing.sort()).toEqual(['DJ008', 'DJ018']);
    // DJ018 (blocker, 10) and DJ008 (high, 7.5) lost: 17.5 points of weight, and a failing blocker.
    expect(staging!.readiness.applicableWeight).toBe(production!.readiness.applicableWeight);
    expect(production!.readiness.passedWeight - staging!.readiness.passedWeight).toBe(17.5);
    expect(staging!.readiness.status).toBe('NOT READY');
    expect(production!.readiness.status).toBe('READY');
  });

  it('exact scores with a fixed selection', async () => {
    const selected = await runAudit({ root: join(FIXTURES, 'env-staging-split'), config: { ...emptyConfig(), select: ['DJ018', 'DJ008', 'DJ004', 'DJ010', 'DJ009'] } });
    const [p, s] = selected.environments!;
    // production: DJ018 10, DJ008 7.5, DJ004 5, DJ010 7.5 pass; DJ009 (10) unknown: floor(100 * 30 / 40) = 75
    expect([p!.readiness.score, p!.readiness.passedWeight, p!.readiness.applicableWeight]).toEqual([75, 30, 40]);
    // staging: DJ018 and DJ008 fail as well: floor(100 * 12.5 / 40) = 31
    expect([s!.readiness.score, s!.readiness.passedWeight, s!.readiness.status]).toEqual([31, 12.5, 'NOT READY']);
    expect(selected.readiness.score).toBe(75);
  });
});

describe('staging sources: which are read', () => {
  it('no staging source: production only, nothing re-evaluated', async () => {
    const dir = variant('env-staging-split', { '.env.staging': null, 'config/settings/staging.py': null });
    const r = await runAudit({ root: dir });
    expect(r.environments!.map((e) => e.name)).toEqual(['production']);
  });

  it('a staging env file without a module of its own evaluates the production module with the staging values', async () => {
    const dir = variant('env-staging-split', { '.env.staging': 'DJANGO_DEBUG=1\n', 'config/settings/staging.py': null });
    const r = await runAudit({ root: dir });
    const staging = r.environments!.find((e) => e.name === 'staging')!;
    expect(staging.projects[0]!.settingsModule).toBe('config.settings.production');
    expect(staging.findings.map(line)).toEqual(['config/settings/base.py:8 DJ018 fail']);
  });

  it('a module named for staging without an env file is evaluated with no staging values', async () => {
    const dir = variant('env-staging-split', { '.env.staging': null });
    const r = await runAudit({ root: dir });
    const staging = r.environments!.find((e) => e.name === 'staging')!;
    expect(staging.projects[0]).toMatchObject({ settingsModule: 'config.settings.staging', reason: 'module named for staging', envSources: [] });
    expect(staging.findings.map(line)).toEqual(['config/settings/staging.py:4 DJ008 fail']);
  });

  it("cookiecutter-django's .envs/.staging/ files are staging sources", async () => {
    const dir = variant('env-staging-split', { '.env.staging': null, '.envs/.staging/.django': 'DJANGO_SETTINGS_MODULE=config.settings.staging\nDJANGO_DEBUG=on\n' });
    const r = await runAudit({ root: dir });
    const staging = r.environments!.find((e) => e.name === 'staging')!;
    expect(staging.projects[0]).toMatchObject({ settingsModule: 'config.settings.staging', envSources: ['.envs/.staging/.django'] });
    expect(staging.findings.map(line)).toEqual(['config/settings/base.py:8 DJ018 fail', 'config/settings/staging.py:4 DJ008 fail']);
  });

  it('example and test env files never count as staging; a staging example does not either', async () => {
    const dir = variant('env-staging-split', { '.env.staging': null, 'config/settings/staging.py': null, '.env.staging.example': 'DJANGO_DEBUG=true\n' });
    const r = await runAudit({ root: dir });
    expect(r.environments!.map((e) => e.name)).toEqual(['production']);
  });

  it('an inline suppression applies in staging too', async () => {
    const staging = "from .base import *  # noqa: F401,F403\n\nSECURE_SSL_REDIRECT = False  # audit-deploy: ignore[DJ008] -- staging is reached over the VPN only\n";
    const dir = variant('env-staging-split', { 'config/settings/staging.py': staging });
    const r = await runAudit({ root: dir });
    const env = r.environments!.find((e) => e.name === 'staging')!;
    expect(env.findings.map(line)).toEqual(['config/settings/base.py:8 DJ018 fail']);
    expect(env.readiness.items.find((i) => i.id === 'DJ008')!.status).toBe('silenced');
    // An unused-suppression notice is production's business: it is there, once.
    expect(r.notices.filter((n) => n.kind === 'suppression').length).toBe(1);
  });
});

describe('staging in a monorepo: only the project with staging sources changes', () => {
  it('the other project runs in staging as in production', async () => {
    const dir = variant('mono-two-projects', {
      'blog/.env.staging': 'DJANGO_SETTINGS_MODULE=blog.staging_settings\n',
      'blog/blog/staging_settings.py': 'from .settings import *  # noqa: F401,F403\n\nDEBUG = True\n',
    });
    const select = ['DJ018', 'DJ004', 'DJ008', 'DJ009', 'XF002', 'NGX013', 'SYS015', 'GHA001', 'GHA004'];
    const r = await runAudit({ root: dir, config: { ...emptyConfig(), select } });
    const [production, staging] = r.environments!;
    expect(staging!.name).toBe('staging');
    expect(staging!.projects.map((p) => [p.root, p.settingsModule])).toEqual([['blog', 'blog.staging_settings']]);
    expect(staging!.findings.map((f) => `${line(f)} ${f.project}`)).toEqual(['blog/blog/staging_settings.py:3 DJ018 fail blog']);
    // The shop's DEBUG still fails in staging (nothing says its staging differs): the scores differ by the blog's DEBUG alone.
    expect(production!.readiness.items.find((i) => i.id === 'DJ018')!.status).toBe('fail');
    expect(staging!.readiness.items.find((i) => i.id === 'DJ018')!.status).toBe('fail');
    expect(staging!.readiness.applicableWeight).toBe(production!.readiness.applicableWeight);
    expect(staging!.readiness.items.map((i) => i.status)).toEqual(production!.readiness.items.map((i) => i.status));
  });
});

describe('staging compose services', () => {
  const compose = [
    'services:',
    '  web:',
    '    image: registry.example.com/shop:staging',
    '    command: gunicorn config.wsgi:application --bind 0.0.0.0:8000 --workers 2',
    '    environment:',
    '      DJANGO_SETTINGS_MODULE: config.settings.production',
    '      DJANGO_DEBUG: "true"',
    '',
  ].join('\n');

  it('a service of docker-compose.staging.yml gets its own staging evaluation; production never sees it', async () => {
    const dir = variant('env-staging-split', { '.env.staging': null, 'config/settings/staging.py': null, 'docker-compose.staging.yml': compose });
    const r = await runAudit({ root: dir });
    expect(r.findings.filter((f) => f.ruleId === 'DJ018')).toEqual([]);
    const staging = r.environments!.find((e) => e.name === 'staging')!;
    expect(staging.projects).toEqual([
      {
        root: '.',
        service: 'compose service web (docker-compose.staging.yml)',
        settingsModule: 'config.settings.production',
        settingsFile: 'config/settings/production.py',
        reason: 'DJANGO_SETTINGS_MODULE in compose service web (docker-compose.staging.yml)',
        envSources: ['compose service web (docker-compose.staging.yml)'],
      },
    ]);
    const debug = staging.findings.filter((f) => f.ruleId === 'DJ018');
    expect(debug.map((f) => [line(f), f.related.map((x) => `${x.span.file}:${x.span.start.line}`)])).toEqual([['config/settings/base.py:8 DJ018 fail', ['docker-compose.staging.yml:7']]]);
    expect(staging.readiness.items.find((i) => i.id === 'DJ018')!.status).toBe('fail');
  });

  it('the same file named for production stays production\'s', async () => {
    const dir = variant('env-staging-split', { '.env.staging': null, 'config/settings/staging.py': null, 'docker-compose.prod.yml': compose });
    const r = await runAudit({ root: dir });
    expect(r.environments!.map((e) => e.name)).toEqual(['production']);
    expect(r.findings.filter((f) => f.ruleId === 'DJ018').map(line)).toEqual(['config/settings/base.py:8 DJ018 fail']);
  });
});

describe('units and overlays named for staging are staging services, not production ones', async () => {
  const dir = mkdtempSync(join(tmp, 'staging-units-'));
  const put = (path: string, text: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  put('manage.py', 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n');
  put('shop/__init__.py', '');
  put('shop/urls.py', 'urlpatterns = []\n');
  put('shop/wsgi.py', 'from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n');
  put('shop/settings.py', ['import os', 'SECRET_KEY = os.environ["SECRET_KEY"]', 'DEBUG = os.environ.get("DEBUG", "0") == "1"', 'ALLOWED_HOSTS = ["shop.example.com"]', 'ROOT_URLCONF = "shop.urls"', ''].join('\n'));
  const unit = (extra: string) =>
    ['[Unit]', 'Description=shop', '', '[Service]', 'WorkingDirectory=/srv/shop', 'Environment=DJANGO_SETTINGS_MODULE=shop.settings', 'Environment=SECRET_KEY=k3Jf9sLq0vXz2RtY7uWbN4mPcH8eGdA1', extra, 'ExecStart=/srv/venv/bin/gunicorn shop.wsgi:application --bind 127.0.0.1:8000', '', '[Install]', 'WantedBy=multi-user.target', ''].join('\n');
  put('deploy/production/shop.service', unit('Environment=DEBUG=0'));
  put('deploy/staging/shop.service', unit('Environment=DEBUG=1'));
  const result = await runAudit({ root: dir, config: { ...emptyConfig(), select: ['DJ018'] } });

  it('DEBUG switched on by the staging unit is a staging finding, not a production one', () => {
    expect(result.findings.filter((f) => f.ruleId === 'DJ018')).toEqual([]);
    const staging = result.environments!.find((e) => e.name === 'staging')!;
    const debug = staging.findings.filter((f) => f.ruleId === 'DJ018');
    expect(debug.map(line)).toEqual(['shop/settings.py:3 DJ018 fail']);
    expect(debug[0]!.related.map((r) => `${r.span.file}:${r.span.start.line}`)).toContain('deploy/staging/shop.service:8');
  });
});

describe('per-service settings: which projects may hold a service application (moduleHolder)', () => {
  it('never rules out a project the module resolver finds the application in', () => {
    // The resolver is the reference: a pair ruled out must be one whose module it resolves outside the project.
    const segment = fc.constantFrom('svc', 'shop', 'app', 'wsgi', 'svc.py', 'a');
    const dir = fc.array(segment, { minLength: 0, maxLength: 3 }).map((s) => s.join('/'));
    const file = fc.tuple(dir, fc.constantFrom('wsgi.py', '__init__.py', 'svc.py', 'shop.py', 'app.py', 'x.txt')).map(([d, b]) => (d ? `${d}/${b}` : b));
    fc.assert(
      fc.property(fc.uniqueArray(file, { maxLength: 14 }), fc.array(dir, { minLength: 1, maxLength: 3 }), fc.array(dir, { minLength: 1, maxLength: 6 }), (paths, roots, modulePaths) => {
        const files = paths.map((path) => ({ path, absPath: `/repo/${path}`, kind: 'python' as const, size: 1 }));
        const byPath = new Map(files.map((f) => [f.path, f]));
        for (const root of roots) {
          const resolver = new ProjectResolver({ byPath, python: () => undefined }, root === '' ? [''] : [root, '']);
          const holds = moduleHolder(root, files);
          for (const path of modulePaths) {
            if (path === '') continue;
            const found = resolver.fileOf(path.split('/').join('.'));
            if (found !== undefined && (root === '' || found.startsWith(`${root}/`))) expect(holds(path), `${root} ${path} -> ${found}`).toBe(true);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
