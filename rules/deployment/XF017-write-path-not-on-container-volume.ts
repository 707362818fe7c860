import type { RelatedLocation } from '../../src/core/finding.js';
import { formatSpan } from '../../src/core/position.js';
import { defineRule } from '../../src/engine/rule.js';
import { DEPLOY_ROOT } from '../../src/model/build.js';
import { get, scalarString } from '../../src/parse/compose/yaml.js';
import type { RuleContext } from '../../src/engine/rule.js';
import { composeMounts, composeReadOnly, imagePlacement, k8sMounts, mountAt, type ImagePlacement, type Mount } from '../../src/model/deployment/container-fs.js';
import { projectOfInstance } from '../../src/model/deployment/topology.js';
import { isWithin, normalisePath, parentDir, projectWrites, type WritePath } from '../../src/model/deployment/writes.js';
import type { Span } from '../../src/core/position.js';
import type { DeploymentModel, DjangoProject } from '../../src/model/types.js';

/** Paths some runtimes mount writable themselves on a read-only root (podman's read-only-tmpfs, Docker's /dev/shm). */
const RUNTIME_DEPENDENT = ['/tmp', '/var/tmp', '/run', '/dev'];

function consequence(w: WritePath): string {
  switch (w.kind) {
    case 'log-file':
      return w.when === 'start'
        ? 'Django cannot set up logging, so the container exits at start (ValueError: Unable to configure handler ... Read-only file system)'
        : 'the handler fails on its first record, and those records are lost';
    case 'media-root':
      return 'every upload fails with a server error (OSError: [Errno 30] Read-only file system)';
    case 'file-cache':
      return 'every cache write fails, so the cache never holds anything';
    case 'session-files':
      return 'Django cannot save a session file, so every login fails with a server error';
    case 'sqlite':
      return 'SQLite cannot write the database or create its journal: every write query fails';
  }
}


/** One container that runs the project: where its files are and what it may write. */
interface Target {
  label: string;
  settings: DjangoProject;
  /** The line that makes the root file system read-only, and how it reads. */
  readOnly?: { span: Span; text: string };
  placement?: ImagePlacement;
  /** The working directory in the container, when known. */
  cwd?: string;
  mounts: Mount[];
  started: RelatedLocation;
  /** Words for messages: "volume or tmpfs" (compose), "volumeMount" (Kubernetes). */
  mountWords: { writable: string; persistent: string };
}

function judge(t: Target, ctx: RuleContext, seen: Set<string>): void {
  const map = (p: string): string | undefined => {
    if (!p.startsWith('/')) return t.cwd ? normalisePath(`${t.cwd}/${p}`) : undefined;
    if (t.placement) return t.placement.map(p);
    return isWithin(normalisePath(p), DEPLOY_ROOT) ? undefined : normalisePath(p);
  };
  const { writes, unknown } = projectWrites(t.settings);
  if (t.readOnly) {
    for (const u of unknown) {
      const key = `unknown|${t.label}|${u.what}`;
      if (seen.has(key)) continue;
      seen.add(key);
      ctx.unknown({
        message: `${u.what} writes to a path that depends on ${u.variables.join(', ') || 'a value not known here'}; ${t.label} runs with ${t.readOnly.text} (${formatSpan(t.readOnly.span)}), so whether a writable mount holds it cannot be told`,
        span: u.span,
        variables: u.variables,
        related: [{ span: t.readOnly.span, message: `${t.label} makes the root file system read-only here` }, t.started],
        target: `${u.setting}:${u.what}@${t.label}`,
      });
    }
  }
  for (const w of writes) {
    const where = map(w.path);
    if (!where) continue;
    const checked = w.kind === 'sqlite' ? parentDir(where) : where;
    const mount = mountAt(t.mounts, checked);
    const copyRelated: RelatedLocation[] = t.placement?.copy && isWithin(normalisePath(w.path), DEPLOY_ROOT) ? [{ span: t.placement.copy, message: 'the repository is copied into the image here' }] : [];
    if (t.readOnly && (!mount || !mount.writable) && !RUNTIME_DEPENDENT.some((d) => isWithin(checked, d))) {
      const key = `ro|${t.label}|${w.what}|${where}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const onMount = mount ? ` (the mount there, ${formatSpan(mount.span)}, is read-only)` : '';
      ctx.report({
        message: `${w.what} writes to ${where} in the container, but ${t.label} runs with ${t.readOnly.text} (${formatSpan(t.readOnly.span)}) and no writable ${t.mountWords.writable} holds that path${onMount}: ${consequence(w)}`,
        span: w.span,
        related: [{ span: t.readOnly.span, message: `${t.label} makes the root file system read-only here` }, t.started, ...copyRelated],
        target: `${w.setting}:${w.what}@${t.label}:read-only`,
      });
      continue;
    }
    if (w.kind === 'media-root' && (!mount || !mount.persistent)) {
      const key = `media|${t.label}|${where}`;
      if (seen.has(key)) continue;
      seen.add(key);
      ctx.report({
        message: `${w.what} is ${where} in the container of ${t.label}, and no ${t.mountWords.persistent} holds it${mount ? ` (only a mount that does not outlive the container or pod, ${formatSpan(mount.span)})` : ''}: uploaded files are lost when the container is recreated, as every deployment of a new image does (data loss)`,
        span: w.span,
        related: [t.started, ...copyRelated],
        target: `${w.setting}@${t.label}:not-persistent`,
        severity: 'medium',
      });
    }
  }
}

/** Images that never run the project's code. */
const FOREIGN_IMAGE = /^(?:docker\.io\/)?(?:library\/)?(?:bitnami\/)?(?:python|nginx|redis|valkey|postgres|postgresql|mysql|mariadb|memcached|rabbitmq|busybox|alpine|debian|ubuntu|traefik|envoy|haproxy|caddy)(?::|@|$)/i;
const SERVER_WORD = /(?:^|\/)(?:gunicorn|uvicorn|uwsgi|daphne|hypercorn)$/;

/** Production Kubernetes containers with a read-only root that run the repository's one Django project. */
function k8sTargets(model: DeploymentModel, seenLabels: Set<string>): Target[] {
  if (model.djangoProjects.length !== 1) return [];
  const project = model.djangoProjects[0]!;
  const dockerfiles = (model.dockerfiles ?? []).filter((d) => d.role === 'production');
  const df = dockerfiles.length === 1 ? dockerfiles[0] : undefined;
  const imageRunsServer = df !== undefined && model.appServers.some((i) => i.origin === 'dockerfile' && i.file === df.file && i.role === 'production' && i.web && i.server !== 'runserver' && projectOfInstance(model, i) === project);
  const out: Target[] = [];
  for (const obj of model.k8sObjects ?? []) {
    if (obj.role !== 'production' || obj.fragment || !obj.workload || obj.opaquePatch || obj.patches.length > 0) continue;
    for (const c of obj.workload.containers) {
      if (c.kind !== 'container' || !c.image || FOREIGN_IMAGE.test(c.image.value)) continue;
      const words = [...c.command, ...c.args];
      const runsServer = words.length > 0 ? words.some((w) => SERVER_WORD.test(w)) && words.some((w) => /\.(?:wsgi|asgi)\b/.test(w)) : imageRunsServer;
      if (!runsServer) continue;
      const label = `Kubernetes ${obj.kind} ${obj.name ?? '?'}, container ${c.name}`;
      if (seenLabels.has(label)) continue;
      seenLabels.add(label);
      const settings = (model.djangoServiceVariants ?? []).find((v) => v.root === project.root && v.service?.name === label) ?? project;
      const placement = df ? imagePlacement(df, df.targets[0] ?? df.stages.length - 1, df.contexts[0]?.dir, DEPLOY_ROOT) : undefined;
      const wd = c.node.pairs.find((p) => p.key === 'workingDir');
      const wdText = wd?.value?.kind === 'scalar' ? wd.value.text : undefined;
      const ro = c.security.readOnlyRootFilesystem;
      out.push({
        label,
        settings,
        ...(ro?.value === true ? { readOnly: { span: ro.pairSpan, text: 'readOnlyRootFilesystem: true' } } : {}),
        ...(placement ? { placement } : {}),
        ...(wdText?.startsWith('/') ? { cwd: normalisePath(wdText) } : placement?.workdir ? { cwd: placement.workdir } : {}),
        mounts: [...k8sMounts(c, obj.workload), ...(placement?.volumes ?? []).map((v) => ({ path: v.path, writable: true, persistent: false, span: v.span }))],
        started: { span: c.nameSpan, message: `${label} runs the project` },
        mountWords: { writable: 'volumeMount', persistent: 'persistent volume (persistentVolumeClaim, hostPath ...)' },
      });
    }
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'XF017',
    name: 'WritePathNotOnContainerVolume',
    title: 'A path the settings write to is on a read-only container root, or uploads are outside any persistent volume',
    severity: 'high',
    section: 'containers',
    docs: {
      whatItDoes:
        "For each production compose service that runs the project's app server, and each production Kubernetes container that runs it (gunicorn/uvicorn/uWSGI/daphne with the project's WSGI/ASGI module, or the repository's one image whose command does), collects the paths the settings write to as that service runs them (LOGGING file handlers, MEDIA_ROOT when uploads are stored on the local file system, FileBasedCache directories, file-based session directories, SQLite databases and their directory) and places them in the image (the repository where `COPY . <dest>` puts the build context; relative paths from working_dir/workingDir or WORKDIR). With compose `read_only: true` or `readOnlyRootFilesystem: true`, reports each one that no writable mount holds (volumes, bind mounts, tmpfs, image VOLUMEs; in Kubernetes configMap, secret, projected and downwardAPI volumes are always read-only). Separately, at a lower severity, reports a FileSystemStorage MEDIA_ROOT that no persistent mount holds (a named volume or bind mount; a persistentVolumeClaim or hostPath, not an emptyDir), read-only root or not. /tmp, /var/tmp, /run and /dev are left alone on a read-only root: what is mounted there depends on the runtime.",
      whyIsThisBad:
        "On a read-only root file system every write outside a mount fails with EROFS: a file handler makes Django's logging setup raise, so the container exits at start, and uploads, cache writes and SQLite writes fail with a 500. Uploads written to the container's own writable layer are lost when the container is recreated, which every deployment of a new image does: users' files vanish.",
      example: "services:\n  web:\n    build: .\n    read_only: true\n# settings.py: MEDIA_ROOT = BASE_DIR / 'media' (the image's /app/media)",
      useInstead: "services:\n  web:\n    build: .\n    read_only: true\n    volumes:\n      - media:/app/media\nvolumes:\n  media:",
    },
    fix: "Mount a named volume (or a bind mount) at the directory the app writes to, or a tmpfs for throw-away files; better, log to stderr and store uploads in object storage (django-storages).",
    references: [
      'https://docs.docker.com/reference/compose-file/services/#read_only',
      'https://kubernetes.io/docs/concepts/storage/volumes/',
      'https://docs.docker.com/reference/compose-file/services/#volumes',
      'https://docs.docker.com/engine/storage/volumes/',
      'https://docs.djangoproject.com/en/stable/topics/files/',
    ],
    tags: ['django', 'compose', 'kubernetes', 'cross-file', 'containers', 'data-loss'],
  },
  scope: 'repo',
  check(model, ctx) {
    const seen = new Set<string>();
    const targets: Target[] = [];
    for (const inst of model.appServers) {
      if (inst.role !== 'production' || inst.origin !== 'compose' || !inst.processName || inst.server === 'runserver') continue;
      const project = projectOfInstance(model, inst);
      if (!project) continue;
      for (const cp of model.composeProjects ?? []) {
        if (cp.role !== 'production' || !cp.files.includes(inst.file)) continue;
        const service = cp.services.find((s) => s.name === inst.processName);
        if (!service || service.profiles.length > 0) continue;
        const label = `compose service ${service.name} (${cp.name})`;
        const settings: DjangoProject = (model.djangoServiceVariants ?? []).find((v) => v.root === project.root && v.service?.name === label) ?? project;
        const df = service.dockerfile ? (model.dockerfiles ?? []).find((d) => d.file === service.dockerfile!.file) : undefined;
        const placement: ImagePlacement | undefined = df ? imagePlacement(df, service.dockerfile!.stage ?? df.targets[0] ?? df.stages.length - 1, service.build?.context, DEPLOY_ROOT) : undefined;
        const workingDir = scalarString(get(service.node, 'working_dir'));
        const cwd = workingDir?.startsWith('/') && !workingDir.includes('$') ? normalisePath(workingDir) : workingDir === undefined ? placement?.workdir : undefined;
        const readOnly = composeReadOnly(service);
        targets.push({
          label,
          settings,
          ...(readOnly ? { readOnly: { span: readOnly, text: 'read_only: true' } } : {}),
          ...(placement ? { placement } : {}),
          ...(cwd ? { cwd } : {}),
          mounts: [...composeMounts(service), ...(placement?.volumes ?? []).map((v) => ({ path: v.path, writable: true, persistent: true, span: v.span }))],
          started: { span: service.nameSpan, message: `${label} runs the project` },
          mountWords: { writable: 'volume, bind mount or tmpfs', persistent: 'volume or bind mount' },
        });
      }
    }
    targets.push(...k8sTargets(model, new Set(targets.map((t) => t.label))));
    if (targets.length === 0) {
      ctx.notApplicable('no production compose service or Kubernetes container runs the project');
      return;
    }
    for (const t of targets) judge(t, ctx, seen);
  },
});
