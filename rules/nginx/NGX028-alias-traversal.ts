import { defineRule } from '../../src/engine/rule.js';
import { argSpan, argValue, isDevelopment, isPrefixLocation, locationMatch } from '../../src/model/nginx/effective.js';
import { HTTP_CORE, locationLabel, q, rel } from './NGX1.common.js';

export default defineRule({
  meta: {
    id: 'NGX028',
    name: 'AliasTraversal',
    title: 'alias path traversal: prefix location without a trailing slash, alias with one',
    severity: 'blocker',
    section: 'web-server',
    docs: {
      whatItDoes:
        'Reports a prefix location whose path does not end with `/` while its `alias` does (`location /static { alias /srv/app/static/; }`). Exact (`=`), regex and named locations are not concerned, nor are development configurations.',
      whyIsThisBad:
        'nginx replaces the matched prefix with the alias: a request for `/static../settings.py` matches `/static` and becomes `/srv/app/static/../settings.py`, one directory up. Attackers download the project\'s source, `.env`, SQLite database or anything beside the static directory.',
      example: 'location /static {\n    alias /srv/shop/staticfiles/;\n}',
      useInstead: 'location /static/ {\n    alias /srv/shop/staticfiles/;\n}',
    },
    fix: 'End the location path with `/` whenever the alias ends with `/` (`location /static/`), or use `root` with the parent directory when the names match.',
    references: [`${HTTP_CORE}#alias`, 'https://github.com/yandex/gixy/blob/master/docs/en/plugins/aliastraversal.md'],
    tags: ['nginx', 'security', 'path-traversal'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    // Every location, also in files of bare location blocks that a server includes from outside the repository.
    for (const location of query.allDirectives()) {
      if (location.name !== 'location' || !location.block || !isPrefixLocation(location)) continue;
      const { pattern } = locationMatch(location);
      if (pattern.endsWith('/') || pattern === '' || query.hasPlaceholder(pattern)) continue;
      const alias = query.levelOf(location).children.find((d) => d.name === 'alias');
      if (!alias || query.directiveHasPlaceholder(alias)) continue;
      const path = argValue(alias, 0);
      if (!path.endsWith('/')) continue;
      const argIndex = location.args.length > 1 ? 1 : 0;
      ctx.report({
        message: `${locationLabel(location)} has no trailing slash but its alias ${path} has one: ${pattern}../ maps to ${path}../ and escapes into the parent directory`,
        span: argSpan(location, argIndex),
        related: [rel(alias, 'the alias that the request path is appended to')],
        target: `alias:${pattern}`,
      });
    }
  },
});
