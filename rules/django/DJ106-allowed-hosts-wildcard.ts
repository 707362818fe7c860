import { defineRule } from '../../src/engine/rule.js';
import { describeFact, settingFact, sourceRelated } from './DJ0.deploy-semantics.js';
import { cannotTell, DEPLOY_CHECKLIST, SETTINGS_DOCS } from './DJ1.production.js';
import { judgeHosts } from './DJ1.hosts.js';

export default defineRule({
  meta: {
    id: 'DJ106',
    name: 'AllowedHostsWildcardOrBlank',
    title: "ALLOWED_HOSTS accepts any host ('*') or holds only empty entries",
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        "Reports a production ALLOWED_HOSTS containing '*', and one whose entries are all empty strings (typically os.environ.get('ALLOWED_HOSTS', '').split(',') with the variable unset, which gives ['']). Django's security.W020 only catches an empty list.",
      whyIsThisBad:
        "'*' turns Host header validation off: request.get_host() returns whatever the client sent, which poisons caches and the absolute links Django builds (password-reset emails pointing at an attacker's domain). [''] matches no host at all, so every request fails with 400 while check --deploy reports nothing.",
      example: "ALLOWED_HOSTS = ['*']",
      useInstead: "ALLOWED_HOSTS = ['shop.example.com']",
    },
    fix: "List the real host names (a leading dot allows subdomains: '.example.com'). When the value comes from the environment, set the variable in the production environment and drop empty items.",
    references: [`${SETTINGS_DOCS}#allowed-hosts`, `${DEPLOY_CHECKLIST}#allowed-hosts`, 'https://docs.djangoproject.com/en/stable/topics/security/#host-headers-virtual-hosting'],
    tags: ['django', 'security'],
  },
  scope: 'django',
  check(project, ctx) {
    const hosts = settingFact(project, 'ALLOWED_HOSTS');
    if (!hosts.binding || !hosts.value) return;
    const verdict = judgeHosts(hosts.value);
    if (verdict.kind === 'ok') return;
    if (verdict.kind === 'unknown') return cannotTell(ctx, "whether ALLOWED_HOSTS contains '*' or only empty entries", hosts);
    const consequence =
      verdict.kind === 'wildcard'
        ? 'any Host header is accepted, so caches and password-reset links can be poisoned with an attacker\'s domain'
        : 'no host matches an empty entry, so every request is rejected with 400 Bad Request (and Django\'s W020 does not warn)';
    ctx.report({
      message: `${describeFact(hosts)}: ${consequence}`,
      span: hosts.span,
      target: 'ALLOWED_HOSTS',
      related: sourceRelated(hosts.value),
    });
  },
});
