import { defineRule } from '../../src/engine/rule.js';
import { isDevelopment, listensOf, nginxAtLeast, versionLabel } from '../../src/model/nginx/effective.js';
import { HTTP_CORE, NGINX_DOCS, q } from './NGX1.common.js';

export default defineRule({
  meta: {
    id: 'NGX034',
    name: 'ListenHttp2Deprecated',
    title: '`listen ... http2` is deprecated since nginx 1.25.1 (use `http2 on;`)',
    severity: 'low',
    section: 'web-server',
    docs: {
      whatItDoes:
        "Reports the `http2` parameter of `listen`. When the repository pins an nginx release (Dockerfile `FROM nginx:1.27`, compose image tag) the verdict follows it: 1.25.1 and later warn about it, older releases need it and are not reported. When the release is not known it is reported as a note, since the right form depends on it. Development configurations are skipped.",
      whyIsThisBad:
        'nginx 1.25.1 replaced the listen parameter with the `http2` directive: `nginx -t` prints "the listen ... http2 directive is deprecated" on every reload, and the parameter is slated for removal, at which point the configuration stops loading. It also enables HTTP/2 for every server on that address, not just this one.',
      example: 'listen 443 ssl http2;',
      useInstead: 'listen 443 ssl;\nhttp2 on;',
    },
    fix: 'On nginx 1.25.1 or later write `listen 443 ssl;` and `http2 on;` in the server. Keep the listen parameter only for older releases (Debian 12 ships 1.22), where `http2 on;` is an unknown directive.',
    references: [`${NGINX_DOCS}/http/ngx_http_v2_module.html#http2`, `${HTTP_CORE}#listen`],
    tags: ['nginx', 'http2'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    const version = query.version;
    const modern = nginxAtLeast(version, 1, 25, 1);
    if (modern === false) return;
    for (const server of query.servers()) {
      for (const listen of listensOf(query, server)) {
        if (!listen.http2) continue;
        const arg = listen.directive.args.find((a) => a.value.toLowerCase() === 'http2')!;
        ctx.report({
          message: modern
            ? `The http2 parameter of listen is deprecated on ${versionLabel(version!)}: nginx -t warns on every reload; use \`http2 on;\` in the server`
            : 'The http2 parameter of listen is deprecated since nginx 1.25.1 (use `http2 on;`); it is right only on older releases, and no pinned nginx version tells which one runs',
          span: arg.span,
          target: 'listen-http2',
        });
      }
    }
  },
});
