import { formatSpan } from '../../src/core/position.js';
import { defineRule } from '../../src/engine/rule.js';
import { settingAnchor, settingValue } from '../../src/model/django-helpers.js';
import { djangoScheme } from '../../src/model/deployment/scheme.js';
import { proxiedApps, type ProxiedApp } from '../../src/model/deployment/topology.js';
import { asStringList, truthy } from '../../src/model/python-value.js';

function middlewareHasSecurity(pa: ProxiedApp): boolean | undefined {
  const mw = settingValue(pa.project, 'MIDDLEWARE').value;
  if (!mw) return false;
  const list = asStringList(mw);
  return list ? list.includes('django.middleware.security.SecurityMiddleware') : undefined;
}

export default defineRule({
  meta: {
    id: 'XF001',
    name: 'SslRedirectLoopBehindProxy',
    title: 'SECURE_SSL_REDIRECT behind a TLS-terminating nginx that Django cannot see through: endless redirects',
    severity: 'blocker',
    section: 'web-server',
    docs: {
      whatItDoes:
        "Joins nginx, the app server and the settings: for each nginx server that terminates TLS and passes requests to the project, works out the scheme Django believes those requests have, the way Django and the server really decide it. Django trusts SECURE_PROXY_SSL_HEADER when the proxy sends that header; otherwise it uses wsgi.url_scheme, which gunicorn and uvicorn set to https only when nginx sends one of their secure-scheme headers (X-Forwarded-Proto: https by default) from an address in forwarded_allow_ips (127.0.0.1 by default; a unix-socket peer counts as trusted for gunicorn), and uWSGI when nginx passes HTTPS through uwsgi_params. Fires when SECURE_SSL_REDIRECT is on, SecurityMiddleware installed, and that scheme is plain http.",
      whyIsThisBad:
        "Django sees every request as plain HTTP, so SecurityMiddleware answers each one with a redirect to https://, which nginx again passes on as plain HTTP: browsers stop with 'too many redirects' and the site is down. Setting SECURE_PROXY_SSL_HEADER without the proxy setting the header (or trusting a header the client controls) is the usual cause; behind Docker the app server often ignores X-Forwarded-Proto because nginx connects from another container.",
      example:
        "# nginx, TLS server\nlocation / { proxy_pass http://127.0.0.1:8000; }\n# settings.py\nSECURE_SSL_REDIRECT = True",
      useInstead:
        "# nginx\nlocation / {\n    proxy_pass http://127.0.0.1:8000;\n    proxy_set_header X-Forwarded-Proto $scheme;\n}\n# settings.py\nSECURE_SSL_REDIRECT = True\nSECURE_PROXY_SSL_HEADER = (\"HTTP_X_FORWARDED_PROTO\", \"https\")",
    },
    fix: "Have nginx send proxy_set_header X-Forwarded-Proto $scheme; in the location that proxies to the app, and set SECURE_PROXY_SSL_HEADER = (\"HTTP_X_FORWARDED_PROTO\", \"https\") (safe only when every request reaches Django through that proxy); or let nginx do the HTTP to HTTPS redirect and turn SECURE_SSL_REDIRECT off.",
    references: [
      'https://docs.djangoproject.com/en/stable/ref/settings/#secure-proxy-ssl-header',
      'https://docs.djangoproject.com/en/stable/ref/settings/#secure-ssl-redirect',
      'https://docs.gunicorn.org/en/stable/settings.html#forwarded-allow-ips',
      'https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header',
    ],
    tags: ['django', 'nginx', 'cross-file', 'tls'],
  },
  scope: 'repo',
  check(model, ctx) {
    const apps = proxiedApps(model);
    if (apps.length === 0) {
      ctx.notApplicable('no nginx location in the repository proxies to a Django project');
      return;
    }
    const seen = new Set<string>();
    for (const pa of apps) {
      if (!pa.tls) continue;
      const redirect = settingValue(pa.project, 'SECURE_SSL_REDIRECT');
      if (!redirect.value || truthy(redirect.value) !== true || middlewareHasSecurity(pa) !== true) continue;
      const v = djangoScheme(pa, model);
      const key = `${pa.project.root}|${pa.pass.span.file}:${pa.pass.span.start.offset}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const where = formatSpan(pa.pass.span);
      if (v.scheme === 'http') {
        ctx.report({
          message: `SECURE_SSL_REDIRECT is on, but requests that nginx accepted over TLS reach Django as plain HTTP (${where}): ${v.why}; every request is redirected to https:// again, an endless redirect loop`,
          span: settingAnchor(pa.project, 'SECURE_SSL_REDIRECT'),
          related: [{ span: pa.pass.span, message: 'TLS ends at nginx here; the request goes on as plain HTTP' }, ...v.related],
          target: `SECURE_SSL_REDIRECT:${pa.pass.span.file}`,
        });
      } else if (v.scheme === 'unknown' && pa.via === 'bind') {
        ctx.unknown({
          message: `Cannot tell whether Django sees requests from nginx's TLS server (${where}) as HTTPS: SECURE_SSL_REDIRECT is on, and if it does not, every request redirects to itself`,
          span: settingAnchor(pa.project, 'SECURE_SSL_REDIRECT'),
          variables: [],
          related: [{ span: pa.pass.span, message: 'TLS ends at nginx here' }],
          target: `SECURE_SSL_REDIRECT:${pa.pass.span.file}`,
        });
      }
    }
  },
});
