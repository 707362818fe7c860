import { defineRule } from '../../src/engine/rule.js';
import { appProxiedLocations, argSpan, argValue, isDevelopment } from '../../src/model/nginx/effective.js';
import { GUNICORN_DEPLOY, HTTP_PROXY, nginxSeconds, once, q } from './NGX1.common.js';

export default defineRule({
  meta: {
    id: 'NGX027',
    name: 'ProxyTimeoutsUnworkable',
    title: 'Proxy timeouts that cannot work: connect over 75s, read or send under 2s',
    severity: 'low',
    section: 'web-server',
    docs: {
      whatItDoes:
        'For locations proxying to the application, checks the proxy timeouts in effect: `proxy_connect_timeout` above 75 seconds (nginx documents it usually cannot exceed 75s: the kernel gives up first) and `proxy_read_timeout` or `proxy_send_timeout` under 2 seconds (ordinary requests then end in 504). Locations that upgrade connections (websockets) and development configurations are not judged.',
      whyIsThisBad:
        'A read timeout under a couple of seconds turns every slow page, export or report into a 504 Gateway Timeout while the worker keeps computing the answer nobody receives. A huge connect timeout does not buy anything: the operating system abandons the connection attempt first, and the setting only hides that the backend is down.',
      example: 'location / {\n    proxy_pass http://django;\n    proxy_connect_timeout 300s;\n    proxy_read_timeout 1s;\n}',
      useInstead: 'location / {\n    proxy_pass http://django;\n    proxy_connect_timeout 5s;\n    proxy_read_timeout 60s;  # a little above gunicorn --timeout\n}',
    },
    fix: "Keep proxy_connect_timeout short (a few seconds, 75s at most) and set proxy_read_timeout a little above the application server's worker timeout (gunicorn's --timeout, 30s by default).",
    references: [`${HTTP_PROXY}#proxy_connect_timeout`, `${HTTP_PROXY}#proxy_read_timeout`, GUNICORN_DEPLOY],
    tags: ['nginx', 'proxy', 'timeouts'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    const report = once(ctx);
    for (const server of query.servers()) {
      for (const { location } of appProxiedLocations(query, server)) {
        const upgrades = query.effectiveArray(location, 'proxy_set_header').directives.some((d) => argValue(d, 0).toLowerCase() === 'upgrade');
        const connect = query.effective(location, 'proxy_connect_timeout');
        if (connect.state === 'set' && !query.directiveHasPlaceholder(connect.directive)) {
          const s = nginxSeconds(argValue(connect.directive, 0));
          if (s !== undefined && s > 75) {
            report({
              message: `proxy_connect_timeout ${argValue(connect.directive, 0)} is over the 75s nginx can use (the kernel gives up first): it only delays noticing a dead backend`,
              span: argSpan(connect.directive, 0),
              target: 'proxy_connect_timeout',
            });
          }
        }
        if (upgrades) continue;
        for (const name of ['proxy_read_timeout', 'proxy_send_timeout']) {
          const e = query.effective(location, name);
          if (e.state !== 'set' || query.directiveHasPlaceholder(e.directive)) continue;
          const s = nginxSeconds(argValue(e.directive, 0));
          if (s === undefined || s >= 2) continue;
          report({
            message: `${name} ${argValue(e.directive, 0)} is shorter than ordinary requests take: slow pages end in 504 while the worker keeps running`,
            span: argSpan(e.directive, 0),
            target: name,
          });
        }
      }
    }
  },
});
