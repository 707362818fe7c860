import { formatSpan } from '../../src/core/position.js';
import { defineRule } from '../../src/engine/rule.js';
import { settingValue } from '../../src/model/django-helpers.js';
import { proxiedApps } from '../../src/model/deployment/topology.js';
import { argValue } from '../../src/model/nginx/effective.js';

/** nginx size syntax: bytes, or k/m/g suffixes (case-insensitive). */
export function nginxSize(text: string): number | undefined {
  const m = /^(\d+)([kKmMgG]?)$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * unit;
}

function human(bytes: number): string {
  if (bytes >= 1024 ** 2 && bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

export default defineRule({
  meta: {
    id: 'XF007',
    name: 'BodySizeBelowDjangoLimit',
    title: "nginx's client_max_body_size is below the request size the project raised Django's limit to",
    severity: 'medium',
    section: 'web-server',
    docs: {
      whatItDoes:
        "When the production settings raise DATA_UPLOAD_MAX_MEMORY_SIZE (Django's limit on a request body, files excluded; 2.5 MB by default) to accept larger requests, compares it with the client_max_body_size in effect (1m when unset; 0 means no limit) in each nginx location that proxies to the project, and reports a location whose limit is lower.",
      whyIsThisBad:
        "The project was changed to accept larger requests, but nginx rejects every request body over its own limit with 413 Request Entity Too Large before Django sees it: the change never takes effect in production, and the error page is nginx's, not the application's.",
      example: "# settings.py\nDATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024\n# nginx: no client_max_body_size (1m)\nlocation / { proxy_pass http://127.0.0.1:8000; }",
      useInstead: "server {\n    client_max_body_size 25m;\n    location / { proxy_pass http://127.0.0.1:8000; }\n}",
    },
    fix: 'Raise client_max_body_size in the server (or the proxying location) to at least the largest request the application accepts, uploads included.',
    references: ['https://docs.djangoproject.com/en/stable/ref/settings/#data-upload-max-memory-size', 'https://nginx.org/en/docs/http/ngx_http_core_module.html#client_max_body_size'],
    tags: ['django', 'nginx', 'cross-file'],
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
      const setting = settingValue(pa.project, 'DATA_UPLOAD_MAX_MEMORY_SIZE');
      if (!setting.binding || setting.value?.kind !== 'int') continue;
      const django = setting.value.value;
      const effective = pa.query.effective(pa.location, 'client_max_body_size');
      if (effective.state === 'unknown') continue;
      const limit = effective.state === 'set' ? nginxSize(argValue(effective.directive, 0)) : 1024 ** 2;
      if (limit === undefined || limit === 0 || limit >= django) continue;
      const key = `${pa.project.root}|${pa.location.span.file}:${pa.location.span.start.offset}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const where = effective.state === 'set' ? `client_max_body_size ${argValue(effective.directive, 0)} (${formatSpan(effective.directive.span)})` : "nginx's default client_max_body_size of 1m";
      ctx.report({
        message: `DATA_UPLOAD_MAX_MEMORY_SIZE accepts request bodies up to ${human(django)}, but the nginx location that proxies to Django (${formatSpan(pa.pass.span)}) has ${where}: larger requests get 413 from nginx before Django sees them`,
        span: effective.state === 'set' ? effective.directive.span : pa.pass.span,
        related: [{ span: setting.binding.span, message: `DATA_UPLOAD_MAX_MEMORY_SIZE = ${django} here` }],
        target: `client_max_body_size:${pa.location.span.file}`,
      });
    }
  },
});
