import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/audit.js';
import { buildModel, buildModelWithSources } from '../src/model/build.js';
import { environmentVariants } from '../src/model/environments.js';
import { LayeredEnv } from '../src/model/env/types.js';
import type { DjangoProject } from '../src/model/types.js';

/**
 * Issue 5: a Kubernetes container that runs the Django app is a service whose environment the
 * settings are re-evaluated in, layered as the kubelet layers it.
 */
const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures');
const at = (s: { file: string; start: { line: number } }) => `${s.file}:${s.start.line}`;
const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'audit-deploy-k8s-env-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const SHOP = {
  'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n',
  'requirements.txt': 'Django==5.1.4\ndjango-environ==0.11.2\ngunicorn==23.0.0\n',
  'shop/__init__.py': '',
  'shop/urls.py': 'urlpatterns = []\n',
  'shop/wsgi.py': 'import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\napplication = get_wsgi_application()\n',
  'shop/settings.py': [
    'import environ',
    'env = environ.Env()',
    'DEBUG = env.bool("DEBUG", False)',
    'SECRET_KEY = env("DJANGO_SECRET_KEY", default="")',
    'ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])',
    'TIME_ZONE = env("TZ_NAME", default="UTC")',
    'LANGUAGE_CODE = env("LANG_CODE", default="en-us")',
    'ROOT_URLCONF = "shop.urls"',
    '',
  ].join('\n'),
};

function variants(projects: DjangoProject[] | undefined): Map<string, DjangoProject> {
  return new Map((projects ?? []).map((p) => [p.service?.name ?? '(project)', p]));
}

describe('Kubernetes container environments', () => {
  it('env wins over envFrom, a later envFrom source wins over an earlier one, prefix and $(VAR) applied, Secret data decoded', async () => {
    const root = repo({
      ...SHOP,
      'k8s/config.yaml': [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: {name: base-config}',
        'data:',
        '  DEBUG: "false"',
        '  ALLOWED_HOSTS: a.example.com',
        '  TZ_NAME: Europe/Paris',
        '---',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: {name: site-config}',
        'data:',
        '  DEBUG: "true"',
        '  CODE: fr-fr',
        '---',
        'apiVersion: v1',
        'kind: Secret',
        'metadata: {name: shop-secrets}',
        'data:',
        `  KEY: ${Buffer.from('k'.repeat(60)).toString('base64')}`,
        '',
      ].join('\n'),
      'k8s/deployment.yaml': [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: shop}',
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: web',
        '          image: registry.example.com/shop:2',
        '          args: ["gunicorn", "shop.wsgi:application", "--bind", "0.0.0.0:8000"]',
        '          envFrom:',
        '            - configMapRef: {name: base-config}',
        '            - configMapRef: {name: site-config}',
        '            - prefix: LANG_',
        '              configMapRef: {name: site-config}',
        '          env:',
        '            - name: ALLOWED_HOSTS',
        '              value: "b.example.com,$(HOST_SUFFIX)"',
        '            - name: HOST_SUFFIX',
        '              value: c.example.com',
        '            - name: TZ_NAME',
        '              value: "$(TZ_NAME)x"',
        '            - name: DJANGO_SECRET_KEY',
        '              valueFrom:',
        '                secretKeyRef: {name: shop-secrets, key: KEY}',
        '            - name: POD_IP',
        '              valueFrom:',
        '                fieldRef: {fieldPath: status.podIP}',
        '',
      ].join('\n'),
    });
    const model = await buildModel(root);
    const v = variants(model.djangoServiceVariants).get('Kubernetes Deployment shop, container web')!;
    expect(v).toBeDefined();
    const env = new LayeredEnv(v.envLayers);
    // site-config (the later source) wins DEBUG; env wins ALLOWED_HOSTS; $(HOST_SUFFIX) is defined after it: kept as written.
    expect(env.lookup('DEBUG')).toMatchObject({ value: 'true' });
    expect(at(env.lookup('DEBUG')!.span)).toBe('k8s/config.yaml:13');
    expect(env.lookup('ALLOWED_HOSTS')?.value).toBe('b.example.com,$(HOST_SUFFIX)');
    expect(env.lookup('TZ_NAME')?.value).toBe('Europe/Parisx');
    expect(env.lookup('LANG_CODE')?.value).toBe('fr-fr');
    expect(env.lookup('DJANGO_SECRET_KEY')?.value).toBe('k'.repeat(60));
    expect(at(env.lookup('DJANGO_SECRET_KEY')!.span)).toBe('k8s/config.yaml:20');
    expect(env.lookup('POD_IP')?.value).toBeNull();
    expect(v.settings.get('DEBUG')?.value).toEqual(expect.objectContaining({ kind: 'bool', value: true }));
    expect(v.settings.get('LANGUAGE_CODE')?.value).toEqual(expect.objectContaining({ kind: 'str', value: 'fr-fr' }));
    // The image is not known to be the repository's (no Dockerfile): the environment is not complete.
    expect(v.service!.complete).toBe(false);
    // The decoded Secret never reaches a report.
    const result = await runAudit({ root });
    expect(result.secrets).toContain('k'.repeat(60));
  });

  it('a ConfigMap or Secret not in the repository leaves the environment incomplete; foreign images and non-web commands are no service', async () => {
    const root = repo({
      ...SHOP,
      'k8s/deployment.yaml': [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: shop}',
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: web',
        '          image: registry.example.com/shop:2',
        '          command: ["gunicorn", "shop.wsgi:application"]',
        '          env:',
        '            - name: DEBUG',
        '              value: "1"',
        '            - name: DJANGO_SECRET_KEY',
        '              valueFrom:',
        '                secretKeyRef: {name: made-elsewhere, key: key}',
        '        - name: cache',
        '          image: redis:7',
        '        - name: worker',
        '          image: registry.example.com/shop:2',
        '          command: ["celery", "-A", "shop", "worker"]',
        '          env:',
        '            - name: DEBUG',
        '              value: "1"',
        '',
      ].join('\n'),
    });
    const model = await buildModel(root);
    const names = [...variants(model.djangoServiceVariants).keys()];
    expect(names).toEqual(['Kubernetes Deployment shop, container web']);
    const v = model.djangoServiceVariants![0]!;
    expect(v.service!.complete).toBe(false);
    expect(v.settings.get('DEBUG')?.value).toEqual(expect.objectContaining({ kind: 'bool', value: true }));
  });

  it('a kustomize configMapGenerator: env files then literals, as kustomize reads them; merge behaviour and quoted values unknown', async () => {
    const deployment = [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: shop}', 'spec:', '  template:', '    spec:', '      containers:', '        - name: web',
      '          image: registry.example.com/shop:2', '          command: ["gunicorn", "shop.wsgi:application"]',
      '          envFrom:', '            - configMapRef: {name: shop-env}', '            - configMapRef: {name: other-env}', '',
    ].join('\n');
    const root = repo({
      ...SHOP,
      'deploy/k8s/deployment.yaml': deployment,
      'deploy/k8s/kustomization.yaml': [
        'resources: [deployment.yaml]',
        'configMapGenerator:',
        '  - name: shop-env',
        '    envs: [config/prod.env]',
        '    literals:',
        '      - LANG_CODE=de-de',
        '  - name: other-env',
        '    envs: [config/quoted.env]',
        '',
      ].join('\n'),
      'deploy/k8s/config/prod.env': '# production\n  DEBUG=true\nLANG_CODE=fr-fr\nTZ_NAME=Europe/Berlin\n',
      'deploy/k8s/config/quoted.env': 'ALLOWED_HOSTS="shop.example.com"\n',
    });
    const model = await buildModel(root);
    const v = model.djangoServiceVariants!.find((p) => p.service!.name === 'Kubernetes Deployment shop, container web')!;
    const env = new LayeredEnv(v.envLayers);
    expect([env.lookup('DEBUG')?.value, at(env.lookup('DEBUG')!.span)]).toEqual(['true', 'deploy/k8s/config/prod.env:2']);
    expect(env.lookup('LANG_CODE')?.value).toBe('de-de');
    expect(env.lookup('TZ_NAME')?.value).toBe('Europe/Berlin');
    // other-env has a quoted value (kustomize versions differ on quotes): its content is not known.
    expect(env.lookup('ALLOWED_HOSTS')).toBeUndefined();
    expect(v.service!.complete).toBe(false);
  });

  it('a complete environment (repository image, declared env, every source here) lacking a required variable: XF003; none declared: not complete', async () => {
    const files = (env: string[]) => ({
      ...SHOP,
      'shop/settings.py': 'import environ\nenv = environ.Env()\nSECRET_KEY = env("DJANGO_SECRET_KEY")\nDEBUG = env.bool("DEBUG", False)\nROOT_URLCONF = "shop.urls"\n',
      Dockerfile: 'FROM python:3.12-slim\nCOPY . /app\nWORKDIR /app\nCMD ["gunicorn", "shop.wsgi:application", "--bind", "0.0.0.0:8000"]\n',
      'k8s/deployment.yaml': ['apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: shop}', 'spec:', '  template:', '    spec:', '      containers:', '        - name: web', '          image: registry.example.com/shop:2', ...env, ''].join('\n'),
    });
    const declared = await runAudit({ root: repo(files(['          env:', '            - name: DEBUG', '              value: "0"'])) });
    const missing = declared.findings.filter((f) => f.ruleId === 'XF003');
    expect(missing.map((f) => [f.environment, at(f.span), f.related.map((r) => at(r.span))])).toEqual([
      ['Kubernetes Deployment shop, container web', 'shop/settings.py:3', ['k8s/deployment.yaml:8']],
    ]);
    const undeclared = await runAudit({ root: repo(files([])) });
    expect(undeclared.findings.filter((f) => f.ruleId === 'XF003')).toEqual([]);
  });

  it('a container command naming the image\'s start script (the repository\'s Dockerfile copies it) runs the server that script starts', async () => {
    const root = repo({
      ...SHOP,
      Dockerfile: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY compose/start /start\nRUN chmod +x /start\nCOPY . /app\nCMD ["/start"]\n',
      'compose/start': '#!/bin/bash\nset -o errexit\npython manage.py migrate\nexec gunicorn shop.wsgi:application --bind 0.0.0.0:8000\n',
      'k8s/deployment.yaml': ['apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: shop}', 'spec:', '  template:', '    spec:', '      containers:', '        - name: web',
        '          image: registry.example.com/shop:2', '          command: ["/start"]', '          env:', '            - name: DEBUG', '              value: "on"', ''].join('\n'),
    });
    const model = await buildModel(root);
    const v = model.djangoServiceVariants!.find((p) => p.service!.name === 'Kubernetes Deployment shop, container web');
    expect(v?.settings.get('DEBUG')?.value).toEqual(expect.objectContaining({ kind: 'bool', value: true }));
    expect(at(v!.service!.span)).toBe('k8s/deployment.yaml:10');
  });

  it('fixture: DEBUG turned on by a ConfigMap is reported on the settings line with the ConfigMap line related', async () => {
    const result = await runAudit({ root: join(FIXTURES, 'xf-k8s-env-configmap') });
    const debug = result.findings.filter((f) => f.ruleId === 'DJ018');
    expect(debug.map((f) => [f.environment, at(f.span), f.related.map((r) => at(r.span))])).toEqual([
      ['Kubernetes Deployment shop, container web', 'shop/settings.py:6', ['k8s/configmap.yaml:6']],
    ]);
    expect(debug[0]!.message).toMatch(/^DEBUG is True \(from DEBUG=true in ConfigMap shop-config via envFrom\)/);
  });

  it('fixture: kustomize overlays each give their own variant (staging in the staging environment), patches of ConfigMaps included; development overlays none', async () => {
    const { model, sources } = await buildModelWithSources(join(FIXTURES, 'xf-k8s-env-kustomize'));
    const byName = variants(model.djangoServiceVariants);
    // The staging overlay is staging's business, not the production gate's (src/model/environments.ts).
    expect([...byName.keys()].sort()).toEqual(['Kubernetes Deployment shop, container web (k8s/overlays/production)']);
    const staged = variants(environmentVariants(model, sources));
    expect([...staged.keys()].filter((k) => k.startsWith('Kubernetes'))).toEqual(['Kubernetes Deployment shop, container web (k8s/overlays/staging)']);
    const prod = byName.get('Kubernetes Deployment shop, container web (k8s/overlays/production)')!;
    const staging = staged.get('Kubernetes Deployment shop, container web (k8s/overlays/staging)')!;
    expect(staging.settings.environment).toBe('staging');
    const prodEnv = new LayeredEnv(prod.envLayers);
    expect([prodEnv.lookup('DEBUG')?.value, at(prodEnv.lookup('DEBUG')!.span)]).toEqual(['true', 'k8s/overlays/production/patches/config.yaml:7']);
    expect(new LayeredEnv(staging.envLayers).lookup('DEBUG')?.value).toBe('false');
    expect(new LayeredEnv(staging.envLayers).lookup('SESSION_COOKIE_SECURE')?.value).toBe('yes');
    // The image is built from the repository's Dockerfile (its CMD runs gunicorn): its ENV is the lowest layer.
    expect(new LayeredEnv(prod.envLayers).lookup('DJANGO_SETTINGS_MODULE')).toMatchObject({ value: 'shop.settings', layer: 'Dockerfile (Dockerfile ENV)' });
    expect(prod.service!.complete).toBe(true);
  });
});

describe('XF020: a valueFrom key the repository\'s ConfigMap or Secret lacks', () => {
  it('reports each missing non-optional key with the object named; optional, out-of-band and generated objects stay silent', async () => {
    const result = await runAudit({ root: join(FIXTURES, 'xf-k8s-env-missing-key') });
    const found = result.findings.filter((f) => f.ruleId === 'XF020');
    expect(found.map((f) => [at(f.span), f.related.map((r) => at(r.span))])).toEqual([
      ['k8s/deployment.yaml:22', ['k8s/config.yaml:4']],
      ['k8s/deployment.yaml:33', ['k8s/config.yaml:4']],
    ]);
    expect(found[1]!.message).toBe(
      'Deployment shop, container web reads key DATABASE_URL of ConfigMap shop-config, which the ConfigMap in k8s/config.yaml does not have (it holds DB_URL, ALLOWED_HOSTS): the container fails with CreateContainerConfigError and never starts',
    );
  });

  it('a key added by the overlay\'s own ConfigMap patch counts; another overlay\'s patch does not', async () => {
    const deployment = (key: string) =>
      ['apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: shop}', 'spec:', '  template:', '    spec:', '      containers:', '        - name: web', '          image: registry.example.com/shop:2',
        '          env:', '            - name: X', '              valueFrom:', `                configMapKeyRef: {name: cfg, key: ${key}}`, ''].join('\n');
    const root = repo({
      'k8s/base/kustomization.yaml': 'resources: [deployment.yaml, cfg.yaml]\n',
      'k8s/base/deployment.yaml': deployment('FEATURE'),
      'k8s/base/cfg.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata:\n  OTHER: "1"\n',
      'k8s/overlays/production/kustomization.yaml': 'resources: [../../base]\npatches:\n  - path: cfg.yaml\n',
      'k8s/overlays/production/cfg.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata:\n  FEATURE: "on"\n',
      'k8s/overlays/staging/kustomization.yaml': 'resources: [../../base]\npatches:\n  - path: cfg.yaml\n',
      'k8s/overlays/staging/cfg.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata:\n  OTHER: "2"\n',
    });
    const result = await runAudit({ root });
    const found = result.findings.filter((f) => f.ruleId === 'XF020');
    expect(found.map((f) => f.message.split(' reads')[0])).toEqual(['Deployment shop, container web (overlay k8s/overlays/staging)']);
  });
});

describe('bad input', () => {
  it('malformed env, envFrom, valueFrom, Secret data and generators never throw', async () => {
    const root = repo({
      'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n',
      'shop/__init__.py': '', 'shop/wsgi.py': 'application = None\n',
      'shop/settings.py': 'import os\nDEBUG = os.environ.get("DEBUG") == "1"\nMIDDLEWARE = ["django.middleware.csrf.CsrfViewMiddleware"]\nALLOWED_HOSTS=["*"]\n',
      'k8s/a.yaml': [
        'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: a}', 'spec:', '  template:', '    spec:', '      containers:',
        '        - name: web', '          image: x/y', '          command: gunicorn shop.wsgi', '          env: 3', '          envFrom: {a: b}',
        '        - name: w2', '          image: x/y', '          command: [gunicorn, "shop.wsgi:application", 3]',
        '        - name: w3', '          image: x/y', '          command: [gunicorn, "shop.wsgi:application"]',
        '          env:', '            - name: DEBUG', '              valueFrom: 7', '            - value: x', '            - name: Y', '              value: [1,2]',
        '            - name: Z', '              valueFrom: {configMapKeyRef: [a]}', '            - name: Q', '              valueFrom: {secretKeyRef: {name: s, key: k}}',
        '          envFrom:', '            - configMapRef: {name: [x]}', '            - secretRef: {name: s}', '              prefix: 9',
        '---', 'apiVersion: v1', 'kind: Secret', 'metadata: {name: s}', 'data:', '  k: "!!notbase64"', '  "in valid": YWJj', '  j: [1]',
        '---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: c}', 'data: 5', '',
      ].join('\n'),
      'k8s/kustomization.yaml': 'resources: [a.yaml]\nconfigMapGenerator:\n  - name: c2\n    envs: [../../../etc/x.env]\n    literals: [5, "=x", "A"]\n  - name: [bad]\npatches: 7\n',
    });
    const r = await runAudit({ root });
    expect(r.findings.length).toBeGreaterThan(0);
  });
});
