import { defineRule } from '../../src/engine/rule.js';
import type { NginxDirective } from '../../src/model/nginx/types.js';
import { appProxiedLocations, argValue, findHeader, headerName, headSpan, isDevelopment } from '../../src/model/nginx/effective.js';
import { truthy } from '../../src/model/python-value.js';
import { djangoSends, DJANGO_DOCS, HTTP_HEADERS, q, SECURITY_MIDDLEWARE, serverKey, serverLabel, XFRAME_MIDDLEWARE } from './NGX1.common.js';

function framingControlled(headers: readonly NginxDirective[]): boolean {
  if (findHeader(headers, 'x-frame-options')) return true;
  return headers.some((d) => headerName(d) === 'content-security-policy' && /frame-ancestors/i.test(argValue(d, 1)));
}

export default defineRule({
  meta: {
    id: 'NGX018',
    name: 'SecurityHeadersMissing',
    title: 'Neither nginx nor Django sends X-Content-Type-Options or frame protection',
    severity: 'low',
    section: 'web-server',
    docs: {
      whatItDoes:
        "For locations that proxy to the Django application, reports a missing `X-Content-Type-Options: nosniff` or a missing frame protection (X-Frame-Options, or a Content-Security-Policy with frame-ancestors) in the add_header set in effect, but only when the repository's Django settings show Django does not send it either: SecurityMiddleware with SECURE_CONTENT_TYPE_NOSNIFF for nosniff, XFrameOptionsMiddleware for X-Frame-Options. When there is no single Django project or its settings cannot be known, nothing is reported. Development configurations are skipped.",
      whyIsThisBad:
        'Without frame protection any site can embed the application in an invisible frame and trick logged-in users into clicking (clickjacking). Without nosniff browsers may execute a response as script or HTML from its content rather than its declared type, turning uploads or JSON into cross-site scripting.',
      example: "location / {\n    proxy_pass http://django;\n}\n# settings.py: MIDDLEWARE without XFrameOptionsMiddleware",
      useInstead: 'add_header X-Frame-Options DENY always;\nadd_header X-Content-Type-Options nosniff always;\nlocation / {\n    proxy_pass http://django;\n}',
    },
    fix: "Either restore Django's SecurityMiddleware / XFrameOptionsMiddleware (preferred: Django then sets them per response), or add `add_header X-Content-Type-Options nosniff always;` and `add_header X-Frame-Options DENY always;` at server level in nginx.",
    references: [`${HTTP_HEADERS}#add_header`, `${DJANGO_DOCS}/ref/clickjacking/`, `${DJANGO_DOCS}/ref/middleware/#x-content-type-options-nosniff`, 'https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Content-Type-Options'],
    tags: ['nginx', 'security', 'headers'],
  },
  scope: 'nginx',
  check(config, ctx, model) {
    if (isDevelopment(config)) return;
    const query = q(config, model);
    const nosniffByDjango = djangoSends(model, SECURITY_MIDDLEWARE, { name: 'SECURE_CONTENT_TYPE_NOSNIFF', on: (v) => truthy(v) });
    const framingByDjango = djangoSends(model, XFRAME_MIDDLEWARE);
    if (nosniffByDjango !== false && framingByDjango !== false) return;
    for (const server of query.servers()) {
      let nosniffReported = false;
      let framingReported = false;
      for (const { location, pass } of appProxiedLocations(query, server)) {
        const headers = query.effectiveArray(location, 'add_header');
        if (!headers.complete) continue;
        if (nosniffByDjango === false && !nosniffReported && !findHeader(headers.directives, 'x-content-type-options')) {
          nosniffReported = true;
          ctx.report({
            message: `Responses of ${serverLabel(query, server)} from the application carry no X-Content-Type-Options: nosniff: Django does not send it (SecurityMiddleware or SECURE_CONTENT_TYPE_NOSNIFF is off) and nginx adds none`,
            span: headSpan(pass),
            target: `${serverKey(query, server)}:nosniff`,
          });
        }
        if (framingByDjango === false && !framingReported && !framingControlled(headers.directives)) {
          framingReported = true;
          ctx.report({
            message: `Responses of ${serverLabel(query, server)} from the application carry no X-Frame-Options or CSP frame-ancestors: XFrameOptionsMiddleware is not in MIDDLEWARE and nginx adds none, so the site can be framed (clickjacking)`,
            span: headSpan(pass),
            target: `${serverKey(query, server)}:framing`,
          });
        }
      }
    }
  },
});
