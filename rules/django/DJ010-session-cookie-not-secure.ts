import { defineRule } from '../../src/engine/rule.js';
import { checkSessionCookieFlag, CHECKS_REFERENCE, DEPLOY_CHECKLIST, DJANGO_DOCS } from './DJ0.deploy-semantics.js';

export default defineRule({
  meta: {
    id: 'DJ010',
    name: 'SessionCookieNotSecure',
    title: 'The session cookie may be sent over plain HTTP (SESSION_COOKIE_SECURE)',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        "When the sessions app or SessionMiddleware is installed, checks SESSION_COOKIE_SECURE as Django's security.W010/W011/W012 do: exactly True on Django 4.1+, any truthy value before. Each finding carries the id Django would print (W012 when both the app and the middleware are installed). A truthy value other than True still works at run time (Django's middleware tests truthiness); the finding then says that only check --deploy keeps reporting it.",
      whyIsThisBad:
        'Without the Secure flag the browser also sends the session cookie on plain-HTTP requests, where anyone on the network path can copy it and take over the session.',
      example: 'SESSION_COOKIE_SECURE = False',
      useInstead: 'SESSION_COOKIE_SECURE = True',
    },
    fix: 'Serve the site over HTTPS only and set SESSION_COOKIE_SECURE = True (the boolean: on Django 4.1+ a string or 1 does not count).',
    references: [`${DJANGO_DOCS}/ref/settings/#session-cookie-secure`, `${DEPLOY_CHECKLIST}#session-cookie-secure`, CHECKS_REFERENCE],
    tags: ['django', 'security', 'check-deploy', 'https', 'cookies'],
    djangoCheck: ['security.W010', 'security.W011', 'security.W012'],
  },
  scope: 'django',
  check(project, ctx) {
    checkSessionCookieFlag({
      project,
      ctx,
      setting: 'SESSION_COOKIE_SECURE',
      ids: ['security.W010', 'security.W011', 'security.W012'],
      consequence: 'browsers also send the session cookie over plain HTTP, where it can be sniffed and the session hijacked',
    });
  },
});
