import { defineRule } from '../../src/engine/rule.js';
import type { NginxDirective } from '../../src/model/nginx/types.js';
import { argSpan, argValue, findHeader, isDevelopment, proxyPassOf, stockOrigin } from '../../src/model/nginx/effective.js';
import { DJANGO_DOCS, HTTP_PROXY, once, q } from './NGX1.common.js';

/** Variables carrying a raw, unvalidated client value. */
const CLIENT_HOST = /\$(?:\{)?(http_host|http_x_forwarded_host|http_x_host|arg_\w+|cookie_\w+)\b/;

export default defineRule({
  meta: {
    id: 'NGX023',
    name: 'ProxyHostFromClient',
    title: 'proxy_set_header Host passes the raw client Host header ($http_host)',
    severity: 'high',
    section: 'web-server',
    docs: {
      whatItDoes:
        "For every location that proxies (proxy_pass), reports a Host header built from a raw client value: `$http_host`, `$http_x_forwarded_host`, `$arg_*` or `$cookie_*`. The Host from Debian's stock `proxy_params` is not judged (its value changed between releases). Development configurations are skipped.",
      whyIsThisBad:
        "`$http_host` is the Host header exactly as the client sent it, not the name nginx matched: with an absolute request line (`GET https://shop.example.com/ HTTP/1.1` plus `Host: evil.example`) nginx routes by the first and forwards the second. Django then builds password-reset links, redirects and cache keys from an attacker's host, and ALLOWED_HOSTS is the only barrier left (it is often `*` behind a proxy). `$host` is the validated, lower-cased name nginx used.",
      example: 'location / {\n    proxy_set_header Host $http_host;\n    proxy_pass http://django;\n}',
      useInstead: 'location / {\n    proxy_set_header Host $host;\n    proxy_pass http://django;\n}',
    },
    fix: 'Use `proxy_set_header Host $host;` (add `:$server_port` only if the application needs the port), and keep ALLOWED_HOSTS to the real names.',
    references: [`${HTTP_PROXY}#proxy_set_header`, 'https://nginx.org/en/docs/http/ngx_http_core_module.html#var_host', `${DJANGO_DOCS}/topics/security/#host-header-validation`],
    tags: ['nginx', 'security', 'proxy', 'host-header'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    const report = once(ctx);
    for (const server of query.servers()) {
      for (const location of query.locations(server)) {
        if (!proxyPassOf(query, location)) continue;
        const host: NginxDirective | undefined = findHeader(query.effectiveArray(location, 'proxy_set_header').directives, 'host');
        if (!host || stockOrigin(host)?.uncertain) continue;
        const m = CLIENT_HOST.exec(argValue(host, 1));
        if (!m) continue;
        report({
          message: `The Host sent to the application is $${m[1]}, the raw client header: a forged Host reaches Django's URL building and host checks; use $host`,
          span: argSpan(host, 1),
          target: 'host',
        });
      }
    }
  },
});
