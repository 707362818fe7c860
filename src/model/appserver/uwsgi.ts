import type { Span } from '../../core/position.js';
import { resolveWord, type ShellWord } from '../../parse/shell-words.js';
import { parseUwsgiIni, replaceUwsgiPlaceholders, uwsgiFlag, type UwsgiIniEntry } from '../../parse/uwsgi/ini.js';
import { envLookup, option, rangeSpan, resolveRepoPath, wordSpan, type BuildContext, type Launch } from './context.js';
import type { AppServerConfigRef, AppServerInstance, AppServerOption, OptionValue } from './types.js';

/**
 * A uWSGI instance. uWSGI applies its options in the order it meets them: `UWSGI_*` environment
 * variables, then the command line from left to right, where `--ini file` (or a lone `file.ini`
 * argument) inserts that file's `[uwsgi]` section at its place. A later scalar option replaces an
 * earlier one; list options (`socket`, `http-socket`, `http` ...) accumulate.
 */

/** Canonical option names and their aliases, with their kind. */
interface UwsgiOptionSpec {
  name: string;
  aliases: string[];
  short?: string;
  kind: 'flag' | 'int' | 'str' | 'list';
  default?: OptionValue;
}

const SPECS: UwsgiOptionSpec[] = [
  { name: 'master', aliases: [], short: 'M', kind: 'flag', default: { kind: 'bool', value: false } },
  { name: 'die-on-term', aliases: [], kind: 'flag', default: { kind: 'bool', value: false } },
  { name: 'processes', aliases: ['workers'], short: 'p', kind: 'int', default: { kind: 'int', value: 1 } },
  { name: 'threads', aliases: [], kind: 'int', default: { kind: 'int', value: 0 } },
  { name: 'enable-threads', aliases: [], short: 'T', kind: 'flag', default: { kind: 'bool', value: false } },
  { name: 'socket', aliases: ['uwsgi-socket'], short: 's', kind: 'list' },
  { name: 'http-socket', aliases: ['http11-socket'], kind: 'list' },
  { name: 'https-socket', aliases: [], kind: 'list' },
  { name: 'http', aliases: [], kind: 'list' },
  { name: 'https', aliases: [], kind: 'list' },
  { name: 'fastcgi-socket', aliases: [], kind: 'list' },
  { name: 'uid', aliases: [], kind: 'str' },
  { name: 'gid', aliases: [], kind: 'str' },
  { name: 'py-autoreload', aliases: ['python-autoreload', 'py-auto-reload', 'python-auto-reload'], kind: 'int', default: { kind: 'int', value: 0 } },
  { name: 'harakiri', aliases: [], short: 't', kind: 'int', default: { kind: 'int', value: 0 } },
  { name: 'vacuum', aliases: [], kind: 'flag', default: { kind: 'bool', value: false } },
  { name: 'module', aliases: ['wsgi'], short: 'w', kind: 'str' },
  { name: 'wsgi-file', aliases: ['file'], kind: 'str' },
  { name: 'mount', aliases: [], kind: 'list' },
  { name: 'chdir', aliases: [], kind: 'str' },
  { name: 'emperor', aliases: [], kind: 'list' },
  { name: 'max-requests', aliases: [], short: 'R', kind: 'int', default: { kind: 'int', value: 0 } },
  { name: 'lazy-apps', aliases: [], kind: 'flag', default: { kind: 'bool', value: false } },
  { name: 'cheaper', aliases: [], kind: 'int' },
  { name: 'daemonize', aliases: [], short: 'd', kind: 'str' },
  { name: 'home', aliases: ['virtualenv', 'venv', 'pyhome'], short: 'H', kind: 'str' },
  { name: 'chmod-socket', aliases: [], kind: 'str' },
  { name: 'buffer-size', aliases: [], short: 'b', kind: 'int' },
];

const BY_NAME = new Map<string, UwsgiOptionSpec>();
const BY_SHORT = new Map<string, UwsgiOptionSpec>();
for (const s of SPECS) {
  BY_NAME.set(s.name, s);
  for (const a of s.aliases) BY_NAME.set(a, s);
  if (s.short) BY_SHORT.set(s.short, s);
}

/** Options without an argument on the command line (getopt no_argument), beyond those in SPECS. */
const NO_ARG = new Set([
  'master', 'die-on-term', 'vacuum', 'enable-threads', 'lazy-apps', 'lazy', 'single-interpreter', 'need-app', 'thunder-lock', 'strict',
  'no-orphans', 'disable-logging', 'log-master', 'memory-report', 'harakiri-verbose', 'auto-procname', 'cheap', 'no-default-app',
  'close-on-exec', 'close-on-exec2', 'reaper', 'catch-exceptions', 'honour-stdin', 'log-x-forwarded-for', 'manage-script-name',
  'http-auto-chunked', 'exit-on-reload', 'no-threads-wait', 'skip-atexit', 'master-as-root', 'emperor-tyrant', 'show-config',
  'version', 'help', 'ignore-sigpipe', 'ignore-write-errors', 'disable-write-exception', 'py-call-osafterfork', 'stats-http',
  'logdate', 'log-date', 'log-reopen', 'log-micros', 'offload-threads-auto', 'http-keepalive', 'http-raw-body', 'post-buffering-bufsize-auto',
  'cheaper-busyness-verbose', 'unprivileged-binary-patch', 'enable-metrics', 'carbon-use-metrics', 'worker-reload-on-rss', 'die-on-idle',
  'uwsgi-sock-nodelay', 'so-keepalive', 'tcp-nodelay', 'wsgi-manage-chunked-input', 'wsgi-accept-buffer', 'wsgi-disable-file-wrapper',
]);
const NO_ARG_SHORT = new Set(['M', 'T', 'L', 'i', 'h', 'v', 'N', 'k']);

interface RawOption {
  key: string;
  value: string;
  source: AppServerOption['source'];
  span: Span;
  valueSpan: Span;
  written: string;
  /** A value with placeholders or variables (kept as written). */
  unresolved?: string[];
}

export interface UwsgiInput {
  launch: Launch;
  args?: ShellWord[];
  /** A lone ini file (its path). */
  iniFile?: string;
  allPaths: ReadonlyMap<string, unknown>;
}

export function buildUwsgi(input: UwsgiInput, ctx: BuildContext): { options: Record<string, AppServerOption>; configFiles: AppServerConfigRef[]; app?: AppServerInstance['app']; problems: AppServerInstance['problems'] } {
  const { launch } = input;
  const lookup = envLookup(launch);
  const raw: RawOption[] = [];
  const configFiles: AppServerConfigRef[] = [];
  const problems: AppServerInstance['problems'] = [];
  let configDoubt: string | undefined;

  const addIni = (ref: string, refSpan: Span | undefined, fixedFile?: string, depth = 0) => {
    const [path, section] = splitSection(ref);
    const resolved = fixedFile ? { file: fixedFile, status: 'joined' as const } : resolveRepoPath(path, launch, input.allPaths);
    const cref: AppServerConfigRef = { reference: ref, status: resolved.status };
    if (refSpan) cref.span = refSpan;
    if (resolved.file) cref.file = resolved.file;
    configFiles.push(cref);
    if (!resolved.file) {
      configDoubt = `uWSGI reads ${ref}, which is not in the repository`;
      return;
    }
    const src = ctx.sources.text(resolved.file);
    if (!src) return;
    const parsed = parseUwsgiIni(src.text, src.lines);
    const entries = parsed.entries.filter((e) => e.section === (section || 'uwsgi'));
    if (entries.length === 0) problems.push({ message: `no [${section || 'uwsgi'}] section in ${resolved.file}`, span: refSpan ?? src.lines.lineSpan(resolved.file, 1) });
    for (const e of entries) {
      // `ini = other.ini` inside a file reads that file at this place (as `--ini` does).
      if (e.key === 'ini' && e.value && depth < 5 && !configFiles.some((c) => c.reference === e.value)) addIni(e.value, src.lines.span(resolved.file, e.keyStart, e.valueEnd), undefined, depth + 1);
      else raw.push(iniOption(e, resolved.file, src.lines));
    }
  };

  for (const v of launch.environment.vars) {
    const m = /^UWSGI_([A-Z0-9_]+)$/.exec(v.name);
    if (!m) continue;
    if (m[1] === 'INI') {
      addIni(v.value, v.span);
      continue;
    }
    raw.push({ key: m[1]!.toLowerCase().replace(/_/g, '-'), value: v.value, source: 'environment', span: v.span, valueSpan: v.span, written: `${v.name}=${v.value}` });
  }
  if (input.iniFile) addIni(input.iniFile, undefined, input.iniFile);
  const args = input.args ?? [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const v = w.value;
    if (!v.startsWith('-') || v === '-') {
      if (/\.(?:ini)(?::[\w-]*)?$/.test(v)) addIni(v, wordSpan(launch, w));
      continue;
    }
    let key: string;
    let value: string | undefined;
    let valueWord: ShellWord | undefined;
    let end = w.end;
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      key = eq >= 0 ? v.slice(2, eq) : v.slice(2);
      if (eq >= 0) value = v.slice(eq + 1);
    } else {
      const short = v[1]!;
      const spec = BY_SHORT.get(short);
      key = spec?.name ?? `-${short}`;
      if (!NO_ARG_SHORT.has(short) && spec?.kind !== 'flag' && v.length > 2) value = v.slice(2);
    }
    const spec = BY_NAME.get(key);
    const flag = spec ? spec.kind === 'flag' : NO_ARG.has(key) || (key.startsWith('-') && NO_ARG_SHORT.has(key.slice(1)));
    if (value === undefined && !flag) {
      const next = args[i + 1];
      if (next && !next.value.startsWith('-')) {
        valueWord = next;
        value = next.value;
        end = next.end;
        i++;
      } else {
        value = '';
      }
    }
    if (key === 'ini') {
      if (value) addIni(value, rangeSpan(launch, w.start, end));
      continue;
    }
    const span = rangeSpan(launch, w.start, end);
    const resolved = valueWord ? resolveWord(valueWord, lookup) : undefined;
    const opt: RawOption = {
      key,
      value: resolved ? resolved.partial : (value ?? ''),
      source: 'command-line',
      span,
      valueSpan: valueWord ? wordSpan(launch, valueWord) : span,
      written: launch.lines.text.slice(w.start, end),
    };
    if (resolved?.unknown.length) opt.unresolved = resolved.unknown;
    raw.push(opt);
  }

  // Fold in order.
  const options: Record<string, AppServerOption> = {};
  const seen: Record<string, string> = {};
  for (const r of raw) {
    const spec = BY_NAME.get(r.key);
    const name = spec?.name ?? r.key;
    const { text, unresolved } = expandPlaceholders(r, seen, lookup);
    seen[name] = text;
    for (const a of spec?.aliases ?? []) seen[a] = text;
    const value = convert(spec, text, unresolved, r.valueSpan);
    const prev = options[name];
    if (spec?.kind === 'list' && prev && prev.value.kind === 'list' && value.kind === 'list') {
      options[name] = { ...prev, value: { kind: 'list', items: [...prev.value.items, ...value.items] }, span: r.span, valueSpan: r.valueSpan, history: [...prev.history, r.span], written: r.written, source: r.source };
      continue;
    }
    const o = option(name, value, r.source, { span: r.span, valueSpan: r.valueSpan, written: r.written, history: [...(prev?.history ?? []), r.span] });
    if (value.kind === 'unknown' && value.variables.length) o.variables = value.variables;
    options[name] = o;
  }
  for (const s of SPECS) {
    if (options[s.name] || !s.default) continue;
    const o = option(s.name, s.default, 'default');
    if (configDoubt) {
      o.certain = false;
      o.doubt = configDoubt;
    }
    options[s.name] = o;
  }
  let app: AppServerInstance['app'];
  for (const n of ['module', 'wsgi-file', 'mount']) {
    const o = options[n];
    if (!o) continue;
    const value = o.value.kind === 'str' ? o.value.value : o.value.kind === 'list' ? o.value.items.map((x) => x.value).join(', ') : undefined;
    if (value !== undefined) {
      app = { value, ...(o.valueSpan ? { span: o.valueSpan } : {}) };
      break;
    }
  }
  return { options, configFiles, app, problems };
}

function splitSection(ref: string): [string, string] {
  const m = /^(.*\.ini):([\w-]*)$/.exec(ref);
  return m ? [m[1]!, m[2]!] : [ref, ''];
}

function iniOption(e: UwsgiIniEntry, file: string, lines: Launch['lines']): RawOption {
  return {
    key: e.key,
    value: e.value,
    source: 'config-file',
    span: lines.span(file, e.keyStart, e.valueEnd),
    valueSpan: lines.span(file, e.valueStart, e.valueEnd),
    written: lines.text.slice(e.keyStart, e.valueEnd),
  };
}

/** `%(option)` from options set before, `$(VAR)` from the environment; other placeholders stay unknown. */
function expandPlaceholders(r: RawOption, seen: Record<string, string>, lookup: (n: string) => string | null | undefined): { text: string; unresolved?: string[] } {
  const unresolved = new Set(r.unresolved ?? []);
  if (r.source !== 'config-file') return { text: r.value, unresolved: unresolved.size ? [...unresolved] : undefined };
  const text = replaceUwsgiPlaceholders(r.value, (m) => {
    const opt = /^%\(([^)]*)\)$/.exec(m);
    if (opt && seen[opt[1]!] !== undefined && !/%\(|\$\(/.test(seen[opt[1]!]!)) return seen[opt[1]!]!;
    const env = /^\$\(([^)]*)\)$/.exec(m);
    if (env) {
      const v = lookup(env[1]!);
      if (typeof v === 'string') return v;
      if (v === null) return '';
      unresolved.add(env[1]!);
      return m;
    }
    if (m === '%%') return '%';
    unresolved.add(m);
    return m;
  });
  return { text, unresolved: unresolved.size ? [...unresolved] : undefined };
}

function convert(spec: UwsgiOptionSpec | undefined, text: string, unresolved: string[] | undefined, valueSpan: Span): OptionValue {
  const kind = spec?.kind ?? 'str';
  if (unresolved?.length && kind !== 'list' && kind !== 'str') {
    return { kind: 'unknown', reason: `uses ${unresolved.join(', ')}`, variables: unresolved.filter((u) => /^[A-Za-z_]\w*$/.test(u)), text };
  }
  switch (kind) {
    case 'flag':
      return { kind: 'bool', value: uwsgiFlag(text) };
    case 'int': {
      // uWSGI reads numbers with atoi(): leading blanks, a sign and digits count, anything after is ignored, no digits is 0.
      const lead = /^\s*([+-]?\d+)/.exec(text);
      return { kind: 'int', value: lead ? Number(lead[1]) : 0 };
    }
    case 'list':
      return { kind: 'list', items: [{ value: text, span: valueSpan, ...(unresolved?.length ? { unresolved } : {}) }] };
    default: {
      const v: OptionValue = { kind: 'str', value: text };
      if (unresolved?.length) v.unresolved = unresolved;
      return v;
    }
  }
}

/** True when an ini text has a `[uwsgi]` section (for `.ini` files of no known kind). */
export function hasUwsgiSection(text: string, lines: Launch['lines']): boolean {
  return parseUwsgiIni(text, lines).sections.some((s) => s.name === 'uwsgi');
}

/** The `[uwsgi]` header of an ini file, for findings about the file as a whole. */
export function uwsgiSectionSpan(file: string, text: string, lines: Launch['lines']): Span | undefined {
  const s = parseUwsgiIni(text, lines).sections.find((x) => x.name === 'uwsgi');
  return s ? lines.span(file, s.start, s.end) : undefined;
}
