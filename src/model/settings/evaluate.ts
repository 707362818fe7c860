import { parsePython, type ParsedPython } from '../../parse/python.js';
import type { DotenvDialect, EnvLayer, LayeredEnv } from '../env/types.js';
import type { EvaluatedSettings, ParseProblem, SettingBinding } from '../settings-types.js';
import { Interp, resolveRelativeImport } from './interpreter.js';
import { LimitReached } from './signals.js';
import { isUpperName, toPublic, unknown, type Binding, type Scope } from './values.js';

export { resolveRelativeImport };

export interface ModuleSource {
  module: string;
  /** Repo-relative file. */
  file: string;
  parsed: ParsedPython;
}

export interface ModuleResolver {
  resolve(dottedName: string): ModuleSource | undefined;
  /** Every module name known, for django-split-settings glob patterns (optional). */
  modules?(): string[];
  /** A module the deployment has whose content cannot be seen here, and why (optional; see ModelSources.unseenContent). */
  unseen?(dottedName: string): UnseenModule | undefined;
}

/**
 * A module whose file the repository shows but cannot be read (`unreadable`: a link to /etc), or
 * of which only a template is committed (`template`: config.py_dpkg_dist), made at install time.
 */
export interface UnseenModule {
  path: string;
  kind: 'unreadable' | 'template';
  why: string;
}

export interface EvaluateOptions {
  module: string;
  resolver: ModuleResolver;
  env: LayeredEnv;
  environmentName: string;
  loadDotenv?: (repoRelPath: string, dialect: DotenvDialect) => EnvLayer | undefined;
  deployRoot?: string;
  limits?: { maxSteps?: number; maxDepth?: number };
  /**
   * Which module-level names the result exposes: the upper-case ones Django reads as settings
   * (the default), or every name, for files other programs read the same way (a gunicorn config
   * file's `bind`, `workers`, `timeout` are lower-case).
   */
  names?: 'upper-case' | 'all';
}

const DEFAULT_MAX_STEPS = 200_000;
const DEFAULT_MAX_DEPTH = 50;

/**
 * What Django would see when importing a settings module, evaluated statically.
 *
 * A variable no production source defines is `unknown` (it may come from the platform), except
 * when `environmentName` is "unset": then every variable is known to be absent, so
 * `os.environ.get("X")` is None. A SettingBinding's `span` is the last statement that assigned
 * or mutated the setting (`+=`, `.append`, `X[k] = v`), so findings point at the line that made
 * the final value; `history` lists all of them in evaluation order.
 */
export function evaluateSettings(opts: EvaluateOptions): EvaluatedSettings {
  const deployRoot = opts.deployRoot ?? '/app';
  const interp = new Interp({
    resolve: (name) => opts.resolver.resolve(name),
    listModules: opts.resolver.modules ? () => opts.resolver.modules!() : undefined,
    unseen: opts.resolver.unseen ? (name) => opts.resolver.unseen!(name) : undefined,
    env: opts.env,
    unsetMode: opts.environmentName === 'unset',
    loadDotenv: opts.loadDotenv,
    deployRoot,
    maxSteps: opts.limits?.maxSteps ?? DEFAULT_MAX_STEPS,
    maxDepth: opts.limits?.maxDepth ?? DEFAULT_MAX_DEPTH,
  });
  const src = safeResolve(opts.resolver, opts.module);
  const problems: ParseProblem[] = [];
  let ns: Scope | undefined;
  let file = src?.file ?? opts.module.replace(/\./g, '/') + '.py';
  if (src) {
    try {
      ns = interp.runMain(src);
    } catch (e) {
      const message = e instanceof LimitReached ? `${e.message}; settings not evaluated by then are unknown` : `evaluation stopped: ${e instanceof Error ? e.message : String(e)}`;
      // At the statement or expression being evaluated when a limit stopped it (maybe in an imported file).
      const span = (e instanceof LimitReached && e.span) || src.parsed.lines.span(src.file, 0, 0);
      problems.push({ file: span.file, span, message, kind: 'evaluation' });
      ns = interp.mainNamespace(src.module);
      if (ns) markRemainingUnknown(ns, src, message);
    }
    file = src.file;
  }
  return buildResult(opts, file, interp, ns, [...interp.problems, ...problems]);
}

function safeResolve(resolver: ModuleResolver, module: string): ModuleSource | undefined {
  try {
    return resolver.resolve(module);
  } catch {
    return undefined;
  }
}

/** After a limit stop: top-level names the main module assigns but did not reach become unknown. */
function markRemainingUnknown(ns: Scope, src: ModuleSource, reason: string): void {
  for (const stmt of src.parsed.root.namedChildren) {
    const assign = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
    const left = assign?.type === 'assignment' ? assign.childForFieldName('left') : undefined;
    if (left?.type !== 'identifier' || ns.vars.has(left.text)) continue;
    const span = src.parsed.lines.span(src.file, stmt.startIndex, stmt.endIndex);
    ns.vars.set(left.text, { value: unknown(reason), meta: { span, history: [span] } });
  }
}

function buildResult(opts: EvaluateOptions, file: string, interp: Interp, ns: Scope | undefined, problems: ParseProblem[]): EvaluatedSettings {
  const bindings = new Map<string, SettingBinding>();
  if (ns) {
    for (const [name, b] of ns.vars) {
      if (opts.names !== 'all' && !isUpperName(name)) continue;
      bindings.set(name, toBinding(name, b, file));
    }
  }
  const names = [...bindings.keys()].sort();
  return {
    module: opts.module,
    file,
    environment: opts.environmentName,
    files: [...interp.files],
    get: (name) => bindings.get(name),
    names: () => names,
    envReads: [...interp.envReads],
    problems,
  };
}

function toBinding(name: string, b: Binding, file: string): SettingBinding {
  const fallback = { file, start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };
  const span = b.meta?.span ?? fallback;
  const out: SettingBinding = { name, value: toPublic(b.value), span, history: b.meta?.history.length ? [...b.meta.history] : [span] };
  if (b.meta?.valueSpan) out.valueSpan = b.meta.valueSpan;
  return out;
}

/** Module name of a repo-relative Python file: "a/b/c.py" -> "a.b.c", "a/b/__init__.py" -> "a.b". */
export function moduleNameOfFile(path: string): string | undefined {
  if (!path.endsWith('.py')) return undefined;
  const parts = path.slice(0, -3).split('/');
  if (parts[parts.length - 1] === '__init__') parts.pop();
  if (parts.length === 0 || parts.some((p) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p))) return undefined;
  return parts.join('.');
}

/** A resolver over in-memory files; each file is parsed once, on first use. */
export function makeResolver(files: Array<{ path: string; text: string }>): ModuleResolver {
  const byModule = new Map<string, { path: string; text: string }>();
  for (const f of files) {
    const m = moduleNameOfFile(f.path);
    if (m && (!byModule.has(m) || f.path.endsWith('.py') && !f.path.endsWith('__init__.py'))) byModule.set(m, f);
  }
  const parsed = new Map<string, ModuleSource>();
  return {
    resolve(name: string): ModuleSource | undefined {
      const hit = parsed.get(name);
      if (hit) return hit;
      const f = byModule.get(name);
      if (!f) return undefined;
      const src: ModuleSource = { module: name, file: f.path, parsed: parsePython(f.path, f.text) };
      parsed.set(name, src);
      return src;
    },
    modules: () => [...byModule.keys()].sort(),
  };
}
