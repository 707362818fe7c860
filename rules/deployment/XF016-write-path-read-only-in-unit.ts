import { formatSpan } from '../../src/core/position.js';
import { filesByPath } from '../../src/model/files.js';
import { defineRule } from '../../src/engine/rule.js';
import { DEPLOY_ROOT } from '../../src/model/build.js';
import { accessAt, serviceSandbox } from '../../src/model/deployment/sandbox.js';
import { projectOfInstance } from '../../src/model/deployment/topology.js';
import { deployedPath, parentDir, projectWrites, systemdPlacement, type WritePath } from '../../src/model/deployment/writes.js';
import type { RelatedLocation } from '../../src/core/finding.js';
import type { RuleContext } from '../../src/engine/rule.js';
import { entriesOf, mainCommand, programName } from '../../src/model/systemd/query.js';
import type { SystemdUnit } from '../../src/model/systemd/types.js';
import type { DeploymentModel, DjangoProject } from '../../src/model/types.js';

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
    case 'session-files':
      return 'Django cannot save a session file, so every login fails with a server error';
    case 'sqlite':
      return 'SQLite cannot create its journal beside the database, so every write query fails (attempt to write a readonly database)';
  }
}


/** A production unit that runs the project's code, with the module it imports and where it is started. */
interface UnitRun {
  unit: SystemdUnit;
  project: DjangoProject;
  module: string;
  started: RelatedLocation;
}

/** The project whose files hold a dotted module (the deepest root wins). */
function projectOfModule(model: DeploymentModel, module: string): DjangoProject | undefined {
  const rel = module.split(':')[0]!.split('.').join('/');
  if (!/^[A-Za-z_][\w/]*$/.test(rel)) return undefined;
  const files = filesByPath(model.files);
  return model.djangoProjects
    .filter((p) => {
      const base = p.root ? `${p.root}/` : '';
      return files.has(`${base}${rel}.py`) || files.has(`${base}${rel}/__init__.py`);
    })
    .sort((a, b) => b.root.length - a.root.length)[0];
}

/** `celery -A shop worker`, `python -m celery --app=shop.celery:app beat`: the Celery app's module. */
function celeryApp(unit: SystemdUnit): { module: string; span: RelatedLocation['span'] } | undefined {
  const main = mainCommand(unit);
  if (!main) return undefined;
  let args = main.command.args.map((a) => a.text);
  const program = programName(main.command);
  if (/^python(?:\d(?:\.\d+)?)?$/.test(program) && args[0] === '-m' && args[1] === 'celery') args = args.slice(2);
  else if (program !== 'celery') return undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = a === '-A' || a === '--app' ? args[i + 1] : a.startsWith('--app=') ? a.slice(6) : /^-A[^-]/.test(a) ? a.slice(2) : undefined;
    if (value !== undefined) return /^[A-Za-z_][\w.:]*$/.test(value) ? { module: value, span: main.entry.span } : undefined;
  }
  return undefined;
}

/** DJANGO_SETTINGS_MODULE as the unit's own Environment= sets it, when it does. */
function unitSettingsModule(unit: SystemdUnit): string | undefined {
  let out: string | undefined;
  for (const e of entriesOf(unit, 'Service', 'Environment')) {
    const m = /(?:^|\s)"?DJANGO_SETTINGS_MODULE=([\w.]+)/.exec(e.value);
    if (m) out = m[1];
  }
  return out;
}

function unitRuns(model: DeploymentModel): UnitRun[] {
  const out: UnitRun[] = [];
  const seen = new Set<string>();
  const unitOf = (name: string, file: string) => model.systemdUnits.find((u) => u.name === name && u.file === file);
  for (const inst of model.appServers) {
    if (inst.role !== 'production' || inst.origin !== 'systemd' || !inst.unit || inst.server === 'runserver' || !inst.app) continue;
    const unit = unitOf(inst.unit.name, inst.unit.file);
    const project = projectOfInstance(model, inst);
    if (!unit || !project || seen.has(`${unit.file}|${unit.name}`)) continue;
    seen.add(`${unit.file}|${unit.name}`);
    out.push({ unit, project, module: inst.app.value, started: { span: inst.span, message: `${unit.name} starts the project here` } });
  }
  // Celery workers and beat load the same settings (the Django fix-up calls django.setup(), which configures LOGGING).
  for (const unit of model.systemdUnits) {
    if (unit.type !== 'service' || seen.has(`${unit.file}|${unit.name}`)) continue;
    const app = celeryApp(unit);
    const project = app ? projectOfModule(model, app.module) : undefined;
    if (!app || !project) continue;
    const chosen = unitSettingsModule(unit);
    if (chosen !== undefined && chosen !== project.production.module) continue;
    seen.add(`${unit.file}|${unit.name}`);
    out.push({ unit, project, module: app.module, started: { span: app.span, message: `${unit.name} starts the project's Celery app here` } });
  }
  return out;
}

function judge(model: DeploymentModel, run: UnitRun, files: ReadonlyMap<string, unknown>, ctx: RuleContext, seen: Set<string>): void {
  const { unit, project } = run;
  if (unit.role !== 'production' || unit.template) return;
  const sandbox = serviceSandbox(unit);
  if (sandbox.rules.length === 0 || sandbox.opaque) return;
  const settings: DjangoProject = (model.djangoServiceVariants ?? []).find((v) => v.root === project.root && v.service?.name === unit.name) ?? project;
  const place = systemdPlacement(run.module, unit, files);
  // Code the service cannot even read is another problem (it does not start at all).
  if (place.cwd && accessAt(sandbox, place.cwd)?.access === 'none') return;
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
        { span: run.started.span, message: `${run.started.message}${place.root ? `, from ${place.root}` : ''}` },
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

export default defineRule({
  meta: {
    id: 'XF016',
    name: 'WritePathReadOnlyInUnit',
    title: "A path the settings write to is read-only in the systemd unit's sandbox",
    severity: 'high',
    section: 'process-manager',
    docs: {
      whatItDoes:
        "For each production app server (and Celery worker or beat) a systemd unit starts, collects the paths the project's settings write to as that service runs them (files opened by LOGGING's file handlers, MEDIA_ROOT when uploads are stored on the local file system, FileBasedCache directories, file-based session directories, SQLite databases and their directory), places them on the server (BASE_DIR at the unit's WorkingDirectory=) and reads the unit's sandbox the way systemd builds it: ProtectSystem=strict makes everything read-only but /dev, /proc, /sys and the home directories, full and yes protect /usr, /boot, /efi (and /etc), ProtectHome= hides or freezes /home, /root and /run/user, DynamicUser=yes implies strict; ReadWritePaths=, PrivateTmp=, StateDirectory=, LogsDirectory=, CacheDirectory=, RuntimeDirectory=, BindPaths= and TemporaryFileSystem= open paths again, the deepest setting winning. Reports each write path left read-only or inaccessible.",
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
    const runs = unitRuns(model);
    if (runs.length === 0) {
      ctx.notApplicable('no production app server or Celery worker of the project started by a systemd unit');
      return;
    }
    const files = filesByPath(model.files);
    const seen = new Set<string>();
    for (const run of runs) judge(model, run, files, ctx, seen);
  },
});
