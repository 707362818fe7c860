import { defineRule } from '../../src/engine/rule.js';
import { headSpan, listensOf } from '../../src/model/nginx/effective.js';
import { HTTP_CORE, MOZILLA_SSL_CONFIG, q, serverKey, serverLabel } from './NGX1.common.js';

export default defineRule({
  meta: {
    id: 'NGX040',
    name: 'Port443WithoutSsl',
    title: '`listen 443` without the ssl parameter serves plain HTTP on the HTTPS port',
    severity: 'high',
    section: 'web-server',
    docs: {
      whatItDoes:
        'Reports a `listen` on port 443 (or 8443) without the `ssl` parameter in a server that does not turn TLS on otherwise (the legacy `ssl on;`). QUIC listens (`listen 443 quic`) are UDP and not concerned. Development configurations are checked too: the mistake breaks the site the same way.',
      whyIsThisBad:
        "nginx then speaks plain HTTP on the HTTPS port: every browser fails the TLS handshake (ERR_SSL_PROTOCOL_ERROR) and nothing is served over HTTPS, even though certificates may be configured right below. Since nginx 1.15.0 `ssl on` is deprecated and since 1.25.1 removed, so configurations that relied on it and lost it break this way.",
      example: 'server {\n    listen 443;\n    ssl_certificate     /etc/ssl/shop.pem;\n    ssl_certificate_key /etc/ssl/shop.key;\n}',
      useInstead: 'server {\n    listen 443 ssl;\n    ssl_certificate     /etc/ssl/shop.pem;\n    ssl_certificate_key /etc/ssl/shop.key;\n}',
    },
    fix: 'Add the `ssl` parameter to the listen directive (`listen 443 ssl;`, and `listen [::]:443 ssl;`).',
    references: [`${HTTP_CORE}#listen`, MOZILLA_SSL_CONFIG],
    tags: ['nginx', 'tls'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    const query = q(config, model);
    for (const server of query.servers()) {
      const legacy = query.effective(server, 'ssl');
      if (legacy.state === 'set' && legacy.directive.args[0]?.value === 'on') continue;
      if (legacy.state === 'unknown') continue;
      for (const listen of listensOf(query, server)) {
        if (listen.ssl || listen.quic || listen.implicit || (listen.port !== 443 && listen.port !== 8443)) continue;
        ctx.report({
          message: `${serverLabel(query, server)} listens on port ${listen.port} without ssl: nginx answers the HTTPS port in plain HTTP and every browser's TLS handshake fails`,
          span: headSpan(listen.directive),
          target: `${serverKey(query, server)}:${listen.port}`,
        });
      }
    }
  },
});
