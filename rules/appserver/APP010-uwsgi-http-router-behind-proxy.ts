import { defineRule } from '../../src/engine/rule.js';
import { reachingTargets } from '../../src/model/appserver/proxy.js';
import { instanceLabel, listenAddresses } from '../../src/model/appserver/query.js';
import { judged, startedBy, target, UWSGI_DOCS } from './APP0.common.js';

export default defineRule({
  meta: {
    id: 'APP010',
    name: 'UwsgiHttpRouterBehindProxy',
    title: "uWSGI's HTTP router sits behind nginx",
    severity: 'low',
    section: 'app-server',
    docs: {
      whatItDoes:
        "Reports uWSGI's `http` option (which starts a separate HTTP router process in front of the workers, meant to face clients) when the repository's nginx already proxies to that address. Behind a proxy, `http-socket` (the workers speak HTTP themselves) or `socket` with nginx's uwsgi_pass is the documented setup.",
      whyIsThisBad:
        'Every request crosses an extra process and an extra socket hop (nginx, router, worker), which adds latency, a second place to tune buffers and timeouts, and one more process to fail; the router also logs and sees a different client address than the workers.',
      example: '[uwsgi]\nhttp = 127.0.0.1:8000   # nginx: proxy_pass http://127.0.0.1:8000;',
      useInstead: '[uwsgi]\nhttp-socket = 127.0.0.1:8000\n# or: socket = /run/uwsgi/shop.sock with nginx uwsgi_pass unix:/run/uwsgi/shop.sock;',
    },
    fix: 'Replace `http =` with `http-socket =` on the same address, or switch to `socket =` and `uwsgi_pass` in nginx (with `include uwsgi_params;`).',
    references: [`${UWSGI_DOCS}/ThingsToKnow.html`, `${UWSGI_DOCS}/HTTP.html`, 'https://nginx.org/en/docs/http/ngx_http_uwsgi_module.html'],
    tags: ['app-server', 'uwsgi', 'performance'],
  },
  scope: 'appServer',
  check(inst, ctx, model) {
    if (!judged(inst, ctx, ['uwsgi'], false)) return;
    for (const a of listenAddresses(inst)) {
      if (!a.router || !a.option.certain) continue;
      const proxy = reachingTargets(model, a).find((t) => t.local && t.protocol === 'http');
      if (!proxy) continue;
      ctx.report({
        message: `${instanceLabel(inst)} starts its HTTP router on ${a.text} although nginx already proxies there: use http-socket (or socket with uwsgi_pass) and skip the extra process hop`,
        span: a.span ?? a.option.span ?? inst.span,
        related: [{ span: proxy.span, message: `nginx ${proxy.pass.name}` }, ...startedBy(inst)],
        target: target(inst, `http:${a.text}`),
      });
    }
  },
});
