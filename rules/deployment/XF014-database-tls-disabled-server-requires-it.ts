import type { RelatedLocation } from '../../src/core/finding.js';
import { defineRule } from '../../src/engine/rule.js';
import { databaseClients, dependsOnHost, djangoRuntimes, managedPostgres, pgSslModeLine, rdsInstanceFor, responsibleLine, restsOnDefault } from '../../src/model/deployment/backing.js';

export default defineRule({
  meta: {
    id: 'XF014',
    name: 'DatabaseTlsDisabledServerRequiresIt',
    title: 'Django disables TLS towards an RDS PostgreSQL instance whose Terraform parameter group forces SSL',
    severity: 'blocker',
    section: 'database',
    docs: {
      whatItDoes:
        "Joins the PostgreSQL DATABASES entries of the production settings (as each service sees them) with the RDS instances of the repository's production Terraform: an entry whose HOST is an RDS endpoint (<identifier>.<id>.<region>.rds.amazonaws.com) of an aws_db_instance declared with that literal identifier, and whose sslmode is disable (in OPTIONS, a ?sslmode=disable database URL, or PGSSLMODE), is reported when the instance's parameter group (an aws_db_parameter_group of the same module) sets rds.force_ssl to 1. sslmode allow and prefer are not reported here: libpq then negotiates TLS and connects (DJ113 covers remote databases whose TLS is not required). Instances whose parameter group is not in the repository are left alone.",
      whyIsThisBad:
        "With rds.force_ssl = 1, RDS accepts only encrypted connections (hostssl rules in pg_hba.conf), and sslmode=disable never asks for TLS: every connection is refused with \"no pg_hba.conf entry for host ..., SSL off\" (or \"no encryption\"), so migrations, requests and tasks fail as soon as the parameter group is applied.",
      example: "# .env.production\nDATABASE_URL=postgres://shop:...@shop-db.c9akciq32.eu-west-1.rds.amazonaws.com:5432/shop?sslmode=disable\n# infra/rds.tf\nresource \"aws_db_parameter_group\" \"shop\" {\n  parameter {\n    name  = \"rds.force_ssl\"\n    value = \"1\"\n  }\n}",
      useInstead: "DATABASE_URL=postgres://shop:...@shop-db.c9akciq32.eu-west-1.rds.amazonaws.com:5432/shop?sslmode=verify-full&sslrootcert=/etc/ssl/rds-global-bundle.pem",
    },
    fix: 'Connect with sslmode=verify-full and the RDS CA bundle as sslrootcert (or at least sslmode=require), in OPTIONS or the database URL, and remove PGSSLMODE=disable from the environment.',
    references: [
      'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html',
      'https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-SSLMODE-STATEMENTS',
      'https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_parameter_group',
    ],
    tags: ['database', 'tls', 'terraform', 'cross-file'],
  },
  scope: 'repo',
  check(model, ctx) {
    const instances = managedPostgres(model).filter((i) => i.forceSsl);
    const backing = model.backingServices;
    if (instances.length === 0 || !backing) {
      ctx.notApplicable('no RDS PostgreSQL instance in the Terraform of the repository forces SSL');
      return;
    }
    const seen = new Set<string>();
    for (const runtime of djangoRuntimes(model)) {
      for (const db of databaseClients(runtime.subject)) {
        if (db.family !== 'postgresql' || !db.host || db.sslmode !== 'disable') continue;
        const instance = rdsInstanceFor(instances, db.host);
        if (!instance) continue;
        if (dependsOnHost(backing, db.config, 'host') || dependsOnHost(backing, db.config, 'query') || restsOnDefault(runtime, db.config)) continue;
        const key = `${db.span.file}:${db.span.start.offset}:${db.alias}:${db.host}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const from = db.sslmodeFrom === 'PGSSLMODE' ? pgSslModeLine(runtime.subject) : undefined;
        const at = from ? { span: from.span, related: [{ span: db.span, message: 'DATABASES is set here' }] } : responsibleLine(db.config, db.span, 'DATABASES', (raw) => /[?&]sslmode=disable/i.test(raw));
        const related: RelatedLocation[] = [
          { span: instance.forceSsl!, message: `the parameter group of ${instance.label} sets rds.force_ssl = 1` },
          { span: instance.span, message: `${instance.label} (identifier ${instance.identifier})` },
          ...at.related,
        ];
        const who = runtime.subject.service ? ` (as ${runtime.subject.service.name} sees it)` : '';
        ctx.report({
          message: `DATABASES['${db.alias}']${who} connects to ${db.host} with sslmode=disable${db.sslmodeFrom === 'PGSSLMODE' ? ' (PGSSLMODE)' : ''}, but ${instance.label} forces SSL (rds.force_ssl = 1): RDS refuses every unencrypted connection ("no pg_hba.conf entry ... SSL off")`,
          span: at.span,
          related,
          target: `DATABASES.${db.alias}->${instance.label}`,
        });
      }
    }
  },
});
