import { defineRule } from '../../src/engine/rule.js';
import { boolAttr, label, resources, TF_AWS, unknownBool } from './TF.common.js';

const TYPES = new Set(['aws_elasticache_replication_group']);

export default defineRule({
  meta: {
    id: 'TF006',
    name: 'TerraformElastiCacheNoAuthOrTls',
    title: 'The Redis/Valkey replication group has no AUTH token or no encryption in transit',
    severity: 'high',
    section: 'cache',
    docs: {
      whatItDoes:
        'Reports an `aws_elasticache_replication_group` whose `transit_encryption_enabled` is `false` or not set (on the line of the attribute, or the resource\'s first line), and one that sets neither `auth_token` nor `user_group_ids` (on the resource\'s first line). A `var.x` counts when its `variable` block has a literal default and no .tfvars file in the repository and no local `module` call sets it (when every value those give is harmless, the rule stays silent) (the message says so); other references are reported as unknown. Directories whose path says dev/local/test/example are not judged.',
      whyIsThisBad:
        'Without AUTH any host that can reach the port (another workload in the VPC, a compromised container, a peered network) can read the sessions and cached data and run FLUSHALL or CONFIG; without TLS the data, and any token, cross the network in clear text.',
      example: 'resource "aws_elasticache_replication_group" "cache" {\n  replication_group_id = "app"\n  engine               = "redis"\n}',
      useInstead: 'resource "aws_elasticache_replication_group" "cache" {\n  replication_group_id       = "app"\n  engine                     = "redis"\n  transit_encryption_enabled = true\n  auth_token                 = var.redis_auth_token\n}',
    },
    fix: 'Set `transit_encryption_enabled = true` and an `auth_token` from a secret variable (or RBAC users with `user_group_ids`), and connect with `rediss://` and the token.',
    references: [`${TF_AWS}/elasticache_replication_group#transit_encryption_enabled`, 'https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html', 'https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption.html'],
    tags: ['terraform', 'aws', 'redis', 'security'],
  },
  scope: 'terraform',
  check(mod, ctx) {
    for (const r of resources(mod, TYPES)) {
      const body = r.block.body;
      const t = boolAttr(mod, r, 'transit_encryption_enabled');
      const tTarget = `${label(r)}:transit_encryption_enabled`;
      if (t.state === 'unknown') unknownBool(ctx, r, 'transit_encryption_enabled', t, tTarget, (v) => !v);
      else if (t.state === 'absent' || t.state === 'null') ctx.report({ message: `${label(r)} does not set transit_encryption_enabled: cache traffic is not encrypted`, span: r.block.headerSpan, target: tTarget });
      else if (!t.value) ctx.report({ message: `${label(r)} sets transit_encryption_enabled = false${t.note}: cache traffic is not encrypted`, span: t.span, target: tTarget });
      const auth = body.attributes.find((a) => a.name === 'auth_token' || a.name === 'user_group_ids');
      if (!auth || auth.value.kind === 'null') ctx.report({ message: `${label(r)} sets no auth_token (nor RBAC user_group_ids): any host that reaches the port can use the cache`, span: r.block.headerSpan, target: `${label(r)}:auth_token` });
    }
  },
});
