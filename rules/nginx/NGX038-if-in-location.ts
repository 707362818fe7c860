import { defineRule } from '../../src/engine/rule.js';
import { argValue, headSpan, isDevelopment } from '../../src/model/nginx/effective.js';
import { HTTP_REWRITE, q, rel } from './NGX1.common.js';

/** Directives that are safe inside `if` in a location: they act in the rewrite phase and stop there or only set a variable. */
function safeInIf(name: string, flagArg: string): boolean {
  if (name === 'return' || name === 'set' || name === 'break') return true;
  if (name === 'rewrite') return flagArg === 'last' || flagArg === 'redirect' || flagArg === 'permanent';
  return false;
}

export default defineRule({
  meta: {
    id: 'NGX038',
    name: 'IfInLocation',
    title: '`if` inside a location does more than return or rewrite ("if is evil")',
    severity: 'medium',
    section: 'web-server',
    docs: {
      whatItDoes:
        "Reports directives inside an `if` block that sits in a location, other than `return`, `rewrite ... last` (or redirect/permanent), `set` and `break`, which act in the rewrite phase. Anything else (proxy_pass, add_header, try_files, root, proxy_set_header ...) is configuration of the implicit nested location nginx builds for the if. `if` at server level is not concerned; development configurations are skipped.",
      whyIsThisBad:
        "The if block becomes its own location: when its condition is true, the request is served with the if's configuration only, so directives of the enclosing location silently stop applying (add_header and proxy_set_header drop everything inherited, try_files is ignored), and some combinations crash workers. The nginx wiki's advice is that return and rewrite ... last are the only 100% safe uses.",
      example: 'location / {\n    if ($request_method = OPTIONS) {\n        add_header Access-Control-Allow-Origin *;\n    }\n    proxy_pass http://django;\n}',
      useInstead: 'map $request_method $cors_origin {\n    OPTIONS *;\n    default "";\n}\nlocation / {\n    add_header Access-Control-Allow-Origin $cors_origin;\n    proxy_pass http://django;\n}',
    },
    fix: 'Move the condition into a `map` (whose variable the directive then uses: an empty add_header value sends nothing), into separate locations, or into `return`/`rewrite ... last` inside the if.',
    references: [`${HTTP_REWRITE}#if`, 'https://github.com/nginxinc/nginx-wiki/blob/master/source/start/topics/depth/ifisevil.rst'],
    tags: ['nginx', 'correctness'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    for (const d of query.allDirectives()) {
      if (d.name !== 'if' || !d.block || d.parent?.name !== 'location') continue;
      const bad = query.levelOf(d).children.find((c) => c.name !== 'include' && !safeInIf(c.name, argValue(c, 2)));
      if (!bad) continue;
      ctx.report({
        message: `${bad.name} inside \`if\` in a location: the if becomes a nested location with its own configuration, and directives of the enclosing location stop applying when it matches; only return and rewrite ... last are safe there`,
        span: headSpan(bad),
        related: [rel(d, 'the if block inside a location')],
        target: `if:${bad.name}`,
      });
    }
  },
});
