import { defineRule } from '../../src/engine/rule.js';
import { isTrue, truthy } from '../../src/model/python-value.js';
import {
  outcome, and3, ask, CHECKS_REFERENCE, describeFact, exactTrueNote, DJANGO_DOCS, middlewareHas, not3, SECURITY_MIDDLEWARE, settingFact, settle, sourceRelated,
} from './DJ0.deploy-semantics.js';

export default defineRule({
  meta: {
    id: 'DJ021',
    name: 'HstsPreloadNotSet',
    title: 'HSTS preload is not requested (SECURE_HSTS_PRELOAD)',
    severity: 'low',
    section: 'security',
    docs: {
      whatItDoes:
        "With SecurityMiddleware installed and SECURE_HSTS_SECONDS truthy, checks that SECURE_HSTS_PRELOAD is exactly True (`is True`), as Django's security.W021 does. A truthy value other than True still works at run time (Django's middleware tests truthiness); the finding then says that only check --deploy keeps reporting it.",
      whyIsThisBad:
        "Without the preload directive the site cannot join the browsers' HSTS preload list, so a user's very first visit can still go over plain HTTP before the policy is learnt.",
      example: 'SECURE_HSTS_SECONDS = 31536000\nSECURE_HSTS_INCLUDE_SUBDOMAINS = True',
      useInstead: 'SECURE_HSTS_SECONDS = 31536000\nSECURE_HSTS_INCLUDE_SUBDOMAINS = True\nSECURE_HSTS_PRELOAD = True',
    },
    fix: 'Set SECURE_HSTS_PRELOAD = True and submit the domain at hstspreload.org, once HTTPS on every subdomain is permanent (removal from the list takes months).',
    references: [`${DJANGO_DOCS}/ref/settings/#secure-hsts-preload`, CHECKS_REFERENCE],
    tags: ['django', 'security', 'check-deploy', 'https', 'hsts'],
    djangoCheck: 'security.W021',
  },
  scope: 'django',
  check(project, ctx) {
    const sm = middlewareHas(project, SECURITY_MIDDLEWARE);
    const hsts = settingFact(project, 'SECURE_HSTS_SECONDS');
    const hstsOn = ask(hsts, truthy);
    const preload = settingFact(project, 'SECURE_HSTS_PRELOAD');
    const preloadOn = ask(preload, isTrue);
    settle({
      ctx,
      fires: and3(sm.answer, hstsOn, not3(preloadOn)),
      inputs: [[preload, preloadOn], [hsts, hstsOn], [sm.fact, sm.answer]],
      question: 'whether HSTS preload is requested',
      target: 'SECURE_HSTS_PRELOAD',
      onFire: () =>
        ctx.report({
          message: `${describeFact(preload)}${outcome(exactTrueNote(preload), 'security.W021', 'the site cannot be submitted to the browsers\' HSTS preload list')}`,
          span: preload.span,
          target: 'SECURE_HSTS_PRELOAD',
          related: sourceRelated(preload.value),
        }),
    });
  },
});
