import type { RelatedLocation } from '../../core/finding.js';
import type { AppServerInstance, AppServerOption } from '../appserver/types.js';
import { settingValue } from '../django-helpers.js';
import { argValue, findHeader, stockOrigin } from '../nginx/effective.js';
import type { NginxDirective } from '../nginx/types.js';
import { asSequence } from '../python-value.js';
import type { DeploymentModel } from '../types.js';
import type { ProxiedApp } from './topology.js';

/** What Django ends up believing about the scheme of requests that came in over TLS to nginx. */
export type SchemeVerdict = { scheme: 'https' } | { scheme: 'http'; why: string; related: RelatedLocation[] } | { scheme: 'unknown' };

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
function serverScheme(pa: ProxiedApp, instance: AppServerInstance, headers: NginxDirective[], model: DeploymentModel): SchemeVerdict {
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

/**
 * The scheme Django believes requests through an nginx location have (request.is_secure()):
 * SECURE_PROXY_SSL_HEADER when nginx sends that header, else wsgi.url_scheme as the app server sets it.
 */
export function djangoScheme(pa: ProxiedApp, model: DeploymentModel): SchemeVerdict {
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
    // nginx's stock uwsgi_params (not in the repository) holds `uwsgi_param HTTPS $https if_not_empty;`.
    if (!https && headers.some((d) => /(?:^|\/)uwsgi_params$/.test(stockOrigin(d)?.stock ?? ''))) return { scheme: 'https' };
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
