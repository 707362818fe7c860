import { defineRule } from '../../src/engine/rule.js';
import type { HclValue } from '../../src/parse/hcl.js';
import { via } from '../../src/model/terraform/build.js';
import { DB_TYPES, label, resources, TF_AWS, valueAttr, variablesIn } from './TF.common.js';

export default defineRule({
  meta: {
    id: 'TF002',
    name: 'TerraformDbBackupsDisabled',
    title: 'Automated backups of an RDS database are turned off',
    severity: 'high',
    section: 'backups',
    docs: {
      whatItDoes:
        'Reports `backup_retention_period = 0` on an `aws_db_instance` or `aws_rds_cluster` (read replicas, which set `replicate_source_db`, are skipped: the primary holds the backups). An unset value is not reported. A `var.x` counts when its `variable` block has a literal default and no .tfvars file in the repository and no local `module` call sets it (when every value those give is harmless, the rule stays silent) (the message says so); other references are reported as unknown. Directories whose path says dev/local/test/example are not judged.',
      whyIsThisBad:
        'A retention of zero days turns automated backups and point-in-time recovery off: a bad migration, a dropped table or a corrupted volume then has no restore point at all.',
      example: 'resource "aws_db_instance" "db" {\n  backup_retention_period = 0\n}',
      useInstead: 'resource "aws_db_instance" "db" {\n  backup_retention_period = 14\n  backup_window           = "03:00-04:00"\n}',
    },
    fix: 'Set `backup_retention_period` to the number of days of point-in-time recovery you need (7 to 35), and test a restore.',
    references: [`${TF_AWS}/db_instance#backup_retention_period`, 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html'],
    tags: ['terraform', 'aws', 'rds', 'backups'],
  },
  scope: 'terraform',
  check(mod, ctx) {
    for (const r of resources(mod, DB_TYPES)) {
      if (r.block.body.attributes.some((a) => a.name === 'replicate_source_db')) continue;
      const a = valueAttr(mod, r, 'backup_retention_period');
      if (!a) continue;
      const target = `${label(r)}:backup_retention_period`;
      if (!a.known) {
        // every value the variable may take (default, .tfvars) keeps backups on: nothing to say
        if (a.candidates && a.candidates.every((c) => (asNumber(c) ?? 0) > 0)) continue;
        ctx.unknown({ message: `${label(r)}: backup_retention_period is ${a.text}, whose value is not known statically`, span: a.attrSpan, variables: variablesIn(a.text), target });
        continue;
      }
      if (asNumber(a.value) === 0) ctx.report({ message: `${label(r)} sets backup_retention_period = 0${via(a)}: automated backups and point-in-time recovery are off`, span: a.attrSpan, target });
    }
  },
});

function asNumber(v: HclValue): number | undefined {
  if (v.kind === 'number') return v.value;
  if (v.kind === 'string' && !v.interpolated && /^\s*\d+\s*$/.test(v.value)) return Number(v.value);
  return undefined;
}
