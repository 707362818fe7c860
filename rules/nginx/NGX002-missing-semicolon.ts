import { defineRule } from '../../src/engine/rule.js';

export default defineRule({
  meta: {
    id: 'NGX002',
    name: 'NginxMissingSemicolon',
    title: 'A missing ";" makes nginx read the next directive as arguments',
    severity: 'high',
    section: 'web-server',
    docs: {
      whatItDoes:
        'Reports a well-known directive name (listen, server_name, root, proxy_pass, add_header, ssl_certificate ...) found as the first word of a line in the middle of another directive: the line before lacks its `;`. Only unquoted names at the start of a line count, never inside map, types or geo data blocks. Development configurations are not judged.',
      whyIsThisBad:
        'nginx joins the two lines into one directive. Most directives then refuse the extra arguments and nginx -t fails; some accept them silently (`server_name example.com` followed by `root /srv/www;` makes "root" and "/srv/www" two more server names), so the second directive never takes effect and nothing warns about it.',
      example: 'server {\n    server_name shop.example.com\n    root /srv/shop/public;\n}',
      useInstead: 'server {\n    server_name shop.example.com;\n    root /srv/shop/public;\n}',
    },
    fix: 'Add the missing `;` at the end of the reported line.',
    references: ['https://nginx.org/en/docs/beginners_guide.html#conf_structure'],
    tags: ['nginx', 'configuration', 'syntax'],
  },
  scope: 'nginx',
  check(config, ctx) {
    if (config.role === 'development') {
      ctx.notApplicable('development configuration');
      return;
    }
    for (const problem of config.problems) {
      if (problem.kind !== 'missing-semicolon') continue;
      ctx.report({ message: problem.message, span: problem.span, related: problem.related, target: problem.message });
    }
  },
});
