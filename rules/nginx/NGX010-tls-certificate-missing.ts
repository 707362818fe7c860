import { defineRule } from '../../src/engine/rule.js';
import { headSpan, isTlsServer, rejectsHandshake, tlsListen } from '../../src/model/nginx/effective.js';
import { HTTP_SSL, MOZILLA_SSL_CONFIG, q, serverKey, serverLabel } from './NGX1.common.js';

export default defineRule({
  meta: {
    id: 'NGX010',
    name: 'TlsCertificateMissing',
    title: 'TLS server without ssl_certificate or ssl_certificate_key',
    severity: 'high',
    section: 'web-server',
    docs: {
      whatItDoes:
        'Reports a server that listens with `ssl` (or the legacy `ssl on;`) when no `ssl_certificate` or no `ssl_certificate_key` is in effect for it, in the server itself or inherited from http. Servers with `ssl_reject_handshake on` need none and are skipped; a value that an include outside the repository may set is not judged. Development configurations are checked too: nginx refuses to start either way.',
      whyIsThisBad:
        'nginx refuses the whole configuration (`no "ssl_certificate" is defined for the "listen ... ssl" directive`), so a reload fails and a fresh start leaves every site down, not only this one.',
      example: 'server {\n    listen 443 ssl;\n    server_name shop.example.com;\n    location / { proxy_pass http://django; }\n}',
      useInstead:
        'server {\n    listen 443 ssl;\n    server_name shop.example.com;\n    ssl_certificate     /etc/letsencrypt/live/shop.example.com/fullchain.pem;\n    ssl_certificate_key /etc/letsencrypt/live/shop.example.com/privkey.pem;\n    location / { proxy_pass http://django; }\n}',
    },
    fix: 'Add ssl_certificate (the full chain) and ssl_certificate_key to the server, or to http when every TLS server shares them.',
    references: [`${HTTP_SSL}#ssl_certificate`, `${HTTP_SSL}#ssl_certificate_key`, MOZILLA_SSL_CONFIG],
    tags: ['nginx', 'tls', 'security'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    const query = q(config, model);
    for (const server of query.servers()) {
      if (!isTlsServer(query, server) || rejectsHandshake(query, server)) continue;
      const missing = ['ssl_certificate', 'ssl_certificate_key'].filter((name) => query.effective(server, name).state === 'unset');
      if (missing.length === 0) continue;
      const listen = tlsListen(query, server);
      ctx.report({
        message: `${serverLabel(query, server)} listens with ssl but no ${missing.join(' and no ')} is in effect for it: nginx -t fails (no "${missing[0]}" is defined) and nginx will not start`,
        span: headSpan(listen),
        target: `${serverKey(query, server)}:${missing.join(',')}`,
      });
    }
  },
});
