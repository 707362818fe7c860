import { defineRule } from '../../src/engine/rule.js';
import { truthy } from '../../src/model/python-value.js';
import {
  and3, ask, CHECKS_REFERENCE, cookieFlagPasses, CSRF_MIDDLEWARE, DEPLOY_CHECKLIST, describeFact, DJANGO_DOCS, middlewareHas, not3, settingFact,
  outcome, settle, sourceRelated, strictNote,
} from './DJ0.deploy-semantics.js';

export default defineRule({
  meta: {
    id: 'DJ016',
    name: 'CsrfCookieNotSecure',
    title: 'The CSRF cookie may be sent over plain HTTP (CSRF_COOKIE_SECURE)',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        "When CsrfViewMiddleware is installed and the token is kept in a cookie (CSRF_USE_SESSIONS falsy), checks CSRF_COOKIE_SECURE as Django's security.W016 does: exactly True on Django 4.1+, any truthy value before. A truthy value other than True still works at run time (Django's middleware tests truthiness); the finding then says that only check --deploy keeps reporting it.",
      whyIsThisBad:
        'Without the Secure flag the CSRF cookie also travels over plain HTTP, where a network attacker can read it, or plant a cookie of their own, and then forge requests that pass the CSRF check.',
      example: 'CSRF_COOKIE_SECURE = False',
      useInstead: 'CSRF_COOKIE_SECURE = True',
    },
    fix: 'Serve the site over HTTPS only and set CSRF_COOKIE_SECURE = True (the boolean), or keep the token in the session with CSRF_USE_SESSIONS = True.',
    references: [`${DJANGO_DOCS}/ref/settings/#csrf-cookie-secure`, `${DEPLOY_CHECKLIST}#csrf-cookie-secure`, CHECKS_REFERENCE],
    tags: ['django', 'security', 'check-deploy', 'https', 'cookies', 'csrf'],
    djangoCheck: 'security.W016',
  },
  scope: 'django',
  check(project, ctx) {
    const cm = middlewareHas(project, CSRF_MIDDLEWARE);
    const inSession = settingFact(project, 'CSRF_USE_SESSIONS');
    const usesSession = ask(inSession, truthy);
    const secure = settingFact(project, 'CSRF_COOKIE_SECURE');
    const secureOk = cookieFlagPasses(project, secure);
    settle({
      ctx,
      fires: and3(not3(usesSession), cm.answer, not3(secureOk)),
      inputs: [[secure, secureOk], [inSession, usesSession], [cm.fact, cm.answer]],
      question: 'whether the CSRF cookie is HTTPS-only',
      target: 'CSRF_COOKIE_SECURE',
      onFire: () =>
        ctx.report({
          message: `${describeFact(secure)}${outcome(strictNote(project, secure), 'security.W016', 'browsers also send the CSRF cookie over plain HTTP, where it can be read or replaced')}`,
          span: secure.span,
          target: 'CSRF_COOKIE_SECURE',
          related: sourceRelated(secure.value),
        }),
    });
  },
});
