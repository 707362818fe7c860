/**
 * Emulations of the modules settings files use to read their environment (os, python-decouple,
 * django-environ, dj-database-url, python-dotenv) and a few others (pathlib, os.path, sys, json,
 * django-split-settings), each with the library's own casting rules.
 */
import type { Span } from '../../core/position.js';
import type { PyNode } from '../../parse/python.js';
import type { DotenvDialect, EnvLayer } from '../env/types.js';
import type { EnvLibrary, EnvRead } from '../python-value.js';
import { decidingVariables, truthy } from '../python-value.js';
import { arg, pyIntFromStr, pyStrip } from './builtins.js';
import { reprOf, strOf } from './format.js';
import type { Interp } from './interpreter.js';
import { pyEquals, OpError, type OpResult } from './ops.js';
import { abspath, basename, dirname, join, normpath, pathJoin, purePath, repoRelative, splitext } from './paths.js';
import { djDatabaseParse, environCacheUrl, environDbUrl, environEmailUrl, environSearchUrl, urlsplit, type UrlResult } from './urls.js';
import {
  bool,
  dict,
  envOfAll,
  FALSE,
  float,
  int,
  native,
  NONE,
  obj,
  refOf,
  Scope,
  str,
  TRUE,
  unknown,
  unknownFrom,
  withOrigin,
  type CallArgs,
  type ObjVal,
  type Ref,
  type Val,
} from './values.js';

export interface EnvLookupResult {
  /** The value; null when the source declares the name without a value, or holds a placeholder. */
  raw: string | null;
  /** The source holds a fill-in-at-deploy placeholder (`!!!SET X!!!`, `<your-key>`, `changeme`). */
  placeholder?: boolean;
  decidedBy: 'env-source' | 'default';
  source?: { span: Span; layer: string };
}

function module(name: string, entries: Record<string, Val>): ObjVal {
  const ns = new Scope();
  for (const [k, v] of Object.entries(entries)) ns.vars.set(k, { value: v });
  // Library modules are "external": names we do not model are opaque, not AttributeErrors.
  return obj('module', { tag: 'module', name, ns, external: true }, name);
}

function nativeObject(typeName: string, attrs: Record<string, Val>, data: Record<string, unknown> = {}): ObjVal {
  return obj(typeName, { tag: 'native-object', typeName, attrs: new Map(Object.entries(attrs)), data }, typeName);
}

function exceptionClass(name: string): Val {
  return obj('type', { tag: 'class', name, ns: new Scope() }, name);
}

/** The builtin type a cast argument names (bool, int, ...), if it is one. */
function builtinTypeName(v: Val | undefined): string | undefined {
  if (!v || v.kind !== 'object' || v.typeName !== 'type') return undefined;
  const ref = refOf(v);
  return ref?.tag === 'native' ? ref.name : undefined;
}

function nativeTypeName(v: Val | undefined): string | undefined {
  const ref = v && refOf(v);
  return ref?.tag === 'native-object' ? ref.typeName : undefined;
}

const DECOUPLE_BOOLEANS: Record<string, boolean> = {
  '1': true, yes: true, true: true, on: true, y: true, t: true,
  '0': false, no: false, false: false, off: false, n: false, f: false, '': false,
};
const ENVIRON_TRUE = new Set(['true', 'on', 'ok', 'y', 'yes', '1']);

/**
 * The emulated library modules by import name, each built when first imported: a settings module
 * imports two or three of them, and every evaluation (production, unset, each service) has its own.
 */
export function makeLibraryModules(interp: Interp): { get(name: string): ObjVal | undefined } {
  const L = new EnvLibraries(interp);
  const built = new Map<string, ObjVal>();
  const get = (name: string): ObjVal | undefined => {
    let m = built.get(name);
    if (!m) {
      if (!Object.hasOwn(factories, name)) return undefined;
      const make = factories[name]!;
      m = make();
      built.set(name, m);
    }
    return m;
  };
  const identity = (name: string, index = 0): Val => native(name, (c) => c.args[index] ?? NONE);
  const pathlib = (): ObjVal => {
    const pathType = L.pathType();
    return module('pathlib', { Path: pathType, PosixPath: pathType, PurePath: pathType, PurePosixPath: pathType });
  };
  const factories: Record<string, () => ObjVal> = {
    'os.path': () => L.osPathModule(),
    posixpath: () => get('os.path')!,
    os: () => L.osModule(get('os.path')!),
    sys: () =>
      module('sys', {
        argv: unknown('sys.argv depends on the command line the process was started with'),
        path: { kind: 'list', items: [] },
        platform: unknown('sys.platform depends on the host'),
        version_info: unknown('the Python version at run time'),
        modules: unknown('sys.modules at run time'),
        executable: unknown('the Python executable at run time'),
      }),
    pathlib,
    decouple: () => L.decoupleModule(),
    environ: () => L.environModule(),
    dj_database_url: () => L.djDatabaseUrlModule(),
    dotenv: () => L.dotenvModule(),
    json: () => L.jsonModule(),
    'split_settings.tools': () => L.splitSettingsModule(),
    split_settings: () => module('split_settings', { tools: get('split_settings.tools')! }),
    'django.utils.translation': () =>
      module('django.utils.translation', {
        gettext_lazy: identity('gettext_lazy'), gettext: identity('gettext'), ugettext_lazy: identity('ugettext_lazy'),
        ugettext: identity('ugettext'), pgettext_lazy: identity('pgettext_lazy', 1), pgettext: identity('pgettext', 1),
        gettext_noop: identity('gettext_noop'),
      }),
    'django.core.exceptions': () => module('django.core.exceptions', { ImproperlyConfigured: exceptionClass('ImproperlyConfigured') }),
  };
  return { get };
}

class EnvLibraries {
  constructor(private readonly interp: Interp) {}

  private span(node: PyNode): Span {
    return this.interp.span(node);
  }

  private record(name: string, library: EnvLibrary, node: PyNode, decidedBy: EnvRead['decidedBy'], hit?: EnvLookupResult): EnvRead {
    const read: EnvRead = { name, library, call: this.span(node), decidedBy };
    if (hit?.source) read.source = hit.source;
    if (hit) read.raw = hit.raw;
    return this.interp.recordRead(read);
  }

  /** The value an environment entry gives; a declared-but-empty (`null`) entry is unknown. */
  private rawValue(name: string, hit: EnvLookupResult): Val {
    const where = hit.source ? ` in ${hit.source.layer}` : '';
    if (hit.placeholder) return unknown(`${name} holds a placeholder${where}: the real value is set at deploy time`, [name]);
    if (hit.raw === null) return unknown(`${name} is declared without a value${where}`, [name]);
    return str(hit.raw);
  }

  private notSet(name: string): Val {
    return unknown(`depends on environment variable ${name}, which no production source defines`, [name]);
  }

  /** A known string key argument, or undefined. */
  private keyOf(v: Val | undefined): string | undefined {
    return v?.kind === 'str' ? v.value : undefined;
  }

  // -------------------------------------------------------------------------------------------
  // os

  osModule(osPath: ObjVal): ObjVal {
    const interp = this.interp;
    const get = (library: EnvLibrary) => (c: CallArgs): Val => {
      const keyV = arg(c, 0, library === 'os.getenv' ? 'key' : 'key');
      const name = this.keyOf(keyV);
      if (name === undefined) return unknownFrom(keyV ? [keyV] : [], 'environment variable name not known');
      const def = arg(c, 1, 'default');
      return this.osGet(name, def, library, c.node);
    };
    const environ = nativeObject('os._Environ', {
      get: native('get', get('os.environ')),
      setdefault: native('setdefault', (c) => {
        const name = this.keyOf(c.args[0]);
        const value = c.args[1] ?? NONE;
        if (name === undefined) return unknownFrom(c.args, 'environment variable name not known');
        const hit = interp.lookupEnv(name);
        if (hit) {
          const read = this.record(name, 'os.environ', c.node, hit.decidedBy, hit);
          return withOrigin(this.rawValue(name, hit), this.span(c.node), [read]);
        }
        interp.setEnv(name, value.kind === 'str' ? value.value : null, 'setdefault', 'default');
        const read = this.record(name, 'os.environ', c.node, 'default');
        return withOrigin(value, this.span(c.node), [read]);
      }),
      pop: native('pop', (c) => {
        const name = this.keyOf(c.args[0]);
        if (name === undefined) return unknownFrom(c.args, 'environment variable name not known');
        const v = this.osGet(name, c.args[1], 'os.environ', c.node, c.args.length < 2);
        interp.deleteEnv(name);
        return v;
      }),
      update: native('update', (c) => {
        const src = c.args[0];
        if (src?.kind === 'dict') for (const e of src.entries) this.setItem(e.key, e.value);
        for (const [k, v] of c.kwargs) this.setItem(str(k), v);
        return NONE;
      }),
      copy: native('copy', () => unknown('a copy of the whole process environment')),
      keys: native('keys', () => unknown('the names in the process environment')),
      items: native('items', () => unknown('the whole process environment')),
    }, {
      getitem: (k: Val): OpResult => {
        const name = this.keyOf(k);
        if (name === undefined) return unknownFrom([k], 'environment variable name not known');
        return new OpError('__osenviron_getitem__');
      },
      setitem: (k: Val, v: Val) => this.setItem(k, v),
      delitem: (k: Val) => {
        if (k.kind === 'str') interp.deleteEnv(k.value);
      },
      contains: (k: Val): Val => {
        const name = this.keyOf(k);
        if (name === undefined) return unknownFrom([k], 'environment variable name not known');
        return this.osContains(name);
      },
    });
    // Subscript needs the call node for the read's span, so os.environ[...] is resolved here.
    const data = (refOf(environ) as Extract<Ref, { tag: 'native-object' }>).data as Record<string, unknown>;
    data.getitemAt = (k: Val, node: PyNode): Val => this.osRequired(k, node);
    return module('os', {
      environ,
      getenv: native('getenv', get('os.getenv')),
      path: osPath,
      sep: str('/'),
      pathsep: str(':'),
      linesep: str('\n'),
      name: str('posix'),
      curdir: str('.'),
      getcwd: native('getcwd', () => unknown('the working directory at run time')),
      fspath: native('fspath', (c) => {
        const v = c.args[0] ?? NONE;
        return v.kind === 'path' ? str(v.value) : v;
      }),
      makedirs: native('makedirs', () => NONE),
      mkdir: native('mkdir', () => NONE),
      cpu_count: native('cpu_count', () => unknown('the CPU count of the host')),
      listdir: native('listdir', () => unknown('directory contents at run time')),
      putenv: native('putenv', () => NONE),
    });
  }

  private setItem(k: Val, v: Val): void {
    if (k.kind !== 'str') return;
    this.interp.setEnv(k.value, v.kind === 'str' ? v.value : null, 'override', 'default');
  }

  /** os.environ.get / os.getenv. */
  private osGet(name: string, def: Val | undefined, library: EnvLibrary, node: PyNode, required = false): Val {
    const hit = this.interp.lookupEnv(name);
    if (hit) {
      const read = this.record(name, library, node, hit.decidedBy, hit);
      return withOrigin(this.rawValue(name, hit), this.span(node), [read]);
    }
    if (required) {
      const read = this.record(name, library, node, 'required-missing');
      return withOrigin(unknown(`environment variable ${name} is required (KeyError when unset)`, [name]), this.span(node), [read]);
    }
    if (def !== undefined) {
      const read = this.record(name, library, node, 'default');
      return withOrigin(def, this.span(node), [read]);
    }
    if (this.interp.opts.unsetMode) {
      const read = this.record(name, library, node, 'default');
      return withOrigin(NONE, this.span(node), [read]);
    }
    const read = this.record(name, library, node, 'unknown');
    return withOrigin(this.notSet(name), this.span(node), [read]);
  }

  /** os.environ['X']: KeyError when unset, so the value is required. */
  osRequired(k: Val, node: PyNode): Val {
    const name = this.keyOf(k);
    if (name === undefined) return unknownFrom([k], 'environment variable name not known');
    return this.osGet(name, undefined, 'os.environ', node, true);
  }

  private osContains(name: string): Val {
    const hit = this.interp.lookupEnv(name);
    if (hit) return TRUE;
    if (this.interp.opts.unsetMode) return FALSE;
    return this.notSet(name);
  }

  osPathModule(): ObjVal {
    const interp = this.interp;
    const root = interp.opts.deployRoot;
    const strs = (c: CallArgs): string[] | Val => {
      const out: string[] = [];
      for (const a of c.args) {
        if (a.kind === 'unknown') return unknownFrom(c.args, a.reason);
        if (a.kind !== 'str' && a.kind !== 'path') return interp.fail(c.node, `os.path expected str, not ${a.kind} (TypeError)`, c.args);
        out.push(a.value);
      }
      return out;
    };
    const fn = (name: string, f: (xs: string[]) => Val) =>
      native(`os.path.${name}`, (c) => {
        const xs = strs(c);
        if (!Array.isArray(xs)) return xs;
        return withOrigin(f(xs), interp.span(c.node), envOfAll(c.args));
      });
    return module('os.path', {
      join: fn('join', (xs) => str(xs.length ? join(xs[0]!, ...xs.slice(1)) : '')),
      dirname: fn('dirname', (xs) => str(dirname(xs[0] ?? ''))),
      basename: fn('basename', (xs) => str(basename(xs[0] ?? ''))),
      abspath: fn('abspath', (xs) => str(abspath(xs[0] ?? '', root))),
      realpath: fn('realpath', (xs) => str(abspath(xs[0] ?? '', root))),
      normpath: fn('normpath', (xs) => str(normpath(xs[0] ?? ''))),
      isabs: fn('isabs', (xs) => bool((xs[0] ?? '').startsWith('/'))),
      splitext: fn('splitext', (xs) => ({ kind: 'tuple', items: splitext(xs[0] ?? '').map(str) })),
      split: fn('split', (xs) => ({ kind: 'tuple', items: [str(dirname(xs[0] ?? '')), str(basename(xs[0] ?? ''))] })),
      expanduser: fn('expanduser', (xs) => ((xs[0] ?? '').startsWith('~') ? unknown('home directory of the process user') : str(xs[0] ?? ''))),
      exists: fn('exists', () => unknown('depends on the file system at run time')),
      isfile: fn('isfile', () => unknown('depends on the file system at run time')),
      isdir: fn('isdir', () => unknown('depends on the file system at run time')),
      sep: str('/'),
    });
  }

  pathType(): Val {
    const interp = this.interp;
    const make = (c: CallArgs): Val => {
      let out = '';
      let first = true;
      for (const a of c.args) {
        if (a.kind === 'unknown') return withOrigin(unknownFrom(c.args, a.reason), interp.span(c.node), envOfAll(c.args));
        if (a.kind !== 'str' && a.kind !== 'path') return interp.fail(c.node, `Path() argument must be str or Path, not ${a.kind} (TypeError)`, c.args);
        out = first ? purePath(a.value) : pathJoin(out, a.value);
        first = false;
      }
      return withOrigin({ kind: 'path', value: first ? '.' : out }, interp.span(c.node), envOfAll(c.args));
    };
    return nativeObject('type', {
      cwd: native('Path.cwd', () => unknown('the working directory at run time')),
      home: native('Path.home', () => unknown('home directory of the process user')),
    }, { call: make });
  }

  // -------------------------------------------------------------------------------------------
  // python-decouple

  decoupleModule(): ObjVal {
    const autoConfig = (searchPath?: string): Val => {
      const cache = new Map<string, EnvLayer | null>();
      const repo = (): EnvLayer | undefined => {
        const start = searchPath ?? dirname(this.interp.code.file);
        if (!cache.has(start)) cache.set(start, this.findUpwards(start, 'python-decouple') ?? null);
        return cache.get(start) ?? undefined;
      };
      return this.decoupleConfig(() => ({ layer: repo() }));
    };
    const repositoryEnv = native('RepositoryEnv', (c) => {
      const rel = this.repoPath(c.args[0] ?? NONE);
      const layer = rel !== undefined ? this.interp.opts.loadDotenv?.(rel, 'python-decouple') : undefined;
      if (rel !== undefined && !layer && this.interp.opts.loadDotenv) this.interp.problem(c.node, `python-decouple would fail to open ${rel} (FileNotFoundError)`);
      return nativeObject('RepositoryEnv', {}, { repo: { layer } });
    });
    const opaqueRepo = (name: string) => native(name, () => nativeObject(name, {}, { repo: { opaque: `values read by ${name} are not evaluated` } }));
    return module('decouple', {
      config: autoConfig(),
      AutoConfig: native('AutoConfig', (c) => {
        const sp = c.args[0] ?? c.kwargs.get('search_path');
        const rel = sp && sp.kind !== 'none' ? this.repoPath(sp) : undefined;
        return autoConfig(rel);
      }),
      Config: native('Config', (c) => {
        const r = refOf(c.args[0] ?? NONE);
        const repo = r?.tag === 'native-object' ? ((r.data as { repo?: { layer?: EnvLayer; opaque?: string } }).repo ?? {}) : { opaque: 'repository not known' };
        return this.decoupleConfig(() => repo);
      }),
      RepositoryEnv: repositoryEnv,
      RepositoryIni: opaqueRepo('RepositoryIni'),
      RepositorySecret: opaqueRepo('RepositorySecret'),
      RepositoryEmpty: native('RepositoryEmpty', () => nativeObject('RepositoryEmpty', {}, { repo: {} })),
      Csv: native('Csv', (c) => this.csv(c)),
      Choices: native('Choices', (c) => this.choices(c)),
      UndefinedValueError: exceptionClass('UndefinedValueError'),
      undefined: obj('Undefined'),
    });
  }

  /** Walks up from a repo-relative directory looking for `.env` (decouple's and dotenv's search). */
  private findUpwards(startDir: string, dialect: DotenvDialect): EnvLayer | undefined {
    const load = this.interp.opts.loadDotenv;
    if (!load) return undefined;
    let dir = startDir === '.' ? '' : startDir;
    for (let i = 0; i < 64; i++) {
      const layer = load(dir ? `${dir}/.env` : '.env', dialect);
      if (layer) return layer;
      if (!dir) return undefined;
      dir = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
    }
    return undefined;
  }

  private findUpwardsPath(startDir: string, dialect: DotenvDialect): string | undefined {
    const load = this.interp.opts.loadDotenv;
    if (!load) return undefined;
    let dir = startDir === '.' ? '' : startDir;
    for (let i = 0; i < 64; i++) {
      const p = dir ? `${dir}/.env` : '.env';
      if (load(p, dialect)) return p;
      if (!dir) return undefined;
      dir = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
    }
    return undefined;
  }

  /** A repo-relative path for a path value (absolute under the deploy root, or relative to it). */
  repoPath(v: Val): string | undefined {
    if (v.kind !== 'str' && v.kind !== 'path') return undefined;
    const root = this.interp.opts.deployRoot;
    const abs = v.value.startsWith('/') ? v.value : join(root, v.value);
    return repoRelative(abs, root);
  }

  private decoupleConfig(repo: () => { layer?: EnvLayer; opaque?: string }): Val {
    const call = (c: CallArgs): Val => this.decoupleGet(c, repo());
    return nativeObject('Config', { get: native('get', call), __call__: native('__call__', call) }, { call });
  }

  private decoupleGet(c: CallArgs, repo: { layer?: EnvLayer; opaque?: string }): Val {
    const nameV = arg(c, 0, 'option');
    const name = this.keyOf(nameV);
    if (name === undefined) return unknownFrom(nameV ? [nameV] : [], 'setting name not known');
    const def = arg(c, 1, 'default');
    const cast = arg(c, 2, 'cast');
    const node = c.node;
    const hit = this.interp.lookupEnv(name, repo.layer ? { layer: repo.layer, dialect: 'python-decouple' } : undefined);
    let value: Val;
    let read: EnvRead;
    if (hit) {
      read = this.record(name, 'python-decouple', node, hit.decidedBy, hit);
      value = this.rawValue(name, hit);
    } else if (def !== undefined && !(def.kind === 'object' && def.typeName === 'Undefined')) {
      read = this.record(name, 'python-decouple', node, 'default');
      value = def;
    } else if (repo.opaque) {
      read = this.record(name, 'python-decouple', node, 'unknown');
      return withOrigin(unknown(`${name}: ${repo.opaque}`, [name]), this.span(node), [read]);
    } else {
      read = this.record(name, 'python-decouple', node, 'required-missing');
      return withOrigin(unknown(`python-decouple would raise UndefinedValueError: ${name} not found`, [name]), this.span(node), [read]);
    }
    let out = this.decoupleCast(value, cast, name, node);
    // A cast that fails on the variable's value still depends on that variable.
    if (out.kind === 'unknown' && !out.variables.includes(name)) out = { ...out, variables: [...out.variables, name].sort() };
    return withOrigin(out, this.span(node), [read]);
  }

  private decoupleCast(value: Val, cast: Val | undefined, name: string, node: PyNode): Val {
    if (!cast || value.kind === 'unknown') return value;
    const t = builtinTypeName(cast);
    if (t === 'bool') {
      const text = strOf(value);
      if (text === undefined) return unknownFrom([value], 'value not known');
      const b = DECOUPLE_BOOLEANS[text.toLowerCase()];
      if (b === undefined) {
        this.interp.problem(node, `python-decouple would raise ValueError: ${name}=${reprOf(str(text))} is not a boolean`);
        return unknown(`python-decouple would raise ValueError: not a boolean: ${reprOf(str(text))}`, [name]);
      }
      return bool(b);
    }
    return this.interp.callValue(cast, { args: [value], kwargs: new Map(), node });
  }

  private csv(c: CallArgs): Val {
    const cast = arg(c, 0, 'cast');
    const delimiter = arg(c, 1, 'delimiter');
    const strip = arg(c, 2, 'strip');
    const post = arg(c, 3, 'post_process');
    const delim = delimiter?.kind === 'str' ? delimiter.value : ',';
    const stripChars = strip?.kind === 'str' ? strip.value : ' \t\n\r\x0b\x0c';
    const call = (cc: CallArgs): Val => {
      const v = cc.args[0] ?? NONE;
      if (v.kind === 'unknown') return v;
      const finish = (items: Val[]): Val => (post && post.kind !== 'none' ? this.interp.callValue(post, { args: [{ kind: 'list', items }], kwargs: new Map(), node: cc.node }) : { kind: 'list', items });
      if (v.kind === 'none') return finish([]);
      const text = strOf(v);
      if (text === undefined) return unknownFrom([v], 'value not known');
      const tokens = shlexSplit(text, delim);
      if (!tokens) return this.interp.fail(cc.node, 'python-decouple Csv: no closing quotation (ValueError)');
      const items = tokens.map((t) => {
        const s = str(pyStrip(t, stripChars, true, true));
        return cast && cast.kind !== 'none' ? this.interp.callValue(cast, { args: [s], kwargs: new Map(), node: cc.node }) : s;
      });
      return finish(items);
    };
    return nativeObject('Csv', {}, { call });
  }

  private choices(c: CallArgs): Val {
    const flat = arg(c, 0, 'flat');
    const cast = arg(c, 1, 'cast');
    const choices = arg(c, 2, 'choices');
    const allowed: Val[] = [];
    if (flat && flat.kind !== 'none') allowed.push(...((flat.kind === 'list' || flat.kind === 'tuple') ? flat.items : []));
    if (choices && (choices.kind === 'list' || choices.kind === 'tuple')) {
      for (const ch of choices.items) if (ch.kind === 'tuple' || ch.kind === 'list') allowed.push(ch.items[0] ?? NONE);
    }
    const call = (cc: CallArgs): Val => {
      const raw = cc.args[0] ?? NONE;
      const v = cast && cast.kind !== 'none' ? this.interp.callValue(cast, { args: [raw], kwargs: new Map(), node: cc.node }) : raw;
      if (v.kind === 'unknown') return v;
      if (allowed.some((a) => pyEquals(a, v) === true)) return v;
      this.interp.problem(cc.node, `python-decouple would raise ValueError: ${reprOf(v) ?? 'value'} is not one of the choices`);
      return unknown(`python-decouple would raise ValueError: value not in the allowed choices`, decidingVariables(raw));
    };
    return nativeObject('Choices', {}, { call });
  }

  // -------------------------------------------------------------------------------------------
  // django-environ

  environModule(): ObjVal {
    const readEnv = native('read_env', (c) => this.readEnv(c));
    const envClass = nativeObject('type', {
      read_env: readEnv,
      db_url_config: native('db_url_config', (c) => this.urlConfig(c.args[0] ?? NONE, (u) => environDbUrl(u, this.optStr(arg(c, 1, 'engine'))), c.node)),
      cache_url_config: native('cache_url_config', (c) => this.urlConfig(c.args[0] ?? NONE, (u) => environCacheUrl(u, this.optStr(arg(c, 1, 'backend'))), c.node)),
      email_url_config: native('email_url_config', (c) => this.urlConfig(c.args[0] ?? NONE, (u) => environEmailUrl(u, this.optStr(arg(c, 1, 'backend'))), c.node)),
    }, { call: (c: CallArgs) => this.environEnv(c) });
    return module('environ', {
      Env: envClass,
      FileAwareEnv: envClass,
      Path: native('Path', (c) => this.environPath(c)),
      ImproperlyConfigured: exceptionClass('ImproperlyConfigured'),
    });
  }

  private optStr(v: Val | undefined): string | undefined {
    return v?.kind === 'str' ? v.value : undefined;
  }

  private environEnv(c: CallArgs): Val {
    const scheme = new Map<string, { cast?: Val; default?: Val }>();
    for (const [k, v] of c.kwargs) {
      if (v.kind === 'tuple' && v.items.length === 2) scheme.set(k, { cast: v.items[0], default: v.items[1] });
      else scheme.set(k, { cast: v });
    }
    const attrs: Record<string, Val> = {};
    const self = nativeObject('Env', attrs);
    const selfAttrs = (refOf(self) as Extract<Ref, { tag: 'native-object' }>).attrs;
    const get = (c2: CallArgs, name: string | undefined, cast: Val | undefined, defaultName = 'default', parseDefault = false): Val => {
      const varV = c2.args[0] ?? c2.kwargs.get('var');
      const varName = this.keyOf(varV) ?? name;
      if (varName === undefined) return unknownFrom(varV ? [varV] : [], 'variable name not known');
      const def = c2.args.length > 1 && defaultName === 'default' ? c2.args[1] : c2.kwargs.get(defaultName);
      return this.environGet(selfAttrs, scheme, varName, cast, def, parseDefault, c2.node);
    };
    const type = (name: string): Val => this.interp.builtins.vars.get(name)!.value;
    const m = (name: string, f: (c2: CallArgs) => Val): void => void selfAttrs.set(name, native(name, f));
    m('bool', (c2) => get(c2, undefined, type('bool')));
    m('int', (c2) => get(c2, undefined, type('int')));
    m('float', (c2) => get(c2, undefined, type('float')));
    m('json', (c2) => get(c2, undefined, this.jsonLoads()));
    m('str', (c2) => {
      const v = get(c2, undefined, type('str'));
      const multiline = c2.kwargs.get('multiline');
      if (multiline && truthy(multiline) === true && v.kind === 'str') return withOrigin(str(v.value.replace(/(\\r)?\\n/g, '\n')), v.origin?.span, v.origin?.env ?? []);
      return v;
    });
    m('list', (c2) => {
      const cast = c2.kwargs.get('cast');
      return this.environGetArgs(selfAttrs, scheme, c2, cast && cast.kind !== 'none' ? { kind: 'list', items: [cast] } : type('list'));
    });
    m('tuple', (c2) => {
      const cast = c2.kwargs.get('cast');
      return this.environGetArgs(selfAttrs, scheme, c2, cast && cast.kind !== 'none' ? { kind: 'tuple', items: [cast] } : type('tuple'));
    });
    m('dict', (c2) => this.environGetArgs(selfAttrs, scheme, c2, c2.kwargs.get('cast') ?? type('dict')));
    m('url', (c2) => {
      const v = get(c2, undefined, undefined, 'default', true);
      return v.kind === 'str' ? withOrigin(this.urlObject(v.value), undefined, v.origin?.env ?? []) : v;
    });
    m('path', (c2) => {
      const v = get(c2, undefined, undefined);
      return this.environPath({ args: [v], kwargs: new Map(), node: c2.node });
    });
    const urlMethod = (defaultVar: string, parse: (u: string, extra: string | undefined) => UrlResult, extraName: string) => (c2: CallArgs): Val => {
      const v = get(c2, defaultVar, undefined);
      const extra = this.optStr(c2.kwargs.get(extraName) ?? c2.args[2]);
      return this.urlConfig(v, (u) => parse(u, extra), c2.node);
    };
    const db = urlMethod('DATABASE_URL', (u, e) => environDbUrl(u, e), 'engine');
    const cache = urlMethod('CACHE_URL', (u, e) => environCacheUrl(u, e), 'backend');
    const email = urlMethod('EMAIL_URL', (u, e) => environEmailUrl(u, e), 'backend');
    m('db_url', db);
    m('db', db);
    m('cache_url', cache);
    m('cache', cache);
    m('email_url', email);
    m('email', email);
    m('search_url', urlMethod('SEARCH_URL', (u, e) => environSearchUrl(u, e), 'engine'));
    m('get_value', (c2) => get(c2, undefined, c2.kwargs.get('cast') ?? undefined, 'default', truthy(c2.kwargs.get('parse_default') ?? FALSE) === true));
    m('read_env', (c2) => this.readEnv(c2));
    selfAttrs.set('smart_cast', TRUE);
    selfAttrs.set('prefix', str(''));
    const data = (refOf(self) as Extract<Ref, { tag: 'native-object' }>).data as Record<string, unknown>;
    data.call = (c2: CallArgs): Val => {
      const cast = c2.args[1] ?? c2.kwargs.get('cast');
      const def = c2.args.length > 2 ? c2.args[2] : c2.kwargs.get('default');
      const varName = this.keyOf(c2.args[0] ?? c2.kwargs.get('var'));
      if (varName === undefined) return unknownFrom(c2.args, 'variable name not known');
      const parseDefault = truthy(c2.args[3] ?? c2.kwargs.get('parse_default') ?? FALSE) === true;
      return this.environGet(selfAttrs, scheme, varName, cast && cast.kind !== 'none' ? cast : undefined, def, parseDefault, c2.node);
    };
    data.contains = (k: Val): Val => (k.kind === 'str' ? this.osContains(k.value) : unknownFrom([k], 'name not known'));
    return self;
  }

  private environGetArgs(attrs: Map<string, Val>, scheme: Map<string, { cast?: Val; default?: Val }>, c: CallArgs, cast: Val): Val {
    const varName = this.keyOf(c.args[0] ?? c.kwargs.get('var'));
    if (varName === undefined) return unknownFrom(c.args, 'variable name not known');
    const def = c.kwargs.get('default') ?? (c.args.length > 2 ? c.args[2] : undefined);
    return this.environGet(attrs, scheme, varName, cast, def, false, c.node);
  }

  /** Env.get_value, with environ's scheme, proxy (`$OTHER`), smart cast and default rules. */
  private environGet(attrs: Map<string, Val>, scheme: Map<string, { cast?: Val; default?: Val }>, varName: string, castIn: Val | undefined, defIn: Val | undefined, parseDefault: boolean, node: PyNode, depth = 0): Val {
    const prefix = attrs.get('prefix');
    const full = `${prefix?.kind === 'str' ? prefix.value : ''}${varName}`;
    let cast = castIn;
    let def = defIn;
    const info = scheme.get(full);
    if (info) {
      cast ??= info.cast;
      if (def === undefined && 'default' in info) def = info.default;
    }
    const hit = this.interp.lookupEnv(full);
    let value: Val;
    let read: EnvRead;
    if (hit) {
      read = this.record(full, 'django-environ', node, hit.decidedBy, hit);
      value = this.rawValue(full, hit);
    } else if (def === undefined) {
      read = this.record(full, 'django-environ', node, 'required-missing');
      return withOrigin(unknown(`django-environ would raise ImproperlyConfigured: Set the ${full} environment variable`, [full]), this.span(node), [read]);
    } else {
      read = this.record(full, 'django-environ', node, 'default');
      value = def;
    }
    if (value.kind === 'str' && value.value.startsWith('$') && depth < 10) {
      const target = value.value.replace(/^\$+/, '');
      const proxied = this.environGet(attrs, scheme, target, cast, def, parseDefault, node, depth + 1);
      return withOrigin(proxied, this.span(node), [read, ...(proxied.origin?.env ?? [])]);
    }
    const smart = attrs.get('smart_cast');
    if ((!smart || truthy(smart) !== false) && cast === undefined && def !== undefined && def.kind !== 'none') {
      const tn = def.kind === 'str' || def.kind === 'int' || def.kind === 'float' || def.kind === 'bool' || def.kind === 'list' || def.kind === 'tuple' || def.kind === 'dict' ? def.kind : undefined;
      if (tn) cast = this.interp.builtins.vars.get(tn)!.value;
    }
    if (def?.kind === 'none' && value.kind === 'str' && value.value === '') value = NONE;
    if (value.kind === 'unknown') return withOrigin(value, this.span(node), [read]);
    const equalsDefault = def !== undefined && pyEquals(value, def) === true;
    if (!equalsDefault || (parseDefault && value.kind !== 'none')) value = this.environParse(value, cast, full, node);
    return withOrigin(value, this.span(node), [read]);
  }

  /** Env.parse_value. */
  private environParse(value: Val, cast: Val | undefined, name: string, node: PyNode): Val {
    if (!cast || cast.kind === 'none') return value;
    const t = builtinTypeName(cast);
    const needStr = (): string | undefined => (value.kind === 'str' ? value.value : undefined);
    const fail = (msg: string): Val => {
      this.interp.problem(node, `django-environ cannot cast ${name}: ${msg}`);
      return unknown(`django-environ would raise ${msg}`, [name]);
    };
    const castEach = (items: string[], itemCast: Val | undefined): Val[] =>
      items.map((x) => (itemCast && itemCast.kind !== 'none' ? this.interp.callValue(itemCast, { args: [str(x)], kwargs: new Map(), node }) : str(x)));
    if (t === 'bool') {
      if (value.kind === 'str') {
        const n = pyIntFromStr(value.value);
        return bool(n !== undefined ? n !== 0 : ENVIRON_TRUE.has(pyStrip(value.value.toLowerCase(), undefined, true, true)));
      }
      if (value.kind === 'int' || value.kind === 'float' || value.kind === 'bool') return bool(truthy(value) === true);
      return fail(`TypeError for a ${value.kind}`);
    }
    if (cast.kind === 'list') {
      const s = needStr();
      if (s === undefined) return fail('AttributeError (not a string)');
      return { kind: 'list', items: castEach(s.split(',').filter((x) => x), cast.items[0]) };
    }
    if (cast.kind === 'tuple') {
      const s = needStr();
      if (s === undefined) return fail('AttributeError (not a string)');
      return { kind: 'tuple', items: castEach(pyStrip(pyStrip(s, '(', true, true), ')', true, true).split(',').filter((x) => x), cast.items[0]) };
    }
    if (cast.kind === 'dict') {
      const s = needStr();
      if (s === undefined) return fail('AttributeError (not a string)');
      const get = (k: string): Val | undefined => cast.entries.find((e) => e.key.kind === 'str' && e.key.value === k)?.value;
      const valueCast = get('value');
      const byKey = get('cast');
      const entries: Array<{ key: Val; value: Val }> = [];
      for (const kv of s.split(';').filter((x) => x)) {
        const parts = kv.split('=');
        if (parts.length !== 2) return fail('ValueError (dict item is not key=value)');
        const specific = byKey?.kind === 'dict' ? byKey.entries.find((e) => e.key.kind === 'str' && e.key.value === parts[0])?.value : undefined;
        entries.push({ key: str(parts[0]!), value: this.environParse(str(parts[1]!), specific ?? valueCast ?? this.interp.builtins.vars.get('str')!.value, name, node) });
      }
      return dict(entries);
    }
    const s = needStr();
    switch (t) {
      case 'dict': {
        if (s === undefined) return fail('AttributeError (not a string)');
        const entries: Array<{ key: Val; value: Val }> = [];
        for (const item of s.split(',').filter((x) => x)) {
          const i = item.indexOf('=');
          if (i < 0) return fail('ValueError (dict item without "=")');
          entries.push({ key: str(item.slice(0, i)), value: str(item.slice(i + 1)) });
        }
        return dict(entries);
      }
      case 'list':
        if (s === undefined) return fail('AttributeError (not a string)');
        return { kind: 'list', items: s.split(',').filter((x) => x).map(str) };
      case 'tuple':
        if (s === undefined) return fail('AttributeError (not a string)');
        return { kind: 'tuple', items: pyStrip(pyStrip(s, '(', true, true), ')', true, true).split(',').filter((x) => x).map(str) };
      case 'float': {
        if (s === undefined) return this.interp.callValue(cast, { args: [value], kwargs: new Map(), node });
        const cleaned = s.replace(/[^\d,.-]/g, '');
        const parts = cleaned.split(/[,.]/);
        const text = parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join('')}.${parts[parts.length - 1]}`;
        const n = /^-?(?:\d+(?:\.\d*)?|\.\d+)$/.test(text) ? Number(text) : undefined;
        return n === undefined ? fail(`ValueError: could not convert ${reprOf(str(text))} to float`) : float(n);
      }
      case 'int': {
        if (s === undefined) return this.interp.callValue(cast, { args: [value], kwargs: new Map(), node });
        const n = pyIntFromStr(s);
        return n === undefined ? fail(`ValueError: invalid literal for int(): ${reprOf(value)}`) : int(n);
      }
    }
    return this.interp.callValue(cast, { args: [value], kwargs: new Map(), node });
  }

  private urlConfig(v: Val, parse: (u: string) => UrlResult, node: PyNode): Val {
    if (v.kind === 'unknown') return v;
    const text = v.kind === 'str' ? v.value : nativeTypeName(v) === 'ParseResult' ? strOf(v) : undefined;
    if (text === undefined) return this.interp.fail(node, `URL value of type ${v.kind} is not supported`, [v]);
    const r = parse(text);
    if (!r.ok) {
      this.interp.problem(node, r.error);
      return withOrigin(unknown(r.error, decidingVariables(v).concat((v.origin?.env ?? []).map((e) => e.name))), this.span(node), v.origin?.env ?? []);
    }
    return withOrigin(r.value, this.span(node), v.origin?.env ?? []);
  }

  private urlObject(url: string): Val {
    const u = urlsplit(url);
    const opt = (x: string | undefined): Val => (x === undefined ? NONE : str(x));
    return nativeObject('ParseResult', {
      scheme: str(u.scheme), netloc: str(u.netloc), path: str(u.path), query: str(u.query), fragment: str(u.fragment), params: str(''),
      username: opt(u.username), password: opt(u.password), hostname: opt(u.hostname),
      port: u.port === undefined ? NONE : Number.isNaN(u.port) ? unknown('invalid port (ValueError)') : int(u.port),
    }, { str: url });
  }

  /** environ.Path: an absolute path string with `-`, `+`, call and `.path()` helpers. */
  private environPath(c: CallArgs): Val {
    const interp = this.interp;
    const parts = c.args;
    if (parts.some((p) => p.kind === 'unknown')) return unknownFrom(parts, 'path not known');
    const strs = parts.map((p) => (p.kind === 'str' || p.kind === 'path' ? p.value : strOf(p)));
    if (strs.some((s) => s === undefined)) return interp.fail(c.node, 'environ.Path() of a value that is not a path', parts);
    let start = strs[0] ?? '';
    if (truthy(c.kwargs.get('is_file') ?? FALSE) === true) start = dirname(start);
    const root = abspath(join(start, ...(strs.slice(1) as string[])), interp.opts.deployRoot);
    return this.environPathAt(root);
  }

  private environPathAt(root: string): Val {
    const interp = this.interp;
    const sub = (c: CallArgs): string | undefined => {
      const strs = c.args.map((p) => (p.kind === 'str' || p.kind === 'path' ? p.value : undefined));
      if (strs.some((s) => s === undefined)) return undefined;
      return abspath(join(root, ...(strs as string[])), interp.opts.deployRoot);
    };
    return nativeObject('environ.Path', {
      root: str(root),
      path: native('path', (c) => {
        const p = sub(c);
        return p === undefined ? unknownFrom(c.args, 'path not known') : this.environPathAt(p);
      }),
      file: native('file', () => unknown('contents of a file opened by the settings')),
    }, {
      str: root,
      call: (c: CallArgs): Val => {
        const p = sub(c);
        return p === undefined ? unknownFrom(c.args, 'path not known') : str(p);
      },
      binop: (op: string, other: Val, reflected: boolean): Val | undefined => {
        if (reflected) return undefined;
        if (op === '-' && other.kind === 'int') return this.environPathAt(abspath(join(root, '../'.repeat(other.value)), interp.opts.deployRoot));
        if (op === '+' && (other.kind === 'str' || other.kind === 'path')) return this.environPathAt(abspath(join(root, other.value), interp.opts.deployRoot));
        return undefined;
      },
    });
  }

  /** Env.read_env: loads a .env file into os.environ; existing variables win unless overwrite=True. */
  private readEnv(c: CallArgs): Val {
    const fileArg = arg(c, 0, 'env_file');
    const overwrite = truthy(c.kwargs.get('overwrite') ?? c.args[1] ?? FALSE) === true;
    const mode = overwrite ? 'override' : 'setdefault';
    let rel: string | undefined;
    if (!fileArg || fileArg.kind === 'none') {
      const dir = dirname(this.interp.code.file);
      rel = dir ? `${dir}/.env` : '.env';
    } else if (fileArg.kind === 'unknown') {
      return NONE;
    } else rel = this.repoPath(fileArg);
    const layer = rel !== undefined ? this.interp.opts.loadDotenv?.(rel, 'django-environ') : undefined;
    if (layer) {
      for (const e of layer.entries('django-environ')) {
        this.interp.setEnv(e.name, e.value, mode, 'env-source', { span: e.span, layer: e.layer });
      }
    }
    for (const [k, v] of c.kwargs) {
      if (['overwrite', 'parse_comments', 'encoding', 'env_file'].includes(k)) continue;
      this.interp.setEnv(k, strOf(v) ?? null, mode, 'default');
    }
    return NONE;
  }

  // -------------------------------------------------------------------------------------------
  // dj-database-url

  djDatabaseUrlModule(): ObjVal {
    const options = (c: CallArgs, first: number) => {
      const a = (i: number, name: string): Val | undefined => arg(c, first + i, name);
      const ssl = a(5, 'ssl_require') ?? FALSE;
      return {
        engine: this.optStr(a(0, 'engine')),
        connMaxAge: a(1, 'conn_max_age') ?? int(0),
        connHealthChecks: a(2, 'conn_health_checks') ?? FALSE,
        disableServerSideCursors: a(3, 'disable_server_side_cursors') ?? FALSE,
        ssl,
        testOptions: a(6, 'test_options'),
      };
    };
    const parse = (url: Val, o: ReturnType<typeof options>, node: PyNode): Val => {
      if (url.kind === 'unknown') return url;
      if (url.kind !== 'str') return this.interp.fail(node, 'dj_database_url.parse() needs a string URL', [url]);
      const sslKnown = truthy(o.ssl);
      const r = djDatabaseParse(url.value, { ...o, sslRequire: sslKnown === true });
      if (!r.ok) {
        this.interp.problem(node, r.error);
        return unknown(r.error, (url.origin?.env ?? []).map((e) => e.name));
      }
      if (sslKnown === undefined && r.value.kind === 'dict') {
        // ssl_require is open: OPTIONS.sslmode is set on one path only.
        let opts = r.value.entries.find((e) => e.key.kind === 'str' && e.key.value === 'OPTIONS');
        if (!opts) {
          opts = { key: str('OPTIONS'), value: dict([]) };
          r.value.entries.push(opts);
        }
        if (opts.value.kind === 'dict') opts.value.entries.push({ key: str('sslmode'), value: unknownFrom([o.ssl], 'depends on ssl_require') });
      }
      return withOrigin(r.value, this.span(node), url.origin?.env ?? []);
    };
    return module('dj_database_url', {
      config: native('config', (c) => {
        const envName = this.optStr(arg(c, 0, 'env')) ?? 'DATABASE_URL';
        const def = arg(c, 1, 'default');
        const hit = this.interp.lookupEnv(envName);
        let s: Val;
        let read: EnvRead;
        if (hit) {
          read = this.record(envName, 'dj-database-url', c.node, hit.decidedBy, hit);
          s = this.rawValue(envName, hit);
        } else if (def && def.kind !== 'none') {
          read = this.record(envName, 'dj-database-url', c.node, 'default');
          s = def;
        } else if (this.interp.opts.unsetMode) {
          read = this.record(envName, 'dj-database-url', c.node, 'default');
          return withOrigin(dict([]), this.span(c.node), [read]);
        } else {
          read = this.record(envName, 'dj-database-url', c.node, 'unknown');
          return withOrigin(this.notSet(envName), this.span(c.node), [read]);
        }
        s = withOrigin(s, this.span(c.node), [read]);
        if (s.kind === 'str' && s.value === '') return withOrigin(dict([]), this.span(c.node), [read]);
        return withOrigin(parse(s, options(c, 2), c.node), this.span(c.node), [read]);
      }),
      parse: native('parse', (c) => parse(arg(c, 0, 'url') ?? NONE, options(c, 1), c.node)),
    });
  }

  // -------------------------------------------------------------------------------------------
  // python-dotenv

  dotenvModule(): ObjVal {
    const root = this.interp.opts.deployRoot.replace(/\/+$/, '');
    const locate = (v: Val | undefined): string | undefined => {
      if (!v || v.kind === 'none') return this.findUpwardsPath(dirname(this.interp.code.file), 'python-dotenv');
      if (v.kind === 'str' && v.value === '') return undefined;
      return this.repoPath(v);
    };
    return module('dotenv', {
      load_dotenv: native('load_dotenv', (c) => {
        const p = arg(c, 0, 'dotenv_path');
        if (p?.kind === 'unknown') return unknown('dotenv path not known');
        const rel = locate(p);
        const layer = rel !== undefined ? this.interp.opts.loadDotenv?.(rel, 'python-dotenv') : undefined;
        if (!layer) return FALSE;
        const mode = truthy(arg(c, 3, 'override') ?? FALSE) === true ? 'override' : 'setdefault';
        for (const e of layer.entries('python-dotenv')) {
          if (e.value === null) continue;
          this.interp.setEnv(e.name, e.value, mode, 'env-source', { span: e.span, layer: e.layer });
        }
        return TRUE;
      }),
      find_dotenv: native('find_dotenv', () => {
        const rel = this.findUpwardsPath(dirname(this.interp.code.file), 'python-dotenv');
        return str(rel !== undefined ? `${root}/${rel}` : '');
      }),
      dotenv_values: native('dotenv_values', (c) => {
        const rel = locate(arg(c, 0, 'dotenv_path'));
        const layer = rel !== undefined ? this.interp.opts.loadDotenv?.(rel, 'python-dotenv') : undefined;
        if (!layer) return dict([]);
        return dict(layer.entries('python-dotenv').map((e) => ({ key: str(e.name), value: e.value === null ? NONE : str(e.value) })));
      }),
    });
  }

  // -------------------------------------------------------------------------------------------
  // json, django-split-settings

  private jsonLoads(): Val {
    return native('json.loads', (c) => {
      const v = c.args[0] ?? NONE;
      if (v.kind === 'unknown') return v;
      if (v.kind !== 'str' && v.kind !== 'bytes') return this.interp.fail(c.node, 'json.loads() needs a string', [v]);
      try {
        return withOrigin(fromJson(JSON.parse(v.value)), this.span(c.node), v.origin?.env ?? []);
      } catch {
        this.interp.problem(c.node, 'json.loads(): invalid JSON (JSONDecodeError)');
        return unknown('invalid JSON (JSONDecodeError)', decidingVariables(v).concat((v.origin?.env ?? []).map((e) => e.name)));
      }
    });
  }

  jsonModule(): ObjVal {
    return module('json', {
      loads: this.jsonLoads(),
      dumps: native('json.dumps', (c) => {
        const r = toJson(c.args[0] ?? NONE);
        return r === undefined ? unknownFrom(c.args, 'json.dumps() of a value that is not known') : str(r);
      }),
    });
  }

  splitSettingsModule(): ObjVal {
    return module('split_settings.tools', {
      optional: native('optional', (c) => nativeObject('optional', {}, { optionalPath: c.args[0] ?? NONE })),
      include: native('include', (c) => {
        for (const a of c.args) {
          const ref = refOf(a);
          const isOptional = ref?.tag === 'native-object' && ref.typeName === 'optional';
          const target = isOptional ? ((ref.data as { optionalPath: Val }).optionalPath) : a;
          if (target.kind !== 'str') {
            this.interp.problem(c.node, 'include(): file name not known');
            continue;
          }
          this.interp.includeFile(target.value, isOptional, c.node);
        }
        return NONE;
      }),
    });
  }
}

/**
 * shlex.split in POSIX mode with `whitespace` set to the delimiter (python-decouple's Csv):
 * quotes group, backslash escapes, `#` starts a comment, empty items between delimiters vanish.
 * Undefined when a quote is not closed.
 */
export function shlexSplit(text: string, delimiters: string): string[] | undefined {
  const out: string[] = [];
  let cur = '';
  let inToken = false;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && (text[i + 1] === '"' || text[i + 1] === '\\')) cur += text[++i];
      else cur += ch;
      continue;
    }
    if (delimiters.includes(ch)) {
      if (inToken) out.push(cur);
      cur = '';
      inToken = false;
    } else if (ch === '#') {
      const nl = text.indexOf('\n', i);
      if (inToken) out.push(cur);
      cur = '';
      inToken = false;
      if (nl < 0) break;
      i = nl;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inToken = true;
    } else if (ch === '\\') {
      if (i + 1 < text.length) cur += text[++i];
      inToken = true;
    } else {
      cur += ch;
      inToken = true;
    }
  }
  if (quote) return undefined;
  if (inToken) out.push(cur);
  return out;
}

function fromJson(x: unknown): Val {
  if (x === null) return NONE;
  if (typeof x === 'boolean') return bool(x);
  if (typeof x === 'number') return Number.isInteger(x) ? int(x) : float(x);
  if (typeof x === 'string') return str(x);
  if (Array.isArray(x)) return { kind: 'list', items: x.map(fromJson) };
  return dict(Object.entries(x as Record<string, unknown>).map(([k, v]) => ({ key: str(k), value: fromJson(v) })));
}

function toJson(v: Val): string | undefined {
  switch (v.kind) {
    case 'none':
      return 'null';
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'int':
    case 'float':
      return String(v.value);
    case 'str':
      return JSON.stringify(v.value);
    case 'list':
    case 'tuple': {
      const parts = v.items.map(toJson);
      return parts.every((p) => p !== undefined) ? `[${parts.join(', ')}]` : undefined;
    }
    case 'dict': {
      const parts = v.entries.map((e) => (e.key.kind === 'str' ? `${JSON.stringify(e.key.value)}: ${toJson(e.value)}` : undefined));
      return parts.every((p) => p !== undefined && !p.endsWith('undefined')) ? `{${parts.join(', ')}}` : undefined;
    }
    default:
      return undefined;
  }
}

export { normpath };
