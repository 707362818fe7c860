import { defineRule } from '../../src/engine/rule.js';
import { autoscalers, DATASTORE_IMAGE, judged, K8S_DOCS, objectLabel, servingContainers } from './K8S0.common.js';

export default defineRule({
  meta: {
    id: 'K8S013',
    name: 'SingleReplica',
    title: 'A web Deployment runs a single replica',
    severity: 'low',
    section: 'containers',
    docs: {
      whatItDoes:
        "Reports a Deployment that serves requests (a Service selects it, or its containers declare ports) with `replicas: 1`. Not reported when an autoscaler (HorizontalPodAutoscaler, KEDA ScaledObject) targets it, when a production kustomization or patch raises the count, for `strategy: Recreate` (a deliberate singleton) and for data stores (postgres, redis ...). A Deployment without `replicas:` is left alone: the count is then often managed elsewhere.",
      whyIsThisBad:
        'With one pod every node drain, cluster upgrade, eviction or crash is an outage until a new pod is scheduled, pulled and ready; a PodDisruptionBudget cannot protect a single replica without blocking node maintenance altogether.',
      example: 'kind: Deployment\nspec:\n  replicas: 1',
      useInstead: 'kind: Deployment\nspec:\n  replicas: 2   # or a HorizontalPodAutoscaler with minReplicas: 2\n---\nkind: PodDisruptionBudget\nspec:\n  minAvailable: 1',
    },
    fix: 'Run at least two replicas (spread over nodes with topologySpreadConstraints or pod anti-affinity) and add a PodDisruptionBudget, or let a HorizontalPodAutoscaler with minReplicas: 2 manage the count.',
    references: [`${K8S_DOCS}/concepts/workloads/controllers/deployment/#replicas`, `${K8S_DOCS}/tasks/run-application/configure-pdb/`, `${K8S_DOCS}/tasks/run-application/horizontal-pod-autoscale/`],
    tags: ['kubernetes', 'availability'],
  },
  scope: 'k8sObject',
  check(obj, ctx, model) {
    if (!judged(obj, ctx)) return;
    if (obj.kind !== 'Deployment' && obj.kind !== 'Rollout') {
      ctx.notApplicable(`${obj.kind} is not a Deployment`);
      return;
    }
    const replicas = obj.workload!.replicas;
    if (!replicas || replicas.value !== 1) return;
    if (obj.opaquePatch || obj.workload!.strategy === 'Recreate') return;
    if (obj.patches.some((p) => p.workload?.replicas && p.workload.replicas.value !== 1)) return;
    if ((model.k8sKustomizations ?? []).some((k) => k.role === 'production' && k.replicas.some((r) => r.name === obj.name && r.count !== 1))) return;
    if (autoscalers(obj, model).length > 0) return;
    const serving = servingContainers(obj, model);
    if (serving.length === 0) return;
    if (serving.some((c) => c.image && DATASTORE_IMAGE.test(c.image.value))) return;
    ctx.report({
      message: `${objectLabel(obj)} serves requests with replicas: 1: every node drain, upgrade or crash is an outage until a new pod is ready`,
      span: replicas.pairSpan,
      target: `${obj.kind}/${obj.name}`,
    });
  },
});
