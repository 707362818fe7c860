import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
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
