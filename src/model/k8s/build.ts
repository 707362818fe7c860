import type { Notice } from '../../core/finding.js';
import type { Span } from '../../core/position.js';
import type { SourceText } from '../../core/source.js';
import type { DiscoveredFile } from '../../discover/types.js';
import {
  asMap,
  asScalar,
  get,
  getPath,
  items,
  pairOf,
  parseYamlFile,
  text,
  walk,
  type YamlMap,
  type YamlNode,
  type YamlScalar,
} from '../../parse/yaml-positions.js';
import type { ModelSources } from '../build.js';
import type {
  K8sContainer,
  K8sEffective,
  K8sEnvFrom,
  K8sEnvVar,
  K8sFile,
  K8sKustomization,
  K8sObject,
  K8sRole,
  K8sValue,
  K8sVolume,
  K8sWorkload,
} from './types.js';
import { untrustedRegExp } from '../../core/untrusted-regex.js';

export interface K8sModel {
  files: K8sFile[];
  objects: K8sObject[];
  kustomizations: K8sKustomization[];
}

/** Where the pod spec sits in each pod-owning kind. */
const POD_SPEC_PATH: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  // Argo Rollouts: a Deployment with a rollout strategy; OpenShift's older DeploymentConfig.
  Rollout: ['spec', 'template', 'spec'],
  DeploymentConfig: ['spec', 'template', 'spec'],
};

/** Kinds with `spec.replicas`. */
const REPLICATED = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Rollout', 'DeploymentConfig']);

const KUSTOMIZATION_FILE = /^(?:kustomization\.ya?ml|Kustomization)$/;

const DEV_WORDS = new Set(['dev', 'devel', 'develop', 'development', 'local', 'test', 'tests', 'testing', 'example', 'examples', 'sample', 'samples', 'sandbox', 'minikube', 'kind', 'microk8s', 'k3d']);

/** Development when a word of the path says so (overlays/dev/, k8s/local/ ...), production otherwise. */
export function manifestRole(path: string, sources?: Pick<ModelSources, 'configuredRole'>): K8sRole {
  const configured = sources?.configuredRole(path);
  if (configured) return configured;
  const words = path.toLowerCase().split(/[/._-]+/).filter(Boolean);
  return words.some((w) => DEV_WORDS.has(w)) ? 'development' : 'production';
}

/**
 * Kubernetes manifests among the YAML files discovery could not name ('yaml-candidate'),
 * recognised by content: documents with `apiVersion` and `kind`. Helm chart templates and other
 * templated files (`{{ }}`, `{% %}`) are reported as a notice and skipped; kustomization files are
 * read for what they say about other manifests (patches, images, replicas), never judged.
 */
export function buildK8s(files: DiscoveredFile[], sources: ModelSources, notices: Notice[]): K8sModel {
  const out: K8sModel = { files: [], objects: [], kustomizations: [] };
  const paths = new Set(files.map((f) => f.path));
  for (const f of files) {
    if (f.kind !== 'yaml-candidate') continue;
    const base = f.path.slice(f.path.lastIndexOf('/') + 1);
    const isKustomization = KUSTOMIZATION_FILE.test(base);
    const src = sources.text(f.path);
    if (!src) continue;
    if (!isKustomization && !looksLikeManifest(src.text)) continue;
    const role = manifestRole(f.path, sources);
    const chart = helmChartOf(f.path, paths);
    if (chart) {
      out.files.push({ file: f.path, kind: 'template', role, problems: [], objects: [] });
      notices.push({ kind: 'info', file: f.path, message: `Helm chart template (chart in ${chart === '.' ? 'the repository root' : `${chart}/`}): not checked as a Kubernetes manifest; audit the output of helm template instead` });
      continue;
    }
    const parsed = parseYamlFile(src);
    const marker = templateMarker(src, parsed.documents.map((d) => d.contents));
    if (marker) {
      out.files.push({ file: f.path, kind: 'template', role, problems: [], objects: [] });
      notices.push({ kind: 'info', file: f.path, span: marker, message: `templated file (${src.text.slice(marker.start.offset, marker.end.offset)} at line ${marker.start.line}): not checked as a Kubernetes manifest; audit the rendered output instead` });
      continue;
    }
    if (isKustomization || parsed.documents.some((d) => isKustomizationDoc(d.contents))) {
      const k = readKustomization(f.path, role, parsed.documents[0]?.contents);
      out.kustomizations.push(k);
      out.files.push({ file: f.path, kind: 'kustomization', role, problems: parsed.problems, objects: [] });
      continue;
    }
    const file: K8sFile = { file: f.path, kind: 'manifest', role, problems: parsed.problems, objects: [] };
    for (const doc of parsed.documents) {
      const root = asMap(doc.contents);
      if (!root) continue;
      if (text(get(root, 'kind')) === 'List' && get(root, 'items')) {
        items(get(root, 'items')).forEach((item) => {
          const m = asMap(item);
          const o = m ? objectOf(f.path, doc.index, m, role) : undefined;
          if (o) file.objects.push(o);
        });
        continue;
      }
      const o = objectOf(f.path, doc.index, root, role);
      if (o) file.objects.push(o);
    }
    // A file whose documents did not parse into objects but says it is a manifest still counts,
    // so its syntax problems are reported.
    if (file.objects.length > 0 || file.problems.length > 0) {
      out.files.push(file);
      out.objects.push(...file.objects);
    }
  }
  applyKustomizations(out);
  return out;
}

/** Cheap pre-check before parsing: a top-level apiVersion and kind somewhere in the text. */
function looksLikeManifest(t: string): boolean {
  return /^apiVersion\s*:/m.test(t) && /^kind\s*:/m.test(t);
}

function isKustomizationDoc(n: YamlNode | undefined): boolean {
  const kind = text(get(n, 'kind'));
  return kind === 'Kustomization' || kind === 'Component';
}

/** The chart directory when the file is under a Helm chart's templates/ (a Chart.yaml above it). */
function helmChartOf(path: string, paths: Set<string>): string | undefined {
  const parts = path.split('/');
  for (let i = parts.length - 2; i >= 0; i--) {
    if (parts[i] !== 'templates') continue;
    const chartDir = parts.slice(0, i).join('/');
    const chartFile = chartDir ? `${chartDir}/Chart.yaml` : 'Chart.yaml';
    if (paths.has(chartFile) || paths.has(chartFile.replace(/yaml$/, 'yml'))) return chartDir || '.';
  }
  return undefined;
}

const HELM_ACTION = /\{\{-?\s*(?:if|else|end|range|with|define|template|include|block|toYaml|tpl|required|default|\$|\.Values|\.Release|\.Chart|\.Capabilities|\.Files|\/\*)|-\}\}|\{\{-|\.Values\.|\.Release\./;
const JINJA = /\{%-?\s*\w|\{#/;

/**
 * Where a file shows it is a template rather than a manifest: a Go/Helm action, a Jinja tag, or
 * a `{{ }}` outside a quoted or block string (Prometheus and Argo write `{{ $labels.x }}` inside
 * strings of real manifests; those are not templates).
 */
function templateMarker(src: SourceText, docs: Array<YamlNode | undefined>): Span | undefined {
  const t = src.text;
  if (!t.includes('{{') && !t.includes('{%')) return undefined;
  const inString: Array<[number, number]> = [];
  for (const d of docs) {
    walk(d, (n) => {
      if (n.kind === 'scalar' && n.style !== 'plain') inString.push([n.source.start, n.source.end]);
    });
  }
  const quoted = (i: number) => inString.some(([a, b]) => i >= a && i < b);
  const lines = t.split('\n');
  let offset = 0;
  for (const line of lines) {
    const body = line.replace(/\r$/, '');
    if (!/^\s*#/.test(body)) {
      for (const re of [HELM_ACTION, JINJA]) {
        const m = re.exec(body);
        if (m && !(re === HELM_ACTION && /\{\{\s*\$labels\./.test(body))) return src.lines.span(src.path, offset + m.index, offset + m.index + m[0].length);
      }
      for (let i = body.indexOf('{{'); i >= 0; i = body.indexOf('{{', i + 2)) {
        if (body[i - 1] === '$') continue;
        if (!quoted(offset + i)) return src.lines.span(src.path, offset + i, offset + i + 2);
      }
    }
    offset += line.length + 1;
  }
  return undefined;
}

function objectOf(file: string, document: number, root: YamlMap, role: K8sRole): K8sObject | undefined {
  const apiVersion = text(get(root, 'apiVersion'));
  const kindNode = asScalar(get(root, 'kind'));
  const kind = text(kindNode);
  if (!apiVersion || !kind || !kindNode) return undefined;
  const metadata = get(root, 'metadata');
  const nameNode = asScalar(get(metadata, 'name'));
  const obj: K8sObject = {
    file,
    document,
    apiVersion,
    kind,
    span: root.span,
    kindSpan: pairOf(root, 'kind')!.span,
    root,
    labels: stringMap(get(metadata, 'labels')),
    annotations: stringMap(get(metadata, 'annotations')),
    role,
    patches: [],
  };
  const name = text(nameNode);
  if (name !== undefined && nameNode) {
    obj.name = name;
    obj.nameSpan = nameNode.span;
  }
  const ns = text(get(metadata, 'namespace'));
  if (ns !== undefined) obj.namespace = ns;
  const podPath = POD_SPEC_PATH[kind];
  if (podPath) {
    obj.workload = workloadOf(root, kind, podPath);
    if (obj.workload.containers.some((c) => c.kind !== 'ephemeral' && !c.image)) obj.fragment = 'partial';
  }
  return obj;
}

function stringMap(n: YamlNode | undefined): Map<string, string> {
  const out = new Map<string, string>();
  const m = asMap(n);
  if (m) for (const p of m.pairs) { const v = text(p.value); if (v !== undefined) out.set(p.key, v); }
  return out;
}

function workloadOf(root: YamlMap, kind: string, podSpecPath: string[]): K8sWorkload {
  const podSpec = asMap(getPath(root, ...podSpecPath));
  const templatePath = podSpecPath.slice(0, -1);
  const podLabels = stringMap(getPath(root, ...(kind === 'Pod' ? [] : templatePath), 'metadata', 'labels'));
  const podSecurityContext = asMap(get(podSpec, 'securityContext'));
  const w: K8sWorkload = {
    podSpecPath,
    podSpec,
    podLabels,
    podSecurityContext,
    containers: [],
    volumes: [],
  };
  if (REPLICATED.has(kind)) {
    const r = valueOf(asMap(get(root, 'spec')), 'replicas', num);
    if (r) w.replicas = r;
    const strategy = text(getPath(root, 'spec', 'strategy', 'type')) ?? text(getPath(root, 'spec', 'updateStrategy', 'type'));
    if (strategy) w.strategy = strategy;
  }
  for (const key of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    const v = valueOf(podSpec, key, bool11);
    if (v) w[key] = v;
  }
  for (const [key, ckind] of [['initContainers', 'init'], ['containers', 'container'], ['ephemeralContainers', 'ephemeral']] as const) {
    for (const item of items(get(podSpec, key))) {
      const m = asMap(item);
      if (m) w.containers.push(containerOf(m, ckind, podSecurityContext));
    }
  }
  for (const item of items(get(podSpec, 'volumes'))) {
    const m = asMap(item);
    if (!m) continue;
    const nameNode = asScalar(get(m, 'name'));
    const sourcePair = m.pairs.find((p) => p.key !== 'name');
    const v: K8sVolume = { name: text(nameNode) ?? '', span: m.span, nameSpan: nameNode?.span ?? m.span, source: sourcePair?.key ?? '' };
    const hp = valueOf(asMap(get(m, 'hostPath')), 'path', str);
    if (hp) v.hostPath = hp;
    else if (sourcePair?.key === 'hostPath') v.hostPath = { value: '', span: sourcePair.span, pairSpan: sourcePair.span, text: '' };
    w.volumes.push(v);
  }
  return w;
}

function containerOf(m: YamlMap, kind: K8sContainer['kind'], pod: YamlMap | undefined): K8sContainer {
  const nameNode = asScalar(get(m, 'name'));
  const sc = asMap(get(m, 'securityContext'));
  const c: K8sContainer = {
    name: text(nameNode) ?? '',
    nameSpan: nameNode?.span ?? m.span,
    span: m.span,
    kind,
    node: m,
    command: items(get(m, 'command')).map((n) => text(n) ?? ''),
    args: items(get(m, 'args')).map((n) => text(n) ?? ''),
    env: [],
    envFrom: [],
    ports: [],
    probes: {},
    resources: { requests: {}, limits: {} },
    securityContext: sc,
    security: { capabilitiesAdd: [], capabilitiesDrop: [] },
  };
  const image = valueOf(m, 'image', str);
  if (image) c.image = image;
  const pull = valueOf(m, 'imagePullPolicy', str);
  if (pull) c.imagePullPolicy = pull;
  for (const item of items(get(m, 'env'))) {
    const e = asMap(item);
    if (!e) continue;
    const n = asScalar(get(e, 'name'));
    const v: K8sEnvVar = { name: text(n) ?? '', span: e.span, nameSpan: n?.span ?? e.span };
    const value = asScalar(get(e, 'value'));
    if (value && value.value !== null) v.value = { text: value.text, span: value.span, scalar: value };
    const from = asMap(get(e, 'valueFrom'));
    if (from) {
      const p = from.pairs[0];
      const source = p && ['secretKeyRef', 'configMapKeyRef', 'fieldRef', 'resourceFieldRef'].includes(p.key) ? (p.key as 'secretKeyRef') : 'other';
      v.valueFrom = { source, span: from.span };
      const ref = p ? asMap(p.value) : undefined;
      const refName = text(get(ref, 'name'));
      const refKey = text(get(ref, 'key'));
      if (refName !== undefined) v.valueFrom.name = refName;
      if (refKey !== undefined) v.valueFrom.key = refKey;
    }
    c.env.push(v);
  }
  for (const item of items(get(m, 'envFrom'))) {
    const e = asMap(item);
    if (!e) continue;
    const secret = asMap(get(e, 'secretRef'));
    const cm = asMap(get(e, 'configMapRef'));
    const ef: K8sEnvFrom = { source: secret ? 'secretRef' : cm ? 'configMapRef' : 'other', span: e.span };
    const n = text(get(secret ?? cm, 'name'));
    if (n !== undefined) ef.name = n;
    c.envFrom.push(ef);
  }
  const ports = pairOf(m, 'ports');
  if (ports) c.portsSpan = ports.span;
  for (const item of items(ports?.value)) {
    const p = num(get(item, 'containerPort'));
    if (p !== undefined) c.ports.push(p);
  }
  for (const [key, probe] of [['livenessProbe', 'liveness'], ['readinessProbe', 'readiness'], ['startupProbe', 'startup']] as const) {
    const p = pairOf(m, key);
    if (p && asMap(p.value)) c.probes[probe] = p.span;
  }
  const res = pairOf(m, 'resources');
  if (res) c.resources.span = res.span;
  for (const section of ['requests', 'limits'] as const) {
    const s = asMap(get(res?.value, section));
    for (const r of ['cpu', 'memory'] as const) {
      const v = valueOf(s, r, str);
      if (v) c.resources[section][r] = v;
    }
  }
  const eff = <T>(key: string, read: (n: YamlNode | undefined) => T | undefined): K8sEffective<T> | undefined => {
    const own = valueOf(sc, key, read);
    if (own) return { ...own, from: 'container' };
    const inherited = valueOf(pod, key, read);
    return inherited ? { ...inherited, from: 'pod' } : undefined;
  };
  const runAsNonRoot = eff('runAsNonRoot', bool11);
  if (runAsNonRoot) c.security.runAsNonRoot = runAsNonRoot;
  const runAsUser = eff('runAsUser', num);
  if (runAsUser) c.security.runAsUser = runAsUser;
  for (const key of ['allowPrivilegeEscalation', 'readOnlyRootFilesystem', 'privileged'] as const) {
    const v = valueOf(sc, key, bool11);
    if (v) c.security[key] = v;
  }
  const caps = asMap(get(sc, 'capabilities'));
  for (const [key, list] of [['add', c.security.capabilitiesAdd], ['drop', c.security.capabilitiesDrop]] as const) {
    for (const item of items(get(caps, key))) {
      const s = asScalar(item);
      if (s && s.value !== null) list.push({ value: s.text, span: s.span, pairSpan: s.span, text: s.text });
    }
  }
  return c;
}

/** A key's value read with `read`, with spans; undefined when absent or of another type. */
function valueOf<T>(m: YamlMap | undefined, key: string, read: (n: YamlNode | undefined) => T | undefined): K8sValue<T> | undefined {
  const p = pairOf(m, key);
  if (!p || !p.value) return undefined;
  const v = read(p.value);
  if (v === undefined) return undefined;
  return { value: v, span: p.value.span, pairSpan: p.span, text: text(p.value) ?? '' };
}

function str(n: YamlNode | undefined): string | undefined {
  return text(n);
}

function num(n: YamlNode | undefined): number | undefined {
  const s = asScalar(n);
  return s && typeof s.value === 'number' ? s.value : undefined;
}

const TRUE_11 = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE']);
const FALSE_11 = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE']);

/**
 * A boolean as Kubernetes reads it: its YAML is decoded as YAML 1.1 (sigs.k8s.io/yaml over
 * go-yaml v2), where a plain `yes`/`on` is true. A quoted "true" is a string, which the API
 * server rejects for a boolean field: not a boolean here either.
 */
export function bool11(n: YamlNode | undefined): boolean | undefined {
  const s = asScalar(n);
  if (!s) return undefined;
  if (typeof s.value === 'boolean') return s.value;
  if (s.style !== 'plain') return undefined;
  if (TRUE_11.has(s.text)) return true;
  if (FALSE_11.has(s.text)) return false;
  return undefined;
}

function readKustomization(file: string, role: K8sRole, root: YamlNode | undefined): K8sKustomization {
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  const rel = (p: string) => normalise(dir ? `${dir}/${p}` : p);
  const k: K8sKustomization = { file, dir, role, resources: [], patchFiles: [], images: [], replicas: [], targetedPatches: [] };
  const ns = text(get(root, 'namespace'));
  if (ns) k.namespace = ns;
  for (const key of ['resources', 'bases', 'components']) for (const r of items(get(root, key))) { const t = text(r); if (t) k.resources.push(rel(t)); }
  for (const p of items(get(root, 'patchesStrategicMerge'))) { const t = text(p); if (t && !t.includes('\n')) k.patchFiles.push(rel(t)); }
  for (const key of ['patches', 'patchesJson6902']) {
    for (const p of items(get(root, key))) {
      const t = text(get(p, 'path')) ?? (asScalar(p) ? text(p) : undefined);
      if (t) k.patchFiles.push(rel(t));
      const target = asMap(get(p, 'target'));
      if (target) {
        const tp: K8sKustomization['targetedPatches'][number] = { span: p.span };
        const kind = text(get(target, 'kind'));
        const name = text(get(target, 'name'));
        if (kind) tp.kind = kind;
        if (name) tp.name = name;
        if (t) tp.path = rel(t);
        k.targetedPatches.push(tp);
      }
    }
  }
  for (const i of items(get(root, 'images'))) {
    const name = text(get(i, 'name'));
    if (!name) continue;
    const img: K8sKustomization['images'][number] = { name, span: i.span };
    const newName = text(get(i, 'newName'));
    const newTag = text(get(i, 'newTag'));
    const digest = text(get(i, 'digest'));
    if (newName) img.newName = newName;
    if (newTag) img.newTag = newTag;
    if (digest) img.digest = digest;
    k.images.push(img);
  }
  for (const [key, kind] of [['configMapGenerator', 'ConfigMap'], ['secretGenerator', 'Secret']] as const) {
    for (const g of items(get(root, key))) {
      const name = text(get(g, 'name'));
      if (name) (k.generators ??= []).push({ kind, name, span: g.span });
    }
  }
  for (const r of items(get(root, 'replicas'))) {
    const name = text(get(r, 'name'));
    if (!name) continue;
    const count = num(get(r, 'count'));
    k.replicas.push(count === undefined ? { name, span: r.span } : { name, count, span: r.span });
  }
  return k;
}

function normalise(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

/**
 * Patch files named by a kustomization are fragments; a strategic-merge patch (same kind and
 * name) from a production overlay is attached to the objects it patches.
 */
function applyKustomizations(k8s: K8sModel): void {
  const patchFiles = new Map<string, K8sKustomization>();
  for (const k of k8s.kustomizations) for (const p of k.patchFiles) patchFiles.set(p, k);
  for (const o of k8s.objects) {
    if (patchFiles.has(o.file)) o.fragment = 'patch';
  }
  for (const patch of k8s.objects) {
    if (patch.fragment !== 'patch' || patch.role !== 'production' || !patch.name) continue;
    const k = patchFiles.get(patch.file);
    if (k?.role === 'development') continue;
    for (const o of k8s.objects) {
      if (o === patch || o.fragment === 'patch' || o.kind !== patch.kind || o.name !== patch.name) continue;
      o.patches.push(patch);
    }
  }
  // Patches by target that are not strategic-merge objects: inline patches, JSON 6902 operations.
  const objectFiles = new Set(k8s.objects.map((o) => o.file));
  for (const k of k8s.kustomizations) {
    if (k.role === 'development') continue;
    for (const t of k.targetedPatches) {
      if (t.path && objectFiles.has(t.path)) continue;
      for (const o of k8s.objects) {
        if (o.fragment === 'patch' || (t.kind && t.kind !== o.kind) || (t.name && !nameMatches(t.name, o.name))) continue;
        o.opaquePatch ??= t.span;
      }
    }
  }
}

/** kustomize target names are regular expressions anchored on both ends. */
function nameMatches(pattern: string, name: string | undefined): boolean {
  if (name === undefined) return false;
  const re = untrustedRegExp(`^(?:${pattern})$`);
  return re ? re.test(name) : pattern === name;
}

export type { YamlScalar };
