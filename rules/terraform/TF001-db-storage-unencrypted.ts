import { defineRule } from '../../src/engine/rule.js';
import { boolAttr, DB_TYPES, label, resources, TF_AWS, unknownBool, valueAttr } from './TF.common.js';

export default defineRule({
  meta: {
    id: 'TF001',
    name: 'TerraformDbStorageUnencrypted',
    title: 'An RDS database or Aurora cluster stores its data unencrypted',
    severity: 'high',
    section: 'database',
    docs: {
      whatItDoes:
        'Reports an `aws_db_instance` or `aws_rds_cluster` resource whose `storage_encrypted` is `false` or not set (the AWS provider leaves storage unencrypted by default). Skipped: Aurora Serverless v1 clusters (`engine_mode = "serverless"`, always encrypted), databases restored from a snapshot or created as a read replica (they inherit the source\'s encryption), clusters joining a global database without saying (`global_cluster_identifier`), and directories whose path says dev/local/test/example. A `var.x` counts when its `variable` block has a literal default and no .tfvars file in the repository and no local `module` call sets it (when every value those give is harmless, the rule stays silent) (the message says so); any other reference or function call is reported as unknown.',
      whyIsThisBad:
        'Unencrypted database storage leaves every backup, snapshot and replica unencrypted too, and encryption cannot be switched on later in place: it takes a snapshot copy and a restore, with downtime, once an audit or a customer asks for it.',
      example: 'resource "aws_db_instance" "db" {\n  engine         = "postgres"\n  instance_class = "db.t3.micro"\n}',
      useInstead: 'resource "aws_db_instance" "db" {\n  engine            = "postgres"\n  instance_class    = "db.t3.micro"\n  storage_encrypted = true\n}',
    },
    fix: 'Set `storage_encrypted = true` (optionally with `kms_key_id`) when creating the database. For an existing unencrypted database, copy a snapshot with encryption enabled and restore from it.',
    references: [`${TF_AWS}/db_instance#storage_encrypted`, `${TF_AWS}/rds_cluster#storage_encrypted`, 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html'],
    tags: ['terraform', 'aws', 'rds', 'security', 'encryption'],
  },
  scope: 'terraform',
  check(mod, ctx) {
    for (const r of resources(mod, DB_TYPES)) {
      const body = r.block.body;
      if (body.attributes.some((a) => a.name === 'snapshot_identifier' || a.name === 'replicate_source_db' || a.name === 'source_db_instance_identifier')) continue;
      if (body.blocks.some((b) => b.type === 'restore_to_point_in_time' || b.type === 's3_import')) continue;
      if (r.type === 'aws_rds_cluster') {
        const mode = valueAttr(mod, r, 'engine_mode');
        if (mode && (!mode.known || (mode.value.kind === 'string' && mode.value.value === 'serverless'))) continue;
      }
      const a = boolAttr(mod, r, 'storage_encrypted');
      const target = `${label(r)}:storage_encrypted`;
      if (a.state === 'unknown') unknownBool(ctx, r, 'storage_encrypted', a, target, (v) => !v);
      else if (a.state === 'absent' || a.state === 'null') {
        // a secondary cluster of a global database takes its encryption from the global cluster
        if (r.block.body.attributes.some((x) => x.name === 'global_cluster_identifier')) continue;
        ctx.report({ message: `${label(r)} does not set storage_encrypted: its storage, backups and snapshots are unencrypted`, span: r.block.headerSpan, target });
      }
      else if (!a.value) ctx.report({ message: `${label(r)} sets storage_encrypted = false${a.note}: its storage, backups and snapshots are unencrypted`, span: a.span, target });
    }
  },
});
