import { defineRule } from '../../src/engine/rule.js';
import { findHeader, headSpan, isDevelopment, tlsListen } from '../../src/model/nginx/effective.js';
import { truthy } from '../../src/model/python-value.js';
import { djangoSends, DJANGO_DOCS, HTTP_HEADERS, MOZILLA_SSL_CONFIG, q, rootLocation, SECURITY_MIDDLEWARE, serverKey, serverLabel, tlsContentServers } from './NGX1.common.js';

const STS = 'strict-transport-security';

export default defineRule({
  meta: {
    id: 'NGX016',
    name: 'HstsMissing',
    title: 'TLS server sends no Strict-Transport-Security header',
    severity: 'medium',
    section: 'web-server',
    docs: {
      whatItDoes:
        "Reports a TLS server where no `add_header Strict-Transport-Security ...` is in effect, neither at server level (own or inherited from http) nor in `location /`, when the Django project does not send HSTS itself either (SecurityMiddleware with SECURE_HSTS_SECONDS). When Django's settings cannot be known the result is unknown. Servers with `ssl_reject_handshake on`, headers an unreadable include may add, and development configurations are not judged.",
      whyIsThisBad:
        'Without HSTS a browser tries plain HTTP first whenever the user types the domain or follows an http:// link, and a man in the middle can keep the whole session on HTTP (SSL stripping) despite the redirect.',
      example: 'server {\n    listen 443 ssl;\n    server_name shop.example.com;\n    ...\n}',
      useInstead:
        'server {\n    listen 443 ssl;\n    server_name shop.example.com;\n    add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;\n    ...\n}',
    },
    fix: 'Add `add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;` to each TLS server (Mozilla\'s recommendation), or set SECURE_HSTS_SECONDS in Django; start with a short max-age if subdomains are not all on HTTPS yet.',
    references: [`${HTTP_HEADERS}#add_header`, MOZILLA_SSL_CONFIG, 'https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Strict-Transport-Security', `${DJANGO_DOCS}/ref/middleware/#http-strict-transport-security`],
    tags: ['nginx', 'tls', 'security', 'headers'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    const moreSetHsts = query.allDirectives().some((d) => d.name === 'more_set_headers' && d.args.some((a) => a.value.toLowerCase().startsWith('strict-transport-security')));
    for (const server of tlsContentServers(query)) {
      const atServer = query.effectiveArray(server, 'add_header');
      if (!atServer.complete || findHeader(atServer.directives, STS)) continue;
      const root = rootLocation(query, server);
      if (root) {
        const atRoot = query.effectiveArray(root, 'add_header');
        if (!atRoot.complete || findHeader(atRoot.directives, STS)) continue;
      }
      if (moreSetHsts) continue;
      const django = djangoSends(model, SECURITY_MIDDLEWARE, { name: 'SECURE_HSTS_SECONDS', on: (v) => truthy(v) });
      if (django === true) continue;
      const listen = tlsListen(query, server);
      const input = {
        span: headSpan(listen),
        target: `${serverKey(query, server)}:hsts`,
      };
      if (django === undefined && model.djangoProjects.length > 0) {
        ctx.unknown({
          ...input,
          message: `${serverLabel(query, server)} sets no Strict-Transport-Security header, and whether Django sends one (SecurityMiddleware with SECURE_HSTS_SECONDS) cannot be told`,
          variables: ['SECURE_HSTS_SECONDS'],
        });
        continue;
      }
      ctx.report({
        ...input,
        message: `${serverLabel(query, server)} serves HTTPS without a Strict-Transport-Security header${django === false ? ' (and Django does not send one)' : ''}: browsers keep trying plain HTTP first, open to SSL stripping`,
      });
    }
  },
});
