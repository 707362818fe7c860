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
    // Terraform's prevent_destroy lowers TF004 and is shown as the related location
    const ledger = tf.find((f) => f.ruleId === 'TF004' && f.span.start.line === 42)!;
    expect(ledger.severity).toBe('low');
    expect(ledger.related?.[0]?.span.start.line).toBe(46);
    expect(tf.find((f) => f.ruleId === 'TF004' && f.span.start.line === 15)!.severity).toBe('medium');
  });
});

describe('terraform model on broken and JSON files', () => {
  it('turns broken HCL into located parse problems and JSON configs into an info notice, without throwing', async () => {
    const { mkdtempSync, writeFileSync, mkdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { buildModel } = await import('../src/model/build.js');
    const root = mkdtempSync(join(tmpdir(), 'tf-broken-'));
    mkdirSync(join(root, 'infra'));
    writeFileSync(join(root, 'infra', 'main.tf'), 'resource "aws_db_instance" "db" {\n  publicly_accessible = true\n  engine = "postgres\n}\n');
    writeFileSync(join(root, 'infra', 'extra.tf.json'), '{"resource": {}}');
    const model = await buildModel(root);
    const problem = model.parseProblems.find((p) => p.file === 'infra/main.tf');
    expect(problem?.message).toMatch(/unterminated string/);
    expect(problem?.span.start.line).toBe(3);
    expect(model.notices.some((n) => n.kind === 'info' && n.file === 'infra/extra.tf.json')).toBe(true);
    expect(model.terraformModules?.[0]?.resources[0]?.type).toBe('aws_db_instance');
    (await import('node:fs')).rmSync(root, { recursive: true, force: true });
  });
});

describe('terraform variables passed by module calls', () => {
  async function audit(files: Record<string, string>) {
    const { mkdtempSync, writeFileSync, mkdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { dirname } = await import('node:path');
    const root = mkdtempSync(join(tmpdir(), 'tf-mod-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const r = await runAudit({ root });
    (await import('node:fs')).rmSync(root, { recursive: true, force: true });
    return r.findings.filter((f) => f.ruleId.startsWith('TF00')).map((f) => `${f.ruleId} ${f.status} ${f.span.file}:${f.span.start.line}`).sort();
  }
  const child = {
    'modules/db/main.tf': 'resource "aws_db_instance" "db" {\n  storage_encrypted   = true\n  deletion_protection = "${var.protect}"\n  publicly_accessible = var.public\n}\n',
    'modules/db/variables.tf': 'variable "protect" {\n  default = true\n}\nvariable "public" {\n  default = false\n}\n',
  };

  it('a default replaced by a caller is not assumed: unknown when the caller passes a bad value', async () => {
    const found = await audit({ ...child, 'prod/main.tf': 'module "db" {\n  source  = "../modules/db"\n  protect = false\n}\n' });
    expect(found).toEqual(['TF004 unknown modules/db/main.tf:3']);
  });

  it('silent when every value the variable may take is harmless', async () => {
    const found = await audit({ ...child, 'prod/main.tf': 'module "db" {\n  source  = "../modules/db"\n  public  = false\n}\n' });
    expect(found).toEqual([]);
  });

  it('the default is used (and said) when nothing sets the variable', async () => {
    const found = await audit({ ...child, 'modules/db/variables.tf': 'variable "protect" {\n  default = false\n}\nvariable "public" {\n  default = true\n}\n' });
    expect(found).toEqual(['TF004 fail modules/db/main.tf:3', 'TF005 fail modules/db/main.tf:4']);
  });
});
