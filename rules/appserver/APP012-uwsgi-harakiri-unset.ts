import { defineRule } from '../../src/engine/rule.js';
import { instanceLabel, intOf } from '../../src/model/appserver/query.js';
import { judged, startedBy, target, UWSGI_DOCS } from './APP0.common.js';

export default defineRule({
  meta: {
    id: 'APP012',
    name: 'UwsgiHarakiriUnset',
    title: 'uWSGI has no request timeout (harakiri)',
    severity: 'low',
    section: 'app-server',
    docs: {
      whatItDoes:
        'Reports a production uWSGI web server without `harakiri` (or with `harakiri = 0`): uWSGI then never recycles a worker stuck on a request. Emperor vassals and Debian apps-enabled files are not judged when their manager may set it.',
      whyIsThisBad:
        "A request that hangs (a database lock, an external API without a timeout, an infinite loop) holds its worker forever; a few of them and no worker is left, while nginx's proxy timeout only closes the client side and leaves the worker busy.",
      example: '[uwsgi]\nmaster = true\nprocesses = 4\nmodule = shop.wsgi',
      useInstead: '[uwsgi]\nmaster = true\nprocesses = 4\nmodule = shop.wsgi\nharakiri = 60',
    },
    fix: "Set `harakiri` to a little more than your slowest legitimate request (and at or below nginx's uwsgi_read_timeout / proxy_read_timeout); it needs the master process.",
    references: [`${UWSGI_DOCS}/Options.html#harakiri`, `${UWSGI_DOCS}/FAQ.html#what-is-harakiri-mode`],
    tags: ['app-server', 'uwsgi', 'reliability'],
  },
  scope: 'appServer',
  check(inst, ctx) {
    if (!judged(inst, ctx, ['uwsgi'])) return;
    const o = inst.options.harakiri;
    if (!o || intOf(o) !== 0 || !o.certain) return;
    ctx.report({
      message:
        o.source === 'default'
          ? `${instanceLabel(inst)} sets no harakiri: a worker stuck on a request is never recycled`
          : `${instanceLabel(inst)} disables harakiri (${o.written ?? 'harakiri = 0'}): a worker stuck on a request is never recycled`,
      span: o.span ?? inst.span,
      related: startedBy(inst),
      target: target(inst, 'harakiri'),
    });
  },
});
