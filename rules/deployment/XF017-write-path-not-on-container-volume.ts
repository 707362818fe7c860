import type { RelatedLocation } from '../../src/core/finding.js';
import { formatSpan } from '../../src/core/position.js';
import { defineRule } from '../../src/engine/rule.js';
import { DEPLOY_ROOT } from '../../src/model/build.js';
import { get, scalarString } from '../../src/parse/compose/yaml.js';
import { composeMounts, composeReadOnly, imagePlacement, mountAt, type ImagePlacement, type Mount } from '../../src/model/deployment/container-fs.js';
import { projectOfInstance } from '../../src/model/deployment/topology.js';
import { isWithin, normalisePath, parentDir, projectWrites, type WritePath } from '../../src/model/deployment/writes.js';
import type { DjangoProject } from '../../src/model/types.js';

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
    case 'sqlite':
      return 'SQLite cannot write the database or create its journal: every write query fails';
  }
}

export default defineRule({
  meta: {
    id: 'XF017',
    name: 'WritePathNotOnContainerVolume',
    title: "A path the settings write to is on the container's read-only root file system, or uploads are stored outside any volume",
    severity: 'high',
    section: 'containers',
    docs: {
      whatItDoes:
        "For each production compose service that runs the project's app server, collects the paths the settings write to as that service runs them (LOGGING file handlers, MEDIA_ROOT when uploads are stored on the local file system, FileBasedCache directories, SQLite databases and their directory) and places them in the image (the repository where `COPY . <dest>` puts the build context; relative paths from working_dir or WORKDIR). With `read_only: true`, reports each one that no writable volume, bind mount, tmpfs or image VOLUME holds. Separately, at a lower severity, reports a FileSystemStorage MEDIA_ROOT that no volume or bind mount holds, read-only root or not. /tmp, /var/tmp, /run and /dev are left alone on a read-only root: what is mounted there depends on the runtime.",
      whyIsThisBad:
        "On a read-only root file system every write outside a mount fails with EROFS: a file handler makes Django's logging setup raise, so the container exits at start, and uploads, cache writes and SQLite writes fail with a 500. Uploads written to the container's own writable layer are lost when the container is recreated, which every deployment of a new image does: users' files vanish.",
      example: "services:\n  web:\n    build: .\n    read_only: true\n# settings.py: MEDIA_ROOT = BASE_DIR / 'media' (the image's /app/media)",
      useInstead: "services:\n  web:\n    build: .\n    read_only: true\n    volumes:\n      - media:/app/media\nvolumes:\n  media:",
    },
    fix: "Mount a named volume (or a bind mount) at the directory the app writes to, or a tmpfs for throw-away files; better, log to stderr and store uploads in object storage (django-storages).",
    references: [
      'https://docs.docker.com/reference/compose-file/services/#read_only',
      'https://docs.docker.com/reference/compose-file/services/#volumes',
      'https://docs.docker.com/engine/storage/volumes/',
      'https://docs.djangoproject.com/en/stable/topics/files/',
    ],
    tags: ['django', 'compose', 'cross-file', 'containers', 'data-loss'],
  },
  scope: 'repo',
  check(model, ctx) {
    const instances = model.appServers.filter((i) => i.role === 'production' && i.origin === 'compose' && i.processName && i.server !== 'runserver');
    if (instances.length === 0) {
      ctx.notApplicable('no production compose service runs an app server of the project');
      return;
    }
    const seen = new Set<string>();
    for (const inst of instances) {
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
        const map = (p: string): string | undefined => {
          if (!p.startsWith('/')) return cwd ? normalisePath(`${cwd}/${p}`) : undefined;
          if (placement) return placement.map(p);
          return isWithin(normalisePath(p), DEPLOY_ROOT) ? undefined : normalisePath(p);
        };
        const mounts: Mount[] = [...composeMounts(service), ...(placement?.volumes ?? []).map((v) => ({ path: v.path, writable: true, persistent: true, span: v.span }))];
        const readOnly = composeReadOnly(service);
        const serviceRelated: RelatedLocation = { span: service.nameSpan, message: `${label} runs the project` };
        for (const w of projectWrites(settings).writes) {
          const where = map(w.path);
          if (!where) continue;
          const checked = w.kind === 'sqlite' ? parentDir(where) : where;
          const mount = mountAt(mounts, checked);
          const copyRelated: RelatedLocation[] = placement?.copy && isWithin(normalisePath(w.path), DEPLOY_ROOT) ? [{ span: placement.copy, message: 'the repository is copied into the image here' }] : [];
          if (readOnly && (!mount || !mount.writable) && !RUNTIME_DEPENDENT.some((d) => isWithin(checked, d))) {
            const key = `ro|${label}|${w.what}|${where}`;
            if (seen.has(key)) continue;
            seen.add(key);
            const onMount = mount ? ` (the mount there, ${formatSpan(mount.span)}, is read-only)` : '';
            ctx.report({
              message: `${w.what} writes to ${where} in the container, but ${label} runs with read_only: true (${formatSpan(readOnly)}) and no writable volume or tmpfs holds that path${onMount}: ${consequence(w)}`,
              span: w.span,
              related: [{ span: readOnly, message: `${label} makes the root file system read-only here` }, serviceRelated, ...copyRelated],
              target: `${w.setting}:${w.what}@${label}:read-only`,
            });
            continue;
          }
          if (w.kind === 'media-root' && (!mount || !mount.persistent)) {
            const key = `media|${label}|${where}`;
            if (seen.has(key)) continue;
            seen.add(key);
            ctx.report({
              message: `${w.what} is ${where} in the container of ${label}, and no volume or bind mount holds it${mount ? ` (only a tmpfs, ${formatSpan(mount.span)})` : ''}: uploaded files live in the container's own layer and are lost when the container is recreated, as every deployment of a new image does (data loss)`,
              span: w.span,
              related: [serviceRelated, ...copyRelated],
              target: `${w.setting}@${label}:not-persistent`,
              severity: 'medium',
            });
          }
        }
      }
    }
  },
});
