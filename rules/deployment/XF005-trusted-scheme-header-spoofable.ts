import { formatSpan } from '../../src/core/position.js';
import { defineRule } from '../../src/engine/rule.js';
import { settingAnchor, settingValue } from '../../src/model/django-helpers.js';
import { proxiedApps } from '../../src/model/deployment/topology.js';
import { argValue, findHeader } from '../../src/model/nginx/effective.js';
import { asSequence } from '../../src/model/python-value.js';

export default defineRule({
  meta: {
    id: 'XF005',
    name: 'TrustedSchemeHeaderSpoofable',
    title: 'Django trusts a scheme header that nginx passes on from the client',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        "For each nginx location that proxies to the project, checks the header named by SECURE_PROXY_SSL_HEADER: nginx passes every request header it does not set itself on to the application, so when the location does not set that header, or sets it from the client's own header ($http_x_forwarded_proto), the client decides what Django believes about HTTPS.",
      whyIsThisBad:
        "Django's documentation warns that SECURE_PROXY_SSL_HEADER is only safe when the proxy strips or overwrites the header. A client on plain HTTP can send X-Forwarded-Proto: https and Django treats the request as secure: SECURE_SSL_REDIRECT no longer redirects it, secure cookies and CSRF origin checks assume HTTPS, and absolute URLs (password-reset links) say https for a connection an attacker can read.",
      example: "# settings.py\nSECURE_PROXY_SSL_HEADER = (\"HTTP_X_FORWARDED_PROTO\", \"https\")\n# nginx\nlocation / {\n    proxy_pass http://127.0.0.1:8000;\n    proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;\n}",
      useInstead: "location / {\n    proxy_pass http://127.0.0.1:8000;\n    proxy_set_header X-Forwarded-Proto $scheme;\n}",
    },
    fix: "Make nginx overwrite the header in every location that proxies to Django: proxy_set_header X-Forwarded-Proto $scheme; (behind another TLS-terminating load balancer, pass its value on only from that balancer's addresses, e.g. with the realip module or a map on $remote_addr).",
    references: ['https://docs.djangoproject.com/en/stable/ref/settings/#secure-proxy-ssl-header', 'https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass_request_headers'],
    tags: ['django', 'nginx', 'cross-file', 'security'],
  },
  scope: 'repo',
  check(model, ctx) {
    const apps = proxiedApps(model).filter((p) => p.pass.name === 'proxy_pass');
    if (apps.length === 0) {
      ctx.notApplicable('no nginx location in the repository proxies to a Django project');
      return;
    }
    const seen = new Set<string>();
    for (const pa of apps) {
      const setting = settingValue(pa.project, 'SECURE_PROXY_SSL_HEADER');
      const pair = setting.value ? asSequence(setting.value) : undefined;
      if (!setting.binding || !pair || pair.length !== 2 || pair[0]!.kind !== 'str' || !pair[0]!.value.startsWith('HTTP_')) continue;
      const meta = pair[0]!.value;
      const header = meta.slice(5).toLowerCase().replace(/_/g, '-');
      const effective = pa.query.effectiveArray(pa.location, 'proxy_set_header');
      if (!effective.complete) continue;
      const d = findHeader(effective.directives, header);
      const value = d ? argValue(d, 1) : undefined;
      const fromClient = value !== undefined && value.toLowerCase() === `$http_${header.replace(/-/g, '_')}`;
      if (d && !fromClient) continue;
      const key = `${pa.project.root}|${pa.location.span.file}:${pa.location.span.start.offset}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const how = d ? `sets it from the client's own header (${argValue(d, 0)} ${value})` : `does not set ${header}, so the client's own header reaches Django unchanged`;
      ctx.report({
        message: `SECURE_PROXY_SSL_HEADER trusts ${meta}, but the nginx location that proxies to Django (${formatSpan(pa.pass.span)}) ${how}: any client can claim HTTPS`,
        span: settingAnchor(pa.project, 'SECURE_PROXY_SSL_HEADER'),
        related: [{ span: d?.span ?? pa.pass.span, message: d ? 'the client-supplied value is forwarded here' : 'proxied here without overwriting the header' }],
        target: `SECURE_PROXY_SSL_HEADER:${pa.location.span.file}`,
      });
    }
  },
});
