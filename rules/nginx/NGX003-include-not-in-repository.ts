import { defineRule } from '../../src/engine/rule.js';

export default defineRule({
  meta: {
    id: 'NGX003',
    name: 'NginxIncludeUnreadable',
    title: 'An included nginx file cannot be read from the repository',
    severity: 'medium',
    section: 'web-server',
    docs: {
      whatItDoes:
        "Follows each `include` the way nginx does (relative to the configuration's directory; `/etc/nginx/...` mapped onto the repository's nginx directory). A literal path there that the repository does not hold is reported as unknown: what it sets cannot be checked. An include cycle is a failure. Files nginx packages ship (mime.types, fastcgi_params, proxy_params, snippets/fastcgi-php.conf ...), paths outside nginx's directory (/etc/letsencrypt/...) and globs that match nothing (nginx accepts those) are not reported. Development configurations are not judged.",
      whyIsThisBad:
        'nginx -t fails when a literal include is missing on the server, and an include cycle makes nginx recurse until it crashes (nginx -t of Debian nginx 1.22 dies with a segmentation fault). When the file is generated at deploy time instead, its directives (TLS, headers, limits) escape every check of the audit.',
      example: 'http {\n    include conf.d/upstreams.conf;  # not in the repository\n}',
      useInstead: 'http {\n    include conf.d/upstreams.conf;  # committed beside nginx.conf\n}',
    },
    fix: 'Commit the included file next to the configuration (or correct the path); break include cycles so that no file includes itself through others.',
    references: ['https://nginx.org/en/docs/ngx_core_module.html#include'],
    tags: ['nginx', 'configuration'],
  },
  scope: 'nginx',
  check(config, ctx) {
    if (config.role === 'development') {
      ctx.notApplicable('development configuration');
      return;
    }
    for (const problem of config.problems) {
      if (problem.kind !== 'include') continue;
      if (problem.message.startsWith('include cycle')) {
        ctx.report({ message: `${problem.message}: nginx recurses through the same files until it crashes (nginx -t dies with a segmentation fault)`, span: problem.span, target: 'include-cycle' });
      } else {
        ctx.unknown({ message: problem.message, span: problem.span, variables: [], target: problem.message });
      }
    }
  },
});
