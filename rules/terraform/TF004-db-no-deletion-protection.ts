import { defineRule } from '../../src/engine/rule.js';
import { boolAttr, DB_TYPES, label, preventDestroy, resources, TF_AWS, unknownBool } from './TF.common.js';

export default defineRule({
  meta: {
    id: 'TF004',
    name: 'TerraformDbNoDeletionProtection',
    title: 'The RDS database has no deletion protection',
    severity: 'medium',
    section: 'database',
    docs: {
      whatItDoes:
        'Reports an `aws_db_instance` or `aws_rds_cluster` whose `deletion_protection` is `false` or not set (the AWS provider defaults it to false). Read replicas (`replicate_source_db`) are skipped. With `lifecycle { prevent_destroy = true }` the finding is lowered to low severity (Terraform alone is guarded). A `var.x` counts when its `variable` block has a literal default and no .tfvars file in the repository and no local `module` call sets it (when every value those give is harmless, the rule stays silent) (the message says so); other references are reported as unknown. Directories whose path says dev/local/test/example are not judged.',
      whyIsThisBad:
        'Without it, one `terraform destroy`, a resource rename, or a change that forces replacement deletes the production database; nothing asks twice.',
      example: 'resource "aws_db_instance" "db" {\n  engine = "postgres"\n}',
      useInstead: 'resource "aws_db_instance" "db" {\n  engine              = "postgres"\n  deletion_protection = true\n}',
    },
    fix: 'Set `deletion_protection = true`; turn it off deliberately, in a separate apply, on the day the database really has to go.',
    references: [`${TF_AWS}/db_instance#deletion_protection`, 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html#USER_DeletionProtection'],
    tags: ['terraform', 'aws', 'rds', 'reliability'],
  },
  scope: 'terraform',
  check(mod, ctx) {
    for (const r of resources(mod, DB_TYPES)) {
      if (r.block.body.attributes.some((a) => a.name === 'replicate_source_db')) continue;
      const a = boolAttr(mod, r, 'deletion_protection');
      const target = `${label(r)}:deletion_protection`;
      if (a.state === 'unknown') {
        unknownBool(ctx, r, 'deletion_protection', a, target, (v) => !v);
        continue;
      }
      if (a.state === 'known' && a.value) continue;
      // Terraform's own guard: only protects against this configuration, not the console, the CLI or another state
      const guard = preventDestroy(mod, r);
      const mitigation = guard ? { severity: 'low' as const, related: [{ span: guard, message: 'lifecycle prevent_destroy = true stops Terraform (only) from destroying it' }] } : {};
      const tail = guard ? ': only Terraform\'s prevent_destroy guards it; the console, the CLI or a configuration without the lifecycle block can still delete it' : ': a destroy or a forced replacement deletes the database';
      if (a.state === 'absent' || a.state === 'null') ctx.report({ message: `${label(r)} does not set deletion_protection (off by default)${tail}`, span: r.block.headerSpan, target, ...mitigation });
      else ctx.report({ message: `${label(r)} sets deletion_protection = false${a.note}${tail}`, span: a.span, target, ...mitigation });
    }
  },
});
