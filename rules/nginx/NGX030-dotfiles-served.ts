import { defineRule } from '../../src/engine/rule.js';
import { trimEndChars } from '../../src/core/trim.js';
import type { NginxDirective } from '../../src/model/nginx/types.js';
import { argValue, headSpan, isDevelopment, locationMatch, locationRegex, passOf, type NginxQuery } from '../../src/model/nginx/effective.js';
import { HTTP_CORE, levelReturn, locationLabel, q, rootLocation, serverKey, serverLabel } from './NGX1.common.js';

/** Directory names that hold only published files (collected static, a web root, a build). */
const PUBLIC_DIR = /^(?:html|www|public|public_html|htdocs|httpdocs|static|staticfiles|static_root|staticroot|static_collected|collected_static|collectstatic|assets|media|uploads|dist|build|out|_site|webroot|docroot|wwwroot)$/i;

const PROBES = ['/.env', '/.git/config'];

/** True when the block answers with a refusal (deny all, return 403/404/410/444, internal). */
function refuses(query: NginxQuery, block: NginxDirective): boolean {
  return query.levelOf(block).children.some(
    (d) => (d.name === 'deny' && argValue(d, 0) === 'all') || d.name === 'internal' || (d.name === 'return' && ['403', '404', '410', '444'].includes(argValue(d, 0))),
  );
}

/** True when some location of the list catches the probe path and refuses it. */
function covered(query: NginxQuery, locations: readonly NginxDirective[], path: string): boolean {
  return locations.some((loc) => {
    if (!refuses(query, loc)) return false;
    const m = locationMatch(loc);
    if (m.modifier === '~' || m.modifier === '~*') return locationRegex(loc)?.test(path) ?? true;
    if (m.modifier === '=') return m.pattern === path;
    if (m.modifier === '' || m.modifier === '^~') return path.startsWith(m.pattern) && m.pattern.length > 1;
    return false;
  });
}

/** The block that answers requests no specific location takes: `location /` or the server itself. */
function catchAll(query: NginxQuery, server: NginxDirective): NginxDirective {
  return rootLocation(query, server) ?? server;
}

/** True when the catch-all block serves files from disk (no proxy, no return; try_files with $uri or none). */
function servesFiles(query: NginxQuery, block: NginxDirective): boolean {
  if (levelReturn(query, block)) return false;
  if (block.name === 'location' && passOf(query, block)) return false;
  const tryFiles = query.effective(block, 'try_files');
  if (tryFiles.state === 'set') return tryFiles.directive.args.slice(0, -1).some((a) => a.value.includes('$uri'));
  return true;
}

export default defineRule({
  meta: {
    id: 'NGX030',
    name: 'DotfilesServed',
    title: 'Project directory served as web root without denying dotfiles (.git, .env)',
    severity: 'blocker',
    section: 'web-server',
    docs: {
      whatItDoes:
        "Reports a server whose catch-all (`location /`, or the server itself) serves files from a `root` that looks like a project checkout rather than a published directory (its last component is not static, staticfiles, public, html, www, dist, media ...), when no location refuses `/.env` and `/.git/config` (`location ~ /\\. { deny all; }` or equivalent: deny all, return 403/404/444, internal). Regex locations are tried with JavaScript's engine, which agrees with PCRE on such patterns. A location `/` that proxies everything is not concerned; development configurations are skipped.",
      whyIsThisBad:
        'A root pointing at the project directory serves every file nobody routed elsewhere: `/.env` hands out the SECRET_KEY and database password, `/.git/config` and the object store let anyone rebuild the whole source history, credentials included. Scanners request these paths on every site within hours of it going live.',
      example: 'server {\n    root /srv/shop;\n    location / {\n        try_files $uri @django;\n    }\n}',
      useInstead: 'server {\n    root /srv/shop/public;\n    location ~ /\\.(?!well-known) {\n        deny all;\n    }\n    location / {\n        try_files $uri @django;\n    }\n}',
    },
    fix: 'Point root at a directory that holds only published files (STATIC_ROOT or a public/ folder), and add `location ~ /\\.(?!well-known) { deny all; }` to every server that serves files.',
    references: [`${HTTP_CORE}#root`, `${HTTP_CORE}#location`],
    tags: ['nginx', 'security', 'information-disclosure', 'secrets'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    for (const server of query.servers()) {
      const block = catchAll(query, server);
      if (!servesFiles(query, block)) continue;
      const root = query.effective(block, 'root');
      if (root.state !== 'set') continue;
      const path = argValue(root.directive, 0);
      if (path.includes('$') || query.directiveHasPlaceholder(root.directive)) continue;
      const trimmed = trimEndChars(path, '/');
      const base = trimmed.slice(trimmed.lastIndexOf('/') + 1);
      if (trimmed === '' || PUBLIC_DIR.test(base) || /^\/usr\/share\/nginx\//.test(trimmed)) continue;
      const locations = query.locations(server);
      const exposed = PROBES.filter((p) => !covered(query, locations, p));
      if (exposed.length === 0) continue;
      ctx.report({
        message: `${serverLabel(query, server)} serves files from ${path}, a project directory, and no location refuses dotfiles: ${exposed.map((p) => `${trimEndChars(path, '/')}${p}`).join(' and ')} are downloadable`,
        span: headSpan(root.directive),
        related: block !== server ? [{ span: headSpan(block), message: `${locationLabel(block)} serves files from the root` }] : [],
        target: `${serverKey(query, server)}:dotfiles`,
      });
    }
  },
});
