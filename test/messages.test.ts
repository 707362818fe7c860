import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/audit.js';

/** Finding messages must be true of what the software does, not only of what a check says. */
const SAMPLE = join(resolve(import.meta.dirname, '..'), 'fixtures', 'sample-shop');

describe('messages', () => {
  it('a truthy non-True cookie flag is described as working at run time, failing only check --deploy', async () => {
    const result = await runAudit({ root: SAMPLE });
    const dj016 = result.findings.find((f) => f.ruleId === 'DJ016')!;
    expect(dj016.message).toContain('CSRF_COOKIE_SECURE is 1, not the boolean True that Django 4.2 requires');
    expect(dj016.message).toContain('keeps reporting security.W016');
    expect(dj016.message).not.toContain('over plain HTTP');
  });

  it('DJ109 names the models that get an automatic key and points at them', async () => {
    const result = await runAudit({ root: SAMPLE });
    const dj109 = result.findings.find((f) => f.ruleId === 'DJ109')!;
    expect(dj109.message).toContain('orders.Order');
    expect(dj109.related.map((r) => `${r.span.file}:${r.span.start.line}`)).toEqual(['orders/models.py:4']);
  });
});
