import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Span } from '../src/core/position.js';
import { makeSourceText } from '../src/core/source.js';
import { buildModel } from '../src/model/build.js';
import { parseShortPort, shellwords } from '../src/model/containers/compose.js';
import { effectiveEnv } from '../src/model/containers/query.js';
import type { ComposeProject } from '../src/model/containers/types.js';
import type { DeploymentModel } from '../src/model/types.js';
import { interpolate } from '../src/parse/compose/interpolate.js';
import { get, readYaml } from '../src/parse/compose/yaml.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function model(files: Record<string, string | Buffer>): Promise<DeploymentModel> {
  const root = mkdtempSync(join(tmpdir(), 'h5-compose-'));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return buildModel(root);
}

const pos = (s: Span | undefined) => (s ? `${s.file}:${s.start.line}:${s.start.column}` : undefined);
const project = (m: DeploymentModel, name: string): ComposeProject => {
  const p = (m.composeProjects ?? []).find((x) => x.name === name);
  if (!p) throw new Error(`no project ${name}; have ${(m.composeProjects ?? []).map((x) => x.name).join(', ')}`);
  return p;
};

describe('compose interpolation', () => {
  const env: Record<string, string> = { SET: 'v', EMPTY: '' };
  const run = (t: string) => interpolate(t, (n) => (n in env ? { value: env[n]! } : undefined));

  it('implements every operator of the compose specification', () => {
    expect(run('${SET:-d} ${EMPTY:-d} ${UNSET:-d}').value).toBe('v d d');
    expect(run('${SET-d} ${EMPTY-d} ${UNSET-d}').value).toBe('v  d');
    expect(run('${SET:+a} ${EMPTY:+a} ${UNSET:+a}').value).toBe('a  ');
    expect(run('${SET+a} ${EMPTY+a} ${UNSET+a}').value).toBe('a a ');
    expect(run('$SET/${SET}x').value).toBe('v/vx');
    expect(run('${UNSET}').value).toBe('');
  });

  it('nests defaults, unescapes $$, leaves $ before a non-name alone', () => {
    expect(run('${UNSET:-${ALSO:-${SET}}}').value).toBe('v');
    expect(run('$$SET costs $5 and $$').value).toBe('$SET costs $5 and $');
  });

  it('records where each value came from', () => {
    expect(run('${SET:-d}').vars).toEqual([{ name: 'SET', source: 'project-env', operator: ':-', fallback: 'd' }]);
    expect(run('${UNSET:-d}').vars).toEqual([{ name: 'UNSET', source: 'default', operator: ':-', fallback: 'd' }]);
    expect(run('${UNSET:?need it}').requiredMissing).toEqual({ name: 'UNSET', message: 'need it' });
    expect(run('${EMPTY?x}').requiredMissing).toBeUndefined();
  });

  it('refuses what compose refuses', () => {
    expect(run('${SET/a/b}').error).toMatch(/invalid interpolation format/);
    expect(run('pre ${SET').error).toMatch(/unterminated/);
  });
});

describe('positioned YAML', () => {
  it('applies << merge keys: own keys win, the first merged mapping wins over later ones', () => {
    const src = makeSourceText('c.yml', 'a: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\nc:\n  <<: [*a, *b]\n  y: 3\n');
    const c = get(readYaml(src).root, 'c')!;
    expect(c.kind === 'map' && c.pairs.map((p) => [p.key, p.value.kind === 'scalar' ? p.value.value : null, p.merged ?? false])).toEqual([
      ['y', 3, false],
      ['x', 1, true],
      ['z', 2, true],
    ]);
    // The merged value keeps the position where it is written (the anchor).
    expect(pos(c.kind === 'map' ? c.pairs[1]!.value.span : undefined)).toBe('c.yml:1:11');
  });

  it('survives an alias bomb and reports syntax errors with positions', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
    expect(() => readYaml(makeSourceText('bomb.yml', bomb))).not.toThrow();
    const broken = readYaml(makeSourceText('b.yml', 'services:\n  web:\n    image: "unterminated\n'));
    expect(broken.problems.length).toBeGreaterThan(0);
    expect(broken.problems[0]!.span.file).toBe('b.yml');
  });
});

describe('ports and command words', () => {
  it('parses the short port syntax', () => {
    expect(parseShortPort('5432')).toEqual({ target: '5432', protocol: 'tcp' });
    expect(parseShortPort('8000:80')).toEqual({ target: '80', published: '8000', protocol: 'tcp' });
    expect(parseShortPort('127.0.0.1:5432:5432')).toEqual({ target: '5432', published: '5432', hostIp: '127.0.0.1', protocol: 'tcp' });
    expect(parseShortPort('[::1]:6379:6379/udp')).toEqual({ target: '6379', published: '6379', hostIp: '::1', protocol: 'udp' });
    expect(parseShortPort('127.0.0.1::5000')).toEqual({ target: '5000', hostIp: '127.0.0.1', protocol: 'tcp' });
    expect(parseShortPort('9090-9091:8080-8081')).toEqual({ target: '8080-8081', published: '9090-9091', protocol: 'tcp' });
  });

  it('splits string commands as compose does, without a shell', () => {
    expect(shellwords(`sh -c "echo 'a b' && run"  x\\ y`)).toEqual(['sh', '-c', "echo 'a b' && run", 'x y']);
  });
});

describe('compose projects', () => {
  it('merges docker-compose.yml with its override as one development project, and runs a prod file over the base', async () => {
    const m = await model({
      'docker-compose.yml': 'services:\n  web:\n    build: .\n    command: gunicorn shop.wsgi\n    ports: ["8000:8000"]\n    volumes: ["./a:/data"]\n    environment:\n      - A=1\n      - "B=base"\n  db:\n    image: postgres:16\n',
      'docker-compose.override.yml': 'services:\n  web:\n    command: python manage.py runserver\n    ports: ["5678:5678"]\n    volumes: ["./b:/data"]\n    environment:\n      B: override\n',
      'docker-compose.prod.yml': 'services:\n  web:\n    restart: always\n    environment:\n      C: "3"\n',
      Dockerfile: 'FROM python:3.12-slim\nCMD ["gunicorn", "shop.wsgi"]\n',
    });
    const dev = project(m, 'docker-compose.yml + docker-compose.override.yml');
    expect(dev.role).toBe('development');
    const web = dev.services.find((s) => s.name === 'web')!;
    expect(web.files).toEqual(['docker-compose.yml', 'docker-compose.override.yml']);
    expect(web.command?.argv).toEqual(['python', 'manage.py', 'runserver']);
    expect(web.ports.map((p) => p.text)).toEqual(['8000:8000', '5678:5678']);
    expect(web.volumes.map((v) => v.text)).toEqual(['./b:/data']);
    expect(web.environment.map((e) => [e.name, e.value?.value])).toEqual([
      ['A', '1'],
      ['B', 'override'],
    ]);

    const prod = project(m, 'docker-compose.yml + docker-compose.prod.yml');
    expect(prod.role).toBe('production');
    const pweb = prod.services.find((s) => s.name === 'web')!;
    expect(pweb.restart?.value).toBe('always');
    expect(pweb.command?.argv).toEqual(['gunicorn', 'shop.wsgi']);
    expect(pweb.environment.map((e) => e.name)).toEqual(['A', 'B', 'C']);
    // List items: key and value spans inside the item.
    const b = pweb.environment.find((e) => e.name === 'B')!;
    expect([pos(b.nameSpan), pos(b.value!.span), pos(b.span)]).toEqual(['docker-compose.yml:9:10', 'docker-compose.yml:9:12', 'docker-compose.yml:9:9']);
  });

  it("tells cookiecutter-django's production.yml and local.yml apart, found by content", async () => {
    const m = await model({
      'production.yml': 'services:\n  django:\n    image: shop_production_django\n    command: /start\n',
      'local.yml': 'services:\n  django:\n    image: shop_local_django\n    command: /start\n',
      '.gitlab-ci.yml': 'services:\n  - postgres:16\ntest:\n  script: pytest\n',
      'k8s/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n',
    });
    expect((m.composeProjects ?? []).map((p) => [p.name, p.role])).toEqual([
      ['local.yml', 'development'],
      ['production.yml', 'production'],
    ]);
  });

  it('judges a lone compose file by what it runs', async () => {
    const dev = await model({ 'docker-compose.yml': 'services:\n  web:\n    image: shop:1\n    command: python manage.py runserver 0.0.0.0:8000\n' });
    expect(dev.composeProjects![0]!.role).toBe('development');
    const prod = await model({ 'compose.yaml': 'services:\n  web:\n    image: shop:1\n    command: gunicorn shop.wsgi\n' });
    expect(prod.composeProjects![0]!.role).toBe('production');
    const named = await model({ 'deploy/dev/docker-compose.yml': 'services:\n  web:\n    image: shop:1\n' });
    expect(named.composeProjects![0]!.role).toBe('development');
  });

  it('interpolates from the project .env, resolves env_file paths and stacks the container environment', async () => {
    const m = await model({
      'docker-compose.prod.yml': [
        'services:',
        '  web:',
        '    build:',
        '      context: .',
        '      dockerfile: docker/Dockerfile',
        '      args: [PY=3.13]',
        '    image: shop:${TAG:-1.0}',
        '    env_file: .envs/.production/.django',
        '    environment:',
        '      DJANGO_DEBUG: ${DEBUG:-False}',
        '      FROM_DOTENV: ${PORT}',
        '      SHARED: from-environment',
        '      HOST_ONLY:',
        '',
      ].join('\n'),
      '.env': 'PORT=8000\n',
      '.envs/.production/.django': 'SHARED=from-env-file\nDJANGO_SECRET_KEY=abc\n',
      'docker/Dockerfile': 'ARG PY=3.12\nFROM python:${PY}-slim\nENV SHARED=from-image PYTHONUNBUFFERED=1\nCMD ["gunicorn", "shop.wsgi"]\n',
    });
    const p = project(m, 'docker-compose.prod.yml');
    expect(p.projectEnv).toBe('.env');
    const web = p.services[0]!;
    expect(web.image?.value).toBe('shop:1.0');
    expect(web.image?.written).toBe('shop:${TAG:-1.0}');
    expect(web.build).toMatchObject({ context: '', dockerfile: 'docker/Dockerfile' });
    expect(web.build?.args.PY?.value).toBe('3.13');
    expect(web.envFiles).toMatchObject([{ path: '.envs/.production/.django', file: '.envs/.production/.django', required: true }]);
    expect(web.envLayers.map((l) => l.kind)).toEqual(['dockerfile', 'env_file', 'environment']);
    const env = effectiveEnv(web);
    expect(env.get('SHARED')).toMatchObject({ value: 'from-environment', layer: 'environment' });
    expect(env.get('PYTHONUNBUFFERED')).toMatchObject({ value: '1', layer: 'dockerfile', file: 'docker/Dockerfile' });
    expect(env.get('DJANGO_SECRET_KEY')).toMatchObject({ value: 'abc', layer: 'env_file' });
    expect(env.get('FROM_DOTENV')?.value).toBe('8000');
    expect(env.get('FROM_DOTENV')?.interp?.vars[0]?.source).toBe('project-env');
    expect(env.get('DJANGO_DEBUG')?.interp?.vars[0]?.source).toBe('default');
    expect(env.get('HOST_ONLY')?.value).toBeNull();
    // The build arg reaches the Dockerfile's FROM.
    expect(m.dockerfiles![0]!.stages[0]!.image.resolved).toBe('python:3.13-slim');
    expect(m.dockerfiles![0]!.role).toBe('production');
  });

  it('follows extends within a file and across files', async () => {
    const m = await model({
      'common.yml': 'services:\n  base:\n    image: shop:2\n    restart: always\n',
      'docker-compose.yml': 'services:\n  app:\n    extends: {file: common.yml, service: base}\n    command: gunicorn shop.wsgi\n  worker:\n    extends: app\n    command: celery -A shop worker\n',
    });
    const p = project(m, 'docker-compose.yml');
    expect(p.services.map((s) => [s.name, s.image?.value, s.restart?.value, s.command?.argv[0]])).toEqual([
      ['app', 'shop:2', 'always', 'gunicorn'],
      ['worker', 'shop:2', 'always', 'celery'],
    ]);
  });

  it('reads the long forms of depends_on, ports, volumes and env_file', async () => {
    const m = await model({
      'compose.yaml': [
        'services:',
        '  web:',
        '    image: shop:1',
        '    depends_on:',
        '      db: {condition: service_healthy}',
        '      cache:',
        '        condition: service_started',
        '    ports:',
        '      - {target: 8000, published: "8000", host_ip: 127.0.0.1}',
        '    volumes:',
        '      - {type: bind, source: /var/run/docker.sock, target: /var/run/docker.sock, read_only: true}',
        '    env_file:',
        '      - {path: ./missing.env, required: false}',
        '    privileged: true',
        '    healthcheck: {test: ["CMD", "true"]}',
        '  db: {image: "postgres:16", healthcheck: {disable: true}}',
        '  cache: {image: "redis:7"}',
        '',
      ].join('\n'),
    });
    const web = m.composeProjects![0]!.services.find((s) => s.name === 'web')!;
    expect(web.dependsOn.map((d) => [d.service, d.condition, d.long])).toEqual([
      ['db', 'service_healthy', true],
      ['cache', 'service_started', true],
    ]);
    expect(web.ports[0]).toMatchObject({ target: '8000', published: '8000', hostIp: '127.0.0.1' });
    expect(web.volumes[0]).toMatchObject({ type: 'bind', source: '/var/run/docker.sock', readOnly: true });
    expect(web.envFiles[0]).toMatchObject({ path: './missing.env', required: false });
    expect(web.envFiles[0]!.file).toBeUndefined();
    expect(web.envLayers[0]).toMatchObject({ kind: 'env_file', complete: false });
    expect(web.privileged?.value).toBe(true);
    expect(web.healthcheck).toMatchObject({ disabled: false, test: ['CMD', 'true'] });
    expect(m.composeProjects![0]!.services.find((s) => s.name === 'db')!.healthcheck?.disabled).toBe(true);
  });

  it('turns broken, templated and binary compose files into problems and notices, never exceptions', async () => {
    const m = await model({
      'docker-compose.yml': 'services:\n  web:\n    image: [unclosed\n',
      'deploy/docker-compose.prod.yml': 'services:\n  web:\n    image: {{ image }}\n',
      'other/docker-compose.yml': Buffer.from([0x00, 0x01, 0x02, 0xff]),
      'x/compose.yaml': '- just\n- a list\n',
    });
    const broken = project(m, 'docker-compose.yml');
    expect(broken.problems.length).toBeGreaterThan(0);
    expect(broken.problems[0]!.span.file).toBe('docker-compose.yml');
    expect(m.notices.some((n) => n.file === 'deploy/docker-compose.prod.yml' && /template/.test(n.message))).toBe(true);
    expect(project(m, 'compose.yaml').problems.map((p) => p.message)).toEqual(['a compose file must be a mapping at the top level']);
  });
});

describe('command lines handed to the app-server model', () => {
  it('gives gunicorn from an exec-form CMD, with each argument at its exact place', async () => {
    const m = await model({
      Dockerfile: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nENV WEB_CONCURRENCY=4\nCMD ["gunicorn", "shop.wsgi", "--bind", "0.0.0.0:8000", "--timeout", "60"]\n',
    });
    const g = m.appServers.find((a) => a.origin === 'dockerfile')!;
    expect(g).toMatchObject({ server: 'gunicorn', file: 'Dockerfile', role: 'production' });
    expect(g.options.timeout).toMatchObject({ value: { kind: 'int', value: 60 }, source: 'command-line' });
    expect(pos(g.options.timeout!.span)).toBe('Dockerfile:5:57');
    expect(g.environment.vars.map((v) => v.name)).toContain('WEB_CONCURRENCY');
  });

  it('joins an exec ENTRYPOINT with CMD, and skips a CMD every compose service replaces', async () => {
    const joined = await model({ Dockerfile: 'FROM python:3.12-slim\nENTRYPOINT ["gunicorn"]\nCMD ["shop.wsgi", "--workers", "2"]\n' });
    const g = joined.appServers.find((a) => a.origin === 'dockerfile')!;
    expect(g.server).toBe('gunicorn');
    expect(g.options.workers?.value).toEqual({ kind: 'int', value: 2 });

    const replaced = await model({
      Dockerfile: 'FROM python:3.12-slim\nCMD ["gunicorn", "shop.wsgi"]\n',
      'compose.yaml': 'services:\n  web:\n    build: .\n    command: uvicorn shop.asgi:application --host 0.0.0.0\n',
    });
    expect(replaced.appServers.map((a) => [a.server, a.origin, pos(a.span)])).toEqual([['uvicorn', 'compose', 'compose.yaml:4:14']]);
  });

  it('finds the server a start script runs (compose command: /start, ENTRYPOINT script), leaving conditional dev servers out', async () => {
    const m = await model({
      'compose/production/django/Dockerfile': 'FROM python:3.12-slim\nCOPY ./compose/production/django/start /start\nCOPY ./compose/production/django/entrypoint /entrypoint\nENTRYPOINT ["/entrypoint"]\n',
      'compose/production/django/start': '#!/bin/bash\nset -o errexit\npython /app/manage.py collectstatic --noinput\nexec gunicorn config.wsgi \\\n  --bind 0.0.0.0:5000 --workers 4\n',
      'compose/production/django/entrypoint': '#!/bin/bash\nif [ "$DEBUG" = 1 ]; then\n  exec python manage.py runserver 0.0.0.0:8000\nfi\nexec "$@"\n',
      'production.yml': 'services:\n  django:\n    build:\n      context: .\n      dockerfile: ./compose/production/django/Dockerfile\n    command: /start\n',
    });
    expect(m.appServers.map((a) => [a.server, a.origin, a.role, a.processName, pos(a.span)])).toEqual([['gunicorn', 'compose', 'production', 'django', 'compose/production/django/start:4:1']]);
    expect(m.appServers[0]!.options.workers?.value).toEqual({ kind: 'int', value: 4 });
    expect(pos(m.appServers[0]!.options.workers?.span)).toBe('compose/production/django/start:5:23');
  });

  it('reads compose string and list commands, through sh -c, with the role of the project', async () => {
    const m = await model({
      'docker-compose.yml': [
        'services:',
        '  web:',
        '    image: shop:1',
        '    command: ["sh", "-c", "python manage.py migrate && gunicorn shop.wsgi --workers 5"]',
        '  dev:',
        '    image: shop:1',
        '    command: python manage.py runserver 0.0.0.0:8000',
        '',
      ].join('\n'),
      'docker-compose.override.yml': 'services:\n  web:\n    environment: {DEBUG: "1"}\n',
    });
    const byServer = new Map(m.appServers.map((a) => [a.server, a]));
    expect(byServer.get('gunicorn')).toMatchObject({ origin: 'compose', role: 'development', processName: 'web' });
    expect(byServer.get('gunicorn')!.options.workers?.value).toEqual({ kind: 'int', value: 5 });
    expect(byServer.get('runserver')).toMatchObject({ origin: 'compose', role: 'development', processName: 'dev' });
  });
});
