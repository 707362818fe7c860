import { defineRule } from '../../src/engine/rule.js';
import { isTrue } from '../../src/model/python-value.js';
import {
  outcome, and3, ask, CHECKS_REFERENCE, describeFact, exactTrueNote, DJANGO_DOCS, middlewareHas, not3, SECURITY_MIDDLEWARE, settingFact, settle, sourceRelated,
} from './DJ0.deploy-semantics.js';

export default defineRule({
  meta: {
    id: 'DJ006',
    name: 'ContentTypeNosniffOff',
    title: 'X-Content-Type-Options: nosniff is not sent (SECURE_CONTENT_TYPE_NOSNIFF)',
    severity: 'low',
    section: 'security',
    docs: {
      whatItDoes:
        "With SecurityMiddleware installed, checks that SECURE_CONTENT_TYPE_NOSNIFF is exactly True, as Django's security.W006 does. The default is True since Django 3.0 (False before), so it fires when the default is overridden or on older versions. A truthy value other than True still works at run time (Django's middleware tests truthiness); the finding then says that only check --deploy keeps reporting it.",
      whyIsThisBad:
        'Without the nosniff header a browser may guess a response is HTML or JavaScript from its content, so an uploaded or user-supplied file served as text can run as script in your origin.',
      example: 'SECURE_CONTENT_TYPE_NOSNIFF = False',
      useInstead: 'SECURE_CONTENT_TYPE_NOSNIFF = True',
    },
    fix: 'Remove the override, or set SECURE_CONTENT_TYPE_NOSNIFF = True (the boolean).',
    references: [`${DJANGO_DOCS}/ref/settings/#secure-content-type-nosniff`, CHECKS_REFERENCE],
    tags: ['django', 'security', 'check-deploy', 'headers'],
    djangoCheck: 'security.W006',
  },
  scope: 'django',
  check(project, ctx) {
    const sm = middlewareHas(project, SECURITY_MIDDLEWARE);
    const nosniff = settingFact(project, 'SECURE_CONTENT_TYPE_NOSNIFF');
    const on = ask(nosniff, isTrue);
    settle({
      ctx,
      fires: and3(sm.answer, not3(on)),
      inputs: [[nosniff, on], [sm.fact, sm.answer]],
      question: 'whether the nosniff header is sent',
      target: 'SECURE_CONTENT_TYPE_NOSNIFF',
      onFire: () =>
        ctx.report({
          message: `${describeFact(nosniff)}${outcome(exactTrueNote(nosniff), 'security.W006', 'responses lack \'X-Content-Type-Options: nosniff\' and browsers may sniff content types')}`,
          span: nosniff.span,
          target: 'SECURE_CONTENT_TYPE_NOSNIFF',
          related: sourceRelated(nosniff.value),
        }),
    });
  },
});
