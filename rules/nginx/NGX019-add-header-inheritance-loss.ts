import { defineRule } from '../../src/engine/rule.js';
import type { NginxDirective } from '../../src/model/nginx/types.js';
import { headerName, headSpan, isDevelopment, isTlsServer } from '../../src/model/nginx/effective.js';
import { HTTP_HEADERS, locationLabel, q, rel } from './NGX1.common.js';

/** Response headers whose silent loss weakens security. */
export const SECURITY_HEADERS = new Set([
  'strict-transport-security',
  'content-security-policy',
  'content-security-policy-report-only',
  'x-frame-options',
  'x-content-type-options',
  'referrer-policy',
  'permissions-policy',
  'cross-origin-opener-policy',
  'cross-origin-embedder-policy',
  'cross-origin-resource-policy',
]);

function blockLabel(d: NginxDirective): string {
  if (d.name === 'location') return locationLabel(d);
  if (d.name === 'if') return `if (${d.args.map((a) => a.raw).join(' ')})`;
  return d.name;
}

export default defineRule({
  meta: {
    id: 'NGX019',
    name: 'AddHeaderInheritanceLoss',
    title: 'A block with its own add_header drops security headers set above it',
    severity: 'medium',
    section: 'web-server',
    docs: {
      whatItDoes:
        "Finds server, location and if blocks that declare any `add_header` of their own while a security header (Strict-Transport-Security, Content-Security-Policy, X-Frame-Options, X-Content-Type-Options, Referrer-Policy, Permissions-Policy, Cross-Origin-*) is set at an enclosing level and not repeated in the block. The finding points at the block's first add_header; the dropped headers are listed as related locations. Not reported where `add_header_inherit merge` (nginx 1.29.3+) is in effect, where an unreadable include in the block may repeat them, or in development configurations. HSTS counts only in TLS servers.",
      whyIsThisBad:
        "nginx inherits add_header directives from the previous level if and only if the current level defines none. Adding a harmless `Cache-Control` to `/static/` or `/media/` therefore silently removes HSTS, CSP and the rest from every response of that location, and nothing warns about it.",
      example:
        'server {\n    add_header Strict-Transport-Security "max-age=63072000" always;\n    add_header X-Content-Type-Options nosniff always;\n    location /media/ {\n        alias /srv/media/;\n        add_header Cache-Control "public";\n    }\n}',
      useInstead:
        'server {\n    include snippets/security-headers.conf;\n    location /media/ {\n        alias /srv/media/;\n        include snippets/security-headers.conf;\n        add_header Cache-Control "public";\n    }\n}',
    },
    fix: 'Repeat the security headers in the block (an `include` of a shared snippet keeps them in one place), move the block-specific header to where it does not shadow them (e.g. `expires` instead of add_header Cache-Control), or on nginx 1.29.3+ use `add_header_inherit merge;`.',
    references: [`${HTTP_HEADERS}#add_header`, `${HTTP_HEADERS}#add_header_inherit`],
    tags: ['nginx', 'security', 'headers'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    const blocks = query.allDirectives().filter((d) => d.block && ['server', 'location', 'if', 'limit_except'].includes(d.name));
    for (const block of blocks) {
      const server = query.serverOf(block);
      if (!server && block.name !== 'server') continue;
      const level = query.levelOf(block);
      const own = level.children.filter((d) => d.name === 'add_header');
      if (own.length === 0) continue;
      if (level.children.some((d) => query.isOpaqueInclude(d))) continue;
      const mode = query.effective(block, 'add_header_inherit');
      if (mode.state === 'set' && mode.directive.args[0]?.value === 'merge') continue;
      const ownNames = new Set(own.map(headerName));
      const tls = isTlsServer(query, server ?? block);
      const inherited = query.inheritedArray(block, 'add_header').directives;
      const lost = inherited.filter((d) => {
        const name = headerName(d);
        if (!SECURITY_HEADERS.has(name) || ownNames.has(name)) return false;
        return name !== 'strict-transport-security' || tls;
      });
      if (lost.length === 0) continue;
      const names = [...new Set(lost.map((d) => d.args[0]?.value ?? ''))];
      ctx.report({
        message: `This add_header makes ${blockLabel(block)} drop every add_header inherited from above: ${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} no longer sent for its responses`,
        span: headSpan(own[0]!),
        related: lost.map((d) => rel(d, `${d.args[0]?.value ?? 'header'} set here is not inherited by ${blockLabel(block)}`)),
        target: `${blockLabel(block)}:add_header`,
      });
    }
  },
});
