import type { RelatedLocation } from '../../src/core/finding.js';
import { defineRule } from '../../src/engine/rule.js';
import { hostAllowed } from '../../src/model/django-helpers.js';
import { djangoAnswer, settingsForProbe } from '../../src/model/deployment/probe-django.js';
import { accepted, healthProbes } from '../../src/model/deployment/probes.js';
import { urlConfFiles } from '../../src/model/urlconf.js';

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
      const project = settingsForProbe(model, probe);
      if (!project) continue;
      const answer = djangoAnswer(project, probe, hostAllowed);
      if (answer.kind !== 'not-found' && answer.kind !== 'slash-redirect') continue;
      const conf = project.urlConf!;
      const pathOnly = probe.path.split('?')[0]!;
      const files = urlConfFiles(conf);
      const urlconfText = files.length > 1 ? `${conf.file} (with ${files.slice(1).join(', ')})` : conf.file;
      const related: RelatedLocation[] = [
        { span: conf.span ?? { file: conf.file, start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 2, offset: 1 } }, message: `ROOT_URLCONF (${conf.module}): no pattern here matches ${pathOnly}` },
        ...probe.related,
      ];
      const hostNote = answer.hostRejected
        ? ` (before that, ALLOWED_HOSTS rejects the probe's Host ${probe.hostHeader === 'pod-ip' ? "(the pod's IP address)" : `'${probe.hostHeader}'`}: 400)`
        : answer.hostUnknown
          ? ' (or 400, should ALLOWED_HOSTS reject the Host the health checker sends)'
          : '';
      if (answer.kind === 'slash-redirect') {
        // A relative Location: clients that follow redirects get the routed path; only those that stop fail.
        if (probe.redirects !== 'stop' || accepted(probe, answer.hostRejected ? 400 : 301)) continue;
        ctx.report({
          message: `${capital(probe.label)} asks for ${probe.path}, which ${urlconfText} routes only as ${pathOnly}/: with APPEND_SLASH, Django answers 301 to ${answer.to}${hostNote}, and ${probe.acceptsText}, so the probe always fails`,
          span: probe.span,
          related,
          target: `${probe.file}:${probe.label}:${probe.path}`,
        });
        continue;
      }
      if (accepted(probe, answer.hostRejected ? 400 : 404)) continue;
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
