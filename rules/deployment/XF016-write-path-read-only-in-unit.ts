import { formatSpan } from '../../src/core/position.js';
import { defineRule } from '../../src/engine/rule.js';
import { DEPLOY_ROOT } from '../../src/model/build.js';
import { accessAt, serviceSandbox } from '../../src/model/deployment/sandbox.js';
import { projectOfInstance } from '../../src/model/deployment/topology.js';
import { deployedPath, parentDir, projectWrites, systemdPlacement, type WritePath } from '../../src/model/deployment/writes.js';
import type { DjangoProject } from '../../src/model/types.js';

function consequence(w: WritePath, unit: string): string {
  switch (w.kind) {
    case 'log-file':
      return w.when === 'start'
        ? `logging.config.dictConfig cannot open the file when Django sets up logging, so ${unit} fails at start (ValueError: Unable to configure handler)`
        : 'the handler fails on its first log record, and those records are lost';
    case 'media-root':
      return 'every upload fails with a server error (OSError: Read-only file system)';
    case 'file-cache':
      return 'every cache write fails, so the cache never holds anything and errors fill the log';
    case 'sqlite':
      return 'SQLite cannot create its journal beside the database, so every write query fails (attempt to write a readonly database)';
  }
}

export default defineRule({
  meta: {
    id: 'XF016',
    name: 'WritePathReadOnlyInUnit',
    title: "A path the settings write to is read-only in the systemd unit's sandbox",
    severity: 'high',
    section: 'process-manager',
    docs: {
      whatItDoes:
        "For each production app server a systemd unit starts, collects the paths the project's settings write to as that service runs them (files opened by LOGGING's file handlers, MEDIA_ROOT when uploads are stored on the local file system, FileBasedCache directories, SQLite databases and their directory), places them on the server (BASE_DIR at the unit's WorkingDirectory=) and reads the unit's sandbox the way systemd builds it: ProtectSystem=strict makes everything read-only but /dev, /proc, /sys and the home directories, full and yes protect /usr, /boot, /efi (and /etc), ProtectHome= hides or freezes /home, /root and /run/user, DynamicUser=yes implies strict; ReadWritePaths=, PrivateTmp=, StateDirectory=, LogsDirectory=, CacheDirectory=, RuntimeDirectory=, BindPaths= and TemporaryFileSystem= open paths again, the deepest setting winning. Reports each write path left read-only or inaccessible.",
      whyIsThisBad:
        "The kernel refuses the write (EROFS) however the file permissions look. A file handler opened at start makes Django's logging setup raise, so the service never starts after the hardening is deployed; uploads, cache writes and SQLite writes fail on first use with a 500.",
      example: "[Service]\nWorkingDirectory=/srv/shop\nProtectSystem=strict\n# settings.py\nLOGGING = {... 'filename': BASE_DIR / 'logs' / 'django.log' ...}",
      useInstead: "[Service]\nWorkingDirectory=/srv/shop\nProtectSystem=strict\nReadWritePaths=/srv/shop/logs /srv/shop/media",
    },
    fix: "Add the directory to ReadWritePaths= in the unit (or move the path under a directory the unit manages: LogsDirectory=shop gives /var/log/shop, StateDirectory=shop gives /var/lib/shop), or stop writing there (log to stderr, which journald collects; store uploads in object storage).",
    references: [
      'https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#ProtectSystem=',
      'https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#ReadWritePaths=',
      'https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#RuntimeDirectory=',
      'https://docs.python.org/3/library/logging.handlers.html#filehandler',
    ],
    tags: ['django', 'systemd', 'cross-file', 'sandboxing'],
  },
  scope: 'repo',
  check(model, ctx) {
    const instances = model.appServers.filter((i) => i.role === 'production' && i.origin === 'systemd' && i.unit && i.server !== 'runserver');
    if (instances.length === 0) {
      ctx.notApplicable('no production app server started by a systemd unit');
      return;
    }
    const files = new Map(model.files.map((f) => [f.path, f]));
    const seen = new Set<string>();
    for (const inst of instances) {
      const unit = model.systemdUnits.find((u) => u.name === inst.unit!.name && u.file === inst.unit!.file);
      if (!unit || unit.role !== 'production' || unit.template) continue;
      const project = projectOfInstance(model, inst);
      if (!project) continue;
      const sandbox = serviceSandbox(unit);
      if (sandbox.rules.length === 0 || sandbox.opaque) continue;
      const settings: DjangoProject = (model.djangoServiceVariants ?? []).find((v) => v.root === project.root && v.service?.name === unit.name) ?? project;
      const place = systemdPlacement(inst, unit, files);
      // Code the service cannot even read is another problem (it does not start at all).
      if (place.cwd && accessAt(sandbox, place.cwd)?.access === 'none') continue;
      const { writes, unknown } = projectWrites(settings);
      for (const w of writes) {
        const where = deployedPath(w.path, DEPLOY_ROOT, place.root, place.cwd);
        if (!where) continue;
        const checked = w.kind === 'sqlite' ? parentDir(where) : where;
        const verdict = accessAt(sandbox, checked);
        if (!verdict || verdict.access === 'rw' || !verdict.rule?.entry) continue;
        const key = `${unit.name}|${w.setting}|${w.what}|${where}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const by = verdict.rule.entry;
        const state = verdict.access === 'none' ? 'inaccessible' : 'read-only';
        const from = w.variables.length ? ` (from ${w.variables.join(', ')})` : '';
        ctx.report({
          message: `${w.what} writes to ${where}${w.kind === 'sqlite' ? ' (and SQLite needs its directory writable for the journal)' : ''}${from}, which ${unit.name} makes ${state} (${verdict.rule.why}, ${formatSpan(by.span)}) with no ReadWritePaths= or managed directory opening it: ${consequence(w, unit.name)}`,
          span: w.span,
          related: [
            { span: by.span, message: `${verdict.rule.why} makes ${checked} ${state} for ${unit.name}` },
            { span: inst.span, message: `${unit.name} starts the project here${place.root ? `, from ${place.root}` : ''}` },
          ],
          target: `${w.setting}:${w.what}@${unit.name}`,
        });
      }
      for (const u of unknown) {
        if (!sandbox.protectedBy) continue;
        const key = `${unit.name}|unknown|${u.what}`;
        if (seen.has(key)) continue;
        seen.add(key);
        ctx.unknown({
          message: `${u.what} writes to a path that depends on ${u.variables.join(', ') || 'a value not known here'}; ${unit.name} sandboxes the file system (${formatSpan(sandbox.protectedBy.span)}), so whether the write is allowed cannot be told`,
          span: u.span,
          variables: u.variables,
          related: [{ span: sandbox.protectedBy.span, message: `${unit.name} restricts writes here` }],
          target: `${u.setting}:${u.what}@${unit.name}`,
        });
      }
    }
  },
});
