import type { Span } from '../../core/position.js';
import { trimEndChars } from '../../core/trim.js';
import { get, scalarString } from '../../parse/compose/yaml.js';
import { get as getYaml, items, text as yamlText } from '../../parse/yaml-positions.js';
import type { ComposeService, DockerfileModel, DockerStage } from '../containers/types.js';
import type { K8sContainer, K8sWorkload } from '../k8s/types.js';
import { isWithin, normalisePath } from './writes.js';

/**
 * Where a container image holds the repository and what a container may write: the file system
 * side of issue 5's "outside the container's volumes". The evaluator places the repository root at
 * its DEPLOY_ROOT; in an image the build context goes where `COPY . <dest>` puts it.
 */
export interface ImagePlacement {
  /** Maps a path under the evaluator's root to the path in the image; undefined when not in the image. */
  map(evaluatorPath: string): string | undefined;
  /** The image's working directory (last WORKDIR), when set. */
  workdir?: string;
  /** VOLUME directories of the image: Docker creates an anonymous (writable) volume for each. */
  volumes: Array<{ path: string; span: Span }>;
  /** The COPY that places the context, for related locations. */
  copy?: Span;
}

function stageChain(df: DockerfileModel, index: number): DockerStage[] {
  const chain: DockerStage[] = [];
  let s: DockerStage | undefined = df.stages[index];
  const seen = new Set<number>();
  while (s && !seen.has(s.index)) {
    seen.add(s.index);
    chain.unshift(s);
    s = s.baseStage !== undefined ? df.stages[s.baseStage] : undefined;
  }
  return chain;
}

/** The image of a Dockerfile stage built from a context directory of the repository. */
export function imagePlacement(df: DockerfileModel, stageIndex: number, contextDir: string | undefined, evaluatorRoot: string): ImagePlacement {
  const volumes: ImagePlacement['volumes'] = [];
  let workdir: string | undefined;
  let dest: string | undefined;
  let copy: Span | undefined;
  for (const stage of stageChain(df, stageIndex)) {
    for (const ins of stage.instructions) {
      const words = (ins.json ?? ins.args).map((w) => w.value);
      if (ins.keyword === 'WORKDIR' && words[0]) {
        const w = words[0];
        workdir = w.includes('$') ? undefined : normalisePath(w.startsWith('/') ? w : `${workdir ?? '/'}/${w}`);
      } else if (ins.keyword === 'VOLUME') {
        for (const v of words) if (v.startsWith('/') && !v.includes('$')) volumes.push({ path: normalisePath(v), span: ins.span });
      } else if ((ins.keyword === 'COPY' || ins.keyword === 'ADD') && !ins.flags.some((f) => f.name === 'from') && words.length >= 2) {
        const target = words[words.length - 1]!;
        const sources = words.slice(0, -1);
        if (!sources.some((s) => s === '.' || s === './')) continue;
        if (target.includes('$')) {
          dest = undefined;
          continue;
        }
        dest = normalisePath(target.startsWith('/') ? target : `${workdir ?? '/'}/${target}`);
        copy = ins.span;
      }
    }
  }
  const root = normalisePath(evaluatorRoot);
  const ctx = contextDir === undefined ? undefined : trimEndChars(contextDir, '/');
  const map = (p: string): string | undefined => {
    const n = normalisePath(p);
    if (!isWithin(n, root)) return n;
    if (dest === undefined || ctx === undefined) return undefined;
    const rel = n === root ? '' : n.slice(root.length + 1);
    if (ctx !== '' && rel !== ctx && !rel.startsWith(`${ctx}/`)) return undefined;
    const inside = ctx === '' ? rel : rel.slice(ctx.length).replace(/^\//, '');
    return normalisePath(`${dest}/${inside}`);
  };
  return { map, ...(workdir ? { workdir } : {}), volumes, ...(copy ? { copy } : {}) };
}

/** A mount in a container: writable or not, with where it is declared. */
export interface Mount {
  path: string;
  writable: boolean;
  /** Survives the container being recreated (a named volume, a bind mount, a persistent volume claim). */
  persistent: boolean;
  span: Span;
}

/** compose `read_only: true`. */
export function composeReadOnly(service: ComposeService): Span | undefined {
  const pair = service.node.pairs.filter((p) => p.key === 'read_only').at(-1);
  if (!pair) return undefined;
  const v = scalarString(pair.value);
  return v === 'true' ? { ...pair.keySpan, end: pair.value.span.end } : undefined;
}

/** A compose service's mounts: volumes (named, bind, tmpfs) and the `tmpfs:` key. */
export function composeMounts(service: ComposeService): Mount[] {
  const out: Mount[] = [];
  for (const v of service.volumes) {
    if (!v.target || !v.target.startsWith('/') || v.target.includes('$')) continue;
    out.push({ path: normalisePath(v.target), writable: !v.readOnly, persistent: v.type === 'volume' || v.type === 'bind', span: v.span });
  }
  const tmpfs = get(service.node, 'tmpfs');
  const items = tmpfs?.kind === 'seq' ? tmpfs.items : tmpfs ? [tmpfs] : [];
  for (const it of items) {
    const s = scalarString(it);
    const path = s?.split(':')[0];
    if (path && path.startsWith('/')) out.push({ path: normalisePath(path), writable: true, persistent: false, span: it.span });
  }
  return out;
}

/** The mount that holds a path (the deepest), if any. */
export function mountAt(mounts: readonly Mount[], path: string): Mount | undefined {
  const p = normalisePath(path);
  return mounts.filter((m) => isWithin(p, m.path)).sort((a, b) => b.path.length - a.path.length)[0];
}

/** Volume sources the kubelet always mounts read-only. */
const READ_ONLY_SOURCES = new Set(['configMap', 'secret', 'projected', 'downwardAPI', 'serviceAccountToken']);
/** Volume sources whose files go with the pod. */
const EPHEMERAL_SOURCES = new Set(['emptyDir', 'ephemeral']);

/** A Kubernetes container's volumeMounts, with what each volume is. */
export function k8sMounts(container: K8sContainer, workload: K8sWorkload): Mount[] {
  const out: Mount[] = [];
  for (const m of items(getYaml(container.node, 'volumeMounts'))) {
    const path = yamlText(getYaml(m, 'mountPath'));
    const name = yamlText(getYaml(m, 'name'));
    if (!path || !path.startsWith('/') || path.includes('$')) continue;
    const volume = workload.volumes.find((v) => v.name === name);
    const readOnlyFlag = yamlText(getYaml(m, 'readOnly')) === 'true';
    const source = volume?.source ?? 'unknown';
    out.push({
      path: normalisePath(path),
      writable: !readOnlyFlag && !READ_ONLY_SOURCES.has(source),
      persistent: !EPHEMERAL_SOURCES.has(source),
      span: m.span,
    });
  }
  return out;
}
