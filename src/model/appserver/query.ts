import type { Span } from '../../core/position.js';
import type { AppServerInstance, AppServerOption, ListItem } from './types.js';

/**
 * Reading an app-server instance the way the server does: its listening addresses, its worker
 * model, its reload switch. Rules use these instead of knowing each server's option names.
 */

/** The dotted module of the application an instance serves (`shop.wsgi` of `shop.wsgi:application`) and its path (`shop/wsgi`). */
export function appModuleOf(inst: AppServerInstance): { module: string; path: string } | undefined {
  const module = inst.app?.value.split(':')[0];
  return module ? { module, path: module.split('.').join('/') } : undefined;
}

export interface ListenAddress {
  /** As written (`0.0.0.0:$PORT`, `unix:/run/g.sock`, `:3031`). */
  text: string;
  kind: 'tcp' | 'unix' | 'fd' | 'unknown';
  /** TCP host, lower-cased; '' for "all interfaces" written as `:port`. Undefined when a variable decides it. */
  host?: string;
  /** TCP port; undefined when a variable decides it or it is not given. */
  port?: number;
  /** Unix socket path. */
  path?: string;
  /** Listens on every interface (0.0.0.0, ::, `:port`). */
  wildcard: boolean;
  /** Listens on loopback only (127.x, ::1, localhost). */
  loopback: boolean;
  /** The protocol spoken there: HTTP, or uWSGI's own binary protocol (`socket =`), or FastCGI. */
  protocol: 'http' | 'uwsgi' | 'fastcgi' | 'unknown';
  /** uWSGI `http =`: a separate HTTP router process in front of the workers. */
  router?: boolean;
  span?: Span;
  option: AppServerOption;
}

const UWSGI_LISTENERS: Array<[string, ListenAddress['protocol'], boolean]> = [
  ['socket', 'uwsgi', false],
  ['http-socket', 'http', false],
  ['https-socket', 'http', false],
  ['http', 'http', true],
  ['https', 'http', true],
  ['fastcgi-socket', 'fastcgi', false],
];

/** Where the instance listens (gunicorn `bind`, uWSGI sockets, uvicorn/daphne/runserver host and port). */
export function listenAddresses(inst: AppServerInstance): ListenAddress[] {
  // Asked for every nginx target an instance is matched against: parsed once per instance.
  let out = listenAddressesOf.get(inst);
  if (!out) {
    out = parseListenAddresses(inst);
    listenAddressesOf.set(inst, out);
  }
  return out;
}

const listenAddressesOf = new WeakMap<AppServerInstance, ListenAddress[]>();

function parseListenAddresses(inst: AppServerInstance): ListenAddress[] {
  const out: ListenAddress[] = [];
  const add = (o: AppServerOption | undefined, protocol: ListenAddress['protocol'], router: boolean, uwsgi: boolean) => {
    if (!o || o.value.kind !== 'list') return;
    for (const item of o.value.items) out.push(parseAddress(item, o, protocol, router, uwsgi));
  };
  if (inst.server === 'uwsgi') {
    for (const [name, protocol, router] of UWSGI_LISTENERS) add(inst.options[name], name === 'socket' ? uwsgiSocketProtocol(inst) : protocol, router, true);
  }
  else add(inst.options.bind, 'http', false, false);
  return out;
}

/** `socket =` speaks uwsgi unless `protocol` / `socket-protocol` says otherwise. */
function uwsgiSocketProtocol(inst: AppServerInstance): ListenAddress['protocol'] {
  const o = inst.options.protocol ?? inst.options['socket-protocol'];
  if (!o) return 'uwsgi';
  const p = strOf(o);
  if (p === undefined || !o.certain) return 'unknown';
  if (p === 'http' || p === 'http11') return 'http';
  if (p === 'uwsgi') return 'uwsgi';
  if (p === 'fastcgi') return 'fastcgi';
  return 'unknown';
}

function parseAddress(item: ListItem, option: AppServerOption, protocol: ListenAddress['protocol'], router: boolean, uwsgi: boolean): ListenAddress {
  const text = item.value;
  const base = { text, option, protocol, wildcard: false, loopback: false, ...(item.span ? { span: item.span } : {}), ...(router ? { router } : {}) };
  let rest = text.trim();
  if (rest.startsWith('unix:')) return { ...base, kind: 'unix', path: rest.slice(5).replace(/^\/\/(?=\/)/, '') };
  if (rest.startsWith('fd://') || (uwsgi && rest.startsWith('='))) return { ...base, kind: 'fd' };
  rest = rest.replace(/^tcp:\/\//, '');
  if (uwsgi && (rest.startsWith('/') || rest.startsWith('@') || (!rest.includes(':') && /\.sock$/.test(rest)))) return { ...base, kind: 'unix', path: rest };
  // uWSGI allows a trailing ",options" on some sockets (`:443,cert,key` for https).
  if (uwsgi) rest = rest.split(',')[0]!;
  let host: string | undefined;
  let portText: string | undefined;
  const v6 = /^\[([^\]]*)\](?::(.*))?$/.exec(rest);
  if (v6) {
    host = v6[1]!;
    portText = v6[2];
  } else if (rest.includes(':')) {
    const i = rest.lastIndexOf(':');
    host = rest.slice(0, i);
    portText = rest.slice(i + 1);
  } else {
    host = rest;
  }
  host = host.toLowerCase();
  const hostKnown = !host.includes('$') && !host.includes('%(') && !host.includes('%');
  const port = portText !== undefined && /^\d+$/.test(portText) ? Number(portText) : portText === undefined && !uwsgi ? 8000 : undefined;
  if (!hostKnown) return { ...base, kind: 'tcp', ...(port !== undefined ? { port } : {}) };
  const wildcard = host === '' || host === '0.0.0.0' || host === '::' || host === '*' || host === '0';
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === 'ip6-localhost';
  return { ...base, kind: 'tcp', host, ...(port !== undefined ? { port } : {}), wildcard, loopback };
}

/** The option that switches on code reloading (gunicorn/uvicorn/runserver `reload`, uWSGI `py-autoreload` > 0). */
export function reloadOption(inst: AppServerInstance): { on: boolean | undefined; option?: AppServerOption } {
  if (inst.server === 'uwsgi') {
    const o = inst.options['py-autoreload'];
    if (!o) return { on: false };
    if (o.value.kind === 'int') return { on: o.value.value > 0, option: o };
    return { on: undefined, option: o };
  }
  const o = inst.options.reload;
  if (!o) return { on: false };
  if (o.value.kind === 'bool') return { on: o.value.value, option: o };
  return { on: undefined, option: o };
}

export function intOf(o: AppServerOption | undefined): number | undefined {
  return o && o.value.kind === 'int' ? o.value.value : undefined;
}

export function strOf(o: AppServerOption | undefined): string | undefined {
  return o && o.value.kind === 'str' && !o.value.unresolved?.length ? o.value.value : undefined;
}

export function boolOf(o: AppServerOption | undefined): boolean | undefined {
  return o && o.value.kind === 'bool' ? o.value.value : undefined;
}

/**
 * gunicorn's effective worker class, as `Config.worker_class_str` reports it: `sync` turns into
 * `gthread` when threads > 1. Undefined when not known.
 */
export function gunicornWorkerClass(inst: AppServerInstance): string | undefined {
  const k = strOf(inst.options.worker_class);
  if (k === undefined) return undefined;
  const sync = k === 'sync' || k.endsWith('SyncWorker');
  const threads = intOf(inst.options.threads);
  if (sync && threads === undefined) return undefined;
  if (sync) return threads! > 1 ? 'gthread' : 'sync';
  return k;
}

/** How an option was set, for messages: `--workers 1` on the command line, `workers = 1` in gunicorn.conf.py, or "the default". */
export function describeSource(o: AppServerOption): string {
  switch (o.source) {
    case 'command-line':
      return `${o.written ?? o.name} on the command line`;
    case 'config-file':
      return `${o.written ?? o.name} in ${o.span?.file ?? 'the config file'}`;
    case 'environment':
      return `${o.written ?? o.name} from the environment${o.span ? ` (${o.span.file}:${o.span.start.line})` : ''}`;
    case 'default':
      return 'the default';
  }
}

/** The span that best shows where an instance gets an option: the option itself, else the instance. */
export function optionSpan(inst: AppServerInstance, o: AppServerOption | undefined): Span {
  return o?.span ?? inst.command?.programSpan ?? inst.span;
}

/** A short name for messages: "gunicorn (Procfile web)", "uWSGI (deploy/uwsgi.ini)". */
export function instanceLabel(inst: AppServerInstance): string {
  const name = inst.server === 'uwsgi' ? 'uWSGI' : inst.server === 'runserver' ? 'manage.py runserver' : inst.server;
  const where =
    inst.origin === 'procfile' ? `${inst.file} ${inst.processName ?? ''}`.trim() : inst.origin === 'systemd' ? inst.unit?.name ?? inst.file : inst.file;
  return `${name} (${where})`;
}
