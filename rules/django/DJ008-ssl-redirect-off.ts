import { formatSpan } from '../../src/core/position.js';
import { edgeProtection } from '../../src/model/deployment/edge.js';
import { defineRule } from '../../src/engine/rule.js';
import { isTrue } from '../../src/model/python-value.js';
import {
  outcome, and3, ask, CHECKS_REFERENCE, describeFact, exactTrueNote, DJANGO_DOCS, middlewareHas, not3, SECURITY_MIDDLEWARE, settingFact, settle, sourceRelated,
} from './DJ0.deploy-semantics.js';

export default defineRule({
  meta: {
    id: 'DJ008',
    name: 'SslRedirectOff',
    title: 'HTTP requests are not redirected to HTTPS (SECURE_SSL_REDIRECT)',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        "With SecurityMiddleware installed, checks that SECURE_SSL_REDIRECT is exactly True (`is True`: 'True' from an environment variable does not count), as Django's security.W008 does. A truthy value other than True still works at run time (Django's middleware tests truthiness); the finding then says that only check --deploy keeps reporting it.",
      whyIsThisBad:
        'Without the redirect the application answers plain-HTTP requests itself, so session cookies, CSRF tokens and form data can travel unencrypted whenever a link or a user types http://.',
      example: 'SECURE_SSL_REDIRECT = False',
      useInstead: "SECURE_SSL_REDIRECT = os.environ.get('SSL_REDIRECT', 'True') == 'True'",
    },
    fix: 'Set SECURE_SSL_REDIRECT = True (with SECURE_PROXY_SSL_HEADER when TLS ends at a proxy), or redirect at the load balancer and silence security.W008 in SILENCED_SYSTEM_CHECKS to say so.',
    references: [`${DJANGO_DOCS}/ref/settings/#secure-ssl-redirect`, `${DJANGO_DOCS}/ref/middleware/#ssl-redirect`, CHECKS_REFERENCE],
    tags: ['django', 'security', 'check-deploy', 'https'],
    djangoCheck: 'security.W008',
  },
  scope: 'django',
  check(project, ctx, model) {
    const edge = edgeProtection(model, project).redirect;
    const sm = middlewareHas(project, SECURITY_MIDDLEWARE);
    const redirect = settingFact(project, 'SECURE_SSL_REDIRECT');
    const on = ask(redirect, isTrue);
    settle({
      ctx,
      fires: and3(sm.answer, not3(on)),
      inputs: [[redirect, on], [sm.fact, sm.answer]],
      question: 'whether HTTP is redirected to HTTPS',
      target: 'SECURE_SSL_REDIRECT',
      onFire: () =>
        ctx.report({
          message: `${describeFact(redirect)}${outcome(exactTrueNote(redirect), 'security.W008', 'Django serves plain-HTTP requests instead of redirecting them to HTTPS')}${edge ? `; nginx already redirects HTTP to HTTPS in front of it (${formatSpan(edge.span)}) and sends it nothing over plain HTTP, so only requests that bypass nginx are affected: downgraded to low` : ''}`,
          span: redirect.span,
          target: 'SECURE_SSL_REDIRECT',
          related: [...sourceRelated(redirect.value), ...(edge ? [{ span: edge.span, message: 'nginx redirects plain HTTP to HTTPS here' }] : [])],
          ...(edge ? { severity: 'low' as const } : {}),
        }),
    });
  },
});
