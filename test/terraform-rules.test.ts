import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/audit.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

describe('terraform rules on the naive fixture', () => {
  it('reports each rule on its line, with messages naming the resource and variable defaults', async () => {
    const r = await runAudit({ root: join(FIXTURES, 'tf-naive-rds') });
    const tf = r.findings.filter((f) => f.ruleId.startsWith('TF'));
    const lines = tf.map((f) => `${f.ruleId} ${f.status} ${f.span.file}:${f.span.start.line}`).sort();
    expect(lines).toContain('TF002 fail infra/main.tf:25');
    const tf002 = tf.find((f) => f.ruleId === 'TF002')!;
    expect(tf002.message).toContain('variable "backup_days"');
    const tf004u = tf.find((f) => f.ruleId === 'TF004' && f.status === 'unknown')!;
    expect(tf004u.span.start.line).toBe(38);
  });
});
