/**
 * Differential test of djangoAnswer (src/model/deployment/probe-django.ts), what XF009 and XF010
 * stand on, against real Django: generated projects (SECURE_SSL_REDIRECT, SECURE_REDIRECT_EXEMPT,
 * SECURE_SSL_HOST, APPEND_SLASH, ALLOWED_HOSTS, middleware order, a URLconf with include() and
 * converters) are audited the way the product reads them (buildModel), and the same settings are
 * handed to django.test.Client, which sends each probe request over plain HTTP. Every answer
 * audit-deploy gives (301 to https://, 301 to the slashed path, 400, 404, a view) must be Django's.
 *
 *   AUDIT_DEPLOY_PROBE_SEED   seed (default 20261201)
 *   AUDIT_DEPLOY_PROBE_CASES  number of projects (default 40)
 * Needs a Python with Django (AUDIT_DEPLOY_DJANGO_PYTHONS); with CI or AUDIT_DEPLOY_DJANGO_REQUIRED
 * set, a missing Django fails instead of skipping.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../src/model/build.js';
import { djangoAnswer } from '../src/model/deployment/probe-django.js';
import type { HealthProbe } from '../src/model/deployment/probes.js';
import { hostAllowed } from '../src/model/django-helpers.js';
import { djangoInterpreters } from './differential/django.js';
import { Rng } from './differential/rng.js';

const SEED = Number(process.env.AUDIT_DEPLOY_PROBE_SEED ?? 20261201);
const COUNT = Number(process.env.AUDIT_DEPLOY_PROBE_CASES ?? 40);
const interpreters = djangoInterpreters();
const python = interpreters.available[0]?.python;
const required = !!process.env.CI || !!process.env.AUDIT_DEPLOY_DJANGO_REQUIRED;

const S = 'django.middleware.security.SecurityMiddleware';
const C = 'django.middleware.common.CommonMiddleware';
const SESSION = 'django.contrib.sessions.middleware.SessionMiddleware';
const CSRF = 'django.middleware.csrf.CsrfViewMiddleware';

const ROUTES = [
  `path("health/", views.ok)`,
  `path("healthz", views.ok)`,
  `re_path(r"^ready/?$", views.ok)`,
  `path("status/<int:n>/", views.ok)`,
  `path("api/", include([path("ping/", views.ok), re_path(r"^v(?P<v>[12])/live$", views.ok)]))`,
  `path("", views.ok)`,
];
const PATHS = ['/', '/health', '/health/', '/healthz', '/healthz/', '/ready', '/ready/', '/status/1/', '/status/1', '/status/x/', '/api/ping/', '/api/ping', '/api/v1/live', '/api/v3/live', '/nope/', '/nope', '/health/?full=1'];
const HOSTS = ['localhost:8000', 'shop.example.com'];
const EXEMPT = ['^health', '^healthz$', 'ready', '^$', '^status/\\d+/$', '^api/'];

interface Case {
  name: string;
  settings: Record<string, unknown>;
  urls: string;
}

function py(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (Array.isArray(v)) return `[${v.map(py).join(', ')}]`;
  if (typeof v === 'string') return JSON.stringify(v);
  throw new Error(`no literal for ${String(v)}`);
}

function generate(rng: Rng, i: number): Case {
  const settings: Record<string, unknown> = {
    DEBUG: false,
    ALLOWED_HOSTS: rng.pick([['localhost'], ['*'], ['shop.example.com'], ['.localhost', '127.0.0.1']]),
    MIDDLEWARE: rng.pick([[S, C], [S], [C], [S, SESSION, C, CSRF], [C, S], []]),
    SECURE_SSL_REDIRECT: rng.chance(0.7),
    SECURE_REDIRECT_EXEMPT: rng.subset(EXEMPT, 0.3),
    SECURE_SSL_HOST: rng.pick(['', '', 'secure.example.com']),
    APPEND_SLASH: rng.chance(0.7),
  };
  const routes = rng.subset(ROUTES, 0.6);
  const urls = `from django.urls import include, path, re_path\n\nfrom . import views\n\nurlpatterns = [\n${routes.map((r) => `    ${r},`).join('\n')}\n]\n`;
  return { name: `case${i}`, settings, urls };
}

const VIEWS = 'from django.http import HttpResponse\n\n\ndef ok(request, **kwargs):\n    return HttpResponse("ok")\n';

const work = mkdtempSync(join(tmpdir(), 'audit-deploy-probe-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!python && !required)("Django's answer to a probe, against real Django", () => {
  it(`agrees with django.test.Client (${interpreters.available.map((i) => i.version).join(', ') || 'no Django'}) on ${COUNT} generated projects`, async () => {
    expect(python, `no Python with Django: ${interpreters.skipped.map((s) => `${s.python}: ${s.reason}`).join('; ')}`).toBeDefined();
    const rng = new Rng(SEED);
    const cases = Array.from({ length: COUNT }, (_, i) => generate(rng, i));
    const requests = PATHS.flatMap((path) => HOSTS.map((host) => ({ path, host })));
    for (const c of cases) {
      // Django's side: the URLconf as <case>.urls; ours: a project whose ROOT_URLCONF is shop.urls.
      mkdirSync(join(work, 'django', c.name), { recursive: true });
      writeFileSync(join(work, 'django', c.name, '__init__.py'), '');
      writeFileSync(join(work, 'django', c.name, 'urls.py'), c.urls);
      writeFileSync(join(work, 'django', c.name, 'views.py'), VIEWS);
      const ours = join(work, 'ours', c.name);
      mkdirSync(join(ours, 'shop'), { recursive: true });
      writeFileSync(join(ours, 'requirements.txt'), 'Django==3.2.25\n');
      writeFileSync(join(ours, 'shop', '__init__.py'), '');
      writeFileSync(join(ours, 'shop', 'urls.py'), c.urls);
      writeFileSync(join(ours, 'shop', 'views.py'), VIEWS);
      const lines = Object.entries(c.settings).map(([k, v]) => `${k} = ${py(v)}`);
      writeFileSync(join(ours, 'shop', 'settings.py'), `SECRET_KEY = "x"\nROOT_URLCONF = "shop.urls"\n${lines.join('\n')}\n`);
    }
    const specFile = join(work, 'spec.json');
    writeFileSync(specFile, JSON.stringify({ cases: cases.map((c) => ({ name: c.name, settings: c.settings, requests })) }));
    const driver = join(import.meta.dirname, 'probe-answer-differential.py');
    const disagreements: string[] = [];
    const seen = new Map<string, number>();
    let unknown = 0;
    const models = new Map<string, Awaited<ReturnType<typeof buildModel>>>();
    for (const c of cases) models.set(c.name, await buildModel(join(work, 'ours', c.name)));
    for (const interp of interpreters.available) {
      const django = JSON.parse(execFileSync(interp.python, [driver, join(work, 'django'), specFile], { encoding: 'utf8', maxBuffer: 64 << 20 })) as Record<string, Array<{ status: number; location: string | null }>>;
      for (const c of cases) {
        const model = models.get(c.name)!;
        const project = model.djangoProjects[0];
        expect(project, `${c.name}: no project`).toBeDefined();
        requests.forEach((r, k) => {
          const probe: HealthProbe = {
            source: 'compose', label: 'probe', file: 'x', span: project!.production.span ?? { file: 'x', start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } },
            scheme: 'http', path: r.path, port: 8000, hostHeader: r.host, headers: [], client: 'curl', redirects: 'stop', accepts: [[200, 399]], acceptsText: '', related: [], project: project!,
          };
          const a = djangoAnswer(project!, probe, hostAllowed);
          const theirs = django[c.name]![k]!;
          if (a.kind === 'unknown') {
            unknown++;
            return;
          }
          const predicted = a.hostRejected ? '400' : a.kind;
          seen.set(predicted, (seen.get(predicted) ?? 0) + 1);
          const pathOnly = r.path.split('?')[0]!;
          const ok =
            predicted === '400' ? theirs.status === 400
            : a.kind === 'https-redirect' ? theirs.status === 301 && theirs.location === `https://${a.sslHost ?? r.host}${r.path}`
            : a.kind === 'slash-redirect' ? theirs.status === 301 && theirs.location === a.to
            : a.kind === 'not-found' ? theirs.status === 404
            : theirs.status === 200;
          if (!ok) disagreements.push(`Django ${interp.version}: ${c.name} GET ${r.path} Host ${r.host}: audit-deploy ${predicted}${a.kind === 'slash-redirect' ? ` ${a.to}` : ''}, Django ${theirs.status} ${theirs.location ?? ''} (${pathOnly})\n  ${JSON.stringify(c.settings)}\n${c.urls}`);
        });
      }
    }
    expect(disagreements.slice(0, 3)).toEqual([]);
    // Every kind of answer was met; unknown only where CommonMiddleware placed before SecurityMiddleware
    // makes the answer depend on the Django release (APPEND_SLASH in process_request before 4.1).
    expect([...seen.keys()].sort()).toEqual(['400', 'https-redirect', 'not-found', 'slash-redirect', 'view']);
    expect(unknown).toBeLessThan((requests.length * COUNT * interpreters.available.length) / 10);
  }, 300_000);
});

if (!python) console.warn(`probe answer differential test not run: ${interpreters.skipped.map((s) => `${s.python}: ${s.reason}`).join('; ')}`);
