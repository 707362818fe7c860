import { defineRule } from '../../src/engine/rule.js';
import { cannotTellValue, DEPLOY_CHECKLIST, envNames, isRequiredMissing, SETTINGS_DOCS, shortRepr, unsetBinding } from './DJ1.production.js';
import { judgeHosts } from './DJ1.hosts.js';

export default defineRule({
  meta: {
    id: 'DJ105',
    name: 'AllowedHostsUnsafeDefault',
    title: 'ALLOWED_HOSTS falls back to a wildcard when its environment variable is missing',
    severity: 'medium',
    section: 'security',
    docs: {
      whatItDoes:
        "For an ALLOWED_HOSTS read from the environment, evaluates the settings with no environment variable set and reports a fallback that contains '*' (any host). An empty fallback ([] or ['']) is not reported: it fails closed, answering every request with 400 until the variable is set, which is what a required variable does too.",
      whyIsThisBad:
        "A '*' fallback quietly disables Host header validation whenever the variable is forgotten, which enables cache poisoning and poisoned password-reset links, and nothing visibly breaks to tell anyone.",
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
    // An empty fallback fails closed (400 for every request), so it is safe, if unfriendly.
    if (verdict.kind === 'ok' || verdict.kind === 'empty') return;
    if (verdict.kind === 'unknown') {
      if (isRequiredMissing(unset.value)) return;
      return cannotTellValue(ctx, `Cannot tell what ALLOWED_HOSTS falls back to when ${names} is not set`, unset.span, unset.value, 'ALLOWED_HOSTS');
    }
    ctx.report({
      message: `With ${names} unset, ALLOWED_HOSTS is ${shortRepr(unset.value)}: forgetting the variable accepts any Host header (cache poisoning, forged password-reset links)`,
      span: unset.span,
      target: 'ALLOWED_HOSTS',
    });
  },
});
