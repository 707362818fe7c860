import { defineRule } from '../../src/engine/rule.js';
import { headSpan, nginxAtLeast, versionLabel } from '../../src/model/nginx/effective.js';
import { NGINX_DOCS, q } from './NGX1.common.js';

/** Directives (and the release that introduced them) that older nginx rejects as unknown. */
const INTRODUCED: Array<[name: string, version: [number, number, number], module: string]> = [
  ['http2', [1, 25, 1], 'http/ngx_http_v2_module.html#http2'],
  ['http3', [1, 25, 0], 'http/ngx_http_v3_module.html#http3'],
  ['http3_hq', [1, 25, 0], 'http/ngx_http_v3_module.html#http3_hq'],
  ['quic_retry', [1, 25, 0], 'http/ngx_http_v3_module.html#quic_retry'],
  ['quic_gso', [1, 25, 0], 'http/ngx_http_v3_module.html#quic_gso'],
  ['quic_bpf', [1, 25, 0], 'http/ngx_http_v3_module.html#quic_bpf'],
  ['ssl_reject_handshake', [1, 19, 4], 'http/ngx_http_ssl_module.html#ssl_reject_handshake'],
  ['ssl_conf_command', [1, 19, 4], 'http/ngx_http_ssl_module.html#ssl_conf_command'],
  ['proxy_ssl_conf_command', [1, 19, 4], 'http/ngx_http_proxy_module.html#proxy_ssl_conf_command'],
  ['ssl_ocsp', [1, 19, 0], 'http/ngx_http_ssl_module.html#ssl_ocsp'],
  ['keepalive_time', [1, 19, 10], 'http/ngx_http_core_module.html#keepalive_time'],
  ['add_header_inherit', [1, 29, 3], 'http/ngx_http_headers_module.html#add_header_inherit'],
];

export default defineRule({
  meta: {
    id: 'NGX035',
    name: 'DirectiveNewerThanNginx',
    title: 'Directive unknown to the pinned nginx release (e.g. `http2 on;` before 1.25.1)',
    severity: 'high',
    section: 'web-server',
    docs: {
      whatItDoes:
        'When the repository pins an nginx release (Dockerfile `FROM nginx:1.24`, compose `image: nginx:1.24`), reports directives that release does not know yet: `http2` (1.25.1), `http3` and the `quic_*` directives (1.25.0), `ssl_reject_handshake` and `ssl_conf_command` (1.19.4), `ssl_ocsp` (1.19.0), `keepalive_time` (1.19.10), `add_header_inherit` (1.29.3). Nothing is reported when the release is not known. Development configurations are checked too: nginx refuses to start either way.',
      whyIsThisBad:
        'nginx refuses the whole configuration with `unknown directive "http2"`: the container exits at start-up or the reload fails, typically after copying a snippet generated for a newer release (Mozilla\'s generator emits `http2 on;` for 1.25.1+).',
      example: '# Dockerfile: FROM nginx:1.24-alpine\nserver {\n    listen 443 ssl;\n    http2 on;\n}',
      useInstead: '# Dockerfile: FROM nginx:1.27-alpine\nserver {\n    listen 443 ssl;\n    http2 on;\n}',
    },
    fix: 'Upgrade the pinned image to a release that knows the directive, or use the older form (`listen 443 ssl http2;` before 1.25.1, a `return 444` catch-all instead of ssl_reject_handshake).',
    references: [`${NGINX_DOCS}/http/ngx_http_v2_module.html#http2`, 'https://nginx.org/en/CHANGES'],
    tags: ['nginx', 'compatibility'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    const query = q(config, model);
    const version = query.version;
    if (!version) return;
    for (const d of query.allDirectives()) {
      const entry = INTRODUCED.find(([name]) => name === d.name);
      if (!entry) continue;
      const [name, [major, minor, patch]] = entry;
      if (nginxAtLeast(version, major, minor, patch) !== false) continue;
      ctx.report({
        message: `${name} is unknown to ${versionLabel(version)}: it arrived in nginx ${major}.${minor}.${patch}, so nginx -t fails (unknown directive "${name}")`,
        span: headSpan(d),
        related: [{ span: version.span, message: 'the pinned nginx release' }],
        target: name,
      });
    }
  },
});
