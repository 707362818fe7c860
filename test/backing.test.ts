import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/audit.js';
import { buildModel } from '../src/model/build.js';
import { celerySettingNames, parseRedisUrl } from '../src/model/deployment/backing.js';

/** Issue 5: the backing services a repository runs (Redis, PostgreSQL) and what they demand of clients. */
const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'ad-backing-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

async function servers(compose: string, extra: Record<string, string> = {}) {
  const model = await buildModel(repo({ 'docker-compose.prod.yml': compose, ...extra }));
  return model.backingServices!;
}

describe('Redis servers of compose files: what they demand', () => {
  it('reads --requirepass from the command, with what compose interpolation leaves known', async () => {
    const b = await servers(
      [
        'services:',
        '  plain:',
        '    image: redis:7.4',
        '  required:',
        '    image: redis:7.4',
        '    command: redis-server --requirepass ${REDIS_PASSWORD:?} --appendonly yes',
        '  fromhost:',
        '    image: valkey/valkey:8.0',
        '    command: ["valkey-server", "--requirepass", "${REDIS_PASSWORD}"]',
        '  shell:',
        '    image: redis:7.4',
        '    command: sh -c "redis-server --requirepass $$REDIS_PASSWORD"',
        '    environment:',
        '      REDIS_PASSWORD: not-in-a-url',
        '  options-only:',
        '    image: redis:7.4',
        '    command: ["--requirepass", "literal-pass", "--port", "6380"]',
        '  literal-beside-variable:',
        '    image: redis:7.4',
        '    command: redis-server --requirepass a-literal-value --maxmemory ${REDIS_MAXMEMORY}',
        '  script:',
        '    image: redis:7.4',
        '    command: /usr/local/bin/start-redis.sh',
      ].join('\n'),
    );
    const auth = Object.fromEntries(b.redis.map((r) => [r.compose!.service.name, [r.auth.kind, r.port]]));
    expect(auth).toEqual({
      plain: ['none', 6379],
      required: ['password', 6379],
      fromhost: ['unknown', 6379],
      shell: ['password', 6379],
      'options-only': ['password', 6380],
      'literal-beside-variable': ['password', 6379],
      script: ['unknown', 6379],
    });
    const fromhost = b.redis.find((r) => r.compose!.service.name === 'fromhost')!;
    expect(fromhost.auth).toMatchObject({ kind: 'unknown', variables: ['REDIS_PASSWORD'] });
    // The span of the password decision is the command.
    const required = b.redis.find((r) => r.compose!.service.name === 'required')!;
    expect(required.auth.kind === 'password' && required.auth.span.start.line).toBe(6);
  });

  it('Bitnami images: REDIS_PASSWORD or ALLOW_EMPTY_PASSWORD; a mounted redis.conf in the repository is read, one outside it is unknown', async () => {
    const b = await servers(
      [
        'services:',
        '  bitnami-pw:',
        '    image: bitnami/redis:7.4',
        '    environment:',
        '      REDIS_PASSWORD: some-long-value',
        '  bitnami-empty:',
        '    image: bitnami/redis:7.4',
        '    environment:',
        '      - ALLOW_EMPTY_PASSWORD=yes',
        '  conf:',
        '    image: redis:7.4',
        '    command: redis-server /usr/local/etc/redis/redis.conf',
        '    volumes:',
        '      - ./redis:/usr/local/etc/redis:ro',
        '  conf-elsewhere:',
        '    image: redis:7.4',
        '    command: redis-server /etc/redis/redis.conf',
        '    volumes:',
        '      - /etc/redis:/etc/redis:ro',
        '  aliased:',
        '    image: redis:7.4',
        '    container_name: shop-redis',
        '    networks:',
        '      backend:',
        '        aliases: [cache]',
      ].join('\n'),
      { 'redis/redis.conf': 'port 6390\nrequirepass "from conf"\n' },
    );
    const by = (n: string) => b.redis.find((r) => r.compose?.service.name === n)!;
    expect(by('bitnami-pw').auth.kind).toBe('password');
    expect(by('bitnami-empty').auth.kind).toBe('none');
    expect(by('conf').auth).toMatchObject({ kind: 'password', how: 'requirepass in redis/redis.conf' });
    expect(by('conf').port).toBe(6390);
    expect(by('conf-elsewhere').auth.kind).toBe('unknown');
    expect(by('aliased').names.sort()).toEqual(['aliased', 'cache', 'shop-redis']);
    // The mounted conf belongs to the compose service, not to a server of its own.
    expect(b.redis.filter((r) => r.origin === 'conf')).toEqual([]);
  });

  it('a stand-alone production redis.conf is a server of its own; one under a development path is not; a broken line is a located notice', async () => {
    const root = repo({
      'deploy/redis/redis.conf': 'bind 127.0.0.1\nrequirepass "unterminated\nrequirepass ok-value\n',
      'docker/local/redis/redis.conf': 'requirepass dev\n',
    });
    const model = await buildModel(root);
    const b = model.backingServices!;
    expect(b.redis.map((r) => [r.origin, r.label, r.auth.kind])).toEqual([['conf', 'the Redis server configured by deploy/redis/redis.conf', 'password']]);
    const notice = model.notices.find((n) => n.file === 'deploy/redis/redis.conf');
    // A redis.conf that binds only other addresses is not what a loopback URL reaches.
    const other = await buildModel(repo({ 'deploy/redis/redis.conf': 'bind 10.0.4.12\nrequirepass x\n' }));
    expect(other.backingServices!.redis).toEqual([]);
    expect(notice?.span?.start.line).toBe(2);
    expect(notice?.message).toMatch(/unbalanced double quote: redis-server refuses to start/);
  });
});

describe('PostgreSQL servers of compose files: SSL', () => {
  it("the official image's default is ssl off; options, mounted configuration or another image change or hide that", async () => {
    const b = await servers(
      [
        'services:',
        '  official:',
        '    image: postgres:17.2',
        '    command: postgres -c max_connections=200',
        '  postgis:',
        '    image: postgis/postgis:17-3.5',
        '  ssl-on:',
        '    image: postgres:17.2',
        '    command: -c ssl=on -c ssl_cert_file=/certs/server.crt -c ssl_key_file=/certs/server.key',
        '  initdb:',
        '    image: postgres:17.2',
        '    volumes:',
        '      - ./initdb:/docker-entrypoint-initdb.d:ro',
        '  bitnami:',
        '    image: bitnami/postgresql:17',
        '  bitnami-tls:',
        '    image: bitnami/postgresql:17',
        '    environment:',
        '      POSTGRESQL_ENABLE_TLS: "yes"',
        '  built:',
        '    build: ./db',
        '    image: registry.example.com/db:1',
      ].join('\n'),
    );
    const tls = Object.fromEntries(b.postgres.map((p) => [p.compose.service.name, p.tls.state]));
    expect(tls).toEqual({ official: 'off', postgis: 'off', 'ssl-on': 'on', initdb: 'unknown', bitnami: 'off', 'bitnami-tls': 'on' });
  });
});

describe('Celery settings names', () => {
  const project = (celery: string) => ({
    'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n',
    'shop/__init__.py': '',
    'shop/settings.py': 'SECRET_KEY = "x"\n',
    'shop/celery.py': `from celery import Celery\napp = Celery("shop")\n${celery}\n`,
  });
  it("follow the Celery app's namespace: CELERY_ prefixed names, the old names without one, the usual names when unseen", async () => {
    const names = async (celery: string) => {
      const m = await buildModel(repo(project(celery)));
      return celerySettingNames(m.djangoProjects[0]!, m.backingServices).map(([n]) => n);
    };
    expect(await names('app.config_from_object("django.conf:settings", namespace="CELERY")')).toEqual(['CELERY_BROKER_URL', 'CELERY_RESULT_BACKEND']);
    expect(await names("app.config_from_object('django.conf:settings')")).toEqual(['BROKER_URL', 'CELERY_RESULT_BACKEND']);
    expect(await names("app.config_from_object('django.conf:settings', namespace='TASKS')")).toEqual(['TASKS_BROKER_URL', 'TASKS_RESULT_BACKEND']);
    expect(await names('app.conf.broker_url = "redis://redis"')).toEqual(['CELERY_BROKER_URL', 'BROKER_URL', 'CELERY_RESULT_BACKEND']);
  });
});

describe('Redis URLs', () => {
  it('credentials, port, masking; an empty `:@` left by an unset variable is not known', () => {
    expect(parseRedisUrl('redis://redis:6379/0')).toMatchObject({ host: 'redis', port: 6379, credentials: false, shown: 'redis://redis:6379/0' });
    expect(parseRedisUrl('rediss://:s3cret@cache.example.net:6380/1')).toMatchObject({ host: 'cache.example.net', port: 6380, credentials: true, shown: 'rediss://****@cache.example.net:6380/1' });
    expect(parseRedisUrl('redis://default:pw@redis')).toMatchObject({ port: 6379, credentials: true });
    expect(parseRedisUrl('redis://redis:6379/0?password=pw')).toMatchObject({ credentials: true, shown: 'redis://redis:6379/0?password=****' });
    expect(parseRedisUrl('redis://:@redis:6379/0')!.credentials).toBeUndefined();
    expect(parseRedisUrl('redis://[::1]:6379')).toMatchObject({ host: '::1' });
    expect(parseRedisUrl('amqp://guest@rabbit//')).toBeUndefined();
    expect(parseRedisUrl('unix:///run/redis.sock')).toBeUndefined();
  });
});

describe('XF012, XF013, XF015 on the fixtures', () => {
  it('name both ends and never print a password', async () => {
    const vm = await runAudit({ root: join(FIXTURES, 'xf-redis-conf-vm') });
    const f = vm.findings.find((x) => x.ruleId === 'XF012')!;
    expect(`${f.span.file}:${f.span.start.line}`).toBe('.env.production:3');
    expect(f.related.map((r) => `${r.span.file}:${r.span.start.line}`)).toEqual(['deploy/redis/redis.conf:8', 'shop/settings.py:8']);
    const all = vm.findings.filter((x) => /^XF01[2-5]$/.test(x.ruleId));
    for (const x of all) expect(JSON.stringify(x)).not.toContain('hJ4kq9Lw2zX7vB3nM8pR5tY1cF6gD0e');

    const compose = await runAudit({ root: join(FIXTURES, 'xf-celery-localhost') });
    const xf13 = compose.findings.filter((x) => x.ruleId === 'XF013');
    expect(xf13.map((x) => [`${x.span.file}:${x.span.start.line}`, x.related.map((r) => `${r.span.file}:${r.span.start.line}`)])).toEqual([
      ['docker-compose.prod.yml:8', ['docker-compose.prod.yml:21', 'docker-compose.prod.yml:5', 'shop/settings.py:10']],
      ['docker-compose.prod.yml:9', ['docker-compose.prod.yml:30', 'docker-compose.prod.yml:5', 'shop/settings.py:22']],
      ['docker-compose.prod.yml:10', ['docker-compose.prod.yml:30', 'docker-compose.prod.yml:5', 'shop/settings.py:23']],
      // A DATABASES entry without HOST: libpq's local unix socket, which the web container does not have.
      ['shop/settings.py:10', ['docker-compose.prod.yml:21', 'docker-compose.prod.yml:5']],
    ]);

    const db = await runAudit({ root: join(FIXTURES, 'xf-dbtls-compose') });
    const xf15 = db.findings.filter((x) => x.ruleId === 'XF015');
    expect(xf15.map((x) => `${x.span.file}:${x.span.start.line}`)).toEqual(['.env.production:3']);
    expect(xf15[0]!.message).toMatch(/sslmode=require, but compose service db \(docker-compose\.production\.yml\) runs PostgreSQL with SSL off/);
    expect(xf15[0]!.message).not.toMatch(/shop:[^@]*@/);
  });
});
