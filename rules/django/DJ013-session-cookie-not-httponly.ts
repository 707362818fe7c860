import { defineRule } from '../../src/engine/rule.js';
import { checkSessionCookieFlag, CHECKS_REFERENCE, DJANGO_DOCS } from './DJ0.deploy-semantics.js';

export default defineRule({
  meta: {
    id: 'DJ013',
    name: 'SessionCookieNotHttpOnly',
    title: 'JavaScript can read the session cookie (SESSION_COOKIE_HTTPONLY)',
    severity: 'medium',
    section: 'security',
    docs: {
      whatItDoes:
        "When the sessions app or SessionMiddleware is installed, checks SESSION_COOKIE_HTTPONLY as Django's security.W013/W014/W015 do: exactly True on Django 4.1+, any truthy value before. The default is True, so it fires only when the default is overridden. A truthy value other than True still works at run time (Django's middleware tests truthiness); the finding then says that only check --deploy keeps reporting it.",
      whyIsThisBad:
        'Without the HttpOnly flag any script running in the page, including one injected through a cross-site scripting hole, can read document.cookie and send the session id to an attacker.',
      example: 'SESSION_COOKIE_HTTPONLY = False',
      useInstead: '# Remove the override: the default is True.\nSESSION_COOKIE_HTTPONLY = True',
    },
    fix: 'Remove the override or set SESSION_COOKIE_HTTPONLY = True. Front-end code should never need to read the session cookie.',
    references: [`${DJANGO_DOCS}/ref/settings/#session-cookie-httponly`, CHECKS_REFERENCE],
    tags: ['django', 'security', 'check-deploy', 'cookies', 'xss'],
    djangoCheck: ['security.W013', 'security.W014', 'security.W015'],
  },
  scope: 'django',
  check(project, ctx) {
    checkSessionCookieFlag({
      project,
      ctx,
      setting: 'SESSION_COOKIE_HTTPONLY',
      ids: ['security.W013', 'security.W014', 'security.W015'],
      consequence: 'scripts in the page (including injected ones) can read the session cookie and steal the session',
    });
  },
});
