import { defineRule } from '../../src/engine/rule.js';
import { boolAttr, label, resources, TF_AWS, unknownBool } from './TF.common.js';

const TYPES = new Set(['aws_db_instance', 'aws_rds_cluster_instance']);

export default defineRule({
  meta: {
    id: 'TF005',
    name: 'TerraformDbPubliclyAccessible',
    title: 'The RDS database gets a public IP address',
    severity: 'blocker',
    section: 'security',
    docs: {
      whatItDoes:
        'Reports `publicly_accessible = true` on an `aws_db_instance` or `aws_rds_cluster_instance`. A `var.x` counts when its `variable` block has a literal default and no .tfvars file in the repository and no local `module` call sets it (when every value those give is harmless, the rule stays silent) (the message says so); other references are reported as unknown. Directories whose path says dev/local/test/example are not judged.',
      whyIsThisBad:
        'The database gets a DNS name that resolves to a public address; a single permissive security group rule (or a later edit) then exposes it to the internet, where database ports are scanned and brute-forced continuously.',
      example: 'resource "aws_db_instance" "db" {\n  publicly_accessible = true\n}',
      useInstead: 'resource "aws_db_instance" "db" {\n  publicly_accessible    = false\n  db_subnet_group_name   = aws_db_subnet_group.private.name\n  vpc_security_group_ids = [aws_security_group.db.id]\n}',
    },
    fix: 'Set `publicly_accessible = false`, place the database in private subnets, and reach it from the application\'s security group (or a bastion / SSM session) only.',
    references: [`${TF_AWS}/db_instance#publicly_accessible`, 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding'],
    tags: ['terraform', 'aws', 'rds', 'security', 'network'],
  },
  scope: 'terraform',
  check(mod, ctx) {
    for (const r of resources(mod, TYPES)) {
      const a = boolAttr(mod, r, 'publicly_accessible');
      const target = `${label(r)}:publicly_accessible`;
      if (a.state === 'unknown') unknownBool(ctx, r, 'publicly_accessible', a, target, (v) => v);
      else if (a.state === 'known' && a.value) ctx.report({ message: `${label(r)} sets publicly_accessible = true${a.note}: the database gets a public address`, span: a.span, target });
    }
  },
});
