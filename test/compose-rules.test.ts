import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/audit.js';

/**
 * Precision edges of the compose and Dockerfile rules: each case is a tiny repository and the exact
 * `file:line RULE` findings it must give (and nothing else of the rules named).
 */

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function findings(files: Record<string, string>, prefix: RegExp): Promise<string[]> {
  const root = mkdtempSync(join(tmpdir(), 'h5-rules-'));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  const result = await runAudit({ root });
  return result.findings
    .filter((f) => prefix.test(f.ruleId))
    .map((f) => `${f.span.file}:${f.span.start.line} ${f.ruleId}${f.status === 'unknown' ? '?' : ''}`)
    .sort();
}

const prod = (body: string) => ({ 'docker-compose.prod.yml': `services:\n${body}` });

describe('CMP002 data ports', () => {
  it('fires on every-interface and random-port publishing, not on loopback or proxies', async () => {
    const out = await findings(
      prod(
        [
          '  db:',
          '    image: postgres:16',
          '    ports:',
          '      - "127.0.0.1:5432:5432"',
          '      - "[::1]:5433:5432"',
          '      - "5434"',
          '      - {target: 5432, published: "5435", host_ip: 0.0.0.0}',
          '  cache:',
          '    build: ./cache',
          '    ports: ["6379:6379"]',
          '  web:',
          '    image: nginx:1.27',
          '    ports: ["80:80", "443:443"]',
          '',
        ].join('\n'),
      ),
      /^CMP002$/,
    );
    expect(out).toEqual(['docker-compose.prod.yml:7 CMP002', 'docker-compose.prod.yml:8 CMP002', 'docker-compose.prod.yml:11 CMP002'].sort());
  });

  it('stays silent in development projects', async () => {
    expect(await findings({ 'docker-compose.dev.yml': 'services:\n  db:\n    image: postgres:16\n    ports: ["5432:5432"]\n' }, /^CMP/)).toEqual([]);
  });
});

describe('CMP003 secrets and weak passwords', () => {
  it('judges literal values and weak defaults; leaves references, required variables and secret files alone', async () => {
    const out = await findings(
      {
        ...prod(
          [
            '  db:',
            '    image: postgres:16',
            '    restart: always',
            '    environment:',
            '      POSTGRES_PASSWORD: ${PW:?set PW}',
            '      OTHER_PASSWORD: ${OTHER:-}',
            '      WEAK_PASSWORD: ${WEAK:-postgres}',
            '      FROM_DOTENV_PASSWORD: ${FROM_DOTENV:-postgres}',
            '      POSTGRES_PASSWORD_FILE: /run/secrets/pg',
            '      POSTGRES_HOST_AUTH_METHOD: trust',
            '  web:',
            '    image: shop:1.0',
            '    restart: always',
            '    environment:',
            '      - DATABASE_URL=postgres://shop:Zt8!pQ2x@db/shop',
            '      - SECRET_KEY=short',
            '      - API_TOKEN_EXPIRY=3600',
            '      - SENTRY_DSN=https://abc@o1.ingest.sentry.io/1',
            '',
          ].join('\n'),
        ),
        '.env': 'FROM_DOTENV=Qw3rty-Long-Value\n',
      },
      /^CMP003$/,
    );
    expect(out).toEqual(['docker-compose.prod.yml:8 CMP003', 'docker-compose.prod.yml:11 CMP003', 'docker-compose.prod.yml:16 CMP003', 'docker-compose.prod.yml:17 CMP003'].sort());
  });

  it('never prints the secret', async () => {
    const root = mkdtempSync(join(tmpdir(), 'h5-rules-'));
    dirs.push(root);
    writeFileSync(join(root, 'docker-compose.prod.yml'), 'services:\n  web:\n    image: shop:1.0\n    environment:\n      DJANGO_SECRET_KEY: "k9#mVq2LxP8zR4tW7yB1nC5"\n');
    const result = await runAudit({ root });
    const f = result.findings.find((x) => x.ruleId === 'CMP003')!;
    expect(f.message).not.toContain('k9#mVq2LxP8zR4tW7yB1nC5');
    expect(f.message).toContain('k9****C5 (23 chars)');
  });
});

describe('CMP004, CMP005, CMP010, CMP011', () => {
  it('DEBUG: literal and default true fire; false, unset and data images do not', async () => {
    const out = await findings(
      prod(
        [
          '  a: {image: "shop:1", restart: always, environment: {DEBUG: "True"}}',
          '  b: {image: "shop:1", restart: always, environment: {DJANGO_DEBUG: "${DEBUG:-on}"}}',
          '  c: {image: "shop:1", restart: always, environment: {DEBUG: "False"}}',
          '  d: {image: "shop:1", restart: always, environment: {DEBUG: "${DEBUG}"}}',
          '  e: {image: "postgres:16", restart: always, environment: {DEBUG: "1"}}',
          '',
        ].join('\n'),
      ),
      /^CMP004$/,
    );
    expect(out).toEqual(['docker-compose.prod.yml:2 CMP004', 'docker-compose.prod.yml:3 CMP004']);
  });

  it('restart: long-running services only', async () => {
    const out = await findings(
      prod(
        [
          '  web: {image: "shop:1", command: "gunicorn shop.wsgi"}',
          '  migrate: {image: "shop:1", command: "python manage.py migrate"}',
          '  once: {image: "shop:1", restart: "no"}',
          '  swarm: {image: "shop:1", deploy: {restart_policy: {condition: on-failure}}}',
          '  tools: {image: "shop:1", profiles: [debug]}',
          '  seed: {image: "shop:1", command: "python manage.py loaddata x"}',
          '  app: {image: "shop:1", depends_on: {seed: {condition: service_completed_successfully}}, restart: always}',
          '',
        ].join('\n'),
      ),
      /^CMP005$/,
    );
    expect(out).toEqual(['docker-compose.prod.yml:2 CMP005']);
  });

  it('user root, and Redis exposure without a password', async () => {
    const out = await findings(
      prod(
        [
          '  a: {image: "shop:1", restart: always, user: "0:0"}',
          '  b: {image: "shop:1", restart: always, user: "1000:1000"}',
          '  r1: {image: "redis:7.4", restart: always, ports: ["6379:6379"]}',
          '  r2: {image: "redis:7.4", restart: always, ports: ["127.0.0.1:6380:6379"]}',
          '  r3: {image: "redis:7.4", restart: always, ports: ["6381:6379"], command: "redis-server --requirepass $${REDIS_PASSWORD}"}',
          '  r4: {image: "redis:7.4", restart: always, ports: ["6382:6379"], command: ["redis-server", "/usr/local/etc/redis/redis.conf"]}',
          '  r5: {image: "bitnami/redis:7.4", restart: always, ports: ["6383:6379"], environment: {REDIS_PASSWORD: "${REDIS_PASSWORD:?}"}}',
          '  r6: {image: "redis:7.4", restart: always, network_mode: host}',
          '',
        ].join('\n'),
      ),
      /^CMP0(?:10|11)$/,
    );
    expect(out).toEqual(['docker-compose.prod.yml:2 CMP010', 'docker-compose.prod.yml:4 CMP011', 'docker-compose.prod.yml:9 CMP011']);
  });
});

describe('Dockerfile rules: silent cases', () => {
  it('DKR002: gosu in the entrypoint script, a non-root compose user, third-party service images', async () => {
    const out = await findings(
      {
        'web/Dockerfile': 'FROM python:3.12-slim\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["gunicorn", "shop.wsgi"]\n',
        'web/docker-entrypoint.sh': '#!/bin/sh\nchown -R app /data\nexec gosu app "$@"\n',
        'worker/Dockerfile': 'FROM python:3.12-slim\nCMD ["celery", "-A", "shop", "worker"]\n',
        'proxy/Dockerfile': 'FROM traefik:v3.1\nCOPY traefik.yml /etc/traefik/\n',
        'proxy/traefik.yml': 'entryPoints: {}\n',
        'docker-compose.prod.yml': 'services:\n  worker:\n    build: ./worker\n    user: "1000"\n    restart: always\n',
      },
      /^DKR002$/,
    );
    expect(out).toEqual([]);
  });

  it('DKR007/DKR014: URLs, archives, --from and build outputs are not judged; a source .dockerignore drops is', async () => {
    const out = await findings(
      {
        Dockerfile: [
          'FROM python:3.12-slim AS build',
          'ADD https://example.com/tool.tar.gz /opt/',
          'ADD vendor.tar.gz /opt/',
          'COPY dist/ /app/dist/',
          'COPY --from=build /opt /opt',
          'COPY secrets.txt /app/',
          'COPY config/*.ini /etc/app/',
          'COPY nothing/*.cfg /etc/app/',
          '',
        ].join('\n'),
        'vendor.tar.gz': 'x',
        'secrets.txt': 'x',
        'config/app.ini': '[app]\n',
        '.dockerignore': 'secrets.txt\n',
      },
      /^DKR0(?:07|14)$/,
    );
    expect(out).toEqual(['Dockerfile:6 DKR014', 'Dockerfile:8 DKR014']);
  });
});
