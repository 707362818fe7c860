import { formatSpan } from '../../src/core/position.js';
import { defineRule } from '../../src/engine/rule.js';
import { settingAnchor, settingValue } from '../../src/model/django-helpers.js';
import { asStringList } from '../../src/model/python-value.js';
import { get, items, pairOf, text } from '../../src/parse/yaml-positions.js';

const COMMON = 'django.middleware.common.CommonMiddleware';
/** Middleware known not to answer a request before CommonMiddleware validates the host. */
const KNOWN_PREFIXES = ['django.', 'whitenoise.', 'corsheaders.'];

export default defineRule({
  meta: {
    id: 'XF008',
    name: 'ProbeHostNotAllowed',
    title: 'A Kubernetes HTTP probe sends a Host that ALLOWED_HOSTS rejects',
    severity: 'high',
    section: 'containers',
    docs: {
      whatItDoes:
        "For a repository with one Django project, checks the httpGet liveness, readiness and startup probes of its production Kubernetes containers: without an httpHeaders Host entry the kubelet sends the pod's IP address as the Host, which Django's host validation rejects unless ALLOWED_HOSTS holds '*'. Fires only when ALLOWED_HOSTS is known and CommonMiddleware (which validates the host on every request) runs before any middleware that could answer the probe itself.",
      whyIsThisBad:
        "Django answers every probe with 400 Bad Request (DisallowedHost): the readiness probe never passes, so the pod never receives traffic, and a failing liveness probe makes Kubernetes restart healthy containers in a loop.",
      example: "readinessProbe:\n  httpGet:\n    path: /healthz/\n    port: 8000",
      useInstead: "readinessProbe:\n  httpGet:\n    path: /healthz/\n    port: 8000\n    httpHeaders:\n      - name: Host\n        value: shop.example.com",
    },
    fix: "Send a Host the settings allow (httpHeaders: [{name: Host, value: <a name in ALLOWED_HOSTS>}]), or answer the probe path in a middleware placed before CommonMiddleware that does not look at the host.",
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#http-probes', 'https://docs.djangoproject.com/en/stable/ref/settings/#allowed-hosts'],
    tags: ['django', 'kubernetes', 'cross-file'],
  },
  scope: 'repo',
  check(model, ctx) {
    const objects = (model.k8sObjects ?? []).filter((o) => o.role === 'production' && !o.fragment && o.workload);
    if (model.djangoProjects.length !== 1 || objects.length === 0) {
      ctx.notApplicable('needs one Django project and production Kubernetes workloads');
      return;
    }
    const project = model.djangoProjects[0]!;
    const allowedValue = settingValue(project, 'ALLOWED_HOSTS').value;
    const allowed = allowedValue ? asStringList(allowedValue) : undefined;
    const middleware = settingValue(project, 'MIDDLEWARE').value;
    const mw = middleware ? asStringList(middleware) : undefined;
    if (!allowed || allowed.includes('*') || !mw) return;
    const common = mw.indexOf(COMMON);
    if (common < 0 || mw.slice(0, common).some((m) => !KNOWN_PREFIXES.some((p) => m.startsWith(p)))) return;
    for (const obj of objects) {
      for (const c of obj.workload!.containers) {
        if (c.kind !== 'container') continue;
        for (const key of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
          const probe = pairOf(c.node, key);
          const http = get(probe?.value, 'httpGet');
          if (!probe || !http) continue;
          if (text(get(http, 'host')) !== undefined) continue;
          const headers = items(get(http, 'httpHeaders'));
          if (headers.some((h) => (text(get(h, 'name')) ?? '').toLowerCase() === 'host')) continue;
          ctx.report({
            message: `${key} of container ${c.name ?? '?'} sends no Host header, so the kubelet sends the pod's IP address, and ALLOWED_HOSTS (${allowed.map((a) => `'${a}'`).join(', ') || 'empty'}, ${formatSpan(settingAnchor(project, 'ALLOWED_HOSTS'))}) rejects it: Django answers the probe with 400 and the pod ${key === 'readinessProbe' ? 'never becomes ready' : key === 'livenessProbe' ? 'is restarted again and again' : 'never finishes starting'}`,
            span: probe.span,
            related: [{ span: settingAnchor(project, 'ALLOWED_HOSTS'), message: 'ALLOWED_HOSTS set here' }],
            target: `${obj.kind}/${text(get(get(obj.root, 'metadata'), 'name')) ?? '?'}:${c.name ?? '?'}:${key}`,
          });
        }
      }
    }
  },
});
