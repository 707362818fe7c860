import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/audit.js';
import { isSameDomain, originVerified, refererVerified } from '../rules/deployment/XF019-csrf-origin-rejected-behind-proxy.js';

/** Issue 5: nginx server_name against Django's CSRF origin check (XF019), as CsrfViewMiddleware decides it. */
const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures');
const at = (s: { file: string; start: { line: number } }) => `${s.file}:${s.start.line}`;

describe('CsrfViewMiddleware semantics (django/middleware/csrf.py)', () => {
  it('is_same_domain: a leading dot matches the domain and its subdomains, anything else only itself', () => {
    expect(isSameDomain('shop.example.com', '.example.com')).toBe(true);
    expect(isSameDomain('example.com', '.example.com')).toBe(true);
    expect(isSameDomain('badexample.com', '.example.com')).toBe(false);
    expect(isSameDomain('Shop.Example.com', 'shop.example.com')).toBe(true);
    expect(isSameDomain('shop.example.com:8443', '.example.com')).toBe(false);
  });

  it('4.0+ origin check: the good origin, exact trusted origins, and wildcards of the same scheme', () => {
    expect(originVerified('https://shop.example.com', 'https://shop.example.com', [])).toBe(true);
    expect(originVerified('https://shop.example.com', 'http://shop.example.com', [])).toBe(false);
    expect(originVerified('https://shop.example.com', 'http://shop.example.com', ['https://shop.example.com'])).toBe(true);
    // Trusted origins need the scheme: a bare host (the 3.x format) matches nothing from 4.0.
    expect(originVerified('https://shop.example.com', 'http://shop.example.com', ['shop.example.com'])).toBe(false);
    expect(originVerified('https://shop.example.com', undefined, ['https://*.example.com'])).toBe(true);
    expect(originVerified('https://example.com', undefined, ['https://*.example.com'])).toBe(true);
    expect(originVerified('https://shop.example.com', undefined, ['http://*.example.com'])).toBe(false);
    expect(originVerified('https://shop.example.com:8443', undefined, ['https://*.example.com'])).toBe(false);
    expect(originVerified('https://shop.example.com:8443', undefined, ['https://shop.example.com:8443'])).toBe(true);
  });

  it('before 4.0: the Referer host against trusted host patterns and the Host', () => {
    expect(refererVerified('shop.example.com', '127.0.0.1:8000', [])).toBe(false);
    expect(refererVerified('shop.example.com', '127.0.0.1:8000', ['.example.com'])).toBe(true);
    expect(refererVerified('shop.example.com', 'shop.example.com', [])).toBe(true);
  });
});

describe('XF019: form posts through a TLS-terminating nginx rejected by the CSRF origin check', () => {
  it('Django 4.2: the scheme not forwarded, and $host dropping a non-default port; a trusted origin stays silent', async () => {
    const result = await runAudit({ root: join(FIXTURES, 'xf-csrf-origin-fails') });
    const found = result.findings.filter((f) => f.ruleId === 'XF019');
    expect(found.map((f) => [f.fingerprint.length > 0, at(f.span), f.message.match(/^Form posts to (\S+)/)![1]]).sort()).toEqual([
      [true, 'shop/settings.py:15', 'https://admin.example.com:8443'],
      [true, 'shop/settings.py:15', 'https://shop.example.com'],
    ]);
    const shop = found.find((f) => f.message.startsWith('Form posts to https://shop.example.com '))!;
    expect(shop.message).toMatch(/is not http:\/\/shop\.example\.com, the origin Django expects: Django sees these requests as plain HTTP/);
    expect(shop.related.map((r) => at(r.span))).toEqual(['deploy/nginx/shop.conf:6', 'deploy/nginx/shop.conf:12']);
    const admin = found.find((f) => f.message.includes('admin.example.com:8443'))!;
    expect(admin.message).toMatch(/nginx sends Host: \$host, which is admin\.example\.com for a request to admin\.example\.com:8443/);
    expect(admin.related.map((r) => at(r.span))).toEqual(['deploy/nginx/shop.conf:20', 'deploy/nginx/shop.conf:27', 'deploy/nginx/shop.conf:25']);
    expect(new Set(found.map((f) => f.fingerprint)).size).toBe(2);
  });

  it('Django 3.2: no Origin check; a secure request whose Host is the upstream fails the Referer check, a plain-HTTP one passes', async () => {
    const result = await runAudit({ root: join(FIXTURES, 'xf-csrf-django32') });
    const found = result.findings.filter((f) => f.ruleId === 'XF019');
    expect(found.map((f) => at(f.span))).toEqual(['deploy/nginx/shop.conf:12']);
    expect(found[0]!.message).toMatch(/Django 3\.2 checks the Referer of secure requests against the Host, and nginx sets no Host header, so Django gets the proxy_pass host 127\.0\.0\.1:8000/);
    expect(found[0]!.message).toMatch(/add 'shop\.example\.com' to CSRF_TRUSTED_ORIGINS/);
    expect(found[0]!.related.map((r) => at(r.span))).toContain('shop/settings.py:1');
  });

  it('Host and scheme forwarded and trusted: silent', async () => {
    const result = await runAudit({ root: join(FIXTURES, 'xf-csrf-hardened') });
    expect(result.findings.filter((f) => f.ruleId.startsWith('XF'))).toEqual([]);
  });
});

describe('XF019 behind an nginx container', () => {
  it('gunicorn ignores X-Forwarded-Proto from another container and SECURE_PROXY_SSL_HEADER is unset: reported on the proxy_pass line', async () => {
    const result = await runAudit({ root: join(FIXTURES, 'xf-csrf-compose') });
    const found = result.findings.filter((f) => f.ruleId === 'XF019');
    expect(found.map((f) => at(f.span))).toEqual(['nginx/default.conf:21']);
    expect(found[0]!.message).toMatch(/nginx reaches gunicorn over the network \(web\), and gunicorn trusts X-Forwarded-Proto only from 127\.0\.0\.1/);
    expect(found[0]!.message).toMatch(/set SECURE_PROXY_SSL_HEADER = \("HTTP_X_FORWARDED_PROTO", "https"\) \(nginx already sends X-Forwarded-Proto\), or add 'https:\/\/shop\.example\.com' to CSRF_TRUSTED_ORIGINS$/);
    expect(found[0]!.related.map((r) => at(r.span))).toEqual(['nginx/default.conf:13', 'shop/settings.py:1']);
  });
});

describe('XF019 through uwsgi_pass', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
  const site = (params: string) => ({
    'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n',
    'requirements.txt': 'Django==4.2.16\n',
    'shop/__init__.py': '',
    'shop/wsgi.py': 'from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n',
    'shop/settings.py': 'SECRET_KEY = "x"\nALLOWED_HOSTS = ["shop.example.com"]\nMIDDLEWARE = ["django.middleware.csrf.CsrfViewMiddleware"]\n',
    'deploy/uwsgi/shop.ini': '[uwsgi]\nchdir = /srv/shop\nmodule = shop.wsgi:application\nsocket = /run/uwsgi/shop.sock\n',
    'deploy/systemd/uwsgi.service': '[Service]\nExecStart=/usr/bin/uwsgi --ini /srv/shop/deploy/uwsgi/shop.ini\n',
    'deploy/nginx/shop.conf': `server {\n    listen 443 ssl;\n    server_name shop.example.com;\n    location / {\n${params}        uwsgi_pass unix:/run/uwsgi/shop.sock;\n    }\n}\n`,
  });
  const make = (files: Record<string, string>) => {
    const root = mkdtempSync(join(tmpdir(), 'audit-deploy-xf019-'));
    roots.push(root);
    for (const [p, c] of Object.entries(files)) {
      mkdirSync(dirname(join(root, p)), { recursive: true });
      writeFileSync(join(root, p), c);
    }
    return root;
  };

  it('uwsgi_params passes HTTPS: the browser\'s Origin is what Django expects', async () => {
    const result = await runAudit({ root: make(site('        include uwsgi_params;\n')) });
    expect(result.findings.filter((f) => f.ruleId === 'XF019')).toEqual([]);
  });

  it('the scheme decision is shared with XF001: the stock uwsgi_params makes no redirect loop, its absence does', async () => {
    const redirecting = (params: string) => {
      const files = site(params);
      files['shop/settings.py'] = 'SECRET_KEY = "x"\nALLOWED_HOSTS = ["shop.example.com"]\nSECURE_SSL_REDIRECT = True\nMIDDLEWARE = ["django.middleware.security.SecurityMiddleware", "django.middleware.csrf.CsrfViewMiddleware"]\n';
      return make(files);
    };
    expect((await runAudit({ root: redirecting('        include uwsgi_params;\n') })).findings.filter((f) => f.ruleId === 'XF001')).toEqual([]);
    expect((await runAudit({ root: redirecting('') })).findings.filter((f) => f.ruleId === 'XF001').map((f) => at(f.span))).toEqual(['shop/settings.py:3']);
  });

  it('no HTTPS parameter: Django sees http:// and refuses the posts', async () => {
    const result = await runAudit({ root: make(site('')) });
    const found = result.findings.filter((f) => f.ruleId === 'XF019');
    expect(found.map((f) => at(f.span))).toEqual(['deploy/nginx/shop.conf:5']);
    expect(found[0]!.message).toMatch(/is not http:\/\/shop\.example\.com, the origin Django expects: Django sees these requests as plain HTTP \(the uwsgi_pass location sends no HTTPS parameter/);
  });
});
