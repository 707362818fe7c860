import type { Span } from '../../core/position.js';
import { djangoDefault, versionAtLeast } from '../django-helpers.js';
import { decidingVariables, dictGet, type PyValue } from '../python-value.js';
import { dictValueSpan } from '../settings/values.js';
import { mapDirectory } from '../appserver/context.js';
import type { SystemdUnit } from '../systemd/types.js';
import type { DjangoProject } from '../types.js';

/**
 * The paths a Django project writes to as its settings configure it (issue 5): the files LOGGING's
 * file handlers open, MEDIA_ROOT when uploads are stored on the local file system, FileBasedCache
 * directories and SQLite database files (and their directory, where SQLite creates its journal).
 * Paths are as the settings compute them: absolute ones under the evaluator's DEPLOY_ROOT stand for
 * the repository as deployed; relative ones resolve against the process's working directory.
 */
export type WriteKind = 'log-file' | 'media-root' | 'file-cache' | 'sqlite' | 'session-files';

export interface WritePath {
  kind: WriteKind;
  /** The path the settings compute. */
  path: string;
  /** True when the app creates files inside it (a directory), false for a file it opens. */
  directory: boolean;
  /** What writes there, for messages: "LOGGING handler 'file' (logging.FileHandler)". */
  what: string;
  /** The setting it comes from. */
  setting: string;
  /** Where the path is written (the dict entry when there is one, else the setting's assignment). */
  span: Span;
  /**
   * 'start': the path is opened while Django configures itself (a file handler without delay=True),
   * so the process fails at start; 'use': on first use (an upload, a cache write, a query).
   */
  when: 'start' | 'use';
  /** Variables an env source set that the path came from. */
  variables: string[];
}

/** A place the app writes whose path cannot be known from the repository. */
export interface UnknownWrite {
  what: string;
  setting: string;
  span: Span;
  variables: string[];
}

export interface ProjectWrites {
  writes: WritePath[];
  unknown: UnknownWrite[];
}

/** The standard library's file handlers: each opens `filename` when configured unless `delay` is true. */
const FILE_HANDLERS = new Set([
  'logging.FileHandler',
  'logging.handlers.RotatingFileHandler',
  'logging.handlers.TimedRotatingFileHandler',
  'logging.handlers.WatchedFileHandler',
]);

const FILE_SYSTEM_STORAGE = new Set(['django.core.files.storage.FileSystemStorage', 'django.core.files.storage.filesystem.FileSystemStorage']);
const FILE_BASED_CACHE = 'django.core.cache.backends.filebased.FileBasedCache';
const SQLITE = 'django.db.backends.sqlite3';

function pathText(v: PyValue | null | undefined): string | undefined {
  return v && (v.kind === 'str' || v.kind === 'path') ? v.value : undefined;
}

function strOf(v: PyValue | null | undefined): string | undefined {
  return v?.kind === 'str' ? v.value : undefined;
}

function entries(v: PyValue | undefined): Array<{ key: string; value: PyValue }> | undefined {
  if (v?.kind !== 'dict') return undefined;
  const out: Array<{ key: string; value: PyValue }> = [];
  for (const e of v.entries) {
    if (e.key.kind !== 'str') return undefined;
    out.push({ key: e.key.value, value: e.value });
  }
  return out;
}

function spanOf(v: PyValue, fallback: Span): Span {
  return dictValueSpan(v) ?? fallback;
}

export function projectWrites(project: DjangoProject): ProjectWrites {
  const writes: WritePath[] = [];
  const unknown: UnknownWrite[] = [];
  const add = (value: PyValue | null | undefined, base: Omit<WritePath, 'path' | 'span' | 'variables'>, fallback: Span): void => {
    if (!value) return;
    const span = spanOf(value, fallback);
    if (value.kind === 'unknown') {
      unknown.push({ what: base.what, setting: base.setting, span, variables: decidingVariables(value) });
      return;
    }
    const path = pathText(value);
    if (path === undefined || path === '') return;
    writes.push({ ...base, path, span, variables: (value.origin?.env ?? []).filter((r) => r.decidedBy === 'env-source').map((r) => r.name) });
  };

  // LOGGING: Django hands it to logging.config.dictConfig (LOGGING_CONFIG's default), which builds
  // every handler the dict declares, used or not.
  const logging = project.settings.get('LOGGING');
  const loggingConfig = project.settings.get('LOGGING_CONFIG');
  const dictConfig = !loggingConfig || strOf(loggingConfig.value) === 'logging.config.dictConfig';
  if (logging && dictConfig) {
    const handlers = dictGet(logging.value, 'handlers');
    for (const h of entries(handlers ?? undefined) ?? []) {
      const cls = strOf(dictGet(h.value, 'class'));
      if (!cls || !FILE_HANDLERS.has(cls) || dictGet(h.value, '()')) continue;
      const filename = dictGet(h.value, 'filename');
      const delay = dictGet(h.value, 'delay');
      const delayed = delay !== null && delay !== undefined && !(delay.kind === 'bool' && !delay.value) && !(delay.kind === 'none');
      add(filename, { kind: 'log-file', directory: false, what: `LOGGING handler '${h.key}' (${cls})`, setting: 'LOGGING', when: delayed ? 'use' : 'start' }, logging.span);
    }
  }

  // MEDIA_ROOT (or the default storage's own location), when uploads go to the local file system.
  const media = fileSystemMediaLocation(project);
  if (media) add(media.value, { kind: 'media-root', directory: true, what: media.what, setting: media.setting, when: 'use' }, media.span);

  // FileBasedCache: LOCATION is the directory the cache files are written to.
  const caches = project.settings.get('CACHES');
  for (const c of entries(caches?.value) ?? []) {
    if (strOf(dictGet(c.value, 'BACKEND')) !== FILE_BASED_CACHE) continue;
    add(dictGet(c.value, 'LOCATION'), { kind: 'file-cache', directory: true, what: `cache '${c.key}' (FileBasedCache)`, setting: 'CACHES', when: 'use' }, caches!.span);
  }

  // File-based sessions: one file per session in SESSION_FILE_PATH (unset: tempfile.gettempdir(),
  // /tmp unless TMPDIR says otherwise), written on every login.
  const engine = project.settings.get('SESSION_ENGINE');
  if (engine && strOf(engine.value) === 'django.contrib.sessions.backends.file') {
    const path = project.settings.get('SESSION_FILE_PATH');
    const tmpdir = project.envLayers.some((l) => l.lookup('TMPDIR') !== undefined);
    const base = { kind: 'session-files' as const, directory: true, what: 'file-based sessions (SESSION_ENGINE)', setting: path ? 'SESSION_FILE_PATH' : 'SESSION_ENGINE', when: 'use' as const };
    if (path && path.value.kind !== 'none') add(path.value, base, path.span);
    else if (!tmpdir) writes.push({ ...base, path: '/tmp', span: engine.span, variables: [] });
  }

  // SQLite: the database file, and its directory, where the journal (or WAL) file is created.
  const databases = project.settings.get('DATABASES');
  for (const d of entries(databases?.value) ?? []) {
    if (strOf(dictGet(d.value, 'ENGINE')) !== SQLITE) continue;
    const name = dictGet(d.value, 'NAME');
    const text = pathText(name);
    if (text !== undefined && (text === ':memory:' || text.startsWith('file:') || text === '')) continue;
    add(name, { kind: 'sqlite', directory: false, what: `SQLite database '${d.key}'`, setting: 'DATABASES', when: 'use' }, databases!.span);
  }
  return { writes, unknown };
}

/**
 * Where uploads are stored when the default storage is FileSystemStorage: its `location` option,
 * else MEDIA_ROOT. Undefined when another storage is the default or MEDIA_ROOT is not set.
 */
export function fileSystemMediaLocation(project: DjangoProject): { value: PyValue; span: Span; setting: string; what: string } | undefined {
  const v = project.djangoVersion;
  const storages = versionAtLeast(v, 4, 2) ? project.settings.get('STORAGES') : undefined;
  const legacy = versionAtLeast(v, 5, 1) ? undefined : project.settings.get('DEFAULT_FILE_STORAGE');
  let location: { value: PyValue; span: Span } | undefined;
  if (storages) {
    const def = dictGet(storages.value, 'default');
    if (!def) return undefined;
    if (!FILE_SYSTEM_STORAGE.has(strOf(dictGet(def, 'BACKEND')) ?? '')) return undefined;
    const opts = dictGet(def, 'OPTIONS');
    const loc = opts ? dictGet(opts, 'location') : null;
    if (loc === undefined) return undefined;
    if (loc) location = { value: loc, span: spanOf(loc, storages.span) };
  } else if (legacy) {
    if (!FILE_SYSTEM_STORAGE.has(strOf(legacy.value) ?? '')) return undefined;
  }
  if (location) return { ...location, setting: 'STORAGES', what: "the default storage's location (uploads)" };
  const root = project.settings.get('MEDIA_ROOT');
  if (!root) return undefined;
  const value = root.value ?? djangoDefault('MEDIA_ROOT', v);
  return { value, span: root.span, setting: 'MEDIA_ROOT', what: 'MEDIA_ROOT (uploads)' };
}

// ---------------------------------------------------------------------------------------------
// Paths as deployed

/** Lexical normalisation of an absolute or relative POSIX path (`a/./b/../c` -> `a/c`). */
export function normalisePath(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!abs) out.push('..');
    } else out.push(seg);
  }
  return (abs ? '/' : '') + out.join('/') || (abs ? '/' : '.');
}

/** `child` is `parent` or inside it (both normalised, absolute). */
export function isWithin(child: string, parent: string): boolean {
  if (parent === '/') return child.startsWith('/');
  return child === parent || child.startsWith(`${parent}/`);
}

/**
 * A settings path on the server: paths under the evaluator's deploy root move to where the
 * repository really is (`deployedRoot`, or undefined when not known), relative paths resolve
 * against the working directory (`cwd`, or undefined when not known). Undefined when it cannot
 * be told.
 */
export function deployedPath(path: string, evaluatorRoot: string, deployedRoot: string | undefined, cwd: string | undefined): string | undefined {
  if (!path.startsWith('/')) return cwd === undefined ? undefined : normalisePath(`${cwd}/${path}`);
  const p = normalisePath(path);
  const root = normalisePath(evaluatorRoot);
  if (isWithin(p, root)) {
    if (deployedRoot === undefined) return undefined;
    return normalisePath(`${deployedRoot}/${p.slice(root.length)}`);
  }
  return p;
}

/** The directory of a file path. */
export function parentDir(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

// ---------------------------------------------------------------------------------------------
// Where a systemd service runs the repository

/**
 * Where the repository sits on the server for a program a unit starts (an app server's WSGI module,
 * a Celery app), and the working directory: the unit's WorkingDirectory= is the repository directory the module imports
 * from (the one whose path ends it, or the repository root cloned there). `root` is undefined when
 * the repository's place cannot be told; `cwd` when WorkingDirectory= is unset or uses specifiers.
 */
export function systemdPlacement(appModule: string | undefined, unit: SystemdUnit, files: ReadonlyMap<string, unknown>): { root?: string; cwd?: string } {
  const wdEntry = unit.entries.filter((e) => e.section === 'Service' && e.key === 'WorkingDirectory').at(-1);
  const wd = wdEntry?.value.replace(/^-/, '').trim();
  if (!wd || !wd.startsWith('/') || /[%$~]/.test(wd)) return {};
  const cwd = normalisePath(wd);
  const module = appModule?.split(':')[0]?.split('.').join('/');
  const imports = (dir: string) => module !== undefined && (files.has(`${dir ? `${dir}/` : ''}${module}.py`) || files.has(`${dir ? `${dir}/` : ''}${module}/__init__.py`));
  const mapped = mapDirectory(cwd, files);
  const dir = mapped !== undefined && imports(mapped) ? mapped : imports('') ? '' : undefined;
  if (dir === undefined) return { cwd };
  if (dir === '') return { root: cwd, cwd };
  return cwd.endsWith(`/${dir}`) ? { root: cwd.slice(0, cwd.length - dir.length - 1) || '/', cwd } : { cwd };
}
