import { defineRule } from '../../src/engine/rule.js';
import type { NginxDirective } from '../../src/model/nginx/types.js';
import { argValue, isDevelopment } from '../../src/model/nginx/effective.js';
import { canMatchNewline, captureGroups, captureSource, HTTP_REWRITE, once, q, redirectOf, variablesIn } from './NGX1.common.js';

/** The argument of a directive that ends up in a header (or the request line), if any. */
function headerArgument(d: NginxDirective): number | undefined {
  switch (d.name) {
    case 'return':
      return redirectOf(d) ? (d.args.length === 1 ? 0 : 1) : undefined;
    case 'rewrite':
      return d.args.length >= 2 ? 1 : undefined;
    // Not uwsgi_param or fastcgi_param: both protocols send each parameter with its length, so a line
    // break in a value stays inside that value (nginx's own fastcgi.conf passes $document_uri).
    case 'add_header':
    case 'add_trailer':
    case 'proxy_set_header':
      return d.args.length >= 2 ? 1 : undefined;
    case 'proxy_pass':
      return d.args.length >= 1 ? 0 : undefined;
    default:
      return undefined;
  }
}

/** Why a variable of the value can carry a line break: the decoded URI, or a loose regex capture. */
function newlineSource(d: NginxDirective, value: string): string | undefined {
  const vars = variablesIn(value);
  const decoded = vars.find((v) => v === 'uri' || v === 'document_uri');
  if (decoded) return `$${decoded} (URL-decoded: %0d%0a becomes a real line break)`;
  const source = captureSource(d);
  if (!source) return undefined;
  if (source.directive.name === 'if' && !/^\$\{?(?:uri|document_uri)\}?$/.test(argValue(source.directive, 0).replace(/^\(/, ''))) return undefined;
  const groups = captureGroups(source.pattern);
  for (const v of vars) {
    const group = /^\d$/.test(v) ? groups.find((g) => g.index === Number(v)) : groups.find((g) => g.name === v);
    if (group && canMatchNewline(group.source)) return `$${v}, captured by (${group.source}) from the decoded URI, which can hold a line break`;
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: 'NGX037',
    name: 'HeaderSplitting',
    title: 'Decoded request path in a header or redirect ($uri, loose regex capture): header splitting',
    severity: 'high',
    section: 'web-server',
    docs: {
      whatItDoes:
        'Reports redirects (`return 301 ...$uri`, rewrite replacements), add_header, proxy_set_header and proxy_pass URLs built from `$uri` or `$document_uri`, or from a regex capture whose group can match a line break (`([^/]+)`, `(\\s*)`, `(\\W+)`; `(.*)` cannot). These values are URL-decoded, so `%0d%0a` in the request becomes a real CR LF. Captures of an `if` on a raw variable ($request_uri, $args) are not concerned, nor are uwsgi_param and fastcgi_param: those protocols carry each parameter with its length, so a line break cannot start another. Development configurations are skipped.',
      whyIsThisBad:
        "An attacker crafts a link such as `/foo%0d%0aSet-Cookie:%20sessionid=attacker` and the response (or the request sent to Django) gains headers of their choosing: session fixation, cache poisoning, or an injected `X-Forwarded-Proto`. The classic case is the HTTPS redirect written with $uri instead of $request_uri.",
      example: 'return 301 https://$host$uri;',
      useInstead: 'return 301 https://$host$request_uri;',
    },
    fix: 'Use `$request_uri` (the raw, still-encoded URI) in redirects and headers, and write captures that cannot span lines (`([^/\\r\\n]+)`, `(.*)`).',
    references: [`${HTTP_REWRITE}#return`, 'https://github.com/yandex/gixy/blob/master/docs/en/plugins/httpsplitting.md', 'https://owasp.org/www-community/attacks/HTTP_Response_Splitting'],
    tags: ['nginx', 'security', 'header-injection'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    const report = once(ctx);
    for (const d of query.allDirectives()) {
      const index = headerArgument(d);
      if (index === undefined) continue;
      const arg = d.args[index]!;
      const why = newlineSource(d, arg.value);
      if (!why) continue;
      const where = d.name === 'return' || d.name === 'rewrite' ? 'the Location header' : d.name === 'proxy_pass' ? 'the request line sent upstream' : `the ${argValue(d, 0)} header`;
      report({
        message: `${where} is built from ${why}: a crafted URL injects headers; use $request_uri`,
        span: arg.span,
        target: `${d.name}:${arg.value}`,
      });
    }
  },
});
