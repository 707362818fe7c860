import { formatSpan, type Span } from '../../src/core/position.js';
import { defineRule } from '../../src/engine/rule.js';
import { hostAllowed, settingAnchor, settingValue } from '../../src/model/django-helpers.js';
import { proxiedApps, type ProxiedApp } from '../../src/model/deployment/topology.js';
import { argValue, findHeader, hasCatchAllNames, passTarget, serverNames } from '../../src/model/nginx/effective.js';
import { asStringList, truthy } from '../../src/model/python-value.js';

/** Strip a port as django.http.request.split_domain_port does (IPv6 literals kept). */
function domainOf(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1).toLowerCase();
  return host.split(':')[0]!.toLowerCase();
}

interface SentHost {
  /** The Host value Django receives. */
  host: string;
  /** Where it comes from in nginx. */
  span: Span;
  why: string;
}

/**
 * The Host headers Django receives through a location: the requested server name for
 * `$host`/`$http_host`, a literal, or, when nginx does not set Host, the proxy_pass host
 * (`$proxy_host`; `localhost` for a unix socket). Undefined when it cannot be told.
 */
function sentHosts(pa: ProxiedApp): SentHost[] | undefined {
  const headers = pa.query.effectiveArray(pa.location, 'proxy_set_header');
  if (!headers.complete) return undefined;
  const d = findHeader(headers.directives, 'host');
  if (d) {
    const v = argValue(d, 1);
    if (v === '$host' || v === '$http_host' || v === '$server_name') {
      if (hasCatchAllNames(pa.query, pa.server)) return [];
      const names = serverNames(pa.query, pa.server).filter((n) => !n.startsWith('~') && !n.includes('$') && n !== '_' && n !== '');
      const nameDirective = pa.query.levelOf(pa.server).children.find((x) => x.name === 'server_name');
      return names.map((n) => ({ host: n.startsWith('*.') ? `x${n.slice(1)}` : n.startsWith('.') ? n.slice(1) : n, span: nameDirective?.span ?? pa.server.span, why: `nginx serves ${n} and passes it on as the Host (${v})` }));
    }
    if (v.includes('$')) return undefined;
    return [{ host: v, span: d.span, why: `nginx sends Host: ${v}` }];
  }
  const t = passTarget(pa.pass);
  if (t.unix) return [{ host: 'localhost', span: pa.pass.span, why: 'nginx sets no Host header, so it sends the unix socket proxy_pass host, localhost' }];
  if (!t.host || t.variableHost) return undefined;
  return [{ host: t.host, span: pa.pass.span, why: `nginx sets no Host header, so it sends the proxy_pass host, ${t.host}` }];
}

export default defineRule({
  meta: {
    id: 'XF002',
    name: 'ProxiedHostNotAllowed',
    title: 'nginx passes Django a Host that ALLOWED_HOSTS rejects',
    severity: 'high',
    section: 'web-server',
    docs: {
      whatItDoes:
        "For each nginx location that proxies to the project, works out the Host header Django receives: each server_name when nginx forwards $host or $http_host, the literal when it sets one, and the proxy_pass host when it sets none ($proxy_host: an upstream name, 127.0.0.1, or localhost for a unix socket). Reports each one Django's host validation rejects with the production ALLOWED_HOSTS (exact names, '.domain' suffixes and '*', as django.http.request.validate_host matches them). Silent when USE_X_FORWARDED_HOST is on or a value cannot be known.",
      whyIsThisBad:
        "Django answers every request whose Host is not allowed with 400 Bad Request (DisallowedHost), so the site or that name is down although nginx, the app server and Django each look fine on their own.",
      example: "# nginx\nserver_name shop.example.com www.shop.example.com;\nlocation / { proxy_pass http://127.0.0.1:8000; proxy_set_header Host $host; }\n# settings.py\nALLOWED_HOSTS = [\"shop.example.com\"]",
      useInstead: "ALLOWED_HOSTS = [\"shop.example.com\", \"www.shop.example.com\"]",
    },
    fix: "Add every name nginx serves (or '.example.com' for a domain and its subdomains) to ALLOWED_HOSTS, and have nginx forward the requested host with proxy_set_header Host $host; rather than the upstream name.",
    references: ['https://docs.djangoproject.com/en/stable/ref/settings/#allowed-hosts', 'https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header'],
    tags: ['django', 'nginx', 'cross-file'],
  },
  scope: 'repo',
  check(model, ctx) {
    const apps = proxiedApps(model).filter((p) => p.pass.name === 'proxy_pass');
    if (apps.length === 0) {
      ctx.notApplicable('no nginx location in the repository proxies to a Django project');
      return;
    }
    const reported = new Set<string>();
    for (const pa of apps) {
      if (truthy(settingValue(pa.project, 'USE_X_FORWARDED_HOST').value ?? { kind: 'bool', value: false }) !== false) continue;
      const allowedValue = settingValue(pa.project, 'ALLOWED_HOSTS').value;
      const allowed = allowedValue ? asStringList(allowedValue) : undefined;
      if (!allowed) continue;
      for (const sent of sentHosts(pa) ?? []) {
        const domain = domainOf(sent.host);
        if (hostAllowed(domain, allowed)) continue;
        const key = `${pa.project.root}|${domain}|${sent.span.file}:${sent.span.start.offset}`;
        if (reported.has(key)) continue;
        reported.add(key);
        ctx.report({
          message: `${sent.why} (${formatSpan(sent.span)}), but ALLOWED_HOSTS (${allowed.map((a) => `'${a}'`).join(', ') || 'empty'}) does not allow '${domain}': Django answers those requests with 400 Bad Request`,
          span: settingAnchor(pa.project, 'ALLOWED_HOSTS'),
          related: [{ span: sent.span, message: `Django receives Host: ${sent.host} from here` }],
          target: `ALLOWED_HOSTS:${domain}`,
        });
      }
    }
  },
});
