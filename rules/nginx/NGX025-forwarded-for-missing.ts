import { defineRule } from '../../src/engine/rule.js';
import { appProxiedLocations, findHeader, headSpan, isDevelopment } from '../../src/model/nginx/effective.js';
import type { NginxDirective } from '../../src/model/nginx/types.js';
import { andMore, declaredAbove, GUNICORN_DEPLOY, HTTP_PROXY, locationLabel, q, reportLocations, serverKey } from './NGX1.common.js';

const CLIENT_IP_HEADERS = ['x-forwarded-for', 'x-real-ip', 'forwarded'];

export default defineRule({
  meta: {
    id: 'NGX025',
    name: 'ForwardedForMissing',
    title: 'Proxied location does not pass the client address (X-Forwarded-For / X-Real-IP)',
    severity: 'medium',
    section: 'web-server',
    docs: {
      whatItDoes:
        'For each location that proxies to the application, reports when none of X-Forwarded-For, X-Real-IP or Forwarded is set by proxy_set_header in effect there (once per server, at the first such location\'s proxy_pass, the others as related locations). Headers dropped by a nearer proxy_set_header are left to NGX020; unreadable includes and development configurations are not judged.',
      whyIsThisBad:
        "The application only sees nginx's address (127.0.0.1 or the container's): access logs, audit trails, login throttling (django-axes, rate limits) and geo-IP all work on one address, so one abusive client locks everybody out or nobody at all.",
      example: 'location / {\n    proxy_set_header Host $host;\n    proxy_pass http://django;\n}',
      useInstead: 'location / {\n    proxy_set_header Host $host;\n    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n    proxy_pass http://django;\n}',
    },
    fix: 'Add `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;` (or `X-Real-IP $remote_addr` at the edge), and have the application trust only the last hop it knows.',
    references: [`${HTTP_PROXY}#proxy_set_header`, `${HTTP_PROXY}#var_proxy_add_x_forwarded_for`, GUNICORN_DEPLOY],
    tags: ['nginx', 'proxy'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    for (const server of query.servers()) {
      const hits: Array<{ location: NginxDirective; pass: NginxDirective }> = [];
      for (const { location, pass } of appProxiedLocations(query, server)) {
        const arr = query.effectiveArray(location, 'proxy_set_header');
        if (!arr.complete || CLIENT_IP_HEADERS.some((h) => findHeader(arr.directives, h))) continue;
        if (CLIENT_IP_HEADERS.some((h) => declaredAbove(query, location, 'proxy_set_header', h))) continue;
        hits.push({ location, pass });
      }
      reportLocations(
        ctx,
        hits,
        (first, others) => `${locationLabel(first)}${andMore(others)} proxies without X-Forwarded-For or X-Real-IP: the application sees every request as coming from nginx`,
        `${serverKey(query, server)}:xff`,
      );
    }
  },
});
