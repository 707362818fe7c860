import type { RelatedLocation } from '../../src/core/finding.js';
import { formatSpan, type Span } from '../../src/core/position.js';
import { defineRule } from '../../src/engine/rule.js';
import { moduleAnchor, settingValue, versionAtLeast, hostAllowed } from '../../src/model/django-helpers.js';
import { djangoScheme } from '../../src/model/deployment/scheme.js';
import { proxiedApps, type ProxiedApp } from '../../src/model/deployment/topology.js';
import { argValue, findHeader, hasCatchAllNames, listensOf, passTarget, serverNames } from '../../src/model/nginx/effective.js';
import { asStringList, truthy } from '../../src/model/python-value.js';

const CSRF = 'django.middleware.csrf.CsrfViewMiddleware';
const SECURITY = 'django.middleware.security.SecurityMiddleware';

/** django.utils.http.is_same_domain: '.example.com' matches example.com and its subdomains; else exact. */
export function isSameDomain(host: string, pattern: string): boolean {
  if (!pattern) return false;
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  return (p.startsWith('.') && (h.endsWith(p) || h === p.slice(1))) || h === p;
}

/**
 * Django 4.0+ CsrfViewMiddleware._origin_verified for a request whose Origin is `origin`, when
 * `goodOrigin` is '<is_secure() scheme>://<get_host()>': equal to it, an exact CSRF_TRUSTED_ORIGINS
 * entry, or under a wildcard entry of the same scheme (`https://*.example.com`).
 */
export function originVerified(origin: string, goodOrigin: string | undefined, trusted: readonly string[]): boolean {
  if (goodOrigin !== undefined && origin === goodOrigin) return true;
  if (trusted.filter((t) => !t.includes('*')).includes(origin)) return true;
  const parsed = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(origin);
  if (!parsed) return false;
  const [, scheme, netloc] = parsed;
  return trusted
    .filter((t) => t.includes('*'))
    .map((t) => /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(t))
    .some((m) => m !== null && m[1]!.toLowerCase() === scheme!.toLowerCase() && isSameDomain(netloc!, m[2]!.replace(/^\*+/, '')));
}

/**
 * Django < 4.0 CsrfViewMiddleware referer check on a secure request (no Origin check before 4.0):
 * the Referer's host must match a CSRF_TRUSTED_ORIGINS host pattern or get_host() (with no
 * CSRF_COOKIE_DOMAIN configured).
 */
export function refererVerified(refererNetloc: string, host: string, trusted: readonly string[]): boolean {
  return trusted.some((t) => isSameDomain(refererNetloc, t)) || isSameDomain(refererNetloc, host);
}

/** One way a browser reaches the site through a TLS server, and the Host Django then gets. */
interface Arrival {
  /** The browser's Origin, e.g. https://shop.example.com. */
  origin: string;
  /** host[:port] as the browser's Referer carries it. */
  netloc: string;
  /** request.get_host(): the Host header nginx sends. */
  host: string;
  /** The server_name directive (or the server block). */
  nameSpan: Span;
  /** Why Django gets that Host. */
  hostWhy: string;
  hostSpan: Span;
}

/**
 * For each exact server name of the TLS server (wildcards stand for one subdomain), and each TLS
 * port, the Origin browsers send and the Host nginx passes on; undefined when it cannot be told
 * (catch-all names, a Host built from variables this does not know).
 */
function arrivals(pa: ProxiedApp): Arrival[] | undefined {
  const q = pa.query;
  if (hasCatchAllNames(q, pa.server)) return undefined;
  const names = serverNames(q, pa.server);
  if (names.some((n) => n.startsWith('~') || n.includes('$'))) return undefined;
  const ports = [...new Set(listensOf(q, pa.server).filter((l) => l.ssl).map((l) => l.port))];
  if (ports.length === 0 || ports.some((p) => p === undefined)) return undefined;
  const uwsgi = pa.pass.name === 'uwsgi_pass';
  const headers = q.effectiveArray(pa.location, uwsgi ? 'uwsgi_param' : 'proxy_set_header');
  if (!headers.complete) return undefined;
  // uwsgi_pass hands the client's own request headers on (HTTP_HOST included); a uwsgi_param
  // HTTP_HOST would come in addition to it: not told apart here.
  if (uwsgi && findHeader(headers.directives, 'HTTP_HOST')) return undefined;
  const hostHeader = uwsgi ? undefined : findHeader(headers.directives, 'host');
  const nameDirective = q.levelOf(pa.server).children.find((d) => d.name === 'server_name');
  const nameSpan = nameDirective?.span ?? pa.server.span;
  const out: Arrival[] = [];
  for (const written of names) {
    const name = (written.startsWith('*.') ? `www${written.slice(1)}` : written.startsWith('.') ? written.slice(1) : written.endsWith('.*') ? undefined : written)?.toLowerCase();
    if (!name) return undefined;
    for (const port of ports as number[]) {
      const netloc = port === 443 ? name : `${name}:${port}`;
      let host: string;
      let hostWhy: string;
      let hostSpan: Span;
      if (hostHeader) {
        const value = argValue(hostHeader, 1);
        const vars: Record<string, string | undefined> = {
          host: name,
          http_host: netloc,
          server_port: String(port),
          server_name: names[0] && !names[0].includes('*') && !names[0].startsWith('.') ? names[0].toLowerCase() : undefined,
        };
        let unknown = false;
        host = value.replace(/\$(?:\{(\w+)\}|(\w+))/g, (_m, a: string | undefined, b: string | undefined) => {
          const v = vars[(a ?? b)!];
          if (v === undefined) unknown = true;
          return v ?? '';
        });
        if (unknown) return undefined;
        hostWhy = `nginx sends Host: ${value}, which is ${host} for a request to ${netloc}`;
        hostSpan = hostHeader.span;
      } else if (uwsgi) {
        host = netloc;
        hostWhy = `uWSGI passes the browser's Host, ${netloc}`;
        hostSpan = pa.pass.span;
      } else {
        const t = passTarget(pa.pass);
        if (t.unix) host = 'localhost';
        else if (!t.host || t.variableHost || q.hasPlaceholder(t.host)) return undefined;
        else host = t.port !== undefined && t.port !== (t.scheme === 'https' ? 443 : 80) ? `${t.host}:${t.port}` : t.host;
        hostWhy = `nginx sets no Host header, so Django gets the proxy_pass host ${host} ($proxy_host)`;
        hostSpan = pa.pass.span;
      }
      out.push({ origin: `https://${netloc}`, netloc, host, nameSpan, hostWhy, hostSpan });
    }
  }
  return out;
}

function hostOnly(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1).toLowerCase();
  return host.split(':')[0]!.toLowerCase();
}

export default defineRule({
  meta: {
    id: 'XF019',
    name: 'CsrfOriginRejectedBehindProxy',
    title: 'Form posts through the TLS-terminating nginx fail Django\'s CSRF origin check',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        "For each nginx server that terminates TLS and proxies to the project (proxy_pass, or uwsgi_pass, which hands the browser's Host on), works out what CsrfViewMiddleware compares. From Django 4.0 an unsafe request (POST, PUT, DELETE ...) is accepted only when the browser's Origin (https://<server_name>) equals '<scheme>://<host>', where the scheme comes from request.is_secure() (SECURE_PROXY_SSL_HEADER, else the app server's wsgi.url_scheme, decided as XF001 decides it) and the host is the Host header nginx passes on, or when CSRF_TRUSTED_ORIGINS lists that origin (exactly, or as https://*.domain). Before 4.0 Django checks no Origin, only the Referer of requests it sees as secure, against the Host and CSRF_TRUSTED_ORIGINS host patterns. Fires when neither matches; silent when the scheme, the Host, the trusted origins or the middleware cannot be known, when ALLOWED_HOSTS already rejects the Host (XF002), when SECURE_SSL_REDIRECT makes the same cause an endless redirect (XF001), and for API-only projects (REST framework or Ninja without the admin), whose views are csrf_exempt unless they use session authentication.",
      whyIsThisBad:
        "Pages load, but every form post (login, admin, checkout) is refused with 403 Forbidden, 'CSRF verification failed. Origin checking failed - https://shop.example.com does not match any trusted origins.' Behind nginx Django sees http://127.0.0.1:8000 where the browser says https://shop.example.com: the two only agree when nginx forwards the Host and the scheme and Django trusts the scheme header.",
      example:
        "# nginx\nserver {\n    listen 443 ssl;\n    server_name shop.example.com;\n    location / { proxy_pass http://127.0.0.1:8000; proxy_set_header Host $host; }\n}\n# settings.py (Django 4.2)\nMIDDLEWARE = [..., \"django.middleware.csrf.CsrfViewMiddleware\"]",
      useInstead:
        "# nginx\nlocation / {\n    proxy_pass http://127.0.0.1:8000;\n    proxy_set_header Host $host;\n    proxy_set_header X-Forwarded-Proto $scheme;\n}\n# settings.py\nSECURE_PROXY_SSL_HEADER = (\"HTTP_X_FORWARDED_PROTO\", \"https\")",
    },
    fix: "Make Django see the request as the browser made it: have nginx send proxy_set_header Host $host; and proxy_set_header X-Forwarded-Proto $scheme;, and set SECURE_PROXY_SSL_HEADER = (\"HTTP_X_FORWARDED_PROTO\", \"https\") (only safe when every request comes through that nginx). Listing the site in CSRF_TRUSTED_ORIGINS (\"https://shop.example.com\") also makes the check pass, but leaves request.is_secure() wrong for everything else.",
    references: [
      'https://docs.djangoproject.com/en/stable/ref/csrf/#how-it-works',
      'https://docs.djangoproject.com/en/stable/ref/settings/#csrf-trusted-origins',
      'https://docs.djangoproject.com/en/stable/releases/4.0/#csrf',
      'https://docs.djangoproject.com/en/stable/ref/settings/#secure-proxy-ssl-header',
      'https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header',
    ],
    tags: ['django', 'nginx', 'cross-file', 'csrf'],
  },
  scope: 'repo',
  check(model, ctx) {
    const apps = proxiedApps(model).filter((p) => (p.pass.name === 'proxy_pass' || p.pass.name === 'uwsgi_pass') && p.tls);
    if (apps.length === 0) {
      ctx.notApplicable('no TLS nginx server in the repository proxies to a Django project');
      return;
    }
    const reported = new Set<string>();
    for (const pa of apps) {
      const project = pa.project;
      const mwValue = settingValue(project, 'MIDDLEWARE').value;
      const middleware = mwValue ? asStringList(mwValue) : undefined;
      if (!middleware || !middleware.includes(CSRF)) continue;
      // An API-only project (REST framework or Ninja without the admin) may serve no form at all:
      // its API views are csrf_exempt unless they authenticate with the session.
      const appsValue = settingValue(project, 'INSTALLED_APPS').value;
      const apps = appsValue ? asStringList(appsValue) : undefined;
      if (apps && !apps.includes('django.contrib.admin') && apps.some((a) => a === 'rest_framework' || a === 'ninja' || a.startsWith('ninja_'))) continue;
      if (truthy(settingValue(project, 'USE_X_FORWARDED_HOST').value ?? { kind: 'bool', value: false }) !== false) continue;
      const trustedValue = settingValue(project, 'CSRF_TRUSTED_ORIGINS').value;
      const trusted = trustedValue ? asStringList(trustedValue) : undefined;
      if (!trusted) continue;
      const allowedValue = settingValue(project, 'ALLOWED_HOSTS').value;
      const allowed = allowedValue ? asStringList(allowedValue) : undefined;
      const modern = versionAtLeast(project.djangoVersion, 4, 0);
      if (!modern) {
        // Before 4.0 the Referer check uses CSRF_COOKIE_DOMAIN (or SESSION_COOKIE_DOMAIN) when set.
        const usesSessions = truthy(settingValue(project, 'CSRF_USE_SESSIONS').value ?? { kind: 'bool', value: false });
        if (usesSessions === undefined) continue;
        const domain = project.settings.get(usesSessions ? 'SESSION_COOKIE_DOMAIN' : 'CSRF_COOKIE_DOMAIN');
        if (domain && !(domain.value.kind === 'none')) continue;
      }
      const list = arrivals(pa);
      if (!list) continue;
      const scheme = djangoScheme(pa, model);
      // The same cause with SECURE_SSL_REDIRECT on is XF001's endless redirect.
      const redirect = settingValue(project, 'SECURE_SSL_REDIRECT').value;
      if (scheme.scheme === 'http' && redirect && truthy(redirect) === true && middleware.includes(SECURITY)) continue;
      for (const a of list) {
        if (allowed && !hostAllowed(hostOnly(a.host), allowed)) continue; // XF002's finding
        let why: string;
        const related: RelatedLocation[] = [
          { span: a.nameSpan, message: `browsers post to ${a.origin} (nginx server_name)` },
          { span: pa.pass.span, message: 'TLS ends at nginx; the request goes on to Django here' },
        ];
        if (modern) {
          // With the scheme unknown, only a Host that differs from the browser's decides it.
          if (scheme.scheme === 'unknown' && a.host === a.netloc) continue;
          const good = scheme.scheme === 'unknown' ? undefined : `${scheme.scheme}://${a.host}`;
          if (originVerified(a.origin, good, trusted)) continue;
          const parts: string[] = [];
          if (scheme.scheme === 'http') {
            parts.push(`Django sees these requests as plain HTTP (${scheme.why})`);
            related.push(...scheme.related);
          }
          if (a.host !== a.netloc) {
            parts.push(a.hostWhy);
            if (a.hostSpan !== pa.pass.span) related.push({ span: a.hostSpan, message: `Django's request.get_host() is ${a.host}` });
          }
          why = `the browser's Origin ${a.origin} is not ${good ?? `<scheme>://${a.host}`}, the origin Django expects: ${parts.join('; ')}`;
        } else {
          if (scheme.scheme !== 'https') continue; // Django < 4.0 checks the Referer only on secure requests.
          if (refererVerified(a.netloc, a.host, trusted)) continue;
          why = `Django ${project.djangoVersion.major}.${project.djangoVersion.minor} checks the Referer of secure requests against the Host, and ${a.hostWhy}`;
          if (a.hostSpan !== pa.pass.span) related.push({ span: a.hostSpan, message: `Django's request.get_host() is ${a.host}` });
        }
        const hostCause = a.host !== a.netloc;
        // One finding per origin: its first failing location (the fix is the same for the others).
        const key = `${project.root}|${a.origin}`;
        if (reported.has(key)) continue;
        reported.add(key);
        const binding = project.settings.get('CSRF_TRUSTED_ORIGINS');
        const trustedText = binding ? `CSRF_TRUSTED_ORIGINS (${trusted.map((t) => `'${t}'`).join(', ') || 'empty'}) does not list it` : 'CSRF_TRUSTED_ORIGINS is not set';
        // The settings line when the project lists trusted origins; otherwise the nginx line that
        // loses what Django compares (the Host it sends, or the proxying location), with the
        // settings module named.
        const span = binding ? binding.span : hostCause ? a.hostSpan : pa.pass.span;
        if (!binding) related.push({ span: moduleAnchor(project), message: `production settings (${project.production.module}): CSRF_TRUSTED_ORIGINS is not set` });
        const example = modern ? a.origin : a.netloc;
        const remedies: string[] = [];
        if (modern && scheme.scheme === 'http') {
          const effective = pa.query.effectiveArray(pa.location, 'proxy_set_header');
          const sendsProto = effective.complete && findHeader(effective.directives, 'x-forwarded-proto') !== undefined;
          const trusts = project.settings.get('SECURE_PROXY_SSL_HEADER') !== undefined;
          remedies.push(
            sendsProto && !trusts
              ? 'set SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") (nginx already sends X-Forwarded-Proto)'
              : !sendsProto && trusts
                ? 'have nginx send proxy_set_header X-Forwarded-Proto $scheme; (SECURE_PROXY_SSL_HEADER waits for it)'
                : 'have nginx send X-Forwarded-Proto $scheme and Django trust it (SECURE_PROXY_SSL_HEADER)',
          );
        }
        if (hostCause) remedies.push(`have nginx pass the browser's Host on (proxy_set_header Host ${a.netloc.includes(':') ? '$http_host' : '$host'})`);
        const remedy = remedies.length > 0 ? remedies.join(' and ').replace(/^h/, 'H') : 'Forward the scheme and Host to Django';
        ctx.report({
          message: `Form posts to ${a.origin} through nginx (${formatSpan(pa.pass.span)}) fail CSRF verification with 403: ${why}, and ${trustedText}. ${remedy}, or add '${example}' to CSRF_TRUSTED_ORIGINS`,
          span,
          related: related.filter((r) => r.span.file !== span.file || r.span.start.offset !== span.start.offset),
          target: `CSRF_TRUSTED_ORIGINS:${a.origin}`,
        });
      }
    }
  },
});
