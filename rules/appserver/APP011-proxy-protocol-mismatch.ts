import { defineRule } from '../../src/engine/rule.js';
import { reachingTargets, type NginxTarget } from '../../src/model/appserver/proxy.js';
import { instanceLabel, listenAddresses } from '../../src/model/appserver/query.js';
import { judged, startedBy, target, UWSGI_DOCS } from './APP0.common.js';

const SPEAKS: Record<string, string> = { http: 'HTTP', uwsgi: "uWSGI's binary protocol", fastcgi: 'FastCGI', scgi: 'SCGI', grpc: 'gRPC', unknown: 'an unknown protocol' };

export default defineRule({
  meta: {
    id: 'APP011',
    name: 'ProxyProtocolMismatch',
    title: 'nginx and the app server speak different protocols',
    severity: 'high',
    section: 'app-server',
    docs: {
      whatItDoes:
        "Matches the repository's nginx `proxy_pass` / `uwsgi_pass` / `fastcgi_pass` targets with the addresses app servers listen on (the same unix socket, or the same port on this host) and reports a pair that does not speak the same protocol: `uwsgi_pass` to gunicorn or to uWSGI's `http-socket`/`http`, or `proxy_pass` to uWSGI's `socket` (the uwsgi binary protocol).",
      whyIsThisBad:
        'Every request fails: nginx sends uwsgi packets to an HTTP server (which answers 400 or closes the connection) or an HTTP request to a uwsgi socket (uWSGI logs "invalid request block size" and drops it), and users get 502 Bad Gateway for every page.',
      example: '# nginx: uwsgi_pass unix:/run/shop.sock;\ngunicorn shop.wsgi --bind unix:/run/shop.sock',
      useInstead: '# nginx: proxy_pass http://unix:/run/shop.sock;\ngunicorn shop.wsgi --bind unix:/run/shop.sock',
    },
    fix: 'Use proxy_pass for HTTP listeners (gunicorn, uvicorn, uWSGI http-socket) and uwsgi_pass (with `include uwsgi_params;`) for uWSGI `socket =`; or change the uWSGI option to match what nginx sends.',
    references: ['https://nginx.org/en/docs/http/ngx_http_uwsgi_module.html', 'https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass', `${UWSGI_DOCS}/tutorials/Django_and_nginx.html`],
    tags: ['app-server', 'nginx', 'uwsgi', 'gunicorn', 'availability'],
  },
  scope: 'appServer',
  check(inst, ctx, model) {
    if (!judged(inst, ctx, ['gunicorn', 'uwsgi', 'uvicorn', 'daphne'], false)) return;
    const judgedTarget = (t: NginxTarget) => t.local && (t.protocol === 'http' || t.protocol === 'uwsgi' || t.protocol === 'fastcgi');
    for (const a of listenAddresses(inst)) {
      if (!a.option.certain || a.protocol === 'unknown') continue;
      for (const t of reachingTargets(model, a)) {
        if (!judgedTarget(t) || t.protocol === a.protocol) continue;
        ctx.report({
          message: `nginx ${t.pass.name} sends ${SPEAKS[t.protocol]} to ${a.text}, where ${instanceLabel(inst)} speaks ${SPEAKS[a.protocol]}: every request through it fails with 502`,
          span: a.span ?? a.option.span ?? inst.span,
          related: [{ span: t.span, message: `nginx ${t.pass.name}` }, ...startedBy(inst)],
          target: target(inst, `protocol:${a.text}`),
        });
        break;
      }
    }
  },
});
