import { defineRule } from '../../src/engine/rule.js';
import { argValue, findHeader, headSpan, isDevelopment, nginxAtLeast, passTarget, proxyPassOf } from '../../src/model/nginx/effective.js';
import { HTTP_PROXY, NGINX_DOCS, q, rel } from './NGX1.common.js';

export default defineRule({
  meta: {
    id: 'NGX033',
    name: 'UpstreamKeepaliveUnused',
    title: 'Upstream keepalive without proxy_http_version 1.1 and an empty Connection header',
    severity: 'low',
    section: 'web-server',
    docs: {
      whatItDoes:
        "For each `upstream` with a `keepalive` pool, checks the locations that proxy_pass to it: they need `proxy_http_version 1.1` and `proxy_set_header Connection \"\"` in effect, or the pool is never used. A location that sets Connection to something else on purpose (websocket upgrades) is left alone. Not reported when the pinned nginx is 1.29.7 or later (both became the default for upstreams with keepalive), or in development configurations.",
      whyIsThisBad:
        "nginx talks HTTP/1.0 to upstreams and sends `Connection: close` by default, so every request still opens and tears down a TCP (or unix socket) connection: the keepalive directive only reserves memory, and under load the backend spends its time on connection churn and TIME_WAIT sockets the configuration was meant to avoid.",
      example: 'upstream django {\n    server 127.0.0.1:8000;\n    keepalive 32;\n}\nlocation / {\n    proxy_pass http://django;\n}',
      useInstead: 'upstream django {\n    server 127.0.0.1:8000;\n    keepalive 32;\n}\nlocation / {\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n    proxy_pass http://django;\n}',
    },
    fix: 'Add `proxy_http_version 1.1;` and `proxy_set_header Connection "";` where the upstream is proxied to (remembering that a location\'s own proxy_set_header drops the inherited ones), or remove keepalive.',
    references: [`${NGINX_DOCS}/http/ngx_http_upstream_module.html#keepalive`, `${HTTP_PROXY}#proxy_http_version`],
    tags: ['nginx', 'proxy', 'performance'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    if (nginxAtLeast(query.version, 1, 29, 7) === true) return;
    const pools = new Map<string, ReturnType<typeof query.allDirectives>[number]>();
    for (const [name, upstream] of query.upstreams()) {
      const keepalive = query.levelOf(upstream).children.find((d) => d.name === 'keepalive');
      if (keepalive) pools.set(name, keepalive);
    }
    if (pools.size === 0) return;
    for (const server of query.servers()) {
      for (const location of query.locations(server)) {
        const pass = proxyPassOf(query, location);
        if (!pass) continue;
        const t = passTarget(pass);
        const keepalive = t.host ? pools.get(t.host) : undefined;
        if (!keepalive) continue;
        const missing: string[] = [];
        const version = query.effective(location, 'proxy_http_version');
        if (version.state === 'unknown') continue;
        if (version.state === 'unset' || argValue(version.directive, 0) === '1.0') missing.push('proxy_http_version 1.1');
        const headers = query.effectiveArray(location, 'proxy_set_header');
        if (!headers.complete) continue;
        if (!findHeader(headers.directives, 'connection')) missing.push('proxy_set_header Connection ""');
        if (missing.length === 0) continue;
        ctx.report({
          message: `proxy_pass to upstream "${t.host}", which keeps idle connections (keepalive), without ${missing.join(' and ')}: nginx still closes the connection after every request`,
          span: headSpan(pass),
          related: [rel(keepalive, 'the keepalive pool that stays unused')],
          target: `keepalive:${t.host}`,
        });
      }
    }
  },
});
