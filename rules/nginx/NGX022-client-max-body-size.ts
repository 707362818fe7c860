import { defineRule } from '../../src/engine/rule.js';
import { APP_PASS, appProxiedLocations, argValue, headSpan, isDevelopment } from '../../src/model/nginx/effective.js';
import { DJANGO_DOCS, HTTP_CORE, once, q, serverKey, serverLabel } from './NGX1.common.js';

export default defineRule({
  meta: {
    id: 'NGX022',
    name: 'ClientMaxBodySize',
    title: 'client_max_body_size left at 1m, or 0 (unlimited), where requests go to the app',
    severity: 'low',
    section: 'web-server',
    docs: {
      whatItDoes:
        "For each location that hands requests to the application (proxy_pass or uwsgi_pass), works out the `client_max_body_size` in effect (location > server > http). Unset means nginx's 1m default and is reported once per server, at the first such location's proxy_pass or uwsgi_pass; `0` (no limit) is reported where it is written. Values an unreadable include may set and development configurations are not judged.",
      whyIsThisBad:
        "With the 1m default any upload or form post above one megabyte fails with 413 Request Entity Too Large before Django sees it, an error users cannot understand and Django never logs. `0` removes the limit altogether, so anyone can stream gigabytes into the request buffers and the application's temporary storage.",
      example: 'location / {\n    proxy_pass http://django;\n}',
      useInstead: 'client_max_body_size 20m;  # the largest upload the site accepts\nlocation / {\n    proxy_pass http://django;\n}',
    },
    fix: "Set client_max_body_size explicitly in the server (or http) to the largest request the application accepts, keeping Django's DATA_UPLOAD_MAX_MEMORY_SIZE and FILE_UPLOAD_MAX_MEMORY_SIZE consistent with it.",
    references: [`${HTTP_CORE}#client_max_body_size`, `${DJANGO_DOCS}/ref/settings/#data-upload-max-memory-size`],
    tags: ['nginx', 'uploads'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    const report = once(ctx);
    for (const server of query.servers()) {
      let defaultReported = false;
      for (const { location, pass } of appProxiedLocations(query, server, APP_PASS)) {
        const e = query.effective(location, 'client_max_body_size');
        if (e.state === 'unknown') continue;
        if (e.state === 'set') {
          if (query.directiveHasPlaceholder(e.directive)) continue;
          const v = argValue(e.directive, 0);
          if (v !== '0') continue;
          report({
            message: 'client_max_body_size 0 disables the request body limit: any client can send bodies of any size to the application',
            span: headSpan(e.directive),
            target: 'client_max_body_size',
          });
          continue;
        }
        if (defaultReported) continue;
        defaultReported = true;
        report({
          message: `No client_max_body_size is in effect for requests ${serverLabel(query, server)} proxies to the application: nginx's 1m default rejects larger uploads with 413 before Django sees them`,
          span: headSpan(pass),
          target: `${serverKey(query, server)}:client_max_body_size`,
        });
      }
    }
  },
});
