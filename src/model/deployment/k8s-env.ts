import type { Span } from '../../core/position.js';
import type { DiscoveredFile } from '../../discover/types.js';
import { asMap, asScalar, get, items, parseYamlFile, text, type YamlMap, type YamlNode } from '../../parse/yaml-positions.js';
import { appServerForCommandLine } from '../appserver/build.js';
import type { AppServerInstance } from '../appserver/types.js';
import type { ModelSources } from '../build.js';
import type { DockerfileModel } from '../containers/types.js';
import type { EnvLayer } from '../env/types.js';
import { bool11 } from '../k8s/build.js';
import type { K8sContainer, K8sKustomization, K8sObject } from '../k8s/types.js';
import { VarsLayer, type ServiceEnvironment } from './service-env.js';
import { filesByPath } from '../files.js';

/**
 * The environment of each production Kubernetes container that runs the Django app, layered as the
 * kubelet builds it (issue 5): the image's ENV (the repository's Dockerfile, when the image is
 * known to be built from it) < `envFrom` sources in order (a later source wins a duplicate key;
 * `prefix` prepended) < `env` entries in order (the last of a name wins), `valueFrom` keys read
 * from the ConfigMap or Secret of that name when the repository holds it (Secret `data` is base64,
 * `stringData` wins). `$(VAR)` in an `env` value expands to a variable defined before it. The
 * environment is complete only when the container declares env or envFrom, every source is in the
 * repository and the image is the repository's own.
 */

type Var = { name: string; value: string | null; span: Span; valueSpan?: Span };

/** One resolved ConfigMap or Secret: its keys with the line that defines each. */
interface DataSource {
  /** The object, or, for a kustomize generator, undefined. */
  object?: K8sObject;
  /** Where it is defined (the object's file, or the kustomization). */
  file: string;
  data: Map<string, Var>;
}

export interface KubernetesInputs {
  objects: readonly K8sObject[];
  kustomizations: readonly K8sKustomization[];
  dockerfiles: readonly DockerfileModel[];
  appServers: readonly AppServerInstance[];
  files: DiscoveredFile[];
}

/** Images that never run the project's code (databases, caches, proxies, base images). */
const FOREIGN_IMAGE = /^(?:docker\.io\/)?(?:library\/)?(?:bitnami\/)?(?:python|nginx|redis|valkey|postgres|postgresql|mysql|mariadb|memcached|rabbitmq|busybox|alpine|debian|ubuntu|traefik|envoy|haproxy|caddy|elasticsearch|mongo|minio\/minio|curlimages\/curl)(?::|@|$)/i;

export function kubernetesEnvironments(inputs: KubernetesInputs, sources: ModelSources): ServiceEnvironment[] {
  const out: ServiceEnvironment[] = [];
  // A patch belongs to the overlay (kustomization directory) that names it.
  const owner = new Map<string, string>();
  for (const k of inputs.kustomizations) for (const f of k.patchFiles) owner.set(f, k.dir);
  const overlayDir = (file: string) => owner.get(file) ?? dirOf(file);
  for (const obj of inputs.objects) {
    if (obj.role !== 'production' || obj.fragment || !obj.workload || obj.opaquePatch) continue;
    for (const overlay of overlaysOf(obj, inputs.objects, overlayDir)) {
      for (const base of obj.workload.containers) {
        if (base.kind !== 'container') continue;
        const c = mergeContainer(base, overlay.patches);
        if (!c) continue;
        const env = containerEnvironment(obj, c, overlay, inputs, sources);
        if (env) out.push(env);
      }
    }
  }
  return out;
}

/** Every decoded value of the repository's Secrets: never printed (the reporters scrub them). */
export function kubernetesSecretValues(objects: readonly K8sObject[]): string[] {
  const out: string[] = [];
  for (const o of objects) if (o.kind === 'Secret') for (const v of readData(o).values()) if (v.value && v.value.length >= 4) out.push(v.value);
  return out;
}

interface Overlay {
  /** The overlay's kustomization directory ('' = none: the objects as written). */
  dir: string;
  /** Its patches of the workload. */
  patches: K8sObject[];
  /** The overlay a patch file belongs to. */
  overlayDir: (file: string) => string;
}

/**
 * One variant per production overlay directory whose patches change the workload or a ConfigMap
 * or Secret it reads (kustomize builds each overlay on its own), else the objects as written.
 */
function overlaysOf(obj: K8sObject, objects: readonly K8sObject[], overlayDir: (file: string) => string): Overlay[] {
  const refs = new Set<string>();
  for (const o of [obj, ...obj.patches]) {
    for (const c of o.workload?.containers ?? []) {
      for (const ef of c.envFrom) if (ef.name) refs.add(`${ef.source === 'secretRef' ? 'Secret' : 'ConfigMap'}/${ef.name}`);
      for (const e of c.env) if (e.valueFrom?.name) refs.add(`${e.valueFrom.source === 'secretKeyRef' ? 'Secret' : 'ConfigMap'}/${e.valueFrom.name}`);
    }
  }
  const sources = objects.filter((o) => (o.kind === 'ConfigMap' || o.kind === 'Secret') && o.fragment !== 'patch' && refs.has(`${o.kind}/${o.name}`));
  const dirs = new Set([...obj.patches, ...sources.flatMap((o) => o.patches)].map((p) => overlayDir(p.file)));
  if (dirs.size === 0) return [{ dir: '', patches: [], overlayDir }];
  return [...dirs].sort().map((dir) => ({ dir, patches: obj.patches.filter((p) => overlayDir(p.file) === dir), overlayDir }));
}

function dirOf(file: string): string {
  return file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
}

/** What a container runs with after strategic-merge patches (containers and env by name; envFrom, command and args replaced). */
interface MergedContainer {
  name: string;
  base: K8sContainer;
  image?: { value: string; span: Span };
  command: YamlNode[];
  args: YamlNode[];
  env: YamlMap[];
  envFrom: YamlMap[];
}

function mergeContainer(base: K8sContainer, patches: K8sObject[]): MergedContainer | undefined {
  const m: MergedContainer = {
    name: base.name,
    base,
    ...(base.image ? { image: { value: base.image.value, span: base.image.span } } : {}),
    command: items(get(base.node, 'command')),
    args: items(get(base.node, 'args')),
    env: items(get(base.node, 'env')).map(asMap).filter((x): x is YamlMap => !!x),
    envFrom: items(get(base.node, 'envFrom')).map(asMap).filter((x): x is YamlMap => !!x),
  };
  for (const patch of patches) {
    const pc = patch.workload?.containers.find((x) => x.kind === base.kind && x.name === base.name);
    if (!pc) continue;
    // Patch directives ($patch: delete/replace, $setElementOrder) change lists in ways not modelled here.
    if (pc.node.pairs.some((p) => p.key.startsWith('$')) || JSON.stringify(keysOf(pc.node)).includes('"$')) return undefined;
    if (pc.image) m.image = { value: pc.image.value, span: pc.image.span };
    if (get(pc.node, 'command')) m.command = items(get(pc.node, 'command'));
    if (get(pc.node, 'args')) m.args = items(get(pc.node, 'args'));
    if (get(pc.node, 'envFrom')) m.envFrom = items(get(pc.node, 'envFrom')).map(asMap).filter((x): x is YamlMap => !!x);
    for (const e of items(get(pc.node, 'env')).map(asMap)) {
      if (!e) continue;
      const name = text(get(e, 'name'));
      const i = m.env.findIndex((x) => text(get(x, 'name')) === name);
      if (i >= 0) m.env[i] = e;
      else m.env.push(e);
    }
  }
  return m;
}

function keysOf(n: YamlNode | undefined): unknown {
  const map = asMap(n);
  if (map) return map.pairs.map((p) => [p.key, keysOf(p.value)]);
  return items(n).map(keysOf);
}

/** The app server the container starts: its own command/args, else the repository's image's. */
function containerServer(obj: K8sObject, c: MergedContainer, inputs: KubernetesInputs, sources: ModelSources, linked: DockerfileModel | undefined): AppServerInstance | undefined {
  const words = [...c.command, ...c.args].map(asScalar);
  if (words.length > 0) {
    // Only args with an ENTRYPOINT in the image: the args are handed to it; a server named there still runs.
    if (words.some((w) => !w || typeof w.value !== 'string')) return undefined;
    const first = words[0]!;
    const last = words[words.length - 1]!;
    // A start script of the repository's image (`command: ["/start"]`) that runs the server itself.
    const script = linked?.stages.flatMap((st) => st.launchScripts).find((l) => l.containerPath === first.text);
    if (script) return inputs.appServers.find((i) => i.origin === 'dockerfile' && i.file === script.file && i.role === 'production' && i.web && i.server !== 'runserver' && i.server !== 'other');
    return appServerForCommandLine(
      {
        origin: 'kubernetes',
        file: obj.file,
        words: words.map((w) => ({ value: w!.text, span: w!.span })),
        span: { file: obj.file, start: first.span.start, end: last.span.end },
        processName: `${obj.kind}/${obj.name ?? '?'} container ${c.name}`,
        role: 'production',
        web: true,
        environment: { vars: [], complete: false, openBy: 'the Kubernetes container environment' },
      },
      filesByPath(inputs.files),
      sources,
    );
  }
  // No command: the image's own ENTRYPOINT/CMD, known when the image is the repository's.
  if (!linked) return undefined;
  return dockerfileServers(linked, inputs.appServers)[0];
}

/** The production web servers a Dockerfile's image starts (its CMD/ENTRYPOINT, or the start script they run). */
function dockerfileServers(df: DockerfileModel, appServers: readonly AppServerInstance[]): AppServerInstance[] {
  const names = new Set([df.file, ...df.targets.map((t) => df.stages[t]?.name ?? df.file)]);
  return imageServers(appServers).filter((i) => i.file === df.file || (i.processName !== undefined && names.has(i.processName)));
}

/** The production web servers any Dockerfile starts, found once per app-server list (not once per container and Dockerfile). */
const imageServersOf = new WeakMap<readonly AppServerInstance[], AppServerInstance[]>();
function imageServers(appServers: readonly AppServerInstance[]): AppServerInstance[] {
  let list = imageServersOf.get(appServers);
  if (!list) {
    list = appServers.filter((i) => i.origin === 'dockerfile' && i.role === 'production' && i.web && i.server !== 'runserver' && i.server !== 'other');
    imageServersOf.set(appServers, list);
  }
  return list;
}

/** The production Dockerfiles whose image starts an app server, found once per input set. */
const servingDockerfilesOf = new WeakMap<KubernetesInputs, DockerfileModel[]>();
function servingDockerfiles(inputs: KubernetesInputs): DockerfileModel[] {
  let list = servingDockerfilesOf.get(inputs);
  if (!list) {
    list = inputs.dockerfiles.filter((df) => df.role === 'production' && dockerfileServers(df, inputs.appServers).length > 0);
    servingDockerfilesOf.set(inputs, list);
  }
  return list;
}

/**
 * The repository's Dockerfile that builds the container's image: the one production Dockerfile
 * whose image starts an app server, when the image is not a database, proxy or base image.
 */
function linkedDockerfile(c: MergedContainer, inputs: KubernetesInputs): DockerfileModel | undefined {
  if (!c.image || FOREIGN_IMAGE.test(c.image.value) || c.image.value.includes('$')) return undefined;
  const serving = servingDockerfiles(inputs);
  return serving.length === 1 ? serving[0] : undefined;
}

function containerEnvironment(
  obj: K8sObject,
  c: MergedContainer,
  overlay: Overlay,
  inputs: KubernetesInputs,
  sources: ModelSources,
): ServiceEnvironment | undefined {
  const linked = linkedDockerfile(c, inputs);
  const instance = containerServer(obj, c, inputs, sources, linked);
  if (!instance || instance.role !== 'production' || instance.server === 'runserver' || !instance.app) return undefined;
  const label = `Kubernetes ${obj.kind} ${obj.name ?? '?'}, container ${c.name}${overlay.dir ? ` (${overlay.dir})` : ''}`;
  const layers: EnvLayer[] = [];
  let complete = true;

  // 1. The image's ENV.
  if (linked) {
    const stage = linked.stages[linked.targets[0] ?? linked.stages.length - 1];
    if (stage) layers.push(new VarsLayer(`${linked.file} (Dockerfile ENV)`, 'dockerfile', 'production', linked.file, stage.env.filter((e) => e.keyword === 'ENV').map((e) => ({ name: e.name, value: e.value, span: e.span, ...(e.valueSpan ? { valueSpan: e.valueSpan } : {}) }))));
  } else {
    complete = false;
  }

  // 2. envFrom, in order: a later source wins a key.
  const lookup = (kind: 'ConfigMap' | 'Secret', name: string | undefined): DataSource | undefined => {
    if (name === undefined) return undefined;
    // A generated object's content is what kustomize assembles from literals and env files.
    if (inputs.kustomizations.some((k) => k.generators?.some((g) => g.kind === kind && g.name === name))) return generatedSource(inputs.kustomizations, kind, name, sources);
    return findSource(inputs.objects, obj, kind, name, overlay);
  };
  for (const ef of c.envFrom) {
    const cm = asMap(get(ef, 'configMapRef'));
    const secret = asMap(get(ef, 'secretRef'));
    const ref = cm ?? secret;
    const kind = cm ? 'ConfigMap' : 'Secret';
    const name = text(get(ref, 'name'));
    const prefix = text(get(ef, 'prefix')) ?? '';
    const src = ref ? lookup(kind, name) : undefined;
    if (!src) {
      complete = false;
      continue;
    }
    const vars: Var[] = [];
    for (const v of src.data.values()) {
      const full = `${prefix}${v.name}`;
      // The kubelet skips keys that are not valid variable names.
      if (/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(full)) vars.push({ ...v, name: full });
    }
    layers.push(new VarsLayer(`${kind} ${name} via envFrom`, 'kubernetes', 'production', src.file, vars));
  }

  // 3. env, in order, with $(VAR) references to what is defined before: envFrom and earlier env
  // entries (the kubelet does not know the image's ENV).
  const defined = new Map<string, string | null>();
  for (const l of layers) if (l.kind === 'kubernetes') for (const e of l.entries()) defined.set(e.name, e.value);
  const envVars = new Map<string, Var>();
  for (const e of c.env) {
    const nameNode = asScalar(get(e, 'name'));
    const name = nameNode?.text;
    if (!name) continue;
    const valueNode = asScalar(get(e, 'value'));
    const from = asMap(get(e, 'valueFrom'));
    let v: Var | undefined;
    if (from) {
      const kind = get(from, 'configMapKeyRef') ? 'ConfigMap' : get(from, 'secretKeyRef') ? 'Secret' : undefined;
      const ref = asMap(get(from, kind === 'ConfigMap' ? 'configMapKeyRef' : 'secretKeyRef'));
      const src = kind ? lookup(kind, text(get(ref, 'name'))) : undefined;
      const hit = src?.data.get(text(get(ref, 'key')) ?? '');
      // fieldRef / resourceFieldRef: set by the kubelet, value not known here.
      if (hit) v = { name, value: hit.value, span: hit.span, ...(hit.valueSpan ? { valueSpan: hit.valueSpan } : {}) };
      else {
        if (kind) complete = false;
        v = { name, value: null, span: e.span };
      }
    } else {
      const raw = valueNode ? scalarString(valueNode) : '';
      const value = raw === null ? null : expand(raw, defined);
      v = { name, value, span: e.span, ...(valueNode ? { valueSpan: valueNode.span } : {}) };
    }
    envVars.set(name, v);
    defined.set(name, v.value);
  }
  if (envVars.size > 0) layers.push(new VarsLayer(label, 'kubernetes', 'production', obj.file, [...envVars.values()]));
  // As for compose: only a container that declares its environment (env or envFrom) shows all of it;
  // one that declares none is more likely given it by the pipeline (kubectl set env, a templating step).
  if (c.env.length === 0 && c.envFrom.length === 0) complete = false;
  // Where the service is started: the container's command, or, when the image's own command runs, the container.
  const words = [...c.command, ...c.args];
  const started = words.length > 0 ? { file: obj.file, start: words[0]!.span.start, end: words[words.length - 1]!.span.end } : c.base.nameSpan;
  return { name: label, span: started, layers, complete, instance };
}

/** Kubernetes dependent variables: $(VAR) becomes VAR's value when defined before; $$ escapes. */
function expand(value: string, defined: Map<string, string | null>): string | null {
  let unknown = false;
  const out = value.replace(/\$\$|\$\(([-._a-zA-Z][-._a-zA-Z0-9]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    if (!defined.has(name!)) return m;
    const v = defined.get(name!);
    if (v === null || v === undefined) {
      unknown = true;
      return m;
    }
    return v;
  });
  return unknown ? null : out;
}

/**
 * A string value as the API server reads it: YAML 1.1 (a plain yes/no/on/off is a boolean) and
 * strings only (a number or a boolean in `value:` or `data:` is rejected): null when not a string.
 */
function scalarString(n: YamlNode | undefined): string | null {
  const s = asScalar(n);
  if (!s) return null;
  if (s.value === null) return s.style === 'plain' ? '' : s.text;
  if (typeof s.value !== 'string') return null;
  if (bool11(s) !== undefined) return null;
  return s.value;
}

/** The ConfigMap or Secret of that name the pod would read: one production object of the repository, with the overlay's patches. */
function findSource(objects: readonly K8sObject[], pod: K8sObject, kind: 'ConfigMap' | 'Secret', name: string, overlay: Overlay): (DataSource & { object: K8sObject }) | undefined {
  const candidates = objects.filter(
    (o) => o.kind === kind && o.name === name && o.role === 'production' && o.fragment !== 'patch' && !o.opaquePatch && (o.namespace === undefined || pod.namespace === undefined || o.namespace === pod.namespace),
  );
  if (candidates.length !== 1) return undefined;
  const object = candidates[0]!;
  const data = readData(object);
  // Only the patches of the overlay being built; another overlay's patches are not part of it.
  const patches = object.patches.filter((p) => overlay.overlayDir(p.file) === overlay.dir);
  for (const p of patches) for (const [k, v] of readData(p)) data.set(k, v);
  return { object, file: object.file, data };
}

/**
 * A ConfigMap or Secret a production kustomization generates (configMapGenerator/secretGenerator)
 * from `literals` and `envs` files, as kustomize reads them (the kubectl --from-env-file format:
 * KEY=value per line, leading blanks and # comment lines skipped, the value taken as written).
 * Undefined when it cannot be known: several generators of the name, a merge/replace behaviour,
 * `files` entries, an env file outside the repository, a quoted value, a key without a value.
 */
function generatedSource(kustomizations: readonly K8sKustomization[], kind: 'ConfigMap' | 'Secret', name: string, sources: ModelSources): DataSource | undefined {
  const owners = kustomizations.filter((k) => k.generators?.some((g) => g.kind === kind && g.name === name));
  if (owners.length !== 1 || owners[0]!.role !== 'production') return undefined;
  const k = owners[0]!;
  const src = sources.text(k.file);
  if (!src) return undefined;
  const root = parseYamlFile(src).documents[0]?.contents;
  const entries = items(get(root, kind === 'ConfigMap' ? 'configMapGenerator' : 'secretGenerator')).filter((g) => text(get(g, 'name')) === name);
  if (entries.length !== 1) return undefined;
  const g = entries[0]!;
  const behavior = text(get(g, 'behavior'));
  if ((behavior !== undefined && behavior !== 'create') || get(g, 'files')) return undefined;
  const data = new Map<string, Var>();
  const envFiles = [...items(get(g, 'envs')), ...(get(g, 'env') ? [get(g, 'env')!] : [])].map((n) => text(n));
  for (const ref of envFiles) {
    if (!ref) return undefined;
    const path = normalisePath(k.dir ? `${k.dir}/${ref}` : ref);
    const env = sources.text(path);
    if (!env) return undefined;
    let offset = 0;
    const lines = env.text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]!.replace(/\r$/, '');
      const lineStart = offset;
      offset += lines[i]!.length + 1;
      const body = (i === 0 ? raw.replace(/^\uFEFF/, '') : raw).replace(/^\s+/, '');
      if (body === '' || body.startsWith('#')) continue;
      const eq = body.indexOf('=');
      if (eq < 0) return undefined; // kustomize reads the value from its own environment
      const key = body.slice(0, eq);
      const value = body.slice(eq + 1);
      if (/^["']/.test(value)) return undefined;
      const start = lineStart + (raw.length - body.length);
      data.set(key, { name: key, value, span: env.lines.span(path, start, lineStart + raw.length), valueSpan: env.lines.span(path, start + eq + 1, lineStart + raw.length) });
    }
  }
  // Literals come after the env files: a literal wins a duplicate key.
  for (const lit of items(get(g, 'literals'))) {
    const node = asScalar(lit);
    const t = node && typeof node.value === 'string' ? node.value : undefined;
    if (!t) return undefined;
    const eq = t.indexOf('=');
    if (eq <= 0) return undefined;
    const value = t.slice(eq + 1);
    if (/^["']/.test(value)) return undefined;
    data.set(t.slice(0, eq), { name: t.slice(0, eq), value, span: node!.span });
  }
  return { file: k.file, data };
}

function normalisePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

/** data (base64 for a Secret) and stringData (wins), with the line of each key. */
function readData(o: K8sObject): Map<string, Var> {
  const out = new Map<string, Var>();
  const secret = o.kind === 'Secret';
  for (const section of secret ? ['data', 'stringData'] : ['data']) {
    const map = asMap(get(o.root, section));
    if (!map) continue;
    for (const p of map.pairs) {
      const raw = scalarString(p.value);
      let value = raw;
      if (raw !== null && secret && section === 'data') value = decodeBase64(raw);
      const s = asScalar(p.value);
      out.set(p.key, { name: p.key, value, span: p.span, ...(s ? { valueSpan: s.span } : {}) });
    }
  }
  return out;
}

function decodeBase64(v: string): string | null {
  const clean = v.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) return null;
  const bytes = Buffer.from(clean, 'base64');
  const s = bytes.toString('utf8');
  return Buffer.from(s, 'utf8').equals(bytes) ? s : null;
}

/** A container's `valueFrom` reference to a key its ConfigMap or Secret (in the repository) does not hold. */
export interface MissingKeyRef {
  workload: K8sObject;
  container: string;
  /** The overlay ('' = the objects as written). */
  overlay: string;
  kind: 'ConfigMap' | 'Secret';
  name: string;
  key: string;
  /** The `key:` line of the reference (else the env item). */
  span: Span;
  /** The ConfigMap or Secret object. */
  source: K8sObject;
  /** The keys it does hold. */
  keys: string[];
}

/**
 * References the kubelet cannot resolve: a non-optional configMapKeyRef/secretKeyRef naming a key
 * that the one production ConfigMap/Secret of that name in the repository (with the overlay's
 * patches) lacks. Objects kustomize generates, objects changed by patches not modelled, and names
 * with several candidate objects are left out: their keys are not known.
 */
export function missingKeyRefs(objects: readonly K8sObject[], kustomizations: readonly K8sKustomization[]): MissingKeyRef[] {
  const out: MissingKeyRef[] = [];
  const owner = new Map<string, string>();
  for (const k of kustomizations) for (const f of k.patchFiles) owner.set(f, k.dir);
  const overlayDir = (file: string) => owner.get(file) ?? dirOf(file);
  const generated = new Set(kustomizations.flatMap((k) => (k.generators ?? []).map((g) => `${g.kind}/${g.name}`)));
  for (const obj of objects) {
    if (obj.role !== 'production' || obj.fragment || !obj.workload || obj.opaquePatch) continue;
    for (const overlay of overlaysOf(obj, objects, overlayDir)) {
      for (const base of obj.workload.containers) {
        if (base.kind === 'ephemeral') continue;
        const c = mergeContainer(base, overlay.patches);
        if (!c) continue;
        for (const e of c.env) {
          const from = asMap(get(e, 'valueFrom'));
          const kind = get(from, 'configMapKeyRef') ? 'ConfigMap' : get(from, 'secretKeyRef') ? 'Secret' : undefined;
          if (!kind) continue;
          const ref = asMap(get(from, kind === 'ConfigMap' ? 'configMapKeyRef' : 'secretKeyRef'));
          const name = text(get(ref, 'name'));
          const keyNode = asScalar(get(ref, 'key'));
          const key = keyNode?.text;
          if (!ref || name === undefined || !key || bool11(get(ref, 'optional')) === true || text(get(ref, 'optional')) === 'true') continue;
          if (generated.has(`${kind}/${name}`)) continue;
          const src = findSource(objects, obj, kind, name, overlay);
          if (!src) continue;
          const binary = kind === 'ConfigMap' ? (asMap(get(src.object.root, 'binaryData'))?.pairs.map((p) => p.key) ?? []) : [];
          if (src.data.has(key) || binary.includes(key)) continue;
          // Keys written with templating or computed at apply time are not known.
          if (/[${}]/.test(key)) continue;
          out.push({ workload: obj, container: c.name, overlay: overlay.dir, kind, name, key, span: keyNode.span, source: src.object, keys: [...src.data.keys(), ...binary] });
        }
      }
    }
  }
  return out;
}

