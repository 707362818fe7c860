import { defineRule } from '../../src/engine/rule.js';
import type { NginxDirective } from '../../src/model/nginx/types.js';
import { headerName, headSpan, isDevelopment, walkDirectives } from '../../src/model/nginx/effective.js';
import { HTTP_PROXY, locationLabel, q, rel } from './NGX1.common.js';

function blockLabel(d: NginxDirective): string {
  if (d.name === 'location') return locationLabel(d);
  if (d.name === 'if') return `if (${d.args.map((a) => a.raw).join(' ')})`;
  return d.name;
}

export default defineRule({
  meta: {
    id: 'NGX020',
    name: 'ProxyHeaderInheritanceLoss',
    title: 'A block with its own proxy_set_header drops the headers set above it',
    severity: 'medium',
    section: 'web-server',
    docs: {
      whatItDoes:
        'Finds server, location and if blocks that declare any `proxy_set_header` of their own (an `include proxy_params;` counts) while headers set at an enclosing level are not repeated there, when requests in that block are proxied (proxy_pass in it or below it). The finding points at the block\'s first proxy_set_header; each dropped header is a related location. Not reported where an unreadable include in the block may repeat them, or in development configurations.',
      whyIsThisBad:
        "proxy_set_header is inherited only by levels that declare none. A location that adds `proxy_set_header Upgrade $http_upgrade;` for websockets silently stops sending the server's `Host $host` and `X-Forwarded-Proto $scheme`: Django then sees the upstream's name as host (DisallowedHost) and plain http as scheme (redirect loops, CSRF failures).",
      example:
        'server {\n    proxy_set_header Host $host;\n    proxy_set_header X-Forwarded-Proto $scheme;\n    location /ws/ {\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection "upgrade";\n        proxy_pass http://django;\n    }\n}',
      useInstead:
        'server {\n    include proxy_headers.conf;\n    location /ws/ {\n        include proxy_headers.conf;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection "upgrade";\n        proxy_pass http://django;\n    }\n}',
    },
    fix: 'Repeat the inherited headers in the block, ideally through an `include` of a shared snippet used at both levels.',
    references: [`${HTTP_PROXY}#proxy_set_header`],
    tags: ['nginx', 'proxy'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    const blocks = query.allDirectives().filter((d) => d.block && ['server', 'location', 'if', 'limit_except'].includes(d.name));
    for (const block of blocks) {
      if (!query.serverOf(block)) continue;
      const level = query.levelOf(block);
      const own = level.children.filter((d) => d.name === 'proxy_set_header');
      if (own.length === 0) continue;
      if (level.children.some((d) => query.isOpaqueInclude(d))) continue;
      let proxied = false;
      walkDirectives(level.children, (d) => {
        if (d.name === 'proxy_pass') proxied = true;
      });
      if (!proxied) continue;
      const ownNames = new Set(own.map(headerName));
      const lost = query.inheritedArray(block, 'proxy_set_header').directives.filter((d) => !ownNames.has(headerName(d)));
      if (lost.length === 0) continue;
      const names = [...new Set(lost.map((d) => d.args[0]?.value ?? ''))];
      ctx.report({
        message: `This proxy_set_header makes ${blockLabel(block)} drop every proxy_set_header inherited from above: ${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} no longer sent to the upstream`,
        span: headSpan(own[0]!),
        related: lost.map((d) => rel(d, `${d.args[0]?.value ?? 'header'} set here is not inherited by ${blockLabel(block)}`)),
        target: `${blockLabel(block)}:proxy_set_header`,
      });
    }
  },
});
