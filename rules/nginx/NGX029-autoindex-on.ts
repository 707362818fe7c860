import { defineRule } from '../../src/engine/rule.js';
import { headSpan, isDevelopment } from '../../src/model/nginx/effective.js';
import { flag, NGINX_DOCS, q } from './NGX1.common.js';

export default defineRule({
  meta: {
    id: 'NGX029',
    name: 'AutoindexOn',
    title: 'autoindex on lists directory contents',
    severity: 'medium',
    section: 'web-server',
    docs: {
      whatItDoes: 'Reports every `autoindex on;` in a production configuration (the default is off). Development configurations are skipped.',
      whyIsThisBad:
        'Directory listings hand out the name of every file under the path: user uploads under /media/ (invoices, ID scans), backups, build artefacts and files nobody meant to link. Names alone often leak data, and unlinked files become downloadable.',
      example: 'location /media/ {\n    alias /srv/shop/media/;\n    autoindex on;\n}',
      useInstead: 'location /media/ {\n    alias /srv/shop/media/;\n}',
    },
    fix: 'Remove `autoindex on;` (or set it off). If a listing is really needed, protect the location with authentication and allow/deny rules.',
    references: [`${NGINX_DOCS}/http/ngx_http_autoindex_module.html`],
    tags: ['nginx', 'security', 'information-disclosure'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    for (const d of query.allDirectives()) {
      if (d.name !== 'autoindex' || flag(d) !== 'on') continue;
      ctx.report({
        message: 'autoindex on: nginx lists every file in the directory to anyone who asks',
        span: headSpan(d),
        target: 'autoindex',
      });
    }
  },
});
