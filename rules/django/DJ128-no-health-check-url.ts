import { defineRule } from '../../src/engine/rule.js';
import type { Span } from '../../src/core/position.js';
import type { DjangoProject } from '../../src/model/types.js';
import { settingFact } from './DJ0.deploy-semantics.js';

/** Route words load balancers and orchestrators probe; matched as a whole path segment. */
const HEALTH_WORD = /^(?:[\w-]*[-_])?(?:health|healthz|healthcheck|health-check|health_check|ping|ready|readyz|readiness|live|livez|liveness|status|heartbeat|alive)(?=[-_]|$)/i;

/**
 * Whether a route has a whole segment (a run of word characters and dashes after the start, `/` or
 * `^`, ending at `/`, `$` or the end) made of a health word and words joined by `-`/`_`: the regex
 * /(?:^|[/^])(?:[\w-]*[-_])?(?:health|...)(?:[-_][\w-]*)?(?:\/|\$|$)/i, one segment at a time
 * (issue 7: that regex rescans a segment from every separator in it).
 */
export function hasHealthSegment(route: string): boolean {
  for (const m of route.matchAll(/(?<=^|[/^])[\w-]*/g)) {
    const end = route[m.index + m[0].length];
    if ((end === undefined || end === '/' || end === '$') && HEALTH_WORD.test(m[0])) return true;
  }
  return false;
}
/** Packages whose URL include provides health endpoints. */
const HEALTH_INCLUDES = /^include:(health_check|watchman|django_alive|alive|django_healthchecks|healthchecks|django_probes)\b/;

function hasHealthRoute(project: DjangoProject): boolean {
  return (project.urlRoutes ?? []).some((r) => HEALTH_INCLUDES.test(r.route) || (!r.route.startsWith('include:') && hasHealthSegment(r.route)));
}

/** A health middleware answers probes before URL routing (django-alive, custom HealthCheckMiddleware). */
function hasHealthMiddleware(project: DjangoProject): boolean {
  const mw = settingFact(project, 'MIDDLEWARE').value;
  if (!mw || (mw.kind !== 'list' && mw.kind !== 'tuple')) return false;
  return mw.items.some((i) => i.kind === 'str' && /health|alive|heartbeat/i.test(i.value));
}

function rootUrlsSpan(project: DjangoProject): Span {
  const conf = project.settings.get('ROOT_URLCONF')?.value;
  const wanted = conf && conf.kind === 'str' ? `${conf.value.split('.').join('/')}.py` : undefined;
  const file = project.urlFiles.find((f) => wanted !== undefined && (f === wanted || f.endsWith(`/${wanted}`))) ?? project.urlFiles[0]!;
  return { file, start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 2, offset: 1 } };
}

export default defineRule({
  meta: {
    id: 'DJ128',
    name: 'NoHealthCheckUrl',
    title: 'No health-check URL',
    severity: 'low',
    section: 'app-server',
    docs: {
      whatItDoes:
        "Looks through the project's urls modules (following include()) for a route with a health-check segment (health, healthz, ping, ready, live, status, heartbeat, ...) or an include of django-health-check ('health_check.urls'), django-watchman or similar, and through MIDDLEWARE for a health-check middleware. Not applicable when no urls.py is found.",
      whyIsThisBad:
        "Load balancers, Kubernetes probes and uptime monitors then probe '/' or the admin login: a page that needs the database and templates, redirects, or is blocked by ALLOWED_HOSTS for the probe's Host header. Healthy instances get killed, broken ones keep traffic, and deploys cannot wait for readiness.",
      example: "urlpatterns = [path('admin/', admin.site.urls)]",
      useInstead: "urlpatterns = [\n    path('healthz/', lambda request: HttpResponse('ok')),\n    path('admin/', admin.site.urls),\n]",
    },
    fix: "Add a cheap unauthenticated endpoint (e.g. path('healthz/', ...) returning 200, or django-health-check's include('health_check.urls')), exempt it from SECURE_SSL_REDIRECT if the probe speaks HTTP, and point the load balancer at it.",
    references: ['https://github.com/revsys/django-health-check', 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/'],
    tags: ['django', 'operations', 'reliability'],
  },
  scope: 'django',
  check(project, ctx) {
    if (project.urlRoutes === undefined || project.urlFiles.length === 0) {
      ctx.notApplicable('no urls.py found');
      return;
    }
    if (hasHealthRoute(project) || hasHealthMiddleware(project)) return;
    ctx.report({
      message: `No health-check route found in ${project.urlFiles.join(', ')}: load balancers and orchestrators have no cheap endpoint to probe`,
      span: rootUrlsSpan(project),
      target: 'urls',
    });
  },
});
