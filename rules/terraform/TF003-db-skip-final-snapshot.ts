import { defineRule } from '../../src/engine/rule.js';
import { boolAttr, DB_TYPES, label, resources, TF_AWS, unknownBool } from './TF.common.js';

export default defineRule({
  meta: {
    id: 'TF003',
    name: 'TerraformDbSkipFinalSnapshot',
    title: 'Destroying the RDS database takes no final snapshot',
    severity: 'medium',
    section: 'backups',
    docs: {
      whatItDoes:
        'Reports `skip_final_snapshot = true` on an `aws_db_instance` or `aws_rds_cluster` (read replicas, with `replicate_source_db`, are skipped: their data lives on the primary). A `var.x` counts when its `variable` block has a literal default and no .tfvars file in the repository and no local `module` call sets it (when every value those give is harmless, the rule stays silent) (the message says so); other references are reported as unknown. Directories whose path says dev/local/test/example are not judged.',
      whyIsThisBad:
        'When the resource is destroyed or replaced (a renamed resource, a changed immutable attribute, a mistaken `terraform destroy`), the database goes away with no last snapshot, and its automated backups are deleted with it.',
      example: 'resource "aws_db_instance" "db" {\n  skip_final_snapshot = true\n}',
      useInstead: 'resource "aws_db_instance" "db" {\n  skip_final_snapshot       = false\n  final_snapshot_identifier = "db-final"\n}',
    },
    fix: 'Set `skip_final_snapshot = false` with a `final_snapshot_identifier`, and keep `deletion_protection = true` on production databases.',
    references: [`${TF_AWS}/db_instance#skip_final_snapshot`, `${TF_AWS}/rds_cluster#skip_final_snapshot`],
    tags: ['terraform', 'aws', 'rds', 'backups'],
  },
  scope: 'terraform',
  check(mod, ctx) {
    for (const r of resources(mod, DB_TYPES)) {
      if (r.block.body.attributes.some((a) => a.name === 'replicate_source_db')) continue;
      const a = boolAttr(mod, r, 'skip_final_snapshot');
      const target = `${label(r)}:skip_final_snapshot`;
      if (a.state === 'unknown') unknownBool(ctx, r, 'skip_final_snapshot', a, target, (v) => v);
      else if (a.state === 'known' && a.value) ctx.report({ message: `${label(r)} sets skip_final_snapshot = true${a.note}: destroying or replacing it keeps no final snapshot`, span: a.span, target });
    }
  },
});
