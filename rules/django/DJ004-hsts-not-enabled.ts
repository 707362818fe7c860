import { formatSpan } from '../../src/core/position.js';
import { edgeProtection } from '../../src/model/deployment/edge.js';
import { defineRule } from '../../src/engine/rule.js';
import { truthy } from '../../src/model/python-value.js';
import {
  and3, ask, CHECKS_REFERENCE, describeFact, DJANGO_DOCS, middlewareHas, not3, SECURITY_MIDDLEWARE, settingFact, settle, sourceRelated,
} from './DJ0.deploy-semantics.js';

export default defineRule({
  meta: {
    id: 'DJ004',
    name: 'HstsNotEnabled',
    title: 'HTTP Strict Transport Security is off (SECURE_HSTS_SECONDS)',
    severity: 'medium',
    section: 'security',
    docs: {
      whatItDoes:
        "With SecurityMiddleware installed, checks that SECURE_HSTS_SECONDS is truthy, as Django's security.W004 does (so even the string '0' passes, exactly as in Django).",
      whyIsThisBad:
        'Without a Strict-Transport-Security header a browser keeps making its first request to the site over plain HTTP, where an attacker on the network can intercept it or strip the redirect to HTTPS.',
      example: 'SECURE_HSTS_SECONDS = 0',
      useInstead: '# Start small, then raise to a year once every subdomain serves HTTPS.\nSECURE_HSTS_SECONDS = 3600',
    },
    fix: 'Once the whole site is served over HTTPS, set SECURE_HSTS_SECONDS to a positive number of seconds: start with a short value (3600) and raise it to 31536000 when you are sure, because browsers remember the policy for that long.',
    references: [`${DJANGO_DOCS}/ref/middleware/#http-strict-transport-security`, `${DJANGO_DOCS}/ref/settings/#secure-hsts-seconds`, CHECKS_REFERENCE],
    tags: ['django', 'security', 'check-deploy', 'https', 'hsts'],
    djangoCheck: 'security.W004',
  },
  scope: 'django',
  check(project, ctx, model) {
    const edge = edgeProtection(model, project).hsts;
    const sm = middlewareHas(project, SECURITY_MIDDLEWARE);
    const hsts = settingFact(project, 'SECURE_HSTS_SECONDS');
    const hstsOn = ask(hsts, truthy);
    settle({
      ctx,
      fires: and3(sm.answer, not3(hstsOn)),
      inputs: [[hsts, hstsOn], [sm.fact, sm.answer]],
      question: 'whether HSTS is enabled',
      target: 'SECURE_HSTS_SECONDS',
      onFire: () =>
        ctx.report({
          message: edge
            ? `${describeFact(hsts)}, so Django sends no Strict-Transport-Security header; nginx adds one (max-age=${edge.maxAge}) to every HTTPS response it proxies to this project (${formatSpan(edge.span)}), so only requests that bypass nginx lack it: downgraded to low`
            : `${describeFact(hsts)}, so no Strict-Transport-Security header is sent and browsers may still reach the site over plain HTTP`,
          span: hsts.span,
          target: 'SECURE_HSTS_SECONDS',
          related: [...sourceRelated(hsts.value), ...(edge ? [{ span: edge.span, message: 'nginx sends Strict-Transport-Security here' }] : [])],
          ...(edge ? { severity: 'low' as const } : {}),
        }),
    });
  },
});
