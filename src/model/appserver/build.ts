import type { Notice } from '../../core/finding.js';
import type { Span } from '../../core/position.js';
import type { DiscoveredFile } from '../../discover/types.js';
import { parseProcfile } from '../../parse/procfile.js';
import { splitShell, splitSystemdExec, type ShellWord } from '../../parse/shell-words.js';
import { GUNICORN_BY_NAME } from '../../parse/gunicorn/settings.js';
import type { ModelSources } from '../build.js';
import type { SystemdEntry, SystemdUnit } from '../systemd/types.js';
import { pathRole, procfileRole, recognizeShell, type RecognizedCommand } from './command.js';
import { mapDirectory, wordSpan, type BuildContext, type Launch } from './context.js';
import { buildGunicorn } from './gunicorn.js';
import { buildDaphne, buildRunserver, buildUvicorn } from './others.js';
import type { AppServerEnvironment, AppServerInstance, ExternalCommandLine } from './types.js';
import { buildUwsgi, hasUwsgiSection, uwsgiSectionSpan } from './uwsgi.js';
import { filesByPath } from '../files.js';

export interface AppServerInputs {
  /** Units already built: their ExecStart lines start app servers. */
  systemdUnits: SystemdUnit[];
  /** Command lines other parts of the model found (Dockerfile CMD/ENTRYPOINT, compose `command:`). */
  commandLines?: ExternalCommandLine[];
}

/**
 * Application server instances (gunicorn, uWSGI, uvicorn, daphne, runserver) from systemd units'
 * ExecStart, Procfiles, command lines handed in by other builders, and configuration files that
 * no production command line reads (started somewhere the repository does not show).
 */
export function buildAppServers(files: DiscoveredFile[], sources: ModelSources, inputs: AppServerInputs, notices: Notice[]): AppServerInstance[] {
  const ctx: BuildContext = { sources, notices };
  // The model's shared map: the directory and base-name indexes made over it are then made once a run.
  const allPaths = filesByPath(files);
  const out: AppServerInstance[] = [];

  for (const unit of inputs.systemdUnits) {
    if (unit.type !== 'service') continue;
    for (const entry of unit.entries) {
      if (entry.section !== 'Service' || entry.key !== 'ExecStart' || entry.value === '') continue;
      const src = sources.text(entry.file);
      if (!src) continue;
      const split = splitSystemdExec(entry.value, { offsets: valueOffsets(entry) });
      const rec = recognizeShell(split.commands);
      if (!rec) continue;
      const launch: Launch = {
        origin: 'systemd',
        file: entry.file,
        lines: src.lines,
        role: unit.role,
        processName: unit.name,
        web: true,
        span: entry.valueSpan,
        environment: unitEnvironment(unit, sources),
        unit: { name: unit.name, file: unit.file },
        ...unitDirectory(unit, rec, allPaths),
      };
      out.push(instanceFor(rec, launch, ctx, allPaths));
    }
  }

  for (const f of files) {
    if (f.kind !== 'procfile') continue;
    const src = sources.text(f.path);
    if (!src) continue;
    const parsed = parseProcfile(src.text, src.lines);
    const dir = f.path.includes('/') ? f.path.slice(0, f.path.lastIndexOf('/')) : '';
    for (const e of parsed.entries) {
      const split = splitShell(e.command, { base: e.commandStart });
      const rec = recognizeShell(split.commands);
      if (!rec) continue;
      const shellProblems = split.problems.map((p) => ({ message: `the shell cannot run this command: ${p.message}`, span: src.lines.span(f.path, p.start, p.end), fatal: true }));
      const launch: Launch = {
        origin: 'procfile',
        file: f.path,
        lines: src.lines,
        role: sources.configuredRole(f.path) ?? procfileRole(f.path),
        processName: e.name,
        web: e.name === 'web',
        span: src.lines.span(f.path, e.commandStart, e.commandEnd),
        environment: { vars: [], complete: false, openBy: 'the platform (Heroku and Dokku set PORT and WEB_CONCURRENCY)' },
        cwd: { dir, assumed: false },
        platformPort: e.name === 'web',
      };
      const inst = instanceFor(rec, launch, ctx, allPaths);
      inst.problems.unshift(...shellProblems);
      out.push(inst);
    }
  }

  for (const c of inputs.commandLines ?? []) {
    const inst = commandLineInstance(c, ctx, allPaths);
    if (inst) out.push(inst);
  }

  // Configuration files no production command line reads: started somewhere the repository does not show.
  const joined = new Set(out.filter((i) => i.role === 'production').flatMap((i) => i.configFiles.map((c) => c.file).filter((x): x is string => !!x)));
  const lone: AppServerInstance[] = [];
  for (const f of files) {
    if (joined.has(f.path)) continue;
    if (f.kind === 'gunicorn-config') {
      const inst = loneGunicorn(f.path, ctx, allPaths);
      if (inst) lone.push(inst);
    } else if (f.kind === 'uwsgi-config' || f.kind === 'ini-candidate') {
      const inst = loneUwsgi(f.path, ctx, allPaths);
      if (inst) lone.push(inst);
    }
  }
  // A file another lone config includes (uWSGI `ini = base.ini`) is part of that one, not an instance.
  const included = new Set(lone.flatMap((i) => i.configFiles.map((c) => c.file).filter((x): x is string => !!x && x !== i.file)));
  out.push(...lone.filter((i) => !included.has(i.file)));
  return out;
}

/**
 * The instance one command line starts, for a part of the model that starts servers the list above
 * does not hold (a Kubernetes container's command and args); undefined when it starts no server.
 */
export function appServerForCommandLine(c: ExternalCommandLine, allPaths: ReadonlyMap<string, unknown>, sources: ModelSources): AppServerInstance | undefined {
  return commandLineInstance(c, { sources, notices: [] }, allPaths);
}

function commandLineInstance(c: ExternalCommandLine, ctx: BuildContext, allPaths: ReadonlyMap<string, unknown>): AppServerInstance | undefined {
  const sources = ctx.sources;
  const src = sources.text(c.file);
  if (!src) return undefined;
  let rec: RecognizedCommand | undefined;
  if (c.shell) rec = recognizeShell(splitShell(c.shell.text, { base: c.shell.start }).commands);
  else if (c.words) rec = recognizeShell([{ words: c.words.map((w) => exactWord(w.value, w.span)) }]);
  if (!rec) return undefined;
  const launch: Launch = {
    origin: c.origin,
    file: c.file,
    lines: src.lines,
    role: c.role ?? sources.configuredRole(c.file) ?? pathRole(c.file),
    web: c.web ?? true,
    span: c.span,
    environment: c.environment ?? { vars: [], complete: false, openBy: 'the container environment' },
    ...(c.processName ? { processName: c.processName } : {}),
    ...(c.workingDirectory !== undefined ? { cwd: { dir: c.workingDirectory, assumed: false } } : {}),
  };
  return instanceFor(rec, launch, ctx, allPaths);
}

function instanceFor(rec: RecognizedCommand, launch: Launch, ctx: BuildContext, allPaths: ReadonlyMap<string, unknown>): AppServerInstance {
  // `NAME=value gunicorn ...` assignments are part of the server's environment.
  if (rec.assignments.length > 0) {
    launch = {
      ...launch,
      environment: {
        ...launch.environment,
        vars: [...launch.environment.vars, ...rec.assignments.map((a) => ({ name: a.name, value: a.value.value, span: wordSpan(launch, a.value) }))],
      },
    };
  }
  const first = rec.program[0]!;
  const last = rec.program[rec.program.length - 1]!;
  const command = {
    span: launch.span,
    program: rec.program.map((w) => w.value).join(' '),
    programSpan: launch.lines.span(launch.file, first.start, last.end),
    args: rec.args.map((w) => ({ value: w.value, span: wordSpan(launch, w) })),
  };
  let built: Pick<AppServerInstance, 'options' | 'configFiles' | 'app' | 'problems'>;
  switch (rec.server) {
    case 'gunicorn':
      built = buildGunicorn({ launch, args: rec.args, allPaths }, ctx);
      break;
    case 'uwsgi':
      built = buildUwsgi({ launch, args: rec.args, allPaths }, ctx);
      break;
    case 'uvicorn':
      built = { ...buildUvicorn(launch, rec.args), configFiles: [] };
      break;
    case 'daphne':
      built = { ...buildDaphne(launch, rec.args), configFiles: [] };
      break;
    case 'runserver':
      built = { ...buildRunserver(launch, rec.args), configFiles: [] };
      break;
    default:
      built = { options: {}, configFiles: [], problems: [] };
  }
  return finish(rec.server, launch, built, command);
}

function finish(server: AppServerInstance['server'], launch: Launch, built: Pick<AppServerInstance, 'options' | 'configFiles' | 'app' | 'problems'>, command?: AppServerInstance['command']): AppServerInstance {
  const inst: AppServerInstance = {
    server,
    origin: launch.origin,
    span: launch.span,
    file: launch.file,
    role: launch.role,
    web: launch.web && !(server === 'uwsgi' && built.options.emperor),
    configFiles: built.configFiles,
    options: built.options,
    environment: launch.environment,
    problems: built.problems,
  };
  if (launch.processName) inst.processName = launch.processName;
  if (command) inst.command = command;
  if (built.app) inst.app = built.app;
  if (launch.unit) inst.unit = launch.unit;
  return inst;
}

function loneGunicorn(path: string, ctx: BuildContext, allPaths: ReadonlyMap<string, unknown>): AppServerInstance | undefined {
  const src = ctx.sources.text(path);
  const parsed = src && ctx.sources.python(path);
  if (!src || !parsed) return undefined;
  // Only a file that sets gunicorn settings at module level is a gunicorn config file.
  const assigned = new Set<string>();
  for (const stmt of parsed.root.namedChildren) {
    const a = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : undefined;
    if (left?.type === 'identifier') assigned.add(left.text);
  }
  if (![...assigned].some((n) => GUNICORN_BY_NAME.has(n) && n !== 'config')) return undefined;
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  const launch: Launch = {
    origin: 'gunicorn-config',
    file: path,
    lines: src.lines,
    role: ctx.sources.configuredRole(path) ?? pathRole(path),
    web: true,
    span: src.lines.lineSpan(path, 1),
    environment: { vars: [], complete: false, openBy: 'the command line and environment gunicorn is started with (not in the repository)' },
    cwd: { dir, assumed: true },
  };
  const built = buildGunicorn({ launch, configFile: path, allPaths }, ctx);
  // The command line is not known: it may set anything the file leaves at its default.
  for (const o of Object.values(built.options)) {
    if (o.source === 'default' && o.certain) {
      o.certain = false;
      o.doubt = 'the command line that starts gunicorn is not in the repository and may set it';
    }
  }
  return finish('gunicorn', launch, built);
}

/** Debian's uwsgi package runs apps-enabled/*.ini with its own defaults (master, workers, uid); an Emperor manages vassals. */
function uwsgiManager(path: string): string | undefined {
  if (/(?:^|\/)apps-(?:enabled|available)\//.test(path)) return "Debian's uwsgi service, which adds its own defaults (/usr/share/uwsgi/conf/default.ini)";
  if (/(?:^|\/)vassals\//.test(path)) return 'a uWSGI Emperor, which manages this vassal';
  return undefined;
}

function loneUwsgi(path: string, ctx: BuildContext, allPaths: ReadonlyMap<string, unknown>): AppServerInstance | undefined {
  const src = ctx.sources.text(path);
  if (!src || !hasUwsgiSection(src.text, src.lines)) return undefined;
  const span: Span = uwsgiSectionSpan(path, src.text, src.lines) ?? src.lines.lineSpan(path, 1);
  const launch: Launch = {
    origin: 'uwsgi-config',
    file: path,
    lines: src.lines,
    role: ctx.sources.configuredRole(path) ?? pathRole(path),
    web: true,
    span,
    environment: { vars: [], complete: false, openBy: 'the environment uWSGI is started with (not in the repository)' },
    cwd: { dir: path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '', assumed: true },
  };
  const built = buildUwsgi({ launch, iniFile: path, allPaths }, ctx);
  const manager = uwsgiManager(path);
  if (manager) {
    for (const o of Object.values(built.options)) {
      if (o.source === 'default' && o.certain) {
        o.certain = false;
        o.doubt = `started by ${manager}`;
      }
    }
  }
  return finish('uwsgi', launch, built);
}

/** The source offset of each character of an entry's value (continuations mapped line by line). */
function valueOffsets(entry: SystemdEntry): number[] | undefined {
  const pieces = entry.valuePieces;
  if (!pieces || pieces.length === 0) {
    if (entry.valueSpan.end.offset - entry.valueSpan.start.offset === entry.value.length) {
      return Array.from({ length: entry.value.length }, (_, i) => entry.valueSpan.start.offset + i);
    }
    return Array.from({ length: entry.value.length }, () => entry.valueSpan.start.offset);
  }
  const out: number[] = [];
  for (const p of pieces) for (let i = 0; i < p.text.length; i++) out.push(p.span.start.offset + i);
  return out;
}

/** The environment a unit gives its service: Environment= assignments; open when EnvironmentFile=/PassEnvironment= add more. */
function unitEnvironment(unit: SystemdUnit, sources: ModelSources): AppServerEnvironment {
  const vars: AppServerEnvironment['vars'] = [];
  const open: string[] = [];
  for (const e of unit.entries) {
    if (e.section !== 'Service') continue;
    if ((e.key === 'EnvironmentFile' || e.key === 'PassEnvironment') && e.value !== '') open.push(`${e.key}=${e.value}`);
    if (e.key !== 'Environment' || e.value === '') continue;
    const lines = sources.text(e.file)?.lines;
    if (!lines) continue;
    const split = splitSystemdExec(e.value, { offsets: valueOffsets(e) });
    for (const c of split.commands) {
      for (const w of c.words) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(w.value);
        if (!m) continue;
        const eq = m[0].length;
        const start = w.offsets[eq] ?? w.end;
        const end = w.value.length > eq ? w.offsets[w.value.length - 1]! + 1 : start;
        vars.push({ name: m[1]!, value: w.value.slice(eq), span: lines.span(e.file, start, end) });
      }
    }
  }
  const env: AppServerEnvironment = { vars, complete: open.length === 0 };
  if (open.length) env.openBy = open.join(', ');
  return env;
}

/**
 * A unit's WorkingDirectory= as a repository directory. The directory whose path is the longest
 * suffix of it is one candidate, the repository root (cloned into the working directory) the
 * other; the one from which the command's app module imports (or that holds the server's config
 * file, or manage.py) wins. None when the unit sets no WorkingDirectory= (it starts in /).
 */
function unitDirectory(unit: SystemdUnit, rec: RecognizedCommand, allPaths: ReadonlyMap<string, unknown>): Pick<Launch, 'cwd' | 'cwdOutsideRepo'> {
  let wd: string | undefined;
  for (const e of unit.entries) if (e.section === 'Service' && e.key === 'WorkingDirectory') wd = e.value || undefined;
  if (!wd) return { cwdOutsideRepo: true };
  const path = wd.replace(/^-/, '');
  const mapped = path.startsWith('/') && !/%[a-zA-Z]/.test(path) ? mapDirectory(path, allPaths) : undefined;
  const candidates = [...new Set([...(mapped !== undefined ? [mapped] : []), ''])];
  const within = (dir: string, rel: string) => (dir ? `${dir}/${rel}` : rel);
  const modules = rec.args.filter((w) => !w.value.startsWith('-') && /^[A-Za-z_][\w.]*(?::[\w.()]+)?$/.test(w.value)).map((w) => w.value.split(':')[0]!.split('.').join('/'));
  const configName = rec.server === 'gunicorn' ? 'gunicorn.conf.py' : undefined;
  const tests: Array<(dir: string) => boolean> = [
    (dir) => modules.some((m) => allPaths.has(within(dir, `${m}.py`)) || allPaths.has(within(dir, `${m}/__init__.py`))),
    (dir) => configName !== undefined && allPaths.has(within(dir, configName)),
    (dir) => allPaths.has(within(dir, 'manage.py')),
  ];
  for (const test of tests) {
    const hit = candidates.find(test);
    if (hit !== undefined) return { cwd: { dir: hit, assumed: hit !== mapped } };
  }
  return { cwd: { dir: candidates[0]!, assumed: mapped === undefined } };
}

/** A word known exactly (exec-form arrays): each character at its place inside the span when the lengths agree. */
function exactWord(value: string, span: Span): ShellWord {
  const len = span.end.offset - span.start.offset;
  const shift = len === value.length + 2 ? 1 : 0;
  const offsets = Array.from({ length: value.length }, (_, i) => (len === value.length || shift ? span.start.offset + shift + i : span.start.offset));
  return { value, offsets, start: span.start.offset, end: span.end.offset, quoted: shift === 1, expansions: [] };
}
