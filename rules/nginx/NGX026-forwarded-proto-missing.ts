import { defineRule } from '../../src/engine/rule.js';
import { appProxiedLocations, argSpan, argValue, findHeader, isDevelopment } from '../../src/model/nginx/effective.js';
import type { NginxDirective } from '../../src/model/nginx/types.js';
import { andMore, declaredAbove, DJANGO_DOCS, djangoProxySslHeader, HTTP_PROXY, locationLabel, once, q, reportLocations, serverKey, tlsContentServers } from './NGX1.common.js';

/** x-forwarded-proto -> X-Forwarded-Proto */
function displayName(header: string): string {
  return header.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('-');
}

export default defineRule({
  meta: {
    id: 'NGX026',
    name: 'ForwardedProtoMissing',
    title: 'TLS server proxies without setting X-Forwarded-Proto from $scheme',
    severity: 'medium',
    section: 'web-server',
    docs: {
      whatItDoes:
        "In servers that terminate TLS, reports each location proxying to the application where no X-Forwarded-Proto is set (or the header Django's SECURE_PROXY_SSL_HEADER names, when the settings say another one), or where it is copied from the client's own header (`$http_x_forwarded_proto`). Missing headers are reported once per server, at the first such location's proxy_pass, the others as related locations. Headers dropped by a nearer proxy_set_header are left to NGX020; unreadable includes and development configurations are not judged.",
      whyIsThisBad:
        "Django learns that a request came over HTTPS only from this header (SECURE_PROXY_SSL_HEADER). Missing, every request looks like plain HTTP: SECURE_SSL_REDIRECT loops forever, request.is_secure() is false and CSRF rejects HTTPS form posts whose Origin does not match. Copied from the client, anyone can claim HTTPS, which Django's documentation warns makes the setting unsafe.",
      example: 'location / {\n    proxy_set_header Host $host;\n    proxy_pass http://django;\n}',
      useInstead: 'location / {\n    proxy_set_header Host $host;\n    proxy_set_header X-Forwarded-Proto $scheme;\n    proxy_pass http://django;\n}',
    },
    fix: "Add `proxy_set_header X-Forwarded-Proto $scheme;` to the TLS server's proxied locations (server level is enough when locations add no proxy_set_header of their own), and set SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https') in Django.",
    references: [`${HTTP_PROXY}#proxy_set_header`, `${DJANGO_DOCS}/ref/settings/#secure-proxy-ssl-header`],
    tags: ['nginx', 'proxy', 'tls', 'security'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    const header = djangoProxySslHeader(model) ?? 'x-forwarded-proto';
    const report = once(ctx);
    for (const server of tlsContentServers(query)) {
      const hits: Array<{ location: NginxDirective; pass: NginxDirective }> = [];
      for (const { location, pass } of appProxiedLocations(query, server)) {
        const arr = query.effectiveArray(location, 'proxy_set_header');
        const set = findHeader(arr.directives, header);
        if (set) {
          if (/^\$\{?http_/.test(argValue(set, 1))) {
            report({
              message: `${set.args[0]?.value ?? header} is copied from the client's own header on a server that terminates TLS: any client can claim HTTPS to Django; use $scheme`,
              span: argSpan(set, 1),
              target: 'xfp-passthrough',
            });
          }
          continue;
        }
        if (!arr.complete || declaredAbove(query, location, 'proxy_set_header', header)) continue;
        hits.push({ location, pass });
      }
      reportLocations(
        ctx,
        hits,
        (first, others) =>
          `${locationLabel(first)}${andMore(others)} proxies HTTPS requests without ${displayName(header)}${header === 'x-forwarded-proto' ? '' : " (the header Django's SECURE_PROXY_SSL_HEADER names)"}: Django sees plain HTTP (redirect loops with SECURE_SSL_REDIRECT, CSRF origin failures); set it to $scheme`,
        `${serverKey(query, server)}:xfp`,
      );
    }
  },
});
