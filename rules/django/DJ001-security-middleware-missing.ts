import { defineRule } from '../../src/engine/rule.js';
import { checkMiddlewarePresent, CHECKS_REFERENCE, DJANGO_DOCS, SECURITY_MIDDLEWARE } from './DJ0.deploy-semantics.js';

export default defineRule({
  meta: {
    id: 'DJ001',
    name: 'SecurityMiddlewareMissing',
    title: 'SecurityMiddleware is not in MIDDLEWARE',
    severity: 'medium',
    section: 'security',
    docs: {
      whatItDoes:
        "Checks that MIDDLEWARE contains the exact string 'django.middleware.security.SecurityMiddleware', as Django's security.W001 does.",
      whyIsThisBad:
        'SecurityMiddleware is what sends HSTS, X-Content-Type-Options, Referrer-Policy and Cross-Origin-Opener-Policy headers and performs the HTTPS redirect. Without it every SECURE_* setting is silently ignored, however carefully it is configured.',
      example: "MIDDLEWARE = [\n    'django.contrib.sessions.middleware.SessionMiddleware',\n    'django.middleware.common.CommonMiddleware',\n]",
      useInstead:
        "MIDDLEWARE = [\n    'django.middleware.security.SecurityMiddleware',\n    'django.contrib.sessions.middleware.SessionMiddleware',\n    'django.middleware.common.CommonMiddleware',\n]",
    },
    fix: "Add 'django.middleware.security.SecurityMiddleware' as the first entry of MIDDLEWARE. A subclass under another path does not satisfy Django's check; silence security.W001 explicitly if you ship one.",
    references: [`${DJANGO_DOCS}/ref/middleware/#module-django.middleware.security`, CHECKS_REFERENCE],
    tags: ['django', 'security', 'check-deploy', 'middleware'],
    djangoCheck: 'security.W001',
  },
  scope: 'django',
  check(project, ctx) {
    checkMiddlewarePresent({
      project,
      ctx,
      path: SECURITY_MIDDLEWARE,
      consequence: 'SECURE_HSTS_SECONDS, SECURE_SSL_REDIRECT, SECURE_CONTENT_TYPE_NOSNIFF and SECURE_REFERRER_POLICY have no effect',
      question: 'whether SecurityMiddleware is installed',
    });
  },
});
