import { defineRule } from '../../src/engine/rule.js';
import { appProxiedLocations, findHeader, headSpan, isDevelopment, passTarget } from '../../src/model/nginx/effective.js';
import { truthy } from '../../src/model/python-value.js';
import type { NginxDirective } from '../../src/model/nginx/types.js';
import { andMore, declaredAbove, DJANGO_DOCS, djangoSetting, GUNICORN_DEPLOY, HTTP_PROXY, locationLabel, q, reportLocations, serverKey } from './NGX1.common.js';

/** What nginx sends as Host by default: $proxy_host, "localhost" for a unix socket. */
function proxyHost(pass: Parameters<typeof passTarget>[0]): string {
  const t = passTarget(pass);
  if (t.unix) return 'localhost';
  return t.port !== undefined && t.port !== 80 ? `${t.host}:${t.port}` : (t.host ?? '');
}

export default defineRule({
  meta: {
    id: 'NGX024',
    name: 'ProxyHostMissing',
    title: 'Proxied location sends no Host header: Django sees the upstream name',
    severity: 'medium',
    section: 'web-server',
    docs: {
      whatItDoes:
        "For each location that proxies to the application (an upstream, a local address or socket, a one-label service name), reports when no `proxy_set_header Host` is in effect (once per server, at the first such location's proxy_pass, the others as related locations). When a Host set at an enclosing level is dropped by the location's own proxy_set_header, NGX020 reports the cause instead. Not reported when Django uses X-Forwarded-Host (USE_X_FORWARDED_HOST) and nginx sets it, when an unreadable include may set it, or in development configurations.",
      whyIsThisBad:
        "Without it nginx sends `Host: $proxy_host`, the name in proxy_pass (`django`, `127.0.0.1:8000`). Django validates that against ALLOWED_HOSTS and answers 400 (DisallowedHost) unless the upstream name is listed, and every absolute URL it builds (redirects, password-reset and e-mail links, sitemaps) points at the internal name.",
      example: 'location / {\n    proxy_pass http://127.0.0.1:8000;\n}',
      useInstead: 'location / {\n    proxy_set_header Host $host;\n    proxy_pass http://127.0.0.1:8000;\n}',
    },
    fix: 'Add `proxy_set_header Host $host;` where the other proxy headers are set (server level, or each proxied location).',
    references: [`${HTTP_PROXY}#proxy_set_header`, GUNICORN_DEPLOY, `${DJANGO_DOCS}/ref/settings/#allowed-hosts`],
    tags: ['nginx', 'proxy', 'host-header'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    const xfh = djangoSetting(model, 'USE_X_FORWARDED_HOST');
    const usesXfh = xfh !== undefined && truthy(xfh) === true;
    for (const server of query.servers()) {
      const hits: Array<{ location: NginxDirective; pass: NginxDirective }> = [];
      for (const { location, pass } of appProxiedLocations(query, server)) {
        const arr = query.effectiveArray(location, 'proxy_set_header');
        if (!arr.complete || findHeader(arr.directives, 'host')) continue;
        if (usesXfh && findHeader(arr.directives, 'x-forwarded-host')) continue;
        if (declaredAbove(query, location, 'proxy_set_header', 'host')) continue;
        hits.push({ location, pass });
      }
      reportLocations(
        ctx,
        hits,
        (first, others) => `${locationLabel(first)}${andMore(others)} proxies without proxy_set_header Host, so Django receives Host: ${proxyHost(hits[0]!.pass)} (nginx's $proxy_host) and rejects or mis-builds URLs; set Host $host`,
        `${serverKey(query, server)}:host`,
      );
    }
  },
});
