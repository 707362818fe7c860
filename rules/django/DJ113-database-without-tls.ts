import { defineRule } from '../../src/engine/rule.js';
import { dictGet, truthy, type PyValue } from '../../src/model/python-value.js';
import type { DjangoProject } from '../../src/model/types.js';
import { cannotTell, cannotTellValue, databaseEntries, dbString, engineFamily, envSourceRelated, hostLocality, SETTINGS_DOCS } from './DJ1.production.js';

const PG_SECURE_MODES = new Set(['require', 'verify-ca', 'verify-full']);
const MYSQL_SECURE_MODES = new Set(['REQUIRED', 'VERIFY_CA', 'VERIFY_IDENTITY']);

/** libpq also reads PGSSLMODE from the process environment. */
function pgSslModeFromEnv(project: DjangoProject): string | undefined {
  for (let i = project.envLayers.length - 1; i >= 0; i--) {
    const hit = project.envLayers[i]!.lookup('PGSSLMODE');
    if (hit?.value) return hit.value.trim().toLowerCase();
  }
  return undefined;
}

/** Whether OPTIONS demand an encrypted connection: true, false, or undefined when not known. */
function tlsRequired(family: 'postgresql' | 'mysql', config: PyValue, project: DjangoProject): boolean | undefined {
  const options = dictGet(config, 'OPTIONS');
  if (options === undefined || (options && options.kind !== 'dict')) return options && options.kind === 'none' ? false : undefined;
  if (family === 'postgresql') {
    const mode = options ? dictGet(options, 'sslmode') : null;
    if (mode === undefined || (mode && mode.kind !== 'str')) return undefined;
    if (mode) return PG_SECURE_MODES.has(mode.value.toLowerCase());
    const fromEnv = pgSslModeFromEnv(project);
    return fromEnv !== undefined && PG_SECURE_MODES.has(fromEnv);
  }
  if (!options) return false;
  const ssl = dictGet(options, 'ssl');
  if (ssl === undefined) return undefined;
  if (ssl !== null && truthy(ssl) === true) return true;
  const mode = dictGet(options, 'ssl_mode');
  if (mode === undefined || (mode && mode.kind !== 'str')) return undefined;
  return mode ? MYSQL_SECURE_MODES.has(mode.value.toUpperCase()) : false;
}

export default defineRule({
  meta: {
    id: 'DJ113',
    name: 'RemoteDatabaseWithoutTls',
    title: 'A remote PostgreSQL or MySQL database is reached without requiring TLS',
    severity: 'medium',
    section: 'database',
    docs: {
      whatItDoes:
        "Reports a PostgreSQL or MySQL DATABASES entry whose HOST is a public DNS name or public IP address while OPTIONS do not require TLS (PostgreSQL: sslmode require, verify-ca or verify-full, in OPTIONS or PGSSLMODE; MySQL: an 'ssl' dict or ssl_mode REQUIRED/VERIFY_*). Local hosts, unix sockets, dot-less service names (compose, Kubernetes), private IP ranges, private DNS suffixes (.internal, .local, .svc.cluster.local) and names with an 'internal' or 'private' label (db.internal.example.com) are left alone.",
      whyIsThisBad:
        "libpq's default sslmode 'prefer' silently falls back to plain text when the server or a man in the middle refuses TLS, and MySQL clients do the same unless told otherwise. Credentials and every query and result then cross networks you do not control in clear text.",
      example: "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'HOST': 'db.example-cloud.com', ...}}",
      useInstead: "DATABASES = {'default': {..., 'HOST': 'db.example-cloud.com', 'OPTIONS': {'sslmode': 'verify-full'}}}",
    },
    fix: "PostgreSQL: add 'OPTIONS': {'sslmode': 'require'} (better 'verify-full' with sslrootcert), or ?sslmode=require in the database URL, or dj_database_url.config(ssl_require=True). MySQL: 'OPTIONS': {'ssl_mode': 'VERIFY_IDENTITY', 'ssl': {'ca': '/path/ca.pem'}}.",
    references: [`${SETTINGS_DOCS}#options`, 'https://www.postgresql.org/docs/current/libpq-ssl.html', 'https://docs.djangoproject.com/en/stable/ref/databases/#postgresql-notes'],
    tags: ['django', 'security', 'database', 'tls'],
  },
  scope: 'django',
  check(project, ctx) {
    const { entries, fact } = databaseEntries(project);
    if (!entries) return cannotTell(ctx, 'whether the database connection requires TLS', fact);
    for (const { alias, config } of entries) {
      const family = engineFamily(config);
      if (family !== undefined && family !== 'postgresql' && family !== 'mysql') continue;
      const host = dbString(config, 'HOST');
      const remote = host === undefined ? undefined : hostLocality(host) === 'remote';
      if (remote === false) continue;
      const tls = family === undefined ? undefined : tlsRequired(family, config, project);
      if (tls === true) continue;
      if (remote === undefined || tls === undefined) {
        cannotTellValue(ctx, `Cannot tell whether DATABASES['${alias}'] is a remote server reached without TLS`, fact.span, config, 'DATABASES');
        continue;
      }
      const how = family === 'postgresql' ? 'no sslmode of require or stronger' : 'no ssl options';
      ctx.report({
        message: `DATABASES['${alias}'] connects to the remote host '${host}' with ${how}: credentials and query results may cross the network unencrypted`,
        span: fact.span,
        target: `DATABASES.${alias}`,
        related: envSourceRelated(config, true),
      });
    }
  },
});
