import { defineRule } from '../../src/engine/rule.js';
import { versionAtLeast } from '../../src/model/django-helpers.js';
import { isNone } from '../../src/model/python-value.js';
import {
  and3, ask, CHECKS_REFERENCE, describeFact, DJANGO_DOCS, djangoVersionLabel, middlewareHas, SECURITY_MIDDLEWARE, settingFact, settle, sourceRelated,
} from './DJ0.deploy-semantics.js';

export default defineRule({
  meta: {
    id: 'DJ022',
    name: 'ReferrerPolicyUnset',
    title: 'No Referrer-Policy header (SECURE_REFERRER_POLICY is None)',
    severity: 'low',
    section: 'security',
    docs: {
      whatItDoes:
        "With SecurityMiddleware installed, checks that SECURE_REFERRER_POLICY is not None, as Django's security.W022 does (Django 3.0+). Its default is None in 3.0 and 'same-origin' since 3.1, so on 3.1+ it fires only on an explicit None.",
      whyIsThisBad:
        "Without a Referrer-Policy header, browsers fall back to their own default, and older ones send the full URL of your pages, including paths and query strings that may carry tokens or personal data, to every site you link to.",
      example: 'SECURE_REFERRER_POLICY = None',
      useInstead: "SECURE_REFERRER_POLICY = 'same-origin'",
    },
    fix: "Remove the None override (the default is 'same-origin' since Django 3.1) or set SECURE_REFERRER_POLICY to a policy such as 'same-origin' or 'strict-origin-when-cross-origin'.",
    references: [`${DJANGO_DOCS}/ref/middleware/#referrer-policy`, `${DJANGO_DOCS}/ref/settings/#secure-referrer-policy`, CHECKS_REFERENCE],
    tags: ['django', 'security', 'check-deploy', 'headers', 'privacy'],
    djangoCheck: 'security.W022',
  },
  scope: 'django',
  check(project, ctx) {
    if (!versionAtLeast(project.djangoVersion, 3, 0)) {
      ctx.notApplicable(`security.W022 exists only in Django 3.0+; this project uses ${djangoVersionLabel(project)}`);
      return;
    }
    const sm = middlewareHas(project, SECURITY_MIDDLEWARE);
    const policy = settingFact(project, 'SECURE_REFERRER_POLICY');
    const none = ask(policy, isNone);
    settle({
      ctx,
      fires: and3(sm.answer, none),
      inputs: [[policy, none], [sm.fact, sm.answer]],
      question: 'whether a Referrer-Policy header is sent',
      target: 'SECURE_REFERRER_POLICY',
      onFire: () =>
        ctx.report({
          message: `${describeFact(policy)}, so no Referrer-Policy header is sent and browsers may pass full page URLs to other sites`,
          span: policy.span,
          target: 'SECURE_REFERRER_POLICY',
          related: sourceRelated(policy.value),
        }),
    });
  },
});
