import { defineRule } from '../../src/engine/rule.js';
import type { NginxDirective } from '../../src/model/nginx/types.js';
import { argSpan, headSpan, isDevelopment, listensOf, serverNames, walkDirectives } from '../../src/model/nginx/effective.js';
import { HTTP_CORE, HTTP_REWRITE, once, q, redirectOf, toHttps } from './NGX1.common.js';

/** A redirect to this same site over https (to $host, $server_name or one of the server's names). */
function sameSite(url: string, names: string[]): boolean {
  const host = /^https:\/\/(\$\{?\w+\}?|[^/:?#$]*)/i.exec(url)?.[1] ?? '';
  if (/^\$\{?(?:host|server_name|http_host)\}?$/.test(host)) return true;
  return names.some((n) => n.toLowerCase() === host.toLowerCase());
}

export default defineRule({
  meta: {
    id: 'NGX015',
    name: 'HttpsRedirectWeak',
    title: 'HTTP to HTTPS redirect is temporary or targets a broken host',
    severity: 'low',
    section: 'web-server',
    docs: {
      whatItDoes:
        "Looks at redirects to https:// in servers that listen for plain HTTP and reports temporary ones (`return 302`, `return 307`, `return https://...` without a code, which sends 302, and `rewrite ... redirect`), and redirects built on `$server_name` when the server's first name is `_`, empty, a wildcard or a regex (nginx substitutes it literally). Development configurations are skipped. A redirect using `$uri` is reported by NGX037.",
      whyIsThisBad:
        'Browsers and search engines do not remember a temporary redirect, so every visit starts with a plain-HTTP request that a man in the middle can intercept (SSL stripping), and links keep their http:// form. `https://$server_name` with `server_name _` sends users to https://_/, a broken page.',
      example: 'server {\n    listen 80;\n    server_name _;\n    return 302 https://$server_name$request_uri;\n}',
      useInstead: 'server {\n    listen 80;\n    server_name _;\n    return 301 https://$host$request_uri;\n}',
    },
    fix: 'Redirect with `return 301 https://$host$request_uri;` (or 308 to keep the method), using `$host` unless the server has exactly one literal name.',
    references: [`${HTTP_REWRITE}#return`, `${HTTP_CORE}#var_server_name`, 'https://developer.mozilla.org/en-US/docs/Web/HTTP/Redirections'],
    tags: ['nginx', 'tls', 'security'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    const report = once(ctx);
    for (const server of query.servers()) {
      if (!listensOf(query, server).some((l) => !l.ssl && !l.unix)) continue;
      const names = serverNames(query, server);
      const first = names[0] ?? '';
      const badServerName = first === '' || first === '_' || first.startsWith('*') || first.endsWith('*') || first.startsWith('~') || first.startsWith('.');
      const redirects: NginxDirective[] = [];
      walkDirectives(query.levelOf(server).children, (d) => {
        if (d.name === 'return' || d.name === 'rewrite') redirects.push(d);
      });
      for (const d of redirects) {
        const r = redirectOf(d);
        if (!r || !toHttps(r) || query.directiveHasPlaceholder(d)) continue;
        if (!sameSite(r.url, names)) continue;
        const urlArg = d.name === 'return' ? (d.args.length === 1 ? 0 : 1) : 1;
        if (badServerName && r.url.includes('$server_name')) {
          report({
            message: `The redirect uses $server_name, but this server's first name is ${first === '' ? 'empty' : `"${first}"`}: users land on a broken https://${first || ''}/ address; use $host`,
            span: argSpan(d, urlArg),
            target: 'server_name',
          });
        }
        if (r.code === 302 || r.code === 307 || r.code === 303) {
          const how = d.name === 'rewrite' ? 'rewrite ... redirect sends 302' : d.args.length === 1 ? 'return with a URL and no code sends 302' : `return ${r.code} is temporary`;
          report({
            message: `HTTP to HTTPS redirect is temporary (${how}): browsers do not remember it, so each visit starts over plain HTTP; use 301 (or 308)`,
            span: headSpan(d),
            target: 'code',
          });
        }
      }
    }
  },
});
