import { defineRule } from '../../src/engine/rule.js';
import { cannotTell, cannotTellValue, databaseEntries, DEPLOY_CHECKLIST, decidedByDefaultsOnly, engineFamily, envNames, envSourceRelated, SETTINGS_DOCS } from './DJ1.production.js';

export default defineRule({
  meta: {
    id: 'DJ110',
    name: 'SqliteInProduction',
    title: 'The production database is SQLite',
    severity: 'high',
    section: 'database',
    docs: {
      whatItDoes:
        "Reports a DATABASES entry whose ENGINE is SQLite in the production settings, including a database URL helper (dj-database-url, env.db()) that falls back to a 'sqlite:///' default because no production environment source sets DATABASE_URL.",
      whyIsThisBad:
        'SQLite allows one writer at a time, so concurrent requests from several workers fail with "database is locked". Its file lives on the application server: in a container it vanishes on redeploy, and several servers each get their own data.',
      example: "DATABASES = {'default': dj_database_url.config(default='sqlite:///db.sqlite3')}",
      useInstead: "DATABASES = {'default': dj_database_url.config(conn_max_age=600)}  # DATABASE_URL=postgres://... in production",
    },
    fix: 'Use a client/server database (PostgreSQL, MySQL/MariaDB) in production and set its URL or parameters in the production environment. If SQLite is a deliberate choice for a single-process site, keep the file on a persistent volume and back it up.',
    references: [`${SETTINGS_DOCS}#databases`, `${DEPLOY_CHECKLIST}#databases`, 'https://docs.djangoproject.com/en/stable/ref/databases/#sqlite-notes'],
    tags: ['django', 'database'],
  },
  scope: 'django',
  check(project, ctx) {
    const { entries, fact } = databaseEntries(project);
    if (!entries) return cannotTell(ctx, 'which database production uses', fact);
    for (const { alias, config } of entries) {
      const family = engineFamily(config);
      if (family === undefined) {
        cannotTellValue(ctx, `Cannot tell which database engine DATABASES['${alias}'] uses`, fact.span, config, 'DATABASES');
        continue;
      }
      if (family !== 'sqlite') continue;
      const vars = envNames(config);
      const what = decidedByDefaultsOnly(config)
        ? `falls back to SQLite in production because no production environment source sets ${vars.join(', ')}`
        : 'uses SQLite in production';
      ctx.report({
        message: `DATABASES['${alias}'] ${what}: one writer at a time ("database is locked" under concurrent requests), and the data lives in a file on the app server`,
        span: fact.span,
        target: `DATABASES.${alias}`,
        related: envSourceRelated(config),
      });
    }
  },
});
