import type { Span } from '../../core/position.js';
import { resolveWord, type ShellWord } from '../../parse/shell-words.js';
import { envLookup, envVar, option, parseIntLike, rangeSpan, wordSpan, type Launch } from './context.js';
import type { AppServerInstance, AppServerOption, OptionValue } from './types.js';

type Result = { options: Record<string, AppServerOption>; app?: AppServerInstance['app']; problems: AppServerInstance['problems'] };

/**
 * `manage.py runserver [addrport]`: Django's development server. Options kept: `bind` (the
 * address, default 127.0.0.1:8000) and `reload` (on unless `--noreload`).
 */
export function buildRunserver(launch: Launch, args: ShellWord[]): Result {
  const lookup = envLookup(launch);
  const options: Record<string, AppServerOption> = {};
  let addr: ShellWord | undefined;
  let reload: AppServerOption = option('reload', { kind: 'bool', value: true }, 'default');
  const VALUE_OPTS = new Set(['--settings', '--pythonpath', '--verbosity', '-v', '--traceback-level']);
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    if (w.value === '--noreload') reload = option('reload', { kind: 'bool', value: false }, 'command-line', { span: wordSpan(launch, w), written: w.value });
    else if (VALUE_OPTS.has(w.value)) i++;
    else if (!w.value.startsWith('-') && !addr) addr = w;
  }
  options.reload = reload;
  if (addr) {
    const r = resolveWord(addr, lookup);
    const span = wordSpan(launch, addr);
    const text = /^\d+$|^\$\w+$|^\$\{\w+\}$/.test(addr.value) ? `127.0.0.1:${r.partial}` : r.partial;
    options.bind = option('bind', { kind: 'list', items: [{ value: text, span, ...(r.unknown.length ? { unresolved: r.unknown } : {}) }] }, 'command-line', { span, valueSpan: span, written: addr.value });
  } else {
    options.bind = option('bind', { kind: 'list', items: [{ value: '127.0.0.1:8000' }] }, 'default');
  }
  return { options, problems: [] };
}

const UVICORN_FLAGS = new Set([
  '--reload', '--use-colors', '--no-use-colors', '--proxy-headers', '--no-proxy-headers', '--server-header', '--no-server-header',
  '--date-header', '--no-date-header', '--access-log', '--no-access-log', '--factory', '--help', '--version',
]);

/** uvicorn's command line: `--host`/`--port`/`--uds` (bind), `--reload`, `--workers`, `--forwarded-allow-ips`. */
export function buildUvicorn(launch: Launch, args: ShellWord[]): Result {
  const lookup = envLookup(launch);
  const options: Record<string, AppServerOption> = {};
  let app: AppServerInstance['app'];
  let host: { value: string; span: Span; unresolved: string[] } | undefined;
  let port: { value: string; span: Span; unresolved: string[] } | undefined;
  let uds: { value: string; span: Span } | undefined;
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const v = w.value;
    if (!v.startsWith('-')) {
      if (!app) app = { value: v, span: wordSpan(launch, w) };
      continue;
    }
    const eq = v.indexOf('=');
    const flag = eq >= 0 ? v.slice(0, eq) : v;
    if (UVICORN_FLAGS.has(flag)) {
      if (flag === '--reload') options.reload = option('reload', { kind: 'bool', value: true }, 'command-line', { span: wordSpan(launch, w), written: v });
      if (flag === '--proxy-headers' || flag === '--no-proxy-headers') options.proxy_headers = option('proxy_headers', { kind: 'bool', value: flag === '--proxy-headers' }, 'command-line', { span: wordSpan(launch, w), written: v });
      continue;
    }
    let valueWord: ShellWord | undefined;
    let valueText: string | undefined;
    let end = w.end;
    if (eq >= 0) valueText = v.slice(eq + 1);
    else if (args[i + 1]) {
      valueWord = args[i + 1]!;
      end = valueWord.end;
      i++;
    }
    const span = rangeSpan(launch, w.start, end);
    const r = valueWord ? resolveWord(valueWord, lookup) : { partial: valueText ?? '', unknown: [] as string[], value: valueText };
    const valueSpan = valueWord ? wordSpan(launch, valueWord) : span;
    const written = launch.lines.text.slice(w.start, end);
    if (flag === '--host') host = { value: r.partial, span: valueSpan, unresolved: r.unknown };
    else if (flag === '--port') port = { value: r.partial, span: valueSpan, unresolved: r.unknown };
    else if (flag === '--uds') uds = { value: r.partial, span: valueSpan };
    else if (flag === '--workers') options.workers = option('workers', intValue(r), 'command-line', { span, valueSpan, written });
    else if (flag === '--forwarded-allow-ips') {
      options.forwarded_allow_ips = option('forwarded_allow_ips', { kind: 'list', items: r.partial.split(',').map((x) => x.trim()).filter(Boolean).map((value) => ({ value, span: valueSpan })) }, 'command-line', { span, valueSpan, written });
    }
  }
  if (uds) options.bind = option('bind', { kind: 'list', items: [{ value: `unix:${uds.value}`, span: uds.span }] }, 'command-line', { span: uds.span });
  else if (host || port) {
    const h = host?.value ?? '127.0.0.1';
    const p = port?.value ?? '8000';
    const span = host?.span ?? port!.span;
    const unresolved = [...(host?.unresolved ?? []), ...(port?.unresolved ?? [])];
    options.bind = option('bind', { kind: 'list', items: [{ value: `${h.includes(':') ? `[${h}]` : h}:${p}`, span, ...(unresolved.length ? { unresolved } : {}) }] }, 'command-line', { span });
  } else options.bind = option('bind', { kind: 'list', items: [{ value: '127.0.0.1:8000' }] }, 'default');
  options.reload ??= option('reload', { kind: 'bool', value: false }, 'default');
  options.proxy_headers ??= option('proxy_headers', { kind: 'bool', value: true }, 'default');
  if (!options.forwarded_allow_ips) {
    // uvicorn's default is $FORWARDED_ALLOW_IPS, else 127.0.0.1.
    const set = envVar(launch, 'FORWARDED_ALLOW_IPS');
    if (set) {
      options.forwarded_allow_ips = option('forwarded_allow_ips', { kind: 'list', items: set.value.split(',').map((x) => x.trim()).filter(Boolean).map((value) => ({ value, span: set.span })) }, 'environment', { span: set.span, written: `FORWARDED_ALLOW_IPS=${set.value}` });
    } else {
      const o = option('forwarded_allow_ips', { kind: 'list', items: [{ value: '127.0.0.1' }] }, 'default');
      if (lookup('FORWARDED_ALLOW_IPS') === undefined) {
        o.certain = false;
        o.variables = ['FORWARDED_ALLOW_IPS'];
        o.doubt = 'FORWARDED_ALLOW_IPS is not set in the repository';
      }
      options.forwarded_allow_ips = o;
    }
  }
  if (!options.workers) {
    const v = lookup('WEB_CONCURRENCY');
    const set = envVar(launch, 'WEB_CONCURRENCY');
    if (typeof v === 'string' && /^\d+$/.test(v.trim())) options.workers = option('workers', { kind: 'int', value: Number(v) }, 'environment', set ? { span: set.span } : {});
    else options.workers = option('workers', { kind: 'int', value: 1 }, 'default', v === undefined ? { certain: false, variables: ['WEB_CONCURRENCY'], doubt: 'WEB_CONCURRENCY is not set in the repository and would change it' } : {});
  }
  return { options, app, problems: [] };
}

/** daphne: `-b`/`--bind` host (default 127.0.0.1), `-p`/`--port` (default 8000), `-u` unix socket. */
export function buildDaphne(launch: Launch, args: ShellWord[]): Result {
  const lookup = envLookup(launch);
  const options: Record<string, AppServerOption> = {};
  let app: AppServerInstance['app'];
  let host: { value: string; span: Span } | undefined;
  let port: string | undefined;
  let uds: { value: string; span: Span } | undefined;
  const FLAGS = new Set(['--proxy-headers', '-v', '--verbosity', '--no-server-name', '--help']);
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    if (!w.value.startsWith('-')) {
      if (!app) app = { value: w.value, span: wordSpan(launch, w) };
      continue;
    }
    if (FLAGS.has(w.value)) continue;
    const next = args[i + 1];
    if (!next) break;
    i++;
    const r = resolveWord(next, lookup);
    if (w.value === '-b' || w.value === '--bind') host = { value: r.partial, span: wordSpan(launch, next) };
    else if (w.value === '-p' || w.value === '--port') port = r.partial;
    else if (w.value === '-u' || w.value === '--unix-socket') uds = { value: r.partial, span: wordSpan(launch, next) };
  }
  if (uds) options.bind = option('bind', { kind: 'list', items: [{ value: `unix:${uds.value}`, span: uds.span }] }, 'command-line', { span: uds.span });
  else if (host) options.bind = option('bind', { kind: 'list', items: [{ value: `${host.value.includes(':') ? `[${host.value}]` : host.value}:${port ?? '8000'}`, span: host.span }] }, 'command-line', { span: host.span });
  else options.bind = option('bind', { kind: 'list', items: [{ value: `127.0.0.1:${port ?? '8000'}` }] }, 'default');
  return { options, app, problems: [] };
}

function intValue(r: { value?: string; partial: string; unknown: string[] }): OptionValue {
  if (r.value === undefined) return { kind: 'unknown', reason: `set from ${r.unknown.map((n) => `$${n}`).join(', ')}`, variables: r.unknown, text: r.partial };
  const n = parseIntLike(r.value);
  return n === undefined ? { kind: 'unknown', reason: `not a number: ${r.value}`, variables: [], text: r.value } : { kind: 'int', value: n };
}
