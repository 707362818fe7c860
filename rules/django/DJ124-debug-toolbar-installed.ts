import { defineRule } from '../../src/engine/rule.js';
import { pyContains, settingFact } from './DJ0.deploy-semantics.js';
import { appInstalled, cannotTell } from './DJ1.production.js';

const TOOLBAR_APP = 'debug_toolbar';
const TOOLBAR_MIDDLEWARE = 'debug_toolbar.middleware.DebugToolbarMiddleware';

export default defineRule({
  meta: {
    id: 'DJ124',
    name: 'DebugToolbarInProduction',
    title: 'django-debug-toolbar is enabled in the production settings',
    severity: 'medium',
    section: 'security',
    docs: {
      whatItDoes:
        "Reports 'debug_toolbar' in INSTALLED_APPS, or its DebugToolbarMiddleware in MIDDLEWARE, of the production settings.",
      whyIsThisBad:
        'The toolbar is a development tool: it shows SQL queries, settings, headers and templates to whoever passes its show-toolbar test (INTERNAL_IPS, which behind a proxy or in a container can match every visitor), slows every request it instruments, and its package must then be installed in production. Release notes of the toolbar regularly fix security issues that assume it never runs in production.',
      example: "INSTALLED_APPS += ['debug_toolbar']",
      useInstead: '# enable debug_toolbar only in the development settings module',
    },
    fix: 'Move debug_toolbar (app, middleware, INTERNAL_IPS and its URL include) to the development settings and development requirements.',
    references: ['https://django-debug-toolbar.readthedocs.io/en/latest/installation.html', 'https://django-debug-toolbar.readthedocs.io/en/latest/configuration.html#show-toolbar-callback'],
    tags: ['django', 'security', 'information-disclosure'],
  },
  scope: 'django',
  check(project, ctx) {
    const app = appInstalled(project, TOOLBAR_APP);
    if (app.answer === true) {
      ctx.report({ message: "'debug_toolbar' is in INSTALLED_APPS of the production settings: the debug toolbar can expose SQL, settings and request data", span: app.fact.span, target: 'INSTALLED_APPS' });
      return;
    }
    const mw = settingFact(project, 'MIDDLEWARE');
    const inMiddleware = mw.value ? pyContains(mw.value, TOOLBAR_MIDDLEWARE) : false;
    if (inMiddleware === true) {
      ctx.report({ message: 'DebugToolbarMiddleware is in MIDDLEWARE of the production settings: the debug toolbar can expose SQL, settings and request data', span: mw.span, target: 'MIDDLEWARE' });
      return;
    }
    if (app.answer === undefined) cannotTell(ctx, "whether 'debug_toolbar' is installed", app.fact);
    else if (inMiddleware === undefined) cannotTell(ctx, 'whether DebugToolbarMiddleware is installed', mw);
  },
});
