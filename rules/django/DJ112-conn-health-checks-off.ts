import { defineRule } from '../../src/engine/rule.js';
import { versionAtLeast } from '../../src/model/django-helpers.js';
import { dictGet, truthy } from '../../src/model/python-value.js';
import { djangoVersionLabel } from './DJ0.deploy-semantics.js';
import { cannotTell, cannotTellValue, databaseEntries, engineFamily, SETTINGS_DOCS } from './DJ1.production.js';

export default defineRule({
  meta: {
    id: 'DJ112',
    name: 'ConnHealthChecksOff',
    title: 'Persistent database connections are reused without health checks',
    severity: 'low',
    section: 'database',
    docs: {
      whatItDoes:
        'On Django 4.1+, reports a non-SQLite DATABASES entry that keeps connections open (CONN_MAX_AGE above 0, or None) without CONN_HEALTH_CHECKS True.',
      whyIsThisBad:
        'When the database restarts, fails over or a proxy drops idle connections, each worker reuses its dead connection and the next request on it fails with a 500 error. Health checks test the connection before reusing it.',
      example: "DATABASES = {'default': {..., 'CONN_MAX_AGE': 600}}",
      useInstead: "DATABASES = {'default': {..., 'CONN_MAX_AGE': 600, 'CONN_HEALTH_CHECKS': True}}",
    },
    fix: "Add 'CONN_HEALTH_CHECKS': True to each database with persistent connections (dj-database-url: conn_health_checks=True).",
    references: [`${SETTINGS_DOCS}#conn-health-checks`, 'https://docs.djangoproject.com/en/stable/ref/databases/#persistent-connections'],
    tags: ['django', 'database', 'reliability'],
  },
  scope: 'django',
  check(project, ctx) {
    if (!versionAtLeast(project.djangoVersion, 4, 1)) {
      ctx.notApplicable(`${djangoVersionLabel(project)}: CONN_HEALTH_CHECKS arrived in Django 4.1`);
      return;
    }
    const { entries, fact } = databaseEntries(project);
    if (!entries) return cannotTell(ctx, 'whether persistent database connections are health-checked', fact);
    for (const { alias, config } of entries) {
      const family = engineFamily(config);
      if (family === 'sqlite' || family === 'dummy') continue;
      const age = dictGet(config, 'CONN_MAX_AGE');
      if (age === null) continue;
      const persistent = age === undefined ? undefined : age.kind === 'none' ? true : truthy(age);
      if (persistent === false) continue;
      const checks = dictGet(config, 'CONN_HEALTH_CHECKS');
      const checked = checks === null ? false : checks === undefined ? undefined : truthy(checks);
      if (checked === true) continue;
      if (persistent === undefined || checked === undefined || family === undefined) {
        cannotTellValue(ctx, `Cannot tell whether DATABASES['${alias}'] health-checks its persistent connections`, fact.span, config, 'DATABASES');
        continue;
      }
      const kept = age!.kind === 'none' ? 'forever (CONN_MAX_AGE None)' : `for ${age!.kind === 'int' ? age!.value : '?'} seconds`;
      ctx.report({
        message: `DATABASES['${alias}'] keeps connections open ${kept} without CONN_HEALTH_CHECKS: after a database restart or failover, requests fail on the stale connection`,
        span: fact.span,
        target: `DATABASES.${alias}`,
      });
    }
  },
});
