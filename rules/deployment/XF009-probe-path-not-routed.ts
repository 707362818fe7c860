import type { RelatedLocation } from '../../src/core/finding.js';
import { defineRule } from '../../src/engine/rule.js';
import { settingValue } from '../../src/model/django-helpers.js';
import { appendSlash, middleware, passiveBefore, probeHostAllowed, settingsForProbe, sslRedirectFor } from '../../src/model/deployment/probe-django.js';
import { accepted, healthProbes } from '../../src/model/deployment/probes.js';
import { isNone, truthy } from '../../src/model/python-value.js';
import { resolvePath, urlConfFiles } from '../../src/model/urlconf.js';
import { hostAllowed } from './XF002-proxied-host-not-allowed.js';

export default defineRule({
  meta: {
    id: 'XF009',
    name: 'ProbePathNotRouted',
    title: "A health probe asks for a path the project's URLconf does not route",
    severity: 'high',
    section: 'containers',
    docs: {
      whatItDoes:
        "Takes each health probe that reaches the project's app server (a Dockerfile HEALTHCHECK or compose healthcheck running curl, wget or python urllib against localhost, a Kubernetes httpGet probe, an AWS target group, Classic ELB or Google Cloud HTTP health check on the app server's port) and resolves its path against the production URLconf the way Django does: ROOT_URLCONF, include() prefixes, path() converters, re_path() regexes; routes added under `if settings.DEBUG:` do not count when production runs with DEBUG off. Reports the probe when no pattern matches and its client counts the answer as a failure: 404, or, for a path without its trailing slash, CommonMiddleware's 301 to the slashed path when the client takes a redirect as failure (a load balancer expecting 200). Silent when any part of the URLconf that might match cannot be read (a dynamic list, router.urls, i18n_patterns, a module outside the repository), when middleware that could answer the request first is installed, and when SecurityMiddleware redirects the probe to HTTPS before URL resolution (XF010 looks at that).",
      whyIsThisBad:
        "The probe never succeeds: the container stays unhealthy (compose `depends_on: service_healthy` waits forever, Swarm and ECS replace it), Kubernetes never sends traffic to the pod or restarts it in a loop, and the load balancer marks every target unhealthy and serves 503 for the whole site, although the application works.",
      example: "# Dockerfile\nHEALTHCHECK CMD curl -f http://localhost:8000/healthz/ || exit 1\n# shop/urls.py\nurlpatterns = [path('health/', views.health)]",
      useInstead: "# Dockerfile\nHEALTHCHECK CMD curl -f http://localhost:8000/health/ || exit 1",
    },
    fix: "Point the probe at a path the URLconf routes (mind the trailing slash: with APPEND_SLASH, `/health` answers 301 to `/health/`), or add the route, outside any `if settings.DEBUG:` block.",
    references: [
      'https://docs.djangoproject.com/en/stable/topics/http/urls/#how-django-processes-a-request',
      'https://docs.djangoproject.com/en/stable/ref/settings/#append-slash',
      'https://docs.docker.com/reference/dockerfile/#healthcheck',
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#http-probes',
      'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html',
    ],
    tags: ['django', 'cross-file', 'health-check'],
  },
  scope: 'repo',
  check(model, ctx) {
    const probes = healthProbes(model).filter((p) => p.project && p.scheme === 'http');
    if (probes.length === 0) {
      ctx.notApplicable('no health probe in the repository reaches a Django project');
      return;
    }
    for (const probe of probes) {
      const project = settingsForProbe(model, probe)!;
      const conf = project.urlConf;
      const mw = middleware(project);
      if (!conf || !mw) continue;
      // Middleware that may answer before URL resolution, or serve the path from elsewhere.
      if (!passiveBefore(mw.list)) continue;
      if (mw.list.some((m) => m.startsWith('whitenoise.'))) {
        const staticUrl = settingValue(project, 'STATIC_URL').value;
        if (!staticUrl || staticUrl.kind !== 'str' || probe.path.startsWith(staticUrl.value.startsWith('/') ? staticUrl.value : `/${staticUrl.value}`)) continue;
      }
      const scriptName = settingValue(project, 'FORCE_SCRIPT_NAME').value;
      if (scriptName && isNone(scriptName) !== true) continue;
      if (sslRedirectFor(project, probe, mw).kind !== 'none') continue;
      const debugValue = settingValue(project, 'DEBUG').value;
      const debug = debugValue ? truthy(debugValue) : false;
      const res = resolvePath(conf, probe.path, { debug });
      if (res.kind !== 'none') continue;

      const [pathOnly, query] = [probe.path.split('?')[0]!, probe.path.includes('?') ? probe.path.slice(probe.path.indexOf('?')) : ''];
      const files = urlConfFiles(conf);
      const urlconfText = files.length > 1 ? `${conf.file} (with ${files.slice(1).join(', ')})` : conf.file;
      const related: RelatedLocation[] = [
        { span: conf.span ?? { file: conf.file, start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 2, offset: 1 } }, message: `ROOT_URLCONF (${conf.module}): no pattern here matches ${pathOnly}` },
        ...probe.related,
      ];
      const allowedHost = probeHostAllowed(project, probe, hostAllowed);
      const hostNote =
        allowedHost === false
          ? ` (before that, ALLOWED_HOSTS rejects the probe's Host ${probe.hostHeader === 'pod-ip' ? "(the pod's IP address)" : `'${probe.hostHeader}'`}: 400)`
          : allowedHost === undefined
            ? ' (or 400, should ALLOWED_HOSTS reject the Host the health checker sends)'
            : '';
      const common = mw.list.includes('django.middleware.common.CommonMiddleware');
      if (common && !pathOnly.endsWith('/')) {
        const slash = appendSlash(project);
        if (slash === undefined) continue;
        if (slash) {
          const withSlash = resolvePath(conf, `${pathOnly}/${query}`, { debug });
          if (withSlash.kind === 'unknown') continue;
          if (withSlash.kind === 'match') {
            // CommonMiddleware answers 301 to the path with a slash (a relative Location: same host).
            if (probe.redirects !== 'stop' || accepted(probe, 301)) continue;
            ctx.report({
              message: `${capital(probe.label)} asks for ${probe.path}, which ${urlconfText} routes only as ${pathOnly}/: with APPEND_SLASH, Django answers 301 to ${pathOnly}/${hostNote}, and ${probe.acceptsText}, so the probe always fails`,
              span: probe.span,
              related,
              target: `${probe.file}:${probe.label}:${probe.path}`,
            });
            continue;
          }
        }
      }
      if (accepted(probe, 404)) continue;
      ctx.report({
        message: `${capital(probe.label)} asks for ${probe.path}, but no URL pattern of ${urlconfText} matches it: Django answers 404 Not Found${hostNote}, and ${probe.acceptsText}, so the probe always fails`,
        span: probe.span,
        related,
        target: `${probe.file}:${probe.label}:${probe.path}`,
      });
    }
  },
});

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
