import { defineRule } from '../../src/engine/rule.js';
import { containerLabel, judged, K8S_DOCS, LONG_RUNNING, objectLabel, servingContainers, withPatches } from './K8S0.common.js';

export default defineRule({
  meta: {
    id: 'K8S002',
    name: 'ProbesMissing',
    title: 'A serving container has no readiness or liveness probe',
    severity: 'medium',
    section: 'containers',
    docs: {
      whatItDoes:
        'Reports each serving container of a Deployment or StatefulSet (the container a Service targets, or one that declares ports) without a `readinessProbe`, a `livenessProbe`, or both. Jobs, CronJobs and workers that serve nothing are not judged; probes added by a production kustomize patch count.',
      whyIsThisBad:
        'Without a readiness probe a new pod gets traffic as soon as its process starts, before Django has loaded, migrated or connected, so every rollout serves errors; a pod that loses its database keeps receiving requests. Without a liveness probe a deadlocked gunicorn (all workers stuck) is never restarted.',
      example: 'containers:\n  - name: web\n    image: registry.example.com/shop:1.4.2\n    ports:\n      - containerPort: 8000',
      useInstead:
        'containers:\n  - name: web\n    image: registry.example.com/shop:1.4.2\n    ports:\n      - containerPort: 8000\n    readinessProbe:\n      httpGet: {path: /healthz, port: 8000}\n      periodSeconds: 5\n    livenessProbe:\n      httpGet: {path: /healthz, port: 8000}\n      periodSeconds: 10\n      failureThreshold: 6',
    },
    fix: 'Add a readinessProbe (an HTTP GET on a cheap health URL, or a TCP check of the port) and a livenessProbe with a generous failureThreshold; for slow starts add a startupProbe rather than a long initialDelaySeconds. The health URL must be allowed by ALLOWED_HOSTS (probes send the pod IP as Host) or exempted from it.',
    references: [`${K8S_DOCS}/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/`, `${K8S_DOCS}/concepts/configuration/liveness-readiness-startup-probes/`],
    tags: ['kubernetes', 'availability'],
  },
  scope: 'k8sObject',
  check(obj, ctx, model) {
    if (!judged(obj, ctx)) return;
    if (!LONG_RUNNING.has(obj.kind)) {
      ctx.notApplicable(`${obj.kind} is not a long-running service`);
      return;
    }
    if (obj.opaquePatch) return;
    for (const c of servingContainers(obj, model)) {
      const views = withPatches(obj, c);
      const missing = (['readiness', 'liveness'] as const).filter((p) => !views.some((v) => v.probes[p]));
      if (missing.length === 0) continue;
      const what = missing.length === 2 ? 'neither a readinessProbe nor a livenessProbe' : `no ${missing[0]}Probe`;
      const why =
        missing.includes('readiness')
          ? 'it receives traffic before Django is ready and while it cannot serve, so rollouts return errors'
          : 'a hung server (every worker stuck) is never restarted';
      ctx.report({
        message: `${objectLabel(obj)}: ${containerLabel(c)} has ${what}: ${why}`,
        span: c.nameSpan,
        target: `${obj.kind}/${obj.name}:${c.name}`,
      });
    }
  },
});
