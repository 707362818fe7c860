import { defineRule } from '../../src/engine/rule.js';
import type { NginxDirective } from '../../src/model/nginx/types.js';
import { argSpan, argValue, headerName, headSpan, isDevelopment } from '../../src/model/nginx/effective.js';
import { HTTP_HEADERS, includeNote, MOZILLA_SSL_CONFIG, once, q, tlsContentServers } from './NGX1.common.js';

const ONE_YEAR = 31_536_000;

export default defineRule({
  meta: {
    id: 'NGX017',
    name: 'HstsWeak',
    title: 'HSTS header without `always`, or with a max-age under a year',
    severity: 'medium',
    section: 'web-server',
    docs: {
      whatItDoes:
        "Checks each `add_header Strict-Transport-Security` in effect in a TLS server: it must carry the `always` parameter and a max-age of at least 31536000 seconds (one year; Mozilla recommends two, 63072000). max-age=0 (which tells browsers to forget HSTS) is reported too. Values with template placeholders and development configurations are not judged.",
      whyIsThisBad:
        "Without `always`, nginx adds the header only to 200, 201, 204, 206, 301, 302, 303, 304, 307 and 308 responses: error pages and Django's 4xx/5xx go without it. A short max-age lets the protection lapse between visits, reopening the window for SSL stripping; max-age under a year also disqualifies the domain from browser preload lists.",
      example: 'add_header Strict-Transport-Security "max-age=86400";',
      useInstead: 'add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;',
    },
    fix: 'Write `add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;` (drop includeSubDomains if some subdomain is not on HTTPS).',
    references: [`${HTTP_HEADERS}#add_header`, MOZILLA_SSL_CONFIG, 'https://hstspreload.org/'],
    tags: ['nginx', 'tls', 'security', 'headers'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    const report = once(ctx);
    const seen = new Set<NginxDirective>();
    for (const server of tlsContentServers(query)) {
      const blocks = [server, ...query.locations(server)];
      for (const block of blocks) {
        const arr = query.effectiveArray(block, 'add_header');
        for (const d of arr.directives) {
          if (headerName(d) !== 'strict-transport-security' || seen.has(d)) continue;
          seen.add(d);
          if (query.directiveHasPlaceholder(d)) continue;
          const value = argValue(d, 1);
          const problems: string[] = [];
          const m = /max-age\s*=\s*"?(\d+)/i.exec(value);
          if (!m) problems.push('it has no max-age, so browsers ignore it');
          else {
            const age = Number(m[1]);
            if (age === 0) problems.push('max-age=0 tells browsers to forget HSTS');
            else if (age < ONE_YEAR) problems.push(`max-age=${age} is under a year (31536000)`);
          }
          if (argValue(d, 2).toLowerCase() !== 'always') problems.push('without `always` it is missing from error responses (4xx, 5xx)');
          if (problems.length === 0) continue;
          report({
            message: `Strict-Transport-Security${includeNote(d)}: ${problems.join('; ')}`,
            span: problems.length === 1 && m && !problems[0]!.startsWith('without') ? argSpan(d, 1) : headSpan(d),
            target: 'hsts',
          });
        }
      }
    }
  },
});
