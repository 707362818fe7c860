import type { RelatedLocation } from '../../src/core/finding.js';
import { defineRule } from '../../src/engine/rule.js';
import { databaseClients, dependsOnHost, restsOnDefault, djangoRuntimes, pgSslModeLine, postgresServersFor, responsibleLine } from '../../src/model/deployment/backing.js';

const TLS_REQUIRED = new Set(['require', 'verify-ca', 'verify-full']);

export default defineRule({
  meta: {
    id: 'XF015',
    name: 'DatabaseTlsRequiredServerWithoutSsl',
    title: 'Django requires TLS from a compose PostgreSQL service whose server has SSL off',
    severity: 'blocker',
    section: 'database',
    docs: {
      whatItDoes:
        "Joins the PostgreSQL DATABASES entries of the production settings (as each service sees them) with the PostgreSQL servers the production compose files run. Reports a connection with sslmode require, verify-ca or verify-full (in OPTIONS, a ?sslmode= database URL, ssl_require=True, or PGSSLMODE) whose HOST is a compose service running an image that starts PostgreSQL with ssl = off: the official postgres image (and postgis, pgvector, timescaledb images built on it) with no ssl option, configuration file, certificate, or init script mounted, or a Bitnami image without POSTGRESQL_ENABLE_TLS=yes. Servers that may be configured otherwise are left alone.",
      whyIsThisBad:
        "libpq refuses to connect in clear text when sslmode requires TLS, and a server with ssl = off answers the TLS request with a refusal: every connection fails with \"server does not support SSL, but SSL was required\", so migrations, every request and every task fail.",
      example: "# .env.production\nDATABASE_URL=postgres://shop:${POSTGRES_PASSWORD}@db:5432/shop?sslmode=require\n# docker-compose.prod.yml\ndb:\n  image: postgres:17",
      useInstead:
        "# either turn SSL on in the server (certificates mounted)\ndb:\n  image: postgres:17\n  command: -c ssl=on -c ssl_cert_file=/run/secrets/server.crt -c ssl_key_file=/run/secrets/server.key\n# or, on a private compose network, drop the sslmode requirement for this host",
    },
    fix: "Either enable SSL on the server (mount a certificate and key, start it with -c ssl=on -c ssl_cert_file=... -c ssl_key_file=..., or POSTGRESQL_ENABLE_TLS=yes for Bitnami), or, when the database is only reached over the private compose network, connect without requiring TLS to that host.",
    references: [
      'https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-SSLMODE-STATEMENTS',
      'https://www.postgresql.org/docs/current/ssl-tcp.html',
      'https://hub.docker.com/_/postgres',
    ],
    tags: ['database', 'tls', 'compose', 'cross-file'],
  },
  scope: 'repo',
  check(model, ctx) {
    const backing = model.backingServices;
    if (!backing || backing.postgres.length === 0) {
      ctx.notApplicable('no production compose service runs PostgreSQL');
      return;
    }
    const seen = new Set<string>();
    for (const runtime of djangoRuntimes(model)) {
      for (const db of databaseClients(runtime.subject)) {
        if (db.family !== 'postgresql' || !db.host || db.port === undefined || !db.sslmode || !TLS_REQUIRED.has(db.sslmode)) continue;
        if (dependsOnHost(backing, db.config, 'host') || dependsOnHost(backing, db.config, 'query') || restsOnDefault(runtime, db.config)) continue;
        const servers = postgresServersFor(backing, runtime, db.host.toLowerCase(), db.port);
        if (servers.length === 0 || !servers.every((s) => s.tls.state === 'off')) continue;
        const key = `${db.span.file}:${db.span.start.offset}:${db.alias}:${db.host}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const server = servers[0]!;
        const from = db.sslmodeFrom === 'PGSSLMODE' ? pgSslModeLine(runtime.subject) : undefined;
        // The sslmode is written in a database URL of the environment, in PGSSLMODE, or in the settings.
        const at = from ? { span: from.span, related: [{ span: db.span, message: 'DATABASES is set here' }] } : responsibleLine(db.config, db.span, 'DATABASES', (raw) => /[?&]sslmode=/i.test(raw));
        const related: RelatedLocation[] = [{ span: server.span, message: `${server.label}: ${server.tls.how}` }, ...at.related];
        const who = runtime.subject.service ? ` (as ${runtime.subject.service.name} sees it)` : '';
        ctx.report({
          message: `DATABASES['${db.alias}']${who} connects to ${db.host}:${db.port} with sslmode=${db.sslmode}${db.sslmodeFrom === 'PGSSLMODE' ? ' (PGSSLMODE)' : ''}, but ${server.label} runs PostgreSQL with SSL off (${server.tls.how}): every connection fails with "server does not support SSL, but SSL was required"`,
          span: at.span,
          related,
          target: `DATABASES.${db.alias}->${db.host}`,
        });
      }
    }
  },
});
