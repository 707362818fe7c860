import { defineRule } from '../../src/engine/rule.js';
import type { NginxDirective } from '../../src/model/nginx/types.js';
import { argSpan, argValue, hasCatchAllNames, isDefaultServer, isDevelopment, PASS_DIRECTIVES, type NginxQuery } from '../../src/model/nginx/effective.js';
import { captureGroups, captureSource, HTTP_PROXY, once, q, variablesIn } from './NGX1.common.js';

/** Request-derived variables an attacker chooses freely. */
const CLIENT_VARS = /^(?:http_\w+|arg_\w+|cookie_\w+|args|query_string|request_uri|uri|document_uri|request_body|request|is_args)$/;

/** The part of a *_pass URL that picks the destination: scheme, host and port. */
function destinationPart(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)?(.*)$/i.exec(url)!;
  const rest = m[2]!;
  // Up to the first `/` that is not inside a variable name, or a variable that always starts the
  // path ($request_uri, $uri, $document_uri begin with `/`; $is_args with `?`).
  const slash = rest.search(/\/(?![^{]*\})|\$\{?(?:request_uri|uri|document_uri|is_args)\b/);
  return (m[1] ?? '') + (slash >= 0 ? rest.slice(0, slash) : rest);
}

/** `set $name value;` definitions visible from a directive (its block and the enclosing ones). */
function setValue(d: NginxDirective, name: string): string | undefined {
  for (let p = d.parent; p; p = p.parent) {
    const set = p.block?.find((c) => c.name === 'set' && argValue(c, 0) === `$${name}`);
    if (set) return argValue(set, 1);
  }
  return undefined;
}

function userControlled(query: NginxQuery, d: NginxDirective, server: NginxDirective | undefined, part: string, depth = 0): string | undefined {
  const captures = captureSource(d);
  const groups = captures ? captureGroups(captures.pattern) : [];
  for (const v of variablesIn(part)) {
    if (CLIENT_VARS.test(v)) return `$${v}`;
    if (/^\d$/.test(v) && captures && groups.some((g) => g.index === Number(v))) return `$${v} (a capture of the request path)`;
    if (groups.some((g) => g.name === v)) return `$${v} (a capture of the request path)`;
    if (v === 'host' && server && (isDefaultServer(query, server) || hasCatchAllNames(query, server))) return '$host (any name: this server catches unknown hosts)';
    if (depth < 2) {
      const value = setValue(d, v);
      if (value !== undefined) {
        const inner = userControlled(query, d, server, value, depth + 1);
        if (inner) return `$${v} (set from ${inner})`;
      }
    }
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: 'NGX036',
    name: 'ProxyPassUserControlled',
    title: 'proxy_pass destination built from request data (SSRF)',
    severity: 'high',
    section: 'web-server',
    docs: {
      whatItDoes:
        'Reports a proxy_pass (or uwsgi_pass, fastcgi_pass, grpc_pass ...) whose scheme, host or port comes from the request: `$http_*`, `$arg_*`, `$cookie_*`, `$request_uri`, regex captures of the location or rewrite, `$host` in a catch-all server, or a `set` variable built from those. The path part is not judged. Locations marked `internal` (reachable only through X-Accel-Redirect, error_page and the like) and development configurations are skipped.',
      whyIsThisBad:
        'Anyone can then make nginx fetch arbitrary addresses from inside the network: the cloud metadata endpoint (169.254.169.254, with instance credentials), the database admin port, internal dashboards. The response comes back to the attacker through the site.',
      example: 'location ~ ^/proxy/(.*)$ {\n    proxy_pass http://$1;\n}',
      useInstead: 'location /proxy/ {\n    proxy_pass http://images-backend/;\n}',
    },
    fix: 'Proxy to fixed upstreams; when the destination must vary, map the request value through a `map` with an explicit allow-list and a safe default, or mark the location `internal` and let the application choose it with X-Accel-Redirect.',
    references: [`${HTTP_PROXY}#proxy_pass`, 'https://github.com/yandex/gixy/blob/master/docs/en/plugins/ssrf.md', 'https://owasp.org/www-community/attacks/Server_Side_Request_Forgery'],
    tags: ['nginx', 'security', 'ssrf'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    const report = once(ctx);
    for (const d of query.allDirectives()) {
      if (!PASS_DIRECTIVES.has(d.name) || d.args.length === 0 || query.directiveHasPlaceholder(d)) continue;
      let internal = false;
      for (let p = d.parent; p; p = p.parent) if (p.name === 'location' && p.block?.some((c) => c.name === 'internal')) internal = true;
      if (internal) continue;
      const part = destinationPart(argValue(d, 0));
      const source = userControlled(query, d, query.serverOf(d), part);
      if (!source) continue;
      report({
        message: `${d.name} picks its destination from ${source}: a client can make nginx connect to any host, including internal services and cloud metadata`,
        span: argSpan(d, 0),
        target: `${d.name}:${part}`,
      });
    }
  },
});
