import { defineRule } from '../../src/engine/rule.js';
import { containerLabel, judged, K8S_DOCS, limitRangeDefault, objectLabel, withPatches } from './K8S0.common.js';

export default defineRule({
  meta: {
    id: 'K8S003',
    name: 'ResourcesMissing',
    title: 'A container has no memory limit',
    severity: 'medium',
    section: 'containers',
    docs: {
      whatItDoes:
        "Reports each container of a workload without `resources.limits.memory`, saying whether it has any requests at all. A LimitRange in the repository that gives containers a default memory limit, and limits set by a production kustomize patch, count. A CPU limit is not required (it throttles more than it protects); requests default to the limits when only limits are set.",
      whyIsThisBad:
        'Without a memory limit one leaking gunicorn worker or runaway Celery task can use the whole node: the kernel then kills other pods (the database proxy, the other replicas) instead of the culprit. Without requests the scheduler packs pods onto nodes that cannot hold them, and they are evicted first under pressure (BestEffort class).',
      example: 'containers:\n  - name: web\n    image: registry.example.com/shop:1.4.2',
      useInstead: 'containers:\n  - name: web\n    image: registry.example.com/shop:1.4.2\n    resources:\n      requests: {cpu: 250m, memory: 384Mi}\n      limits: {memory: 512Mi}',
    },
    fix: 'Give every container memory requests and a memory limit sized from what it really uses (kubectl top pod, or the metrics of a staging run), and CPU requests; with gunicorn, size the limit for workers × per-worker memory.',
    references: [`${K8S_DOCS}/concepts/configuration/manage-resources-containers/`, `${K8S_DOCS}/concepts/policy/limit-range/`, `${K8S_DOCS}/concepts/workloads/pods/pod-qos/`],
    tags: ['kubernetes', 'reliability', 'resources'],
  },
  scope: 'k8sObject',
  check(obj, ctx, model) {
    if (!judged(obj, ctx)) return;
    if (obj.opaquePatch) return;
    if (limitRangeDefault(obj, model, 'default', 'memory')) return;
    for (const c of obj.workload!.containers) {
      if (c.kind !== 'container') continue;
      const views = withPatches(obj, c);
      if (views.some((v) => v.resources.limits.memory)) continue;
      const hasRequests = views.some((v) => v.resources.requests.cpu || v.resources.requests.memory || v.resources.limits.cpu);
      ctx.report({
        message: hasRequests
          ? `${objectLabel(obj)}: ${containerLabel(c)} has no memory limit: a leak in it can exhaust the node and get other pods killed`
          : `${objectLabel(obj)}: ${containerLabel(c)} has no resource requests or limits: the scheduler cannot place it sensibly, it is evicted first, and a leak in it can exhaust the node`,
        span: c.resources.span ?? c.nameSpan,
        target: `${obj.kind}/${obj.name}:${c.name}`,
      });
    }
  },
});
