import { defineRule } from '../../src/engine/rule.js';
import { versionAtLeast } from '../../src/model/django-helpers.js';
import { settingFact, sourceRelated } from './DJ0.deploy-semantics.js';
import { cannotTell, hostLocality, SETTINGS_DOCS } from './DJ1.production.js';

/** Host of an origin "http://host[:port]"; a '*.' wildcard prefix is kept off. */
function originHost(origin: string): string {
  const rest = origin.slice('http://'.length);
  const hostPort = rest.split('/')[0]!;
  const host = hostPort.startsWith('[') ? hostPort.slice(0, hostPort.indexOf(']') + 1) : hostPort.split(':')[0]!;
  return host.replace(/^\*\./, '');
}

export default defineRule({
  meta: {
    id: 'DJ108',
    name: 'CsrfTrustedOriginHttp',
    title: 'CSRF_TRUSTED_ORIGINS trusts a plain-HTTP origin',
    severity: 'medium',
    section: 'security',
    docs: {
      whatItDoes:
        "Reports entries of the production CSRF_TRUSTED_ORIGINS that start with http:// for a host other than localhost or a loopback address (Django 4.0+, where entries are origins with a scheme). Entries without a scheme are Django's 4_0.E001, reported by DJ040.",
      whyIsThisBad:
        'Pages of a plain-HTTP origin can be altered by anyone on the network path. Trusting such an origin lets an injected script there send state-changing requests that pass CSRF protection; it also usually means the site is reachable over HTTP at all.',
      example: "CSRF_TRUSTED_ORIGINS = ['http://shop.example.com']",
      useInstead: "CSRF_TRUSTED_ORIGINS = ['https://shop.example.com']",
    },
    fix: 'Use https:// origins only, and serve those hosts over HTTPS.',
    references: [`${SETTINGS_DOCS}#csrf-trusted-origins`, 'https://docs.djangoproject.com/en/stable/ref/csrf/'],
    tags: ['django', 'security', 'https', 'csrf'],
  },
  scope: 'django',
  check(project, ctx) {
    if (!versionAtLeast(project.djangoVersion, 4, 0)) {
      ctx.notApplicable('before Django 4.0, CSRF_TRUSTED_ORIGINS holds host names without a scheme; an http:// entry matches nothing');
      return;
    }
    const origins = settingFact(project, 'CSRF_TRUSTED_ORIGINS');
    const v = origins.binding?.value;
    if (!v) return;
    const items = v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set' ? v.items : undefined;
    if (!items) return cannotTell(ctx, 'whether CSRF_TRUSTED_ORIGINS trusts a plain-HTTP origin', origins);
    const http = items.flatMap((i) =>
      i.kind === 'str' && i.value.toLowerCase().startsWith('http://') && hostLocality(originHost(i.value)) !== 'local' ? [i.value] : [],
    );
    if (http.length === 0) {
      if (items.some((i) => i.kind !== 'str')) cannotTell(ctx, 'whether CSRF_TRUSTED_ORIGINS trusts a plain-HTTP origin', origins);
      return;
    }
    ctx.report({
      message: `CSRF_TRUSTED_ORIGINS trusts plain-HTTP ${http.length === 1 ? 'origin' : 'origins'} ${http.map((o) => `'${o}'`).join(', ')}: requests from pages anyone on the network can tamper with pass CSRF protection`,
      span: origins.span,
      target: 'CSRF_TRUSTED_ORIGINS',
      related: sourceRelated(v),
    });
  },
});
