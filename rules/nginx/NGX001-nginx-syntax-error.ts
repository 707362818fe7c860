import { defineRule } from '../../src/engine/rule.js';

export default defineRule({
  meta: {
    id: 'NGX001',
    name: 'NginxSyntaxError',
    title: 'An nginx configuration file has a syntax error',
    severity: 'high',
    section: 'web-server',
    docs: {
      whatItDoes:
        "Reports each syntax error in the nginx files of the repository (main files, site files, included files, `nginx -T` dumps), in nginx's own words and at the line `nginx -t` names: unbalanced braces, a missing `;` before `}` or at the end of a file, text glued to a closing quote, a `{` after a directive that takes none, a block directive without its `{`, an unquoted regex whose `{` opens a block, a token too long for nginx's 4096-byte buffer. The verdicts are checked against Debian's `nginx -t`. Development configurations (dev/local/test in the path) and Jinja templates are not judged.",
      whyIsThisBad:
        'nginx refuses the whole configuration: `nginx -t` fails, a reload keeps the old configuration (or a fresh start fails and the site is down), and every other check of this file only describes what was meant, not what runs.',
      example: 'server {\n    listen 443 ssl;\n    add_header Strict-Transport-Security "max-age=63072000"always;\n    location / {\n        proxy_pass http://app\n    }\n}',
      useInstead: 'server {\n    listen 443 ssl;\n    add_header Strict-Transport-Security "max-age=63072000" always;\n    location / {\n        proxy_pass http://app;\n    }\n}',
    },
    fix: 'Fix the error at the reported line (nginx -t -c <file> shows the same message), then run the audit again: nginx stops at the first error, so a later one may only show once this one is fixed.',
    references: ['https://nginx.org/en/docs/beginners_guide.html#conf_structure', 'https://nginx.org/en/docs/switches.html'],
    tags: ['nginx', 'configuration', 'syntax'],
  },
  scope: 'nginx',
  check(config, ctx) {
    if (config.role === 'development') {
      ctx.notApplicable('development configuration');
      return;
    }
    for (const problem of config.problems) {
      if (problem.kind !== 'syntax') continue;
      ctx.report({
        message: `${problem.message}: nginx -t fails, so nginx will not start or reload with this configuration`,
        span: problem.span,
        related: problem.related,
        target: problem.message,
      });
    }
  },
});
