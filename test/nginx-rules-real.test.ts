import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Rule } from '../src/engine/rule.js';
import NGX010 from '../rules/nginx/NGX010-tls-certificate-missing.js';
import NGX017 from '../rules/nginx/NGX017-hsts-weak.js';
import NGX019 from '../rules/nginx/NGX019-add-header-inheritance-loss.js';
import NGX032 from '../rules/nginx/NGX032-limit-zone-undefined.js';
import NGX034 from '../rules/nginx/NGX034-listen-http2-deprecated.js';
import NGX035 from '../rules/nginx/NGX035-directive-newer-than-nginx.js';
import { configFrom, modelOf, runNginxRule } from './nginx-rules-support.js';

/**
 * The nginx rules' claims checked against Debian's real nginx: what a rule says makes `nginx -t`
 * fail does fail with that message, the corrected form passes and the rule is silent on it, and
 * the header semantics the rules rely on (add_header inheritance, `always`) hold on a running
 * server. Versions come from the binary itself (`nginx -v`).
 * Set AUDIT_DEPLOY_NGINX_REQUIRED=1 (CI does) to fail rather than skip when nginx or openssl is missing.
 */

const REQUIRED = Boolean(process.env.CI || process.env.AUDIT_DEPLOY_NGINX_REQUIRED);

function findNginx(): { bin: string; version: [number, number, number] } | undefined {
  for (const bin of ['nginx', '/usr/sbin/nginx', '/usr/local/sbin/nginx']) {
    const r = spawnSync(bin, ['-v'], { encoding: 'utf8' });
    const m = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(`${r.stderr}${r.stdout}`);
    if (r.status === 0 && m) return { bin, version: [Number(m[1]), Number(m[2]), Number(m[3])] };
  }
  return undefined;
}

const NGINX = findNginx();
const OPENSSL = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;
const work = mkdtempSync(join(tmpdir(), 'audit-nginx-rules-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function main(dir: string, http: string): string {
  return [
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log;`,
    'events { worker_connections 64; }',
    'http {',
    `    access_log off;`,
    `    client_body_temp_path ${dir}/body;`,
    `    proxy_temp_path ${dir}/proxy;`,
    `    fastcgi_temp_path ${dir}/fastcgi;`,
    `    uwsgi_temp_path ${dir}/uwsgi;`,
    `    scgi_temp_path ${dir}/scgi;`,
    http,
    '}',
    '',
  ].join('\n');
}

let seq = 0;
function nginxTest(http: string): { ok: boolean; output: string } {
  const dir = join(work, `t${seq++}`);
  spawnSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'main.conf'), main(dir, http));
  const r = spawnSync(NGINX!.bin, ['-t', '-q', '-e', 'stderr', '-p', dir, '-c', join(dir, 'main.conf')], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stderr}${r.stdout}` };
}

/** Our findings on the same http{} content, read as the main configuration with the binary's version. */
function ours(rule: Rule, http: string): number {
  const [major, minor, patch] = NGINX!.version;
  const config = configFrom(`events {}\nhttp {\n${http}\n}`, { version: { major, minor, patch } });
  return runNginxRule(rule, modelOf([config])).length;
}

let cert = '';
let key = '';
function certificate(): void {
  if (cert) return;
  cert = join(work, 'cert.pem');
  key = join(work, 'key.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=shop.test', '-days', '1', '-keyout', key, '-out', cert], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
}

/** A TCP port nothing listens on right now (the kernel picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const available = NGINX !== undefined && OPENSSL;
if (!available && REQUIRED) {
  describe('nginx rules against the real nginx', () => {
    it('needs nginx and openssl', () => {
      expect.fail('nginx or openssl is not installed but AUDIT_DEPLOY_NGINX_REQUIRED/CI is set (apt-get install nginx-light openssl)');
    });
  });
} else {
  describe.skipIf(!available)('nginx rules against the real nginx (skipped without nginx and openssl)', () => {
    it('NGX010: a TLS server without a certificate is refused; with one it loads and the rule is silent', () => {
      certificate();
      const bad = 'server { listen 127.0.0.1:18443 ssl; server_name shop.test; }';
      const r = nginxTest(bad);
      expect(r.ok).toBe(false);
      expect(r.output).toContain('no "ssl_certificate" is defined for the "listen ... ssl" directive');
      expect(ours(NGX010, bad)).toBe(1);
      const good = `server { listen 127.0.0.1:18443 ssl; server_name shop.test; ssl_certificate ${cert}; ssl_certificate_key ${key}; }`;
      expect(nginxTest(good)).toMatchObject({ ok: true });
      expect(ours(NGX010, good)).toBe(0);
    });

    it('NGX032: an undefined limit_req zone is refused; a defined one loads', () => {
      const bad = 'server { listen 127.0.0.1:18080; location / { limit_req zone=api burst=5; return 204; } }';
      const r = nginxTest(bad);
      expect(r.ok).toBe(false);
      expect(r.output).toContain('zero size shared memory zone "api"');
      expect(ours(NGX032, bad)).toBe(1);
      const good = `limit_req_zone $binary_remote_addr zone=api:1m rate=5r/s;\n${bad}`;
      expect(nginxTest(good)).toMatchObject({ ok: true });
      expect(ours(NGX032, good)).toBe(0);
    });

    it('NGX035/NGX034: the http2 form matches what this nginx release accepts', () => {
      certificate();
      const tls = `ssl_certificate ${cert}; ssl_certificate_key ${key};`;
      const directive = `server { listen 127.0.0.1:18444 ssl; http2 on; ${tls} }`;
      const param = `server { listen 127.0.0.1:18445 ssl http2; ${tls} }`;
      const d = nginxTest(directive);
      const p = nginxTest(param);
      const modern = NGINX!.version[0] > 1 || (NGINX!.version[0] === 1 && (NGINX!.version[1] > 25 || (NGINX!.version[1] === 25 && NGINX!.version[2] >= 1)));
      // Before 1.25.1 the directive is unknown (NGX035 fires); from 1.25.1 the parameter warns (NGX034 fires).
      expect(d.ok).toBe(modern);
      expect(ours(NGX035, directive)).toBe(modern ? 0 : 1);
      if (!modern) expect(d.output).toContain('unknown directive "http2"');
      expect(p.ok).toBe(true);
      expect(/deprecated/.test(p.output)).toBe(modern);
      expect(ours(NGX034, param)).toBe(modern ? 1 : 0);
    });

    it('NGX019/NGX017: a location add_header drops the server headers, and only `always` reaches a 404', async () => {
      const port = await freePort();
      const http = [
        `server {`,
        `    listen 127.0.0.1:${port};`,
        `    add_header X-Frame-Options DENY always;`,
        `    add_header X-Plain plain;`,
        `    location = /ok { return 200 ok; }`,
        `    location = /missing { return 404; }`,
        `    location = /media { add_header Cache-Control public; return 200 media; }`,
        `}`,
      ].join('\n');
      expect(ours(NGX019, http)).toBe(1);
      const dir = join(work, `run${seq++}`);
      spawnSync('mkdir', ['-p', dir]);
      writeFileSync(join(dir, 'main.conf'), main(dir, http));
      const server: ChildProcess = spawn(NGINX!.bin, ['-p', dir, '-c', join(dir, 'main.conf'), '-g', 'daemon off; master_process off;'], { stdio: 'ignore' });
      try {
        const headers = async (path: string) => {
          for (let attempt = 0; attempt < 50; attempt++) {
            try {
              return await new Promise<Record<string, unknown>>((resolve, reject) => {
                get({ host: '127.0.0.1', port, path }, (res) => {
                  res.resume();
                  resolve(res.headers);
                }).on('error', reject);
              });
            } catch {
              await new Promise((r) => setTimeout(r, 50));
            }
          }
          throw new Error('nginx did not answer');
        };
        expect(await headers('/ok')).toMatchObject({ 'x-frame-options': 'DENY', 'x-plain': 'plain' });
        const media = await headers('/media');
        expect(media['cache-control']).toBe('public');
        expect(media['x-frame-options']).toBeUndefined();
        const missing = await headers('/missing');
        expect(missing['x-frame-options']).toBe('DENY');
        expect(missing['x-plain']).toBeUndefined();
      } finally {
        server.kill('SIGTERM');
      }
      expect(ours(NGX017, 'server { listen 443 ssl; add_header Strict-Transport-Security "max-age=63072000"; }')).toBe(1);
    });
  });
}
