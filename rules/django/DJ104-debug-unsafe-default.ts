import { defineRule } from '../../src/engine/rule.js';
import { truthy } from '../../src/model/python-value.js';
import { DEPLOY_CHECKLIST, envNames, cannotTellValue, SETTINGS_DOCS, shortRepr, unsetBinding } from './DJ1.production.js';

export default defineRule({
  meta: {
    id: 'DJ104',
    name: 'DebugOnByDefault',
    title: 'DEBUG turns on when its environment variable is missing',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        'For a DEBUG read from the environment, evaluates the production settings with no environment variable set and reports when DEBUG would then be truthy: the code fails open.',
      whyIsThisBad:
        'A variable forgotten in a new environment, a renamed key or a typo in the deployment config silently switches debug pages on in production, with tracebacks, settings and SQL shown to anyone.',
      example: "DEBUG = os.environ.get('DJANGO_DEBUG', 'True') == 'True'",
      useInstead: "DEBUG = os.environ.get('DJANGO_DEBUG', 'False') == 'True'",
    },
    fix: 'Make the default the safe value: DEBUG off unless the variable explicitly turns it on (env.bool("DEBUG", default=False), config("DEBUG", default=False, cast=bool)).',
    references: [`${SETTINGS_DOCS}#debug`, `${DEPLOY_CHECKLIST}#debug`],
    tags: ['django', 'security', 'unsafe-default'],
  },
  scope: 'django',
  check(project, ctx) {
    const unset = unsetBinding(project, 'DEBUG');
    if (!unset) return;
    const vars = envNames(unset.value);
    if (vars.length === 0) return;
    const on = truthy(unset.value);
    if (on === false) return;
    const names = vars.join(', ');
    if (on === undefined) {
      return cannotTellValue(ctx, `Cannot tell whether DEBUG is on when ${names} is not set`, unset.span, unset.value, 'DEBUG');
    }
    ctx.report({
      message: `With ${names} unset, DEBUG is ${shortRepr(unset.value)}: forgetting the variable turns debug pages on in production`,
      span: unset.span,
      target: 'DEBUG',
    });
  },
});
