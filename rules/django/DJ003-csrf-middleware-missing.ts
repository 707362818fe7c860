import { defineRule } from '../../src/engine/rule.js';
import { checkMiddlewarePresent, CHECKS_REFERENCE, CSRF_MIDDLEWARE, DJANGO_DOCS } from './DJ0.deploy-semantics.js';

export default defineRule({
  meta: {
    id: 'DJ003',
    name: 'CsrfMiddlewareMissing',
    title: 'CsrfViewMiddleware is not in MIDDLEWARE',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        "Checks that MIDDLEWARE contains the exact string 'django.middleware.csrf.CsrfViewMiddleware', as Django's security.W003 does.",
      whyIsThisBad:
        'Without the middleware, a form or unsafe-method view is protected only if it is decorated with @csrf_protect. Any view that was forgotten accepts requests forged by other sites on behalf of logged-in users.',
      example: "MIDDLEWARE = [\n    'django.middleware.security.SecurityMiddleware',\n    'django.contrib.sessions.middleware.SessionMiddleware',\n]",
      useInstead:
        "MIDDLEWARE = [\n    'django.middleware.security.SecurityMiddleware',\n    'django.contrib.sessions.middleware.SessionMiddleware',\n    'django.middleware.csrf.CsrfViewMiddleware',\n]",
    },
    fix: "Add 'django.middleware.csrf.CsrfViewMiddleware' to MIDDLEWARE (after SessionMiddleware) and exempt the few views that need it with @csrf_exempt.",
    references: [`${DJANGO_DOCS}/ref/csrf/`, CHECKS_REFERENCE],
    tags: ['django', 'security', 'check-deploy', 'middleware', 'csrf'],
    djangoCheck: 'security.W003',
  },
  scope: 'django',
  check(project, ctx) {
    checkMiddlewarePresent({
      project,
      ctx,
      path: CSRF_MIDDLEWARE,
      consequence: 'views are protected against cross-site request forgery only where @csrf_protect is applied by hand',
      question: 'whether CsrfViewMiddleware is installed',
    });
  },
});
