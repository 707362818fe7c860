import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/audit.js';

/**
 * Issue 5: settings re-evaluated in the environment each production service really gets
 * (compose `environment:`, systemd `Environment=`), with both ends of each finding named.
 */
const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures');

describe('settings per service environment', () => {
  it('a safe default turned unsafe by a service is reported on the settings line, naming the service line', async () => {
    const result = await runAudit({ root: join(FIXTURES, 'dj-service-env-51') });
    const debug = result.findings.filter((f) => f.ruleId === 'DJ018');
    expect(debug.map((f) => [f.environment, `${f.span.file}:${f.span.start.line}`, f.related.map((r) => `${r.span.file}:${r.span.start.line}`)])).toEqual([
      ['compose service web (docker-compose.prod.yml)', 'shop/settings.py:7', ['docker-compose.prod.yml:8']],
      ['shop.service', 'shop/settings.py:7', ['deploy/systemd/shop.service:8']],
    ]);
    expect(debug[0]!.message).toMatch(/^DEBUG is True \(from DEBUG=1 in compose service web \(docker-compose\.prod\.yml\)\)/);
    // One finding per service: distinct fingerprints, so code scanning keeps both.
    expect(new Set(debug.map((f) => f.fingerprint)).size).toBe(2);
    // The unit whose environment keeps DEBUG off adds no DEBUG finding.
    expect(result.findings.some((f) => f.environment === 'shop-api.service' && f.ruleId === 'DJ018')).toBe(false);
  });

  it('a variable required by the settings and missing from a service environment wholly in the repository: the service cannot start', async () => {
    const result = await runAudit({ root: join(FIXTURES, 'xf-required-env') });
    const missing = result.findings.filter((f) => f.ruleId === 'XF003');
    expect(missing.map((f) => [f.environment, `${f.span.file}:${f.span.start.line}`, f.related.map((r) => `${r.span.file}:${r.span.start.line}`)])).toEqual([
      ['shop.service', 'shop/settings.py:4', ['deploy/systemd/shop.service:8']],
    ]);
    expect(missing[0]!.message).toMatch(/^DJANGO_SECRET_KEY is read without a default, and the environment of shop\.service/);
  });

  it('a service environment that changes nothing adds no evaluation', async () => {
    const result = await runAudit({ root: join(FIXTURES, 'sample-shop') });
    expect(result.findings.every((f) => f.environment === undefined || f.environment === 'production')).toBe(true);
  });

  it('Django findings about protections nginx already gives are downgraded, naming the nginx line', async () => {
    const result = await runAudit({ root: join(FIXTURES, 'xf-edge-protection') });
    const pick = (id: string) => result.findings.find((f) => f.ruleId === id)!;
    expect([pick('DJ008').severity, pick('DJ004').severity]).toEqual(['low', 'low']);
    expect(pick('DJ008').message).toMatch(/nginx already redirects HTTP to HTTPS in front of it \(deploy\/nginx\/shop\.conf:4:5\)/);
    expect(pick('DJ008').related.map((r) => `${r.span.file}:${r.span.start.line}`)).toContain('deploy/nginx/shop.conf:4');
    expect(pick('DJ004').related.map((r) => `${r.span.file}:${r.span.start.line}`)).toContain('deploy/nginx/shop.conf:12');
    // The checklist items weigh as low, too.
    const items = new Map(result.readiness.items.map((i) => [i.id, i]));
    expect([items.get('DJ008')!.severity, items.get('DJ004')!.severity]).toEqual(['low', 'low']);
    // Without nginx in front, the same settings keep their full severity.
    const plain = await runAudit({ root: join(FIXTURES, 'dj-check-headers-42') });
    expect(plain.findings.filter((f) => f.ruleId === 'DJ008' || f.ruleId === 'DJ004').every((f) => f.severity !== 'low')).toBe(true);
  });
});
