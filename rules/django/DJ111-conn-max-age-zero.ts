import { defineRule } from '../../src/engine/rule.js';
import { dictGet } from '../../src/model/python-value.js';
import { cannotTell, cannotTellValue, databaseEntries, DEPLOY_CHECKLIST, engineFamily, mainRequirements, SETTINGS_DOCS } from './DJ1.production.js';

/** Under ASGI each request may run in a new thread, so Django's docs advise against persistent connections there. */
const ASGI_SERVERS = new Set(['uvicorn', 'daphne', 'hypercorn', 'granian', 'channels']);

export default defineRule({
  meta: {
    id: 'DJ111',
    name: 'NoPersistentDbConnections',
    title: 'Database connections are closed after every request (CONN_MAX_AGE 0)',
    severity: 'low',
    section: 'database',
    docs: {
      whatItDoes:
        'Reports a non-SQLite DATABASES entry whose CONN_MAX_AGE is 0 or unset (Django opens and closes a connection per request). Stays silent for projects served over ASGI (ASGI_APPLICATION set, or an ASGI server or Channels in the production requirements), where persistent connections are not reused.',
      whyIsThisBad:
        'A new database connection per request costs a TCP handshake, often a TLS handshake and authentication, adding milliseconds to every request and load on the database server under traffic.',
      example: "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'shop'}}",
      useInstead: "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'shop', 'CONN_MAX_AGE': 60, 'CONN_HEALTH_CHECKS': True}}",
    },
    fix: "Set CONN_MAX_AGE to a number of seconds (e.g. 60; None keeps connections forever) for each database, with CONN_HEALTH_CHECKS True on Django 4.1+; with dj-database-url pass conn_max_age=... . When a pooler such as PgBouncer in transaction mode sits in between, this can stay 0.",
    references: [`${SETTINGS_DOCS}#conn-max-age`, 'https://docs.djangoproject.com/en/stable/ref/databases/#persistent-connections', `${DEPLOY_CHECKLIST}#conn-max-age`],
    tags: ['django', 'database', 'performance'],
  },
  scope: 'django',
  check(project, ctx) {
    if (project.settings.get('ASGI_APPLICATION') || mainRequirements(project, ASGI_SERVERS).length > 0) return;
    const { entries, fact } = databaseEntries(project);
    if (!entries) return cannotTell(ctx, 'whether database connections are persistent', fact);
    for (const { alias, config } of entries) {
      const family = engineFamily(config);
      if (family === 'sqlite' || family === 'dummy') continue;
      const age = dictGet(config, 'CONN_MAX_AGE');
      if (family === undefined || age === undefined || (age && age.kind === 'unknown')) {
        cannotTellValue(ctx, `Cannot tell whether DATABASES['${alias}'] keeps connections open`, fact.span, age ?? config, 'DATABASES');
        continue;
      }
      const zero = age === null || (age.kind === 'int' && age.value === 0) || (age.kind === 'float' && age.value === 0) || (age.kind === 'bool' && !age.value);
      if (!zero) continue;
      const what = age === null ? 'does not set CONN_MAX_AGE (Django\'s default is 0)' : 'sets CONN_MAX_AGE to 0';
      ctx.report({
        message: `DATABASES['${alias}'] ${what}: every request opens and closes its own database connection`,
        span: fact.span,
        target: `DATABASES.${alias}`,
      });
    }
  },
});
