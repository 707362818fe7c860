import type { Span } from '../../core/position.js';
import type { YamlMap, YamlProblem, YamlScalar } from '../../parse/yaml-positions.js';

/**
 * Kubernetes manifests in the deployment model: what rules see. Parsing is src/parse/yaml-positions.ts
 * (generic YAML); building (kinds, pod templates, kustomize, templates) is src/model/k8s/build.ts.
 */

export type K8sRole = 'production' | 'development';

/** A value read from a manifest, with where it is written. */
export interface K8sValue<T> {
  value: T;
  /** The value itself. */
  span: Span;
  /** `key: value`. */
  pairSpan: Span;
  /** The value as written (for numbers and booleans: the source text). */
  text: string;
}

/** A security setting as it applies to a container: its own, else the pod's. */
export interface K8sEffective<T> extends K8sValue<T> {
  from: 'container' | 'pod';
}

export interface K8sEnvVar {
  name: string;
  /** The `- name: X` item. */
  span: Span;
  nameSpan: Span;
  /** `value:` written literally. */
  value?: { text: string; span: Span; scalar: YamlScalar };
  /** `valueFrom:` (secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef). */
  valueFrom?: { source: 'secretKeyRef' | 'configMapKeyRef' | 'fieldRef' | 'resourceFieldRef' | 'other'; name?: string; key?: string; span: Span };
}

export interface K8sEnvFrom {
  source: 'secretRef' | 'configMapRef' | 'other';
  name?: string;
  span: Span;
}

export interface K8sResources {
  /** The `resources:` key, when present. */
  span?: Span;
  requests: { cpu?: K8sValue<string>; memory?: K8sValue<string> };
  limits: { cpu?: K8sValue<string>; memory?: K8sValue<string> };
}

export interface K8sContainer {
  name: string;
  /** `name:` value, or the item when it has none. */
  nameSpan: Span;
  /** The whole list item. */
  span: Span;
  kind: 'container' | 'init' | 'ephemeral';
  node: YamlMap;
  image?: K8sValue<string>;
  /** `imagePullPolicy`, when set. */
  imagePullPolicy?: K8sValue<string>;
  command: string[];
  args: string[];
  env: K8sEnvVar[];
  envFrom: K8sEnvFrom[];
  /** containerPort values (numbers), in order. */
  ports: number[];
  /** The `ports:` key, when present. */
  portsSpan?: Span;
  probes: { liveness?: Span; readiness?: Span; startup?: Span };
  resources: K8sResources;
  /** The container's own `securityContext:` map. */
  securityContext?: YamlMap;
  /** Effective security settings (container over pod, as the kubelet applies them). */
  security: {
    runAsNonRoot?: K8sEffective<boolean>;
    runAsUser?: K8sEffective<number>;
    /** Container level only (the pod securityContext has no such field). */
    allowPrivilegeEscalation?: K8sValue<boolean>;
    readOnlyRootFilesystem?: K8sValue<boolean>;
    privileged?: K8sValue<boolean>;
    capabilitiesAdd: K8sValue<string>[];
    capabilitiesDrop: K8sValue<string>[];
  };
}

export interface K8sVolume {
  name: string;
  span: Span;
  nameSpan: Span;
  /** The volume source key: hostPath, emptyDir, secret, configMap, persistentVolumeClaim ... */
  source: string;
  hostPath?: K8sValue<string>;
}

/** The pod template of a workload (or a Pod's own spec). */
export interface K8sWorkload {
  /** Key path from the document root to the pod spec, e.g. spec.template.spec. */
  podSpecPath: string[];
  podSpec?: YamlMap;
  /** Labels of the pod template (what Services select). */
  podLabels: Map<string, string>;
  replicas?: K8sValue<number>;
  hostNetwork?: K8sValue<boolean>;
  hostPID?: K8sValue<boolean>;
  hostIPC?: K8sValue<boolean>;
  podSecurityContext?: YamlMap;
  containers: K8sContainer[];
  volumes: K8sVolume[];
  /** `strategy.type` of a Deployment (Recreate marks a deliberate singleton). */
  strategy?: string;
}

export interface K8sObject {
  file: string;
  /** 0-based index of the YAML document in the file (and of the item in a `kind: List`). */
  document: number;
  apiVersion: string;
  kind: string;
  name?: string;
  namespace?: string;
  /** The document. */
  span: Span;
  /** `kind: X`: where object-wide findings point. */
  kindSpan: Span;
  /** `name:` in metadata. */
  nameSpan?: Span;
  root: YamlMap;
  labels: Map<string, string>;
  annotations: Map<string, string>;
  /** Development manifests (dev/local/test in the path, or configured) are not judged as production. */
  role: K8sRole;
  /**
   * Not a whole object: a kustomize patch ('patch': named by a kustomization's patches) or a
   * fragment that cannot be applied as it is ('partial': a container without an image).
   * Rules do not judge fragments on their own.
   */
  fragment?: 'patch' | 'partial';
  /** Pod-owning kinds: Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob ... */
  workload?: K8sWorkload;
  /** Kustomize patches (strategic merge, same kind and name) that production overlays apply to it. */
  patches: K8sObject[];
  /**
   * A production kustomization applies a patch to it that this model cannot read (an inline
   * patch, a JSON 6902 patch): what the cluster runs may differ, so rules about patchable fields
   * stay silent rather than guess.
   */
  opaquePatch?: Span;
}

/** A kustomization.yaml: how kustomize assembles manifests (never judged as a manifest). */
export interface K8sKustomization {
  file: string;
  dir: string;
  role: K8sRole;
  namespace?: string;
  resources: string[];
  /** Repo-relative paths of patch files (patches[].path, patchesStrategicMerge). */
  patchFiles: string[];
  images: Array<{ name: string; newName?: string; newTag?: string; digest?: string; span: Span }>;
  replicas: Array<{ name: string; count?: number; span: Span }>;
  /** Patches with a `target:` (inline, or a JSON 6902 file): the kinds and names they change. */
  targetedPatches: Array<{ kind?: string; name?: string; path?: string; span: Span }>;
  /** configMapGenerator / secretGenerator entries: objects whose content kustomize assembles. */
  generators?: Array<{ kind: 'ConfigMap' | 'Secret'; name: string; span: Span }>;
}

export interface K8sFile {
  file: string;
  /** 'manifest': Kubernetes objects; 'kustomization'; 'template': Helm/Jinja/Go templating, skipped. */
  kind: 'manifest' | 'kustomization' | 'template';
  role: K8sRole;
  /** YAML syntax problems (a manifest kubectl cannot read). */
  problems: YamlProblem[];
  /** Objects from this file (none for templates). */
  objects: K8sObject[];
}
