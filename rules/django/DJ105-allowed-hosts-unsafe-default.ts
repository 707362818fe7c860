import { defineRule } from '../../src/engine/rule.js';
import { cannotTellValue, DEPLOY_CHECKLIST, envNames, isRequiredMissing, SETTINGS_DOCS, shortRepr, unsetBinding } from './DJ1.production.js';
import { judgeHosts } from './DJ1.hosts.js';

export default defineRule({
  meta: {
    id: 'DJ105',
    name: 'AllowedHostsUnsafeDefault',
    title: 'ALLOWED_HOSTS is a wildcard or empty when its environment variable is missing',
    severity: 'medium',
    section: 'security',
    docs: {
      whatItDoes:
        "For an ALLOWED_HOSTS read from the environment, evaluates the settings with no environment variable set and reports a fallback of '*' (any host) or of no usable host ([] or ['']).",
      whyIsThisBad:
        "A '*' fallback quietly disables Host header validation whenever the variable is forgotten, which enables cache poisoning and poisoned password-reset links. An empty fallback takes the site down: every request is answered with 400 Bad Request, and check --deploy stays silent for [''].",
      example: "ALLOWED_HOSTS = os.environ.get('ALLOWED_HOSTS', '*').split(',')",
      useInstead: "ALLOWED_HOSTS = os.environ['ALLOWED_HOSTS'].split(',')  # fail at startup when missing",
    },
    fix: 'Require the variable (no default) so a missing value stops the deployment, or default to the real production host names.',
    references: [`${SETTINGS_DOCS}#allowed-hosts`, `${DEPLOY_CHECKLIST}#allowed-hosts`],
    tags: ['django', 'security', 'unsafe-default'],
  },
  scope: 'django',
  check(project, ctx) {
    const unset = unsetBinding(project, 'ALLOWED_HOSTS');
    if (!unset) return;
    const vars = envNames(unset.value);
    if (vars.length === 0) return;
    const names = vars.join(', ');
    const verdict = judgeHosts(unset.value);
    if (verdict.kind === 'ok') return;
    if (verdict.kind === 'unknown') {
      if (isRequiredMissing(unset.value)) return;
      return cannotTellValue(ctx, `Cannot tell what ALLOWED_HOSTS falls back to when ${names} is not set`, unset.span, unset.value, 'ALLOWED_HOSTS');
    }
    const consequence =
      verdict.kind === 'wildcard'
        ? 'forgetting the variable accepts any Host header (cache poisoning, forged password-reset links)'
        : 'forgetting the variable makes every request fail with 400 Bad Request, and Django\'s own check does not warn about it';
    ctx.report({
      message: `With ${names} unset, ALLOWED_HOSTS is ${shortRepr(unset.value)}: ${consequence}`,
      span: unset.span,
      target: 'ALLOWED_HOSTS',
    });
  },
});
