import { defineRule } from '../../src/engine/rule.js';
import { isDevelopment } from '../../src/model/nginx/effective.js';
import { NGINX_DOCS, q } from './NGX1.common.js';

export default defineRule({
  meta: {
    id: 'NGX039',
    name: 'ValidReferersNone',
    title: '`valid_referers none` accepts requests without a Referer',
    severity: 'medium',
    section: 'web-server',
    docs: {
      whatItDoes: 'Reports the `none` value of `valid_referers` in production configurations.',
      whyIsThisBad:
        'A Referer check guards hotlinking or, sometimes, admin and form endpoints. With `none`, a request that carries no Referer at all passes, and stripping the header is trivial for an attacker (Referrer-Policy: no-referrer on their page, an https-to-http hop, a sandboxed iframe), so the check stops nothing.',
      example: 'valid_referers none blocked server_names;\nif ($invalid_referer) { return 403; }',
      useInstead: 'valid_referers server_names;\nif ($invalid_referer) { return 403; }',
    },
    fix: 'Remove `none` (and preferably `blocked`); for real protection of state-changing endpoints rely on Django\'s CSRF middleware, not on Referer.',
    references: [`${NGINX_DOCS}/http/ngx_http_referer_module.html#valid_referers`, 'https://github.com/yandex/gixy/blob/master/docs/en/plugins/validreferers.md'],
    tags: ['nginx', 'security'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    for (const d of query.allDirectives()) {
      if (d.name !== 'valid_referers') continue;
      const none = d.args.find((a) => a.value === 'none');
      if (!none) continue;
      ctx.report({
        message: 'valid_referers none lets every request without a Referer header through, and attackers can always drop the header',
        span: none.span,
        target: 'valid_referers',
      });
    }
  },
});
