import type { RelatedLocation } from '../../src/core/finding.js';
import { formatSpan } from '../../src/core/position.js';
import { defineRule } from '../../src/engine/rule.js';
import type { AppServerInstance, AppServerOption } from '../../src/model/appserver/types.js';
import { settingAnchor, settingValue } from '../../src/model/django-helpers.js';
import { proxiedApps, type ProxiedApp } from '../../src/model/deployment/topology.js';
import { argValue, findHeader } from '../../src/model/nginx/effective.js';
import type { NginxDirective } from '../../src/model/nginx/types.js';
import { asSequence, asStringList, truthy } from '../../src/model/python-value.js';
import type { DeploymentModel } from '../../src/model/types.js';

/** What Django ends up believing about the scheme of requests that came in over TLS to nginx. */
type Verdict = { scheme: 'https' } | { scheme: 'http'; why: string; related: RelatedLocation[] } | { scheme: 'unknown' };

/** A header value as nginx sends it on a TLS server; 'client' when the client decides it. */
function sentValue(d: NginxDirective, tls: boolean): string | 'client' | undefined {
  const v = argValue(d, 1);
  if (!v.includes('$')) return v;
  if (v === '$scheme') return tls ? 'https' : 'http';
  if (v === '$https') return tls ? 'on' : '';
  if (/^\$http_[a-z0-9_]+$/i.test(v)) return 'client';
  return undefined;
}

/** Header name nginx sends for a Django META key (`HTTP_X_FORWARDED_PROTO` -> `x-forwarded-proto`). */
function headerForMeta(key: string): string | undefined {
  return key.startsWith('HTTP_') ? key.slice(5).toLowerCase().replace(/_/g, '-') : undefined;
}

const GUNICORN_SECURE_DEFAULT: Array<[string, string]> = [
  ['x-forwarded-protocol', 'ssl'],
  ['x-forwarded-proto', 'https'],
  ['x-forwarded-ssl', 'on'],
];

function listValues(o: AppServerOption | undefined): string[] | undefined {
  if (!o || !o.certain) return undefined;
  if (o.value.kind === 'list') return o.value.items.map((i) => i.value);
  if (o.value.kind === 'str') return o.value.value.split(',').map((s) => s.trim());
  return undefined;
}

/**
 * The scheme gunicorn/uvicorn put in wsgi.url_scheme: https only when nginx sends one of the
 * server's secure-scheme headers with its value, and nginx's address is one the server trusts
 * (forwarded_allow_ips; a unix-socket peer is always trusted by gunicorn).
 */
function serverScheme(pa: ProxiedApp, instance: AppServerInstance, headers: NginxDirective[], model: DeploymentModel): Verdict {
  const secure =
    instance.server === 'gunicorn'
      ? (() => {
          const o = instance.options['secure_scheme_headers'];
          if (!o || o.source === 'default') return GUNICORN_SECURE_DEFAULT;
          const items = listValues(o);
          return items?.map((kv) => kv.split('=') as [string, string]).map(([k, v]) => [k!.toLowerCase(), v ?? ''] as [string, string]);
        })()
      : instance.server === 'uvicorn'
        ? [['x-forwarded-proto', 'https'] as [string, string]]
        : [];
  if (!secure) return { scheme: 'unknown' };
  const sent = secure.map(([h, v]) => ({ h, v, d: findHeader(headers, h) })).filter((x) => x.d);
  const matching = sent.filter((x) => sentValue(x.d!, pa.tls) === x.v);
  if (sent.some((x) => sentValue(x.d!, pa.tls) === undefined)) return { scheme: 'unknown' };
  const label = instance.server;
  if (instance.server === 'uvicorn' && instance.options['proxy_headers']?.value.kind === 'bool' && instance.options['proxy_headers'].value.value === false) {
    return { scheme: 'http', why: `${label} runs with --no-proxy-headers, so it ignores X-Forwarded-Proto`, related: [] };
  }
  if (matching.length === 0) {
    const names = secure.map(([h]) => h).join(', ');
    return { scheme: 'http', why: `the location sends none of the headers ${label} reads the scheme from (${names}) with a secure value`, related: [] };
  }
  // Who connects: a unix socket peer is trusted; loopback needs 127.0.0.1 in forwarded_allow_ips; anything else needs '*' or its address.
  const allowed = listValues(instance.options['forwarded_allow_ips']) ?? containerDefault(instance, model) ?? (instance.options['forwarded_allow_ips'] ? undefined : ['127.0.0.1', '::1']);
  if (!allowed) return { scheme: 'unknown' };
  const target = pa.target;
  if (!target) return { scheme: 'unknown' };
  if (allowed.includes('*')) return { scheme: 'https' };
  if (target.kind === 'unix') return instance.server === 'gunicorn' ? { scheme: 'https' } : { scheme: 'unknown' };
  if (target.local) return allowed.some((a) => a === '127.0.0.1' || a === '::1' || a === 'localhost') ? { scheme: 'https' } : { scheme: 'http', why: `${label} trusts forwarded headers only from ${allowed.join(', ')} (forwarded_allow_ips), not from nginx on 127.0.0.1`, related: [] };
  const opt = instance.options['forwarded_allow_ips'];
  return {
    scheme: 'http',
    why: `nginx reaches ${label} over the network (${target.host}), and ${label} trusts X-Forwarded-Proto only from ${allowed.join(', ')} (forwarded_allow_ips${opt?.source === 'default' ? ', its default' : ''}), so it ignores the header`,
    related: opt?.span ? [{ span: opt.span, message: 'forwarded_allow_ips set here' }] : [],
  };
}

/**
 * A compose container's environment is its image's ENV, its env_file files and `environment:`,
 * never the host's: when none of those in the repository sets FORWARDED_ALLOW_IPS, gunicorn's
 * default applies (official base images do not set it).
 */
function containerDefault(instance: AppServerInstance, model: DeploymentModel): string[] | undefined {
  const o = instance.options['forwarded_allow_ips'];
  if (!o || o.source !== 'default' || o.value.kind !== 'list' || instance.origin !== 'compose') return undefined;
  const service = (model.composeProjects ?? []).filter((p) => p.files.includes(instance.file)).flatMap((p) => p.services).find((s) => s.name === instance.processName);
  if (!service) return undefined;
  const layers = service.envLayers;
  if (layers.some((l) => l.kind !== 'dockerfile' && !l.complete)) return undefined;
  if (layers.some((l) => l.vars.some((v) => v.name === 'FORWARDED_ALLOW_IPS' || v.name === 'GUNICORN_CMD_ARGS'))) return undefined;
  return o.value.items.map((i) => i.value);
}

function verdict(pa: ProxiedApp, model: DeploymentModel): Verdict {
  const { query: q, location } = pa;
  const passKind = pa.pass.name;
  const proxyHeaders = q.effectiveArray(location, passKind === 'uwsgi_pass' ? 'uwsgi_param' : 'proxy_set_header');
  if (!proxyHeaders.complete) return { scheme: 'unknown' };
  const headers = proxyHeaders.directives;

  // 1. Django's own trusted header, when nginx sends it.
  const header = settingValue(pa.project, 'SECURE_PROXY_SSL_HEADER');
  if (header.value && header.value.kind === 'unknown') return { scheme: 'unknown' };
  const pair = header.value ? asSequence(header.value) : undefined;
  if (pair && pair.length === 2 && pair[0]!.kind === 'str' && pair[1]!.kind === 'str' && passKind === 'proxy_pass') {
    const meta = pair[0]!.value;
    const expected = pair[1]!.value;
    const name = headerForMeta(meta);
    const d = name ? findHeader(headers, name) : undefined;
    if (d) {
      const v = sentValue(d, pa.tls);
      if (v === undefined) return { scheme: 'unknown' };
      if (v !== 'client') {
        if (v.split(',')[0]!.trim() === expected) return { scheme: 'https' };
        return {
          scheme: 'http',
          why: `SECURE_PROXY_SSL_HEADER expects ${meta} to be '${expected}', but nginx sends ${argValue(d, 0)} ${argValue(d, 1)}, which is '${v}' here`,
          related: [
            { span: d.span, message: `nginx sets ${argValue(d, 0)} here` },
            ...(header.binding ? [{ span: header.binding.span, message: 'SECURE_PROXY_SSL_HEADER set here' }] : []),
          ],
        };
      }
      // A client-supplied value is absent for ordinary browsers (nginx drops empty headers): fall through.
    }
  }

  // 2. Otherwise Django uses wsgi.url_scheme, which the app server decides.
  if (passKind === 'uwsgi_pass') {
    const https = findHeader(headers, 'HTTPS');
    if (https && argValue(https, 1) === '$https') return { scheme: 'https' };
    return { scheme: 'http', why: 'the uwsgi_pass location sends no HTTPS parameter (include uwsgi_params), so uWSGI reports plain HTTP', related: [] };
  }
  const forwarding = ['x-forwarded-proto', 'x-forwarded-ssl', 'x-forwarded-protocol'].some((h) => findHeader(headers, h));
  const noDjangoHeader = !pair;
  if (!pa.instance) {
    if (!forwarding) {
      return { scheme: 'http', why: `${noDjangoHeader ? 'SECURE_PROXY_SSL_HEADER is not set and ' : ''}the location sends no X-Forwarded-Proto, so nothing can tell the application the request came over HTTPS`, related: [] };
    }
    return { scheme: 'unknown' };
  }
  const server = serverScheme(pa, pa.instance, headers, model);
  if (server.scheme !== 'http') return server;
  return { ...server, why: `${noDjangoHeader ? 'SECURE_PROXY_SSL_HEADER is not set and ' : ''}${server.why}` };
}

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
      const v = verdict(pa, model);
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
