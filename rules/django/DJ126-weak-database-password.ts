import { defineRule } from '../../src/engine/rule.js';
import { dictGet } from '../../src/model/python-value.js';
import type { DjangoProject } from '../../src/model/types.js';
import { pyLen } from './DJ0.deploy-semantics.js';
import { cannotTell, cannotTellValue, databaseEntries, dbString, engineFamily, envSourceRelated, hostLocality, plural, SETTINGS_DOCS } from './DJ1.production.js';

/** Passwords that default images, tutorials and installers use; attackers try them first. */
const WELL_KNOWN = new Set([
  'postgres', 'postgresql', 'password', 'passw0rd', 'pass', 'admin', 'administrator', 'root', 'toor', 'mysql', 'mariadb',
  '123456', '12345678', '123456789', '1234', 'qwerty', 'changeme', 'change_me', 'change-me', 'secret', 'default', 'django', 'test', 'letmein',
]);

/** Variables the database client reads itself when PASSWORD is empty. */
const CLIENT_PASSWORD_VARS = ['PGPASSWORD', 'PGPASSFILE', 'PGSERVICE', 'MYSQL_PWD'];

function clientProvidesPassword(project: DjangoProject): boolean {
  return project.envLayers.some((l) => CLIENT_PASSWORD_VARS.some((n) => l.lookup(n)?.value));
}

export default defineRule({
  meta: {
    id: 'DJ126',
    name: 'WeakDatabasePassword',
    title: 'The database password is a well-known default, equals the user name, or is empty',
    severity: 'high',
    section: 'database',
    docs: {
      whatItDoes:
        "Reports a non-SQLite DATABASES entry whose PASSWORD is a well-known default ('postgres', 'password', 'admin', 'root', '123456', 'changeme', ...), the same as USER, or empty for a server reached over the network (not localhost or a unix socket, where peer authentication is common, and not when PGPASSWORD/PGPASSFILE/MYSQL_PWD is set). The password itself is never shown.",
      whyIsThisBad:
        'Default and user-name passwords are the first ones tried by anyone who can reach the database port, and an empty one means none at all. Whoever gets in reads and alters every user record.',
      example: "DATABASES = {'default': {..., 'USER': 'postgres', 'PASSWORD': 'postgres', 'HOST': 'db'}}",
      useInstead: "DATABASES = {'default': {..., 'USER': 'shop', 'PASSWORD': os.environ['DB_PASSWORD'], 'HOST': 'db'}}",
    },
    fix: 'Give the database user a long random password, store it in the production environment or secret store, read it from there, and change it on the server.',
    references: [`${SETTINGS_DOCS}#password`, 'https://docs.djangoproject.com/en/stable/howto/deployment/checklist/#databases'],
    tags: ['django', 'security', 'database', 'secrets'],
  },
  scope: 'django',
  check(project, ctx) {
    const { entries, fact } = databaseEntries(project);
    if (!entries) return cannotTell(ctx, 'whether the database password is weak', fact);
    for (const { alias, config } of entries) {
      const family = engineFamily(config);
      if (family === 'sqlite' || family === 'dummy' || family === 'other') continue;
      const password = dbString(config, 'PASSWORD');
      const user = dbString(config, 'USER');
      const host = dbString(config, 'HOST');
      if (password === undefined || family === undefined) {
        cannotTellValue(ctx, `Cannot tell whether the password of DATABASES['${alias}'] is weak`, fact.span, dictGet(config, 'PASSWORD') ?? config, 'DATABASES');
        continue;
      }
      const reason = weakness(password, user, host, project);
      if (reason === undefined) continue;
      if (reason === null) {
        cannotTellValue(ctx, `Cannot tell whether the empty password of DATABASES['${alias}'] is used over the network`, fact.span, dictGet(config, 'HOST') ?? config, 'DATABASES');
        continue;
      }
      ctx.report({
        message: `The PASSWORD of DATABASES['${alias}'] ${reason}: anyone who reaches the database port can log in`,
        span: fact.span,
        target: `DATABASES.${alias}`,
        related: envSourceRelated(config, true),
      });
    }
  },
});

/** Why a password is weak; undefined when it is not; null when it depends on an unknown host. */
function weakness(password: string, user: string | undefined, host: string | undefined, project: DjangoProject): string | undefined | null {
  if (password === '') {
    if (clientProvidesPassword(project)) return undefined;
    if (host === undefined) return null;
    return hostLocality(host) === 'local' ? undefined : `is empty while the server '${host}' is reached over the network`;
  }
  if (WELL_KNOWN.has(password.toLowerCase())) return `is a well-known default password (${plural(pyLen(password), 'character')})`;
  if (user !== undefined && user !== '' && password === user) return 'is the same as the USER name';
  return undefined;
}
