import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineRule } from '../../src/engine/rule.js';
import { truthy } from '../../src/model/python-value.js';
import type { DeploymentModel, DjangoProject } from '../../src/model/types.js';
import { settingFact } from './DJ0.deploy-semantics.js';
import { cannotTell, DEPLOY_CHECKLIST, mainRequirements, SETTINGS_DOCS } from './DJ1.production.js';

/** Error trackers and APMs that capture unhandled exceptions (normalised package names). */
const TRACKER_PACKAGES = new Set([
  'sentry-sdk', 'raven', 'rollbar', 'bugsnag', 'honeybadger', 'newrelic', 'ddtrace', 'elastic-apm', 'scout-apm',
  'airbrake', 'pybrake', 'appsignal', 'django-airbrake', 'opbeat', 'logfire', 'highlight-io', 'glitchtip', 'atatus',
]);

/** Settings those integrations are configured through. */
const TRACKER_SETTINGS = ['SENTRY_DSN', 'RAVEN_CONFIG', 'ROLLBAR', 'BUGSNAG', 'HONEYBADGER', 'ELASTIC_APM', 'AIRBRAKE', 'SCOUT_KEY', 'APPSIGNAL_PUSH_API_KEY'];

/** A tracker initialised in code, e.g. sentry_sdk.init(...) at the end of settings.py. */
const TRACKER_INIT = /^[ \t]*(?:sentry_sdk|rollbar|bugsnag|honeybadger|newrelic\.agent|logfire)\.(?:init|configure|initialize)\s*\(/m;

function initialisedInSettings(project: DjangoProject, model: DeploymentModel): boolean {
  return project.settings.files.some((file) => {
    try {
      return TRACKER_INIT.test(readFileSync(join(model.root, file), 'utf8'));
    } catch {
      return false;
    }
  });
}

function trackerEvidence(project: DjangoProject, model: DeploymentModel): string | undefined {
  const pkg = mainRequirements(project, TRACKER_PACKAGES)[0];
  if (pkg) return pkg.name;
  const setting = TRACKER_SETTINGS.find((n) => project.settings.get(n) !== undefined);
  if (setting) return setting;
  return initialisedInSettings(project, model) ? 'an error tracker initialised in the settings' : undefined;
}

export default defineRule({
  meta: {
    id: 'DJ118',
    name: 'NoErrorReporting',
    title: 'Nobody is told about server errors (no ADMINS, no error tracker)',
    severity: 'medium',
    section: 'logging-monitoring',
    docs: {
      whatItDoes:
        'Reports production settings with an empty ADMINS list when no error tracker is set up: no tracker package (sentry-sdk, rollbar, bugsnag, honeybadger, newrelic, ddtrace, elastic-apm, ...) in the production requirements, no tracker setting (SENTRY_DSN, ROLLBAR, ...) and no sentry_sdk.init()-style call in the settings files.',
      whyIsThisBad:
        'With DEBUG off, an unhandled exception becomes a bare 500 page. Django emails the traceback to ADMINS and nobody else; with ADMINS empty and no tracker, errors go unnoticed until users complain, and the traceback needed to fix them is gone.',
      example: 'ADMINS = []',
      useInstead: "import sentry_sdk\nsentry_sdk.init(dsn=os.environ['SENTRY_DSN'])\n# or\nADMINS = [('Ops', 'ops@example.com')]",
    },
    fix: 'Set up an error tracker (e.g. sentry-sdk with its Django integration) in production, or at least list ADMINS and configure working email so Django mails tracebacks.',
    references: [`${SETTINGS_DOCS}#admins`, 'https://docs.djangoproject.com/en/stable/howto/error-reporting/', `${DEPLOY_CHECKLIST}#error-reporting`],
    tags: ['django', 'observability', 'error-reporting'],
  },
  scope: 'django',
  check(project, ctx, model) {
    if (trackerEvidence(project, model)) return;
    const admins = settingFact(project, 'ADMINS');
    const any = truthy(admins.value ?? { kind: 'list', items: [] });
    if (any === true) return;
    if (any === undefined) return cannotTell(ctx, 'whether anyone receives error reports', admins);
    ctx.report({
      message: `${admins.binding ? 'ADMINS is empty' : 'ADMINS is not set'} and no error tracker is configured: server errors (500) are reported to nobody`,
      span: admins.span,
      target: 'ADMINS',
    });
  },
});
