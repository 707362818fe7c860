import { defineRule } from '../../src/engine/rule.js';
import { isTrue, truthy } from '../../src/model/python-value.js';
import {
  outcome, and3, ask, CHECKS_REFERENCE, describeFact, exactTrueNote, DJANGO_DOCS, middlewareHas, not3, SECURITY_MIDDLEWARE, settingFact, settle, sourceRelated,
} from './DJ0.deploy-semantics.js';

export default defineRule({
  meta: {
    id: 'DJ005',
    name: 'HstsSubdomainsNotIncluded',
    title: 'HSTS does not cover subdomains (SECURE_HSTS_INCLUDE_SUBDOMAINS)',
    severity: 'low',
    section: 'security',
    docs: {
      whatItDoes:
        "With SecurityMiddleware installed and SECURE_HSTS_SECONDS truthy, checks that SECURE_HSTS_INCLUDE_SUBDOMAINS is exactly True (`is True`: 1 or 'True' do not count), as Django's security.W005 does. A truthy value other than True still works at run time (Django's middleware tests truthiness); the finding then says that only check --deploy keeps reporting it.",
      whyIsThisBad:
        'An HSTS policy without includeSubDomains leaves every subdomain reachable over plain HTTP, where an attacker can, for example, set cookies that the main domain then trusts.',
      example: 'SECURE_HSTS_SECONDS = 31536000\nSECURE_HSTS_INCLUDE_SUBDOMAINS = False',
      useInstead: 'SECURE_HSTS_SECONDS = 31536000\nSECURE_HSTS_INCLUDE_SUBDOMAINS = True',
    },
    fix: 'Set SECURE_HSTS_INCLUDE_SUBDOMAINS = True (the boolean), but only once every subdomain of the domain is served exclusively over HTTPS.',
    references: [`${DJANGO_DOCS}/ref/settings/#secure-hsts-include-subdomains`, CHECKS_REFERENCE],
    tags: ['django', 'security', 'check-deploy', 'https', 'hsts'],
    djangoCheck: 'security.W005',
  },
  scope: 'django',
  check(project, ctx) {
    const sm = middlewareHas(project, SECURITY_MIDDLEWARE);
    const hsts = settingFact(project, 'SECURE_HSTS_SECONDS');
    const hstsOn = ask(hsts, truthy);
    const sub = settingFact(project, 'SECURE_HSTS_INCLUDE_SUBDOMAINS');
    const subOn = ask(sub, isTrue);
    settle({
      ctx,
      fires: and3(sm.answer, hstsOn, not3(subOn)),
      inputs: [[sub, subOn], [hsts, hstsOn], [sm.fact, sm.answer]],
      question: 'whether HSTS covers subdomains',
      target: 'SECURE_HSTS_INCLUDE_SUBDOMAINS',
      onFire: () =>
        ctx.report({
          message: `${describeFact(sub)}${outcome(exactTrueNote(sub), 'security.W005', 'the HSTS policy leaves subdomains reachable over plain HTTP')}`,
          span: sub.span,
          target: 'SECURE_HSTS_INCLUDE_SUBDOMAINS',
          related: sourceRelated(sub.value),
        }),
    });
  },
});
