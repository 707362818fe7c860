import type { Span } from '../../src/core/position.js';
import { defineRule } from '../../src/engine/rule.js';
import type { HclBody, HclValue } from '../../src/parse/hcl.js';
import { resolvedAttr } from '../../src/model/terraform/build.js';
import type { TerraformModule } from '../../src/model/terraform/types.js';
import { label, resources, TF_AWS } from './TF.common.js';

const PORTS: Record<number, string> = { 5432: 'PostgreSQL', 3306: 'MySQL', 6379: 'Redis', 11211: 'Memcached', 27017: 'MongoDB', 9200: 'Elasticsearch' };
const OPEN = new Set(['0.0.0.0/0', '::/0']);
const TYPES = new Set(['aws_security_group', 'aws_security_group_rule', 'aws_vpc_security_group_ingress_rule']);

function lit(mod: TerraformModule, body: HclBody, name: string): { value: HclValue; span: Span } | 'unknown' | undefined {
  const a = resolvedAttr(mod, body, name);
  if (!a) return undefined;
  return a.known ? { value: a.value, span: a.attrSpan } : 'unknown';
}

function num(v: HclValue): number | undefined {
  if (v.kind === 'number') return v.value;
  if (v.kind === 'string' && /^-?\d+$/.test(v.value.trim())) return Number(v.value);
  return undefined;
}

/** What the rule opens: "all ports", "PostgreSQL (5432)", ...; undefined when harmless or not known. */
function exposure(mod: TerraformModule, body: HclBody, protoAttr: string): string | undefined {
  const p = lit(mod, body, protoAttr);
  if (p === 'unknown' || p === undefined) return undefined;
  const proto = p.value.kind === 'string' ? p.value.value.toLowerCase() : p.value.kind === 'number' ? String(p.value.value) : '';
  if (proto === '-1' || proto === 'all') return 'all ports and protocols';
  if (!['tcp', 'udp', '6', '17'].includes(proto)) return undefined;
  const f = lit(mod, body, 'from_port');
  const t = lit(mod, body, 'to_port');
  if (!f || !t || f === 'unknown' || t === 'unknown') return undefined;
  const from = num(f.value);
  const to = num(t.value);
  if (from === undefined || to === undefined) return undefined;
  if ((from <= 0 || from === 1) && to >= 65535) return 'all ports';
  const hit = Object.keys(PORTS).map(Number).filter((port) => port >= from && port <= to);
  if (hit.length === 0) return undefined;
  return hit.map((port) => `${PORTS[port]} (${port})`).join(', ');
}

/** The attribute that opens to the world (a literal list or string holding 0.0.0.0/0 or ::/0). */
function openCidr(mod: TerraformModule, body: HclBody, names: string[]): { span: Span; cidr: string } | undefined {
  for (const n of names) {
    const a = lit(mod, body, n);
    if (!a || a === 'unknown') continue;
    const values = a.value.kind === 'list' ? a.value.items : [a.value];
    for (const v of values) if (v.kind === 'string' && OPEN.has(v.value.trim())) return { span: a.span, cidr: v.value.trim() };
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: 'TF007',
    name: 'TerraformSecurityGroupOpensDbPort',
    title: 'A security group opens a database or cache port (or every port) to the internet',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        'Reports an ingress rule that allows 0.0.0.0/0 or ::/0 to PostgreSQL (5432), MySQL (3306), Redis (6379), Memcached (11211), MongoDB (27017) or Elasticsearch (9200), or to all ports (protocol "-1", or 0-65535): inline `ingress` blocks of `aws_security_group`, `aws_security_group_rule` with `type = "ingress"`, and `aws_vpc_security_group_ingress_rule` (`cidr_ipv4`/`cidr_ipv6`). A `var.x` counts when its `variable` block has a literal default and no .tfvars file in the repository and no local `module` call sets it (when every value those give is harmless, the rule stays silent); other references and function calls are not judged. Directories whose path says dev/local/test/example are not judged.',
      whyIsThisBad:
        'Database and cache ports reachable from the whole internet are found by scanners within minutes and then brute-forced or, for services without authentication (Redis, Memcached, Elasticsearch by default), read and wiped directly; Memcached over UDP is also abused for traffic amplification.',
      example: 'ingress {\n  from_port   = 5432\n  to_port     = 5432\n  protocol    = "tcp"\n  cidr_blocks = ["0.0.0.0/0"]\n}',
      useInstead: 'ingress {\n  from_port       = 5432\n  to_port         = 5432\n  protocol        = "tcp"\n  security_groups = [aws_security_group.app.id]\n}',
    },
    fix: 'Allow the port only from the application\'s security group (`security_groups` / `source_security_group_id` / `referenced_security_group_id`) or a private CIDR; use a bastion or SSM port forwarding for administration.',
    references: [`${TF_AWS}/security_group`, `${TF_AWS}/vpc_security_group_ingress_rule`, 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html'],
    tags: ['terraform', 'aws', 'security', 'network'],
  },
  scope: 'terraform',
  check(mod, ctx) {
    const report = (where: string, body: HclBody, protoAttr: string, cidrs: string[]) => {
      const open = openCidr(mod, body, cidrs);
      if (!open) return;
      const what = exposure(mod, body, protoAttr);
      if (!what) return;
      ctx.report({ message: `${where.replace(/ #\d+$/, '')} allows ${open.cidr} to ${what}`, span: open.span, target: `${where}:${open.cidr}` });
    };
    for (const r of resources(mod, TYPES)) {
      const body = r.block.body;
      if (r.type === 'aws_security_group') {
        let n = 0;
        for (const b of body.blocks) if (b.type === 'ingress') report(`${label(r)} ingress #${++n}`, b.body, 'protocol', ['cidr_blocks', 'ipv6_cidr_blocks']);
      } else if (r.type === 'aws_security_group_rule') {
        const type = lit(mod, body, 'type');
        if (!type || type === 'unknown' || type.value.kind !== 'string' || type.value.value !== 'ingress') continue;
        report(label(r), body, 'protocol', ['cidr_blocks', 'ipv6_cidr_blocks']);
      } else {
        report(label(r), body, 'ip_protocol', ['cidr_ipv4', 'cidr_ipv6']);
      }
    }
  },
});
