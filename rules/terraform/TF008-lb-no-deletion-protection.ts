import { defineRule } from '../../src/engine/rule.js';
import { boolAttr, label, resources, TF_AWS, unknownBool } from './TF.common.js';

const TYPES = new Set(['aws_lb', 'aws_alb']);

export default defineRule({
  meta: {
    id: 'TF008',
    name: 'TerraformLbNoDeletionProtection',
    title: 'The load balancer has no deletion protection',
    severity: 'low',
    section: 'web-server',
    docs: {
      whatItDoes:
        'Reports an `aws_lb` or `aws_alb` whose `enable_deletion_protection` is `false` or not set (the provider default is false). A `var.x` counts when its `variable` block has a literal default and no .tfvars file in the repository and no local `module` call sets it (when every value those give is harmless, the rule stays silent) (the message says so); other references are reported as unknown. Directories whose path says dev/local/test/example are not judged.',
      whyIsThisBad:
        'Deleting or replacing the load balancer (a rename, a changed immutable attribute, a destroy in the wrong workspace) takes the site offline and changes its DNS name, which CNAME records and allow-lists elsewhere still point at.',
      example: 'resource "aws_lb" "web" {\n  load_balancer_type = "application"\n}',
      useInstead: 'resource "aws_lb" "web" {\n  load_balancer_type         = "application"\n  enable_deletion_protection = true\n}',
    },
    fix: 'Set `enable_deletion_protection = true` on production load balancers.',
    references: [`${TF_AWS}/lb#enable_deletion_protection`, 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection'],
    tags: ['terraform', 'aws', 'reliability'],
  },
  scope: 'terraform',
  check(mod, ctx) {
    for (const r of resources(mod, TYPES)) {
      const a = boolAttr(mod, r, 'enable_deletion_protection');
      const target = `${label(r)}:enable_deletion_protection`;
      if (a.state === 'unknown') unknownBool(ctx, r, 'enable_deletion_protection', a, target, (v) => !v);
      else if (a.state === 'absent' || a.state === 'null') ctx.report({ message: `${label(r)} does not set enable_deletion_protection (off by default)`, span: r.block.headerSpan, target });
      else if (!a.value) ctx.report({ message: `${label(r)} sets enable_deletion_protection = false${a.note}`, span: a.span, target });
    }
  },
});
