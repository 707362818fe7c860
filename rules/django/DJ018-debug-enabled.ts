import { defineRule } from '../../src/engine/rule.js';
import { truthy } from '../../src/model/python-value.js';
import { ask, CHECKS_REFERENCE, DEPLOY_CHECKLIST, describeFact, DJANGO_DOCS, settingFact, settle, sourceRelated } from './DJ0.deploy-semantics.js';

export default defineRule({
  meta: {
    id: 'DJ018',
    name: 'DebugEnabled',
    title: 'DEBUG is on in production',
    severity: 'blocker',
    section: 'security',
    docs: {
      whatItDoes:
        "Checks that DEBUG is falsy in the production settings, as Django's security.W018 does. Truthiness is Python's, so the string 'False' read from an environment variable counts as on.",
      whyIsThisBad:
        'With DEBUG on, any error page shows a full traceback with local variables, most settings and the SQL run, and Django keeps every query in memory. Attackers get source paths, configuration and sometimes credentials from a single crafted request.',
      example: "DEBUG = os.environ.get('DEBUG', False)  # 'False' from the environment is a non-empty string: truthy",
      useInstead: "DEBUG = os.environ.get('DEBUG', '') == 'True'",
    },
    fix: "Set DEBUG = False in production. When it comes from the environment, convert it explicitly (env.bool('DEBUG', default=False), or compare the string) so 'False' and '0' do not count as on.",
    references: [`${DJANGO_DOCS}/ref/settings/#debug`, `${DEPLOY_CHECKLIST}#debug`, CHECKS_REFERENCE],
    tags: ['django', 'security', 'check-deploy', 'information-disclosure'],
    djangoCheck: 'security.W018',
  },
  scope: 'django',
  check(project, ctx) {
    const debug = settingFact(project, 'DEBUG');
    const on = ask(debug, truthy);
    settle({
      ctx,
      fires: on,
      inputs: [[debug, on]],
      question: 'whether DEBUG is on in production',
      target: 'DEBUG',
      onFire: () =>
        ctx.report({
          message: `${describeFact(debug)} in production, so error pages show tracebacks, local variables and settings to anyone`,
          span: debug.span,
          target: 'DEBUG',
          related: sourceRelated(debug.value),
        }),
    });
  },
});
