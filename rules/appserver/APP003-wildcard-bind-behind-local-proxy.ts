import { defineRule } from '../../src/engine/rule.js';
import { reachingTargets } from '../../src/model/appserver/proxy.js';
import { instanceLabel, listenAddresses } from '../../src/model/appserver/query.js';
import { GUNICORN_DEPLOY_DOCS, GUNICORN_SETTINGS_DOCS, inContainer, judged, startedBy, target, UWSGI_DOCS } from './APP0.common.js';

export default defineRule({
  meta: {
    id: 'APP003',
    name: 'WildcardBindBehindLocalProxy',
    title: 'App server listens on every interface although nginx reaches it locally',
    severity: 'medium',
    section: 'app-server',
    docs: {
      whatItDoes:
        "Reports an app server that listens on all interfaces (0.0.0.0, [::], `:port`) on a port that the repository's own nginx reaches through the loopback address (`proxy_pass http://127.0.0.1:8000`, an upstream `server localhost:8000`). Only then is the wildcard needless: in containers, or when nginx runs elsewhere, listening on every interface is how the proxy gets in, and the rule stays silent.",
      whyIsThisBad:
        'Anyone who can reach the machine on that port talks to the app server directly, past nginx: no TLS, no request buffering against slow clients, no body-size or rate limits, no access control or security headers set there, and forged X-Forwarded-* headers. A firewall may close the port today; one rule change opens it.',
      example: '# nginx: proxy_pass http://127.0.0.1:8000;\ngunicorn shop.wsgi --bind 0.0.0.0:8000',
      useInstead: '# nginx: proxy_pass http://127.0.0.1:8000;\ngunicorn shop.wsgi --bind 127.0.0.1:8000   # or a unix socket',
    },
    fix: 'Bind the app server to 127.0.0.1 (or a unix socket that nginx proxies to, e.g. `--bind unix:/run/gunicorn.sock`, uWSGI `socket = /run/uwsgi/app.sock`), the address nginx already uses.',
    references: [`${GUNICORN_SETTINGS_DOCS}#bind`, GUNICORN_DEPLOY_DOCS, `${UWSGI_DOCS}/tutorials/Django_and_nginx.html`],
    tags: ['app-server', 'security', 'network-exposure'],
  },
  scope: 'appServer',
  check(inst, ctx, model) {
    if (!judged(inst, ctx, ['gunicorn', 'uwsgi', 'uvicorn', 'daphne'], false)) return;
    if (inContainer(inst)) {
      ctx.notApplicable('a container command (binding every interface is how other containers reach it)');
      return;
    }
    for (const address of listenAddresses(inst)) {
      if (!address.wildcard || address.port === undefined || !address.option.certain) continue;
      const proxy = reachingTargets(model, address).find((t) => t.local && t.kind === 'tcp');
      if (!proxy) continue;
      const raw = address.protocol === 'uwsgi' ? " (uWSGI's binary protocol has no authentication: a client sets REMOTE_ADDR, HTTPS and the other variables nginx normally passes)" : '';
      ctx.report({
        message: `${instanceLabel(inst)} listens on ${address.text} (every interface)${raw}, but nginx reaches it at ${proxy.host}:${proxy.port}: bind ${address.text.replace(/^(?:\[::\]|0\.0\.0\.0|\*|0)?(?=:)/, '127.0.0.1')} so that only the proxy can talk to it`,
        span: address.span ?? address.option.span ?? inst.span,
        related: [{ span: proxy.span, message: `nginx ${proxy.pass.name} to ${proxy.host}:${proxy.port}` }, ...startedBy(inst)],
        target: target(inst, `bind:${address.text}`),
      });
    }
  },
});
