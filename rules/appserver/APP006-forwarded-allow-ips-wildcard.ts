import { defineRule } from '../../src/engine/rule.js';
import { reachingTargets } from '../../src/model/appserver/proxy.js';
import { describeSource, instanceLabel, listenAddresses } from '../../src/model/appserver/query.js';
import { DJANGO_DOCS, GUNICORN_SETTINGS_DOCS, judged, target, UVICORN_SETTINGS_DOCS } from './APP0.common.js';

export default defineRule({
  meta: {
    id: 'APP006',
    name: 'ForwardedAllowIpsWildcard',
    title: 'The app server trusts X-Forwarded-Proto from anyone who can reach it',
    severity: 'medium',
    section: 'app-server',
    docs: {
      whatItDoes:
        "Reports `forwarded_allow_ips = '*'` (gunicorn, uvicorn `--forwarded-allow-ips '*'`) on a server that clients can reach without the proxy: it listens on every interface (or a public address) and is either started directly on the host by a systemd unit, or reached by the repository's nginx through the loopback address, so that nothing but that nginx needed trusting. Servers listening only on a unix socket or 127.0.0.1, Heroku-style platforms and containers (where the proxy's address is not known in advance and '*' is the documented choice) are not reported.",
      whyIsThisBad:
        "With '*', gunicorn believes the X-Forwarded-Proto (and X-Forwarded-Ssl) header of any peer and sets wsgi.url_scheme to https. A client talking to the open port directly sends `X-Forwarded-Proto: https` over plain HTTP, and Django takes the request as secure: SECURE_SSL_REDIRECT no longer redirects it, request.is_secure() and every check built on it say https, and build_absolute_uri() hands out https links for a plain-text connection.",
      example: '# systemd ExecStart=\ngunicorn shop.wsgi --bind 0.0.0.0:8000 --forwarded-allow-ips "*"',
      useInstead: "gunicorn shop.wsgi --bind 127.0.0.1:8000   # the default forwarded_allow_ips (127.0.0.1,::1) trusts the local nginx",
    },
    fix: "Trust only the proxy: keep gunicorn's default (127.0.0.1,::1) with nginx on the same host over loopback or a unix socket (unix-socket peers are always trusted), or list the proxy's address (`--forwarded-allow-ips 10.0.0.5`). If '*' is needed, make sure only the proxy can reach the port (bind 127.0.0.1 or a socket, or firewall it).",
    references: [`${GUNICORN_SETTINGS_DOCS}#forwarded-allow-ips`, `${GUNICORN_SETTINGS_DOCS}#secure-scheme-headers`, UVICORN_SETTINGS_DOCS, `${DJANGO_DOCS}/ref/settings/#secure-proxy-ssl-header`],
    tags: ['app-server', 'gunicorn', 'uvicorn', 'security', 'header-spoofing'],
  },
  scope: 'appServer',
  check(inst, ctx, model) {
    if (!judged(inst, ctx, ['gunicorn', 'uvicorn'], false)) return;
    const o = inst.options.forwarded_allow_ips;
    if (!o || o.value.kind !== 'list' || !o.certain || !o.value.items.some((i) => i.value === '*')) return;
    // uvicorn --no-proxy-headers ignores the headers whatever it trusts.
    if (inst.options.proxy_headers && inst.options.proxy_headers.value.kind === 'bool' && !inst.options.proxy_headers.value.value) return;
    const headers = inst.options.secure_scheme_headers;
    if (headers && headers.value.kind === 'list' && headers.value.items.length === 0) return;
    const open = listenAddresses(inst).filter((a) => a.kind === 'tcp' && a.option.certain && a.host !== undefined && !a.loopback);
    if (open.length === 0) return;
    const viaLocalProxy = open.find((a) => reachingTargets(model, a).some((t) => t.local));
    const direct = inst.origin === 'systemd' ? open[0] : viaLocalProxy;
    if (!direct) return;
    const why = viaLocalProxy ? 'while the only proxy, nginx, connects over loopback' : `and is started directly on the host by ${inst.unit?.name ?? 'a systemd unit'}`;
    ctx.report({
      message: `${instanceLabel(inst)} trusts X-Forwarded-Proto from any address (${describeSource(o)}) but listens on ${direct.text} ${why}: a client reaching that port can claim https and Django will believe it`,
      span: o.span ?? inst.span,
      related: [...(direct.span ? [{ span: direct.span, message: `listens on ${direct.text}` }] : [])],
      target: target(inst, 'forwarded_allow_ips'),
    });
  },
});
