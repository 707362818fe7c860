import type { RuleContext } from '../../src/engine/rule.js';
import type { K8sContainer, K8sObject } from '../../src/model/k8s/types.js';
import type { DeploymentModel } from '../../src/model/types.js';
import { bool11 } from '../../src/model/k8s/build.js';
import { asMap, get, items, num, pairOf, text } from '../../src/parse/yaml-positions.js';

export const K8S_DOCS = 'https://kubernetes.io/docs';
export const POD_SECURITY_STANDARDS = `${K8S_DOCS}/concepts/security/pod-security-standards/`;
export const SECURITY_CONTEXT = `${K8S_DOCS}/tasks/configure-pod-container/security-context/`;

/** Kinds that run a long-lived server (Jobs and CronJobs run to completion). */
export const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'Rollout', 'ReplicaSet', 'DeploymentConfig']);

/**
 * Whether a rule should look at this object at all: production, a whole object (not a kustomize
 * patch or fragment), with a pod template when `needWorkload`. Says why not through ctx.
 */
export function judged(obj: K8sObject, ctx: RuleContext, needWorkload = true): boolean {
  if (obj.role === 'development') {
    ctx.notApplicable('development manifest');
    return false;
  }
  if (obj.fragment) {
    ctx.notApplicable(obj.fragment === 'patch' ? 'kustomize patch' : 'manifest fragment');
    return false;
  }
  if (needWorkload && !obj.workload) {
    ctx.notApplicable(`${obj.kind} has no pod template`);
    return false;
  }
  return true;
}

export function objectLabel(obj: K8sObject): string {
  return `${obj.kind} ${obj.name ?? '(unnamed)'}`;
}

export function containerLabel(c: K8sContainer): string {
  const what = c.kind === 'init' ? 'init container' : c.kind === 'ephemeral' ? 'ephemeral container' : 'container';
  return `${what} ${c.name || '(unnamed)'}`;
}

/** Regular and init containers (ephemeral debugging containers are not part of the deployment). */
export function runtimeContainers(obj: K8sObject): K8sContainer[] {
  return (obj.workload?.containers ?? []).filter((c) => c.kind !== 'ephemeral');
}

/** The container as written, then the same container in each production kustomize patch. */
export function withPatches(obj: K8sObject, c: K8sContainer): K8sContainer[] {
  const out = [c];
  for (const p of obj.patches) {
    for (const pc of p.workload?.containers ?? []) if (pc.kind === c.kind && pc.name === c.name) out.push(pc);
  }
  return out;
}

function namespacesMatch(a: K8sObject, b: K8sObject): boolean {
  // A manifest without a namespace is deployed wherever kubectl or kustomize puts it.
  return a.namespace === undefined || b.namespace === undefined || a.namespace === b.namespace;
}

/** Services whose selector picks this workload's pods. */
export function selectingServices(obj: K8sObject, model: DeploymentModel): K8sObject[] {
  const labels = obj.workload?.podLabels;
  if (!labels || labels.size === 0) return [];
  return (model.k8sObjects ?? []).filter((s) => {
    if (s.kind !== 'Service' || s.fragment || !namespacesMatch(s, obj)) return false;
    const sel = asMap(get(get(s.root, 'spec'), 'selector'));
    if (!sel || sel.pairs.length === 0) return false;
    return sel.pairs.every((p) => labels.get(p.key) === text(p.value));
  });
}

/** Autoscalers (HorizontalPodAutoscaler, KEDA ScaledObject) that scale this workload. */
export function autoscalers(obj: K8sObject, model: DeploymentModel): K8sObject[] {
  return (model.k8sObjects ?? []).filter((h) => {
    if (h.role === 'development' || !namespacesMatch(h, obj)) return false;
    if (h.kind !== 'HorizontalPodAutoscaler' && h.kind !== 'ScaledObject') return false;
    const ref = get(get(h.root, 'spec'), 'scaleTargetRef');
    const kind = text(get(ref, 'kind')) ?? (h.kind === 'ScaledObject' ? 'Deployment' : undefined);
    return text(get(ref, 'name')) === obj.name && kind === obj.kind;
  });
}

/** Whether a LimitRange that applies to the object's namespace gives containers a default of `what`. */
export function limitRangeDefault(obj: K8sObject, model: DeploymentModel, section: 'default' | 'defaultRequest', resource: 'cpu' | 'memory'): boolean {
  return (model.k8sObjects ?? []).some((l) => {
    if (l.kind !== 'LimitRange' || l.role === 'development' || !namespacesMatch(l, obj)) return false;
    return items(get(get(l.root, 'spec'), 'limits')).some((lim) => text(get(lim, 'type')) === 'Container' && text(get(get(lim, section), resource)) !== undefined);
  });
}

/** Images of data stores that run as one replica by design (a Deployment of postgres is a singleton). */
export const DATASTORE_IMAGE = /(?:^|\/)(?:postgres|postgresql|postgis|mysql|mariadb|redis|valkey|mongo|mongodb|memcached|rabbitmq|elasticsearch|opensearch|minio|clickhouse|cassandra|zookeeper|kafka|etcd|influxdb|neo4j)(?:[:@]|$)/i;

/**
 * Containers that serve requests. When Services select the pods: the containers whose ports the
 * Services target (by number or name), else the first container. Without a Service: the
 * containers that declare ports.
 */
export function servingContainers(obj: K8sObject, model: DeploymentModel): K8sContainer[] {
  const regular = (obj.workload?.containers ?? []).filter((c) => c.kind === 'container');
  const services = selectingServices(obj, model);
  if (services.length === 0) return regular.filter((c) => c.ports.length > 0);
  const targets = new Set<string>();
  for (const s of services) {
    for (const p of items(get(get(s.root, 'spec'), 'ports'))) {
      const t = text(get(p, 'targetPort')) ?? text(get(p, 'port'));
      if (t !== undefined) targets.add(t);
    }
  }
  const targeted = regular.filter((c) =>
    items(get(c.node, 'ports')).some((p) => [text(get(p, 'containerPort')), text(get(p, 'name'))].some((v) => v !== undefined && targets.has(v))),
  );
  if (targeted.length > 0) return targeted;
  return regular.length > 0 ? [regular[0]!] : [];
}

/** Split an image reference into name, tag and digest (a registry port is not a tag). */
export function splitImage(ref: string): { name: string; tag?: string; digest?: string } {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  let tag: string | undefined;
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { name: rest, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

type SecurityKey = 'runAsNonRoot' | 'runAsUser' | 'allowPrivilegeEscalation' | 'readOnlyRootFilesystem' | 'privileged';

/**
 * A container's security setting after production kustomize patches: a container-level value
 * wins over a pod-level one, and a later patch over the manifest.
 */
export function effectiveSecurity(obj: K8sObject, c: K8sContainer): <K extends SecurityKey>(key: K) => NonNullable<K8sContainer['security'][K]> | undefined {
  const views = withPatches(obj, c).reverse();
  return <K extends SecurityKey>(key: K) => {
    const level = (v: K8sContainer) => {
      const e = v.security[key] as { from?: 'container' | 'pod' } | undefined;
      return e ? (e.from ?? 'container') : undefined;
    };
    for (const v of views) if (level(v) === 'container') return v.security[key] as NonNullable<K8sContainer['security'][K]>;
    // A patch may set the pod's securityContext (with or without containers).
    if (key === 'runAsNonRoot' || key === 'runAsUser') {
      for (const p of [...obj.patches].reverse()) {
        const pair = pairOf(p.workload?.podSecurityContext, key);
        const value = key === 'runAsNonRoot' ? bool11(pair?.value) : num(pair?.value);
        if (!pair || !pair.value || value === undefined) continue;
        return { value, span: pair.value.span, pairSpan: pair.span, text: text(pair.value) ?? '', from: 'pod' } as unknown as NonNullable<K8sContainer['security'][K]>;
      }
    }
    for (const v of views) if (level(v) === 'pod') return v.security[key] as NonNullable<K8sContainer['security'][K]>;
    return undefined;
  };
}
