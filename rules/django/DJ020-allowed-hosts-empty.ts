import { defineRule } from '../../src/engine/rule.js';
import { truthy } from '../../src/model/python-value.js';
import { ask, CHECKS_REFERENCE, DEPLOY_CHECKLIST, describeFact, DJANGO_DOCS, not3, settingFact, settle, sourceRelated } from './DJ0.deploy-semantics.js';

export default defineRule({
  meta: {
    id: 'DJ020',
    name: 'AllowedHostsEmpty',
    title: 'ALLOWED_HOSTS is empty',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        "Checks that ALLOWED_HOSTS is truthy in the production settings, as Django's security.W020 does. Like Django, it does not judge the entries: ['*'] and [''] pass this check.",
      whyIsThisBad:
        'With DEBUG off and an empty ALLOWED_HOSTS, Django rejects every request with 400 Bad Request: the site is down as soon as it is deployed.',
      example: 'ALLOWED_HOSTS = []',
      useInstead: "ALLOWED_HOSTS = ['www.example.com']",
    },
    fix: "List the host names the site answers to, e.g. ALLOWED_HOSTS = ['www.example.com'], or read them from the environment with a split on commas.",
    references: [`${DJANGO_DOCS}/ref/settings/#allowed-hosts`, `${DEPLOY_CHECKLIST}#allowed-hosts`, CHECKS_REFERENCE],
    tags: ['django', 'security', 'check-deploy', 'hosts'],
    djangoCheck: 'security.W020',
  },
  scope: 'django',
  check(project, ctx) {
    const hosts = settingFact(project, 'ALLOWED_HOSTS');
    const nonEmpty = ask(hosts, truthy);
    settle({
      ctx,
      fires: not3(nonEmpty),
      inputs: [[hosts, nonEmpty]],
      question: 'whether ALLOWED_HOSTS is empty',
      target: 'ALLOWED_HOSTS',
      onFire: () =>
        ctx.report({
          message: `${describeFact(hosts)}, so with DEBUG off Django answers every request with 400 Bad Request`,
          span: hosts.span,
          target: 'ALLOWED_HOSTS',
          related: sourceRelated(hosts.value),
        }),
    });
  },
});
