import type { Span } from '../../core/position.js';
import { parseGunicornArgs, type GunicornArg } from '../../parse/gunicorn/cli.js';
import { GUNICORN_BY_NAME, GUNICORN_SETTINGS, type GunicornSetting } from '../../parse/gunicorn/settings.js';
import type { ParsedPython, PyNode } from '../../parse/python.js';
import { splitShell, type ShellWord } from '../../parse/shell-words.js';
import { LayeredEnv, type EnvEntry, type EnvLayer } from '../env/types.js';
import { pyRepr, type PyValue } from '../python-value.js';
import { evaluateSettings, type ModuleResolver, type ModuleSource } from '../settings/evaluate.js';
import type { SettingBinding } from '../settings-types.js';
import { byBaseName, envLookup, envVar, option, parsePythonInt0, rangeSpan, resolveRepoPath, wordSpan, wordValue, type BuildContext, type Launch } from './context.js';
import type { AppServerConfigRef, AppServerInstance, AppServerOption, ListItem, OptionValue } from './types.js';

/**
 * A gunicorn instance: its settings layered the way gunicorn's `Application.load_config` does it:
 * defaults, then the config file (`-c`, else `-c` in GUNICORN_CMD_ARGS, else `./gunicorn.conf.py`
 * in the working directory), then GUNICORN_CMD_ARGS, then the command line. Within one layer a
 * repeated `--bind` appends; a later layer replaces the value of an earlier one.
 */
export interface GunicornInput {
  launch: Launch;
  /** The arguments after the program (undefined for a lone config file). */
  args?: ShellWord[];
  /** A lone config file: its path. */
  configFile?: string;
  allPaths: ReadonlyMap<string, unknown>;
}

type Layer = Map<string, AppServerOption>;

export function buildGunicorn(input: GunicornInput, ctx: BuildContext): { options: Record<string, AppServerOption>; configFiles: AppServerConfigRef[]; app?: AppServerInstance['app']; problems: AppServerInstance['problems'] } {
  const { launch } = input;
  const lookup = envLookup(launch);
  const problems: AppServerInstance['problems'] = [];

  // Command line.
  const cli = input.args ? parseGunicornArgs(input.args) : undefined;
  // argparse rejects all of these; an option this table does not know may be a newer gunicorn's, so it is not fatal here.
  for (const p of cli?.problems ?? []) problems.push({ message: p.message, span: rangeSpan(launch, p.start, p.end), fatal: p.kind !== 'unknown' });
  const cliLayer = cli ? argsLayer(cli.options, launch, 'command-line', problems) : new Map<string, AppServerOption>();
  let app: AppServerInstance['app'];
  const appWord = cli?.positionals[0];
  if (appWord) app = { value: appWord.value, span: wordSpan(launch, appWord) };

  // GUNICORN_CMD_ARGS (parsed like shlex.split).
  let envLayer: Layer = new Map();
  let envConfig: GunicornArg | undefined;
  const cmdArgs = envVar(launch, 'GUNICORN_CMD_ARGS');
  if (cmdArgs && input.args) {
    const start = cmdArgs.span.start.offset;
    const split = splitShell(cmdArgs.value, { base: start });
    const envLaunch = { ...launch, file: cmdArgs.span.file, lines: ctx.sources.text(cmdArgs.span.file)?.lines ?? launch.lines };
    const parsed = parseGunicornArgs(split.commands.flatMap((c) => c.words));
    for (const p of parsed.problems) problems.push({ message: `GUNICORN_CMD_ARGS: ${p.message}`, span: rangeSpan(envLaunch, p.start, p.end), fatal: p.kind !== 'unknown' });
    envLayer = argsLayer(parsed.options, envLaunch, 'environment', problems);
    envConfig = parsed.options.filter((o) => o.setting.name === 'config').pop();
  }

  // The config file.
  const configFiles: AppServerConfigRef[] = [];
  let fileLayer: Layer = new Map();
  let configDoubt: string | undefined;
  const cliConfig = cli?.options.filter((o) => o.setting.name === 'config').pop();
  const chosen = cliConfig ?? envConfig;
  if (input.configFile) {
    configFiles.push({ reference: input.configFile, file: input.configFile, status: 'joined' });
    fileLayer = configLayer(input.configFile, launch, ctx, problems);
  } else if (chosen?.value) {
    const ref = chosen.value.value;
    const refSpan = rangeSpan(launch, chosen.start, chosen.end);
    let resolved: { file?: string; status: AppServerConfigRef['status'] };
    if (ref.startsWith('python:')) resolved = resolveModule(ref.slice('python:'.length), launch, input.allPaths);
    else resolved = resolveRepoPath(ref, launch, input.allPaths);
    const cref: AppServerConfigRef = { reference: ref, span: refSpan, status: resolved.status };
    if (resolved.file) cref.file = resolved.file;
    configFiles.push(cref);
    if (resolved.file) fileLayer = configLayer(resolved.file, launch, ctx, problems);
    else configDoubt = `gunicorn reads ${ref}, which is not in the repository`;
  } else if (input.args && !launch.cwdOutsideRepo) {
    // The implicit ./gunicorn.conf.py of the working directory.
    const dir = launch.cwd?.dir ?? '';
    const candidate = dir ? `${dir}/gunicorn.conf.py` : 'gunicorn.conf.py';
    if (input.allPaths.has(candidate)) {
      configFiles.push({ reference: './gunicorn.conf.py', file: candidate, status: 'joined' });
      fileLayer = configLayer(candidate, launch, ctx, problems);
    } else if (!launch.cwd) {
      const any = byBaseName(input.allPaths).get('gunicorn.conf.py') ?? [];
      if (any.length > 0) {
        configFiles.push({ reference: './gunicorn.conf.py', status: 'ambiguous' });
        configDoubt = `gunicorn also reads gunicorn.conf.py from its working directory, which the repository does not show (${any.join(', ')})`;
      }
    }
  }

  // Defaults, some of them from the environment.
  const defaults = defaultLayer(launch, lookup, configDoubt);
  const options: Record<string, AppServerOption> = {};
  // Run for each of a hundred-odd settings of every gunicorn instance (hundreds on a monorepo): no
  // list of layers made per setting.
  for (const s of GUNICORN_SETTINGS) {
    const fromDefault = defaults.get(s.name);
    const fromFile = fileLayer.get(s.name);
    const fromEnv = envLayer.get(s.name);
    const fromCli = cliLayer.get(s.name);
    const top = fromCli ?? fromEnv ?? fromFile ?? fromDefault;
    if (top === undefined) continue;
    // Lowest layer first.
    const history: AppServerOption['history'] = [];
    if (fromDefault) history.push(...fromDefault.history);
    if (fromFile) history.push(...fromFile.history);
    if (fromEnv) history.push(...fromEnv.history);
    if (fromCli) history.push(...fromCli.history);
    const effective: AppServerOption = { ...top, history };
    if (top.source === 'config-file' && configDoubt) {
      effective.certain = false;
      effective.doubt = configDoubt;
    }
    options[s.name] = effective;
  }
  if (!app) {
    const w = options.wsgi_app;
    if (w && w.value.kind === 'str') app = { value: w.value.value, ...(w.span ? { span: w.span } : {}) };
  }
  // gunicorn exits with "No application module specified." (unless --paste names one). Only said
  // when every file gunicorn could read is known: an explicit config, or a working directory the
  // repository certainly is (not one assumed, not / for a unit without WorkingDirectory=).
  const everyFileKnown = !configDoubt && (chosen !== undefined || (launch.cwd !== undefined && !launch.cwd.assumed && !launch.cwdOutsideRepo));
  if (!app && input.args && !options.paste && everyFileKnown && !cli?.problems.some((p) => p.kind === 'unknown')) {
    problems.push({ message: 'no application module: neither an APP_MODULE argument nor wsgi_app in the config file', span: launch.span, fatal: true });
  }
  return { options, configFiles, app, problems };
}

function argsLayer(args: GunicornArg[], launch: Launch, source: 'command-line' | 'environment', problems: AppServerInstance['problems']): Layer {
  const lookup = envLookup(launch);
  const layer: Layer = new Map();
  for (const a of args) {
    const s = a.setting;
    const span = rangeSpan(launch, a.start, a.end);
    const written = launch.lines.text.slice(a.start, a.end);
    let value: OptionValue;
    let valueSpan: Span | undefined;
    if (s.action === 'store_true') value = { kind: 'bool', value: true };
    else if (s.action === 'store_const_false') value = { kind: 'bool', value: false };
    else if (!a.value) continue;
    else {
      valueSpan = wordSpan(launch, a.value);
      if (s.name === 'forwarded_allow_ips' || s.name === 'proxy_allow_ips') {
        value = wordValue(a.value, 'str', lookup);
        if (value.kind === 'str') value = { kind: 'list', items: splitList(value.value, valueSpan, value.unresolved) };
      } else {
        value = wordValue(a.value, s.type === 'int' ? 'int' : s.type === 'list' ? 'list' : 'str', lookup, valueSpan);
        if (value.kind === 'unknown' && value.variables.length === 0) {
          problems.push({ message: `${a.flag}: invalid int value ${JSON.stringify(value.text ?? a.value.value)}`, span: valueSpan, fatal: true });
        }
      }
    }
    const prev = layer.get(s.name);
    if (s.action === 'append' && prev && prev.value.kind === 'list' && value.kind === 'list') {
      layer.set(s.name, { ...prev, value: { kind: 'list', items: [...prev.value.items, ...value.items] }, span, history: [...prev.history, span] });
      continue;
    }
    const o = option(s.name, value, source, { span, written, history: [...(prev?.history ?? []), span] });
    if (valueSpan) o.valueSpan = valueSpan;
    layer.set(s.name, o);
  }
  return layer;
}

function splitList(text: string, span: Span | undefined, unresolved?: string[]): ListItem[] {
  return text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .map((v) => {
      const item: ListItem = { value: v };
      if (span) item.span = span;
      if (unresolved?.length && /\$/.test(v)) item.unresolved = unresolved;
      return item;
    });
}

function defaultLayer(launch: Launch, lookup: (n: string) => string | null | undefined, configDoubt: string | undefined): Layer {
  const layer: Layer = new Map();
  for (const s of GUNICORN_SETTINGS) {
    if (s.default === undefined && !s.envDefault) continue;
    let value: OptionValue | undefined = plainDefault(s);
    let certain = true;
    let doubt: string | undefined;
    let variables: string[] | undefined;
    let source: AppServerOption['source'] = 'default';
    let span: Span | undefined;
    if (s.envDefault) {
      const name = s.envDefault.variable;
      const v = lookup(name);
      const set = envVar(launch, name);
      if (typeof v === 'string') {
        source = 'environment';
        span = set?.span;
        if (s.name === 'bind') value = { kind: 'list', items: [{ value: `0.0.0.0:${v}`, ...(span ? { span } : {}) }] };
        else if (s.name === 'workers') value = /^\d+$/.test(v.trim()) ? { kind: 'int', value: Number(v.trim()) } : { kind: 'unknown', reason: `WEB_CONCURRENCY is not a number: ${v}`, variables: [] };
        else value = { kind: 'list', items: v.split(',').map((x) => x.trim()).filter(Boolean).map((x) => ({ value: x, ...(span ? { span } : {}) })) };
      } else if (v === undefined) {
        if (s.name === 'bind' && launch.platformPort) {
          value = { kind: 'list', items: [{ value: '0.0.0.0:$PORT', unresolved: ['PORT'] }] };
        } else {
          certain = false;
          variables = [name];
          doubt = `${name} is not set in the repository${launch.environment.openBy ? `, and ${launch.environment.openBy} may set it` : ''}`;
        }
      }
    }
    if (!value) continue;
    if (configDoubt && certain) {
      certain = false;
      doubt = configDoubt;
    }
    const o = option(s.name, value, source, { certain });
    if (span) {
      o.span = span;
      o.history = [span];
    }
    if (doubt) o.doubt = doubt;
    if (variables) o.variables = variables;
    layer.set(s.name, o);
  }
  return layer;
}

function plainDefault(s: GunicornSetting): OptionValue | undefined {
  const d = s.default;
  if (d === undefined) return undefined;
  if (typeof d === 'boolean') return { kind: 'bool', value: d };
  if (typeof d === 'number') return { kind: 'int', value: d };
  if (Array.isArray(d)) return { kind: 'list', items: d.map((value) => ({ value })) };
  return { kind: 'str', value: d };
}

/** `python:pkg.module` config references: the module's file in the repository. */
function resolveModule(module: string, launch: Launch, allPaths: ReadonlyMap<string, unknown>): { file?: string; status: 'joined' | 'missing' } {
  const rel = module.split('.').join('/');
  const roots = [launch.cwd?.dir ?? '', ''];
  for (const r of roots) {
    for (const c of [`${rel}.py`, `${rel}/__init__.py`]) {
      const p = r ? `${r}/${c}` : c;
      if (allPaths.has(p)) return { file: p, status: 'joined' };
    }
  }
  return { status: 'missing' };
}

/** A config file's settings, evaluated like a settings module (lower-case names kept). */
function configLayer(file: string, launch: Launch, ctx: BuildContext, problems: AppServerInstance['problems']): Layer {
  const layer: Layer = new Map();
  const parsed = ctx.sources.python(file);
  if (!parsed) return layer;
  const entries: EnvEntry[] = launch.environment.vars.map((v) => ({ name: v.name, value: v.value, span: v.span, layer: launch.processName ?? launch.file }));
  const envLayer: EnvLayer = {
    name: launch.unit ? `${launch.unit.name} Environment=` : 'server environment',
    kind: launch.origin === 'systemd' ? 'systemd' : 'other',
    role: 'production',
    lookup: (name) => entries.filter((e) => e.name === name).pop(),
    entries: () => entries,
  };
  const resolver = configResolver(file, parsed, ctx);
  const evaluated = evaluateSettings({
    module: '__config__',
    resolver,
    env: new LayeredEnv([envLayer]),
    environmentName: launch.environment.complete ? 'unset' : 'production',
    names: 'all',
  });
  for (const p of evaluated.problems) if (p.kind === 'evaluation') ctx.notices.push({ kind: 'info', message: `${file}: ${p.message}`, span: p.span, file });
  for (const name of evaluated.names()) {
    const s = GUNICORN_BY_NAME.get(name);
    if (!s || s.type === 'callable' || s.name === 'config') continue;
    const b = evaluated.get(name)!;
    if (b.span.file !== file) continue;
    const value = fromPython(b, s, parsed);
    // None is valid for string settings (validate_string): the setting stays unset.
    if (value === null || value === undefined) continue;
    if (value === 'invalid') {
      problems.push({ message: `${name} = ${pyRepr(b.value)}: gunicorn's validator for ${name} rejects it and gunicorn exits`, span: b.span, fatal: true });
      continue;
    }
    const o = option(name, value, 'config-file', { span: b.span, history: [...b.history], written: parsed.text.slice(b.span.start.offset, b.span.end.offset) });
    if (b.valueSpan) o.valueSpan = b.valueSpan;
    if (value.kind === 'unknown' && value.variables.length) o.variables = value.variables;
    // `os.environ.get("X", default)` with X set nowhere in the repository: the default is a guess.
    const defaulted = evaluated.envReads.filter((r) => r.decidedBy === 'default' && r.call.file === file && r.call.start.offset >= b.span.start.offset && r.call.end.offset <= b.span.end.offset).map((r) => r.name);
    if (defaulted.length && !launch.environment.complete && value.kind !== 'unknown') {
      o.certain = false;
      o.variables = [...new Set(defaulted)];
      o.doubt = `it uses the code's default for ${o.variables.join(', ')}, which the environment may set`;
    }
    layer.set(name, o);
  }
  return layer;
}

function configResolver(file: string, parsed: ParsedPython, ctx: BuildContext): ModuleResolver {
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  return {
    resolve(name: string): ModuleSource | undefined {
      if (name === '__config__') return { module: name, file, parsed };
      const rel = name.split('.').join('/');
      for (const root of dir ? [dir, ''] : ['']) {
        for (const c of [`${rel}.py`, `${rel}/__init__.py`]) {
          const p = root ? `${root}/${c}` : c;
          if (ctx.sources.byPath.has(p)) {
            const py = ctx.sources.python(p);
            if (py) return { module: name, file: p, parsed: py };
          }
        }
      }
      return undefined;
    },
  };
}

/**
 * A Python value converted the way gunicorn's validator for the setting converts it. `null`: a
 * valid None (the setting stays unset); `'invalid'`: the validator raises, so gunicorn exits at
 * start; undefined: nothing sure can be said (an object, a class, a value of an odd kind).
 */
function fromPython(b: SettingBinding, s: GunicornSetting, parsed: ParsedPython): OptionValue | null | 'invalid' | undefined {
  const v = b.value;
  if (v.kind === 'unknown') {
    const u: OptionValue = { kind: 'unknown', reason: v.reason, variables: [...v.variables] };
    if (b.valueSpan) u.text = parsed.text.slice(b.valueSpan.start.offset, b.valueSpan.end.offset);
    if (s.type === 'int') {
      const node = b.valueSpan ? parsed.root.descendantForIndex(b.valueSpan.start.offset, Math.max(b.valueSpan.start.offset, b.valueSpan.end.offset - 1)) : undefined;
      const lb = node ? lowerBound(outermost(node, b.valueSpan!)) : undefined;
      if (lb !== undefined) u.atLeast = lb;
    }
    return u;
  }
  if (v.kind === 'object') return undefined;
  switch (s.type) {
    case 'int': {
      // validate_pos_int: int(val) for ints and bools, int(val, 0) for the rest; negative values raise.
      let n: number | undefined;
      if (v.kind === 'int') n = v.value;
      else if (v.kind === 'bool') n = v.value ? 1 : 0;
      else if (v.kind === 'str') n = parsePythonInt0(v.value);
      else if (v.kind === 'none' && s.name === 'umask') return null;
      if (n === undefined || n < 0) return 'invalid';
      return { kind: 'int', value: n };
    }
    case 'bool':
      if (v.kind === 'bool') return v;
      if (v.kind === 'str' && /^\s*(true|false)\s*$/i.test(v.value)) return { kind: 'bool', value: v.value.trim().toLowerCase() === 'true' };
      if (v.kind === 'none') return null;
      return 'invalid';
    case 'str':
      if (v.kind === 'str') return { kind: 'str', value: v.value.trim() };
      if (v.kind === 'none') return null;
      if (v.kind === 'path') return undefined;
      // user/group also take uids/gids; the others must be strings (validate_string raises TypeError).
      if (v.kind === 'int' && (s.name === 'user' || s.name === 'group')) return { kind: 'str', value: String(v.value) };
      if (s.name === 'worker_class' || s.name === 'logger_class') return undefined;
      return 'invalid';
    case 'list': {
      const span = b.valueSpan ?? b.span;
      if (v.kind === 'str') {
        const parts = s.name === 'forwarded_allow_ips' || s.name === 'proxy_allow_ips' ? v.value.split(',') : [v.value];
        return { kind: 'list', items: parts.map((x) => x.trim()).filter(Boolean).map((value) => ({ value, span })) };
      }
      if (v.kind === 'list' || v.kind === 'tuple') {
        const items: ListItem[] = [];
        for (const it of v.items) {
          if (it.kind === 'str') items.push({ value: it.value, span });
          else return { kind: 'unknown', reason: 'a list item is not known', variables: it.kind === 'unknown' ? it.variables : [] };
        }
        return { kind: 'list', items };
      }
      if (v.kind === 'none') return { kind: 'list', items: [] };
      // validate_list_string: a falsy value is [], a number is iterated and raises TypeError.
      if (v.kind === 'int' || v.kind === 'float' || v.kind === 'bool') return v.value ? 'invalid' : { kind: 'list', items: [] };
      return undefined;
    }
    case 'dict': {
      // secure_scheme_headers / logconfig_dict: kept as `KEY=value` items (an empty dict is an empty list).
      if (v.kind !== 'dict') return v.kind === 'none' ? undefined : 'invalid';
      const span = b.valueSpan ?? b.span;
      const items: ListItem[] = [];
      for (const e of v.entries) {
        if (e.key.kind !== 'str') return { kind: 'unknown', reason: 'a key is not known', variables: [] };
        items.push({ value: `${e.key.value}=${e.value.kind === 'str' ? e.value.value : pyRepr(e.value)}`, span });
      }
      return { kind: 'list', items };
    }
    default:
      return undefined;
  }
}

function outermost(node: PyNode, span: Span): PyNode {
  let n = node;
  while (n.parent && n.parent.startIndex >= span.start.offset && n.parent.endIndex <= span.end.offset) n = n.parent;
  return n;
}

/**
 * A sure lower bound of an integer expression: literals, `cpu_count()` (at least 1), `+` and `*`
 * of non-negative bounds, `int(x)`, `max(...)` (any argument's bound), `min(...)` (every argument's).
 */
export function lowerBound(node: PyNode): number | undefined {
  switch (node.type) {
    case 'integer': {
      const n = Number(node.text.replace(/_/g, ''));
      return Number.isFinite(n) ? n : undefined;
    }
    case 'parenthesized_expression':
      return node.namedChildren[0] ? lowerBound(node.namedChildren[0]) : undefined;
    case 'binary_operator': {
      const l = node.childForFieldName('left');
      const r = node.childForFieldName('right');
      const op = node.childForFieldName('operator')?.text;
      const a = l ? lowerBound(l) : undefined;
      const b = r ? lowerBound(r) : undefined;
      if (a === undefined || b === undefined || a < 0 || b < 0) return undefined;
      if (op === '+') return a + b;
      if (op === '*') return a * b;
      return undefined;
    }
    case 'call': {
      const fn = node.childForFieldName('function')?.text ?? '';
      const args = node.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
      if (/(?:^|\.)cpu_count$/.test(fn) && args.length === 0) return 1;
      if (fn === 'int' && args.length === 1) return lowerBound(args[0]!);
      if (fn === 'max' && args.length > 0) {
        const bounds = args.map(lowerBound).filter((x): x is number => x !== undefined);
        return bounds.length ? Math.max(...bounds) : undefined;
      }
      if (fn === 'min' && args.length > 0) {
        const bounds = args.map(lowerBound);
        return bounds.every((x) => x !== undefined) ? Math.min(...(bounds as number[])) : undefined;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

export function describeValue(v: OptionValue): string {
  switch (v.kind) {
    case 'str':
      return v.value;
    case 'int':
      return String(v.value);
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'list':
      return v.items.map((i) => i.value).join(', ');
    case 'unknown':
      return v.text ?? 'unknown';
  }
}

export type { PyValue };
