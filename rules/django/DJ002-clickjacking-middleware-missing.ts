import { defineRule } from '../../src/engine/rule.js';
import { checkMiddlewarePresent, CHECKS_REFERENCE, DJANGO_DOCS, XFRAME_MIDDLEWARE } from './DJ0.deploy-semantics.js';

export default defineRule({
  meta: {
    id: 'DJ002',
    name: 'ClickjackingMiddlewareMissing',
    title: 'XFrameOptionsMiddleware is not in MIDDLEWARE',
    severity: 'low',
    section: 'security',
    docs: {
      whatItDoes:
        "Checks that MIDDLEWARE contains the exact string 'django.middleware.clickjacking.XFrameOptionsMiddleware', as Django's security.W002 does.",
      whyIsThisBad:
        'Without the middleware no response carries an X-Frame-Options header, so any other site can load your pages in an invisible frame and trick users into clicking buttons on them (clickjacking).',
      example: "MIDDLEWARE = [\n    'django.middleware.security.SecurityMiddleware',\n    'django.middleware.csrf.CsrfViewMiddleware',\n]",
      useInstead:
        "MIDDLEWARE = [\n    'django.middleware.security.SecurityMiddleware',\n    'django.middleware.csrf.CsrfViewMiddleware',\n    'django.middleware.clickjacking.XFrameOptionsMiddleware',\n]",
    },
    fix: "Add 'django.middleware.clickjacking.XFrameOptionsMiddleware' to MIDDLEWARE. If framing is needed, keep the middleware and exempt the specific views with @xframe_options_exempt or @xframe_options_sameorigin.",
    references: [`${DJANGO_DOCS}/ref/clickjacking/`, CHECKS_REFERENCE],
    tags: ['django', 'security', 'check-deploy', 'middleware', 'clickjacking'],
    djangoCheck: 'security.W002',
  },
  scope: 'django',
  check(project, ctx) {
    checkMiddlewarePresent({
      project,
      ctx,
      path: XFRAME_MIDDLEWARE,
      consequence: 'responses carry no X-Frame-Options header and pages can be framed by other sites (clickjacking)',
      question: 'whether XFrameOptionsMiddleware is installed',
    });
  },
});
