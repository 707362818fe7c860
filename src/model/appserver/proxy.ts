import type { Span } from '../../core/position.js';
import { argSpan, argValue, nginxQuery, PASS_DIRECTIVES, walkDirectives } from '../nginx/effective.js';
import type { NginxConfig, NginxDirective } from '../nginx/types.js';
import type { DeploymentModel } from '../types.js';
import type { ListenAddress } from './query.js';

/**
 * What the repository's production nginx configurations hand requests to: every `proxy_pass`,
 * `uwsgi_pass`, `fastcgi_pass`, `scgi_pass` target, with upstream blocks expanded into their
 * `server` entries. App-server rules match these against where a server listens.
 */
export interface NginxTarget {
  protocol: 'http' | 'uwsgi' | 'fastcgi' | 'scgi' | 'grpc';
  kind: 'tcp' | 'unix';
  host?: string;
  port?: number;
  path?: string;
  /** On this host: loopback or a unix socket. */
  local: boolean;
  /** The `*_pass` directive. */
  pass: NginxDirective;
  /** The address as written (the `server` line of an upstream, or the pass argument). */
  span: Span;
  config: NginxConfig;
}

const PROTOCOL: Record<string, NginxTarget['protocol']> = {
  proxy_pass: 'http',
  uwsgi_pass: 'uwsgi',
  fastcgi_pass: 'fastcgi',
  scgi_pass: 'scgi',
  grpc_pass: 'grpc',
};

const DEFAULT_PORT: Record<string, number> = { http: 80, https: 443 };

export function nginxTargets(model: DeploymentModel): readonly NginxTarget[] {
  // Asked by several rules for each app-server instance: found once per model view.
  let targets = TARGETS.get(model);
  if (!targets) {
    targets = findTargets(model);
    TARGETS.set(model, targets);
  }
  return targets;
}

const TARGETS = new WeakMap<DeploymentModel, readonly NginxTarget[]>();

function findTargets(model: DeploymentModel): NginxTarget[] {
  const out: NginxTarget[] = [];
  for (const config of model.nginx) {
    if (config.role !== 'production') continue;
    const q = nginxQuery(config, model);
    const upstreams = q.upstreams();
    walkDirectives(config.directives, (d) => {
      if (!PASS_DIRECTIVES.has(d.name) || !d.args[0]) return;
      const protocol = PROTOCOL[d.name]!;
      const raw = argValue(d, 0);
      const parsed = parseTarget(raw, protocol);
      if (!parsed) return;
      const upstream = parsed.kind === 'tcp' && parsed.host && parsed.port === undefined ? upstreams.get(parsed.host) : undefined;
      if (upstream) {
        for (const s of upstream.block ?? []) {
          if (s.name !== 'server' || !s.args[0]) continue;
          const t = parseTarget(argValue(s, 0), undefined);
          if (t) out.push(target(t, protocol, d, argSpan(s, 0), config));
        }
        return;
      }
      if (parsed.kind === 'tcp' && parsed.port === undefined) {
        if (parsed.scheme && DEFAULT_PORT[parsed.scheme]) parsed.port = DEFAULT_PORT[parsed.scheme];
        else if (!parsed.scheme) return;
      }
      out.push(target(parsed, protocol, d, argSpan(d, 0), config));
    });
  }
  return out;
}

interface Parsed {
  kind: 'tcp' | 'unix';
  scheme?: string;
  host?: string;
  port?: number;
  path?: string;
}

/** `http://127.0.0.1:8000/x`, `http://unix:/run/g.sock:/x`, `unix:/run/u.sock`, `127.0.0.1:3031`, `[::1]:8000`. */
function parseTarget(raw: string, protocol: string | undefined): Parsed | undefined {
  if (raw.includes('$')) return undefined;
  let rest = raw;
  let scheme: string | undefined;
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (m) {
    scheme = m[1]!.toLowerCase();
    rest = rest.slice(m[0].length);
  }
  if (rest.startsWith('unix:')) {
    let path = rest.slice(5);
    // proxy_pass http://unix:/path:/uri — the path ends at the next colon.
    const colon = path.indexOf(':');
    if (colon >= 0) path = path.slice(0, colon);
    return { kind: 'unix', path, ...(scheme ? { scheme } : {}) };
  }
  const slash = rest.indexOf('/');
  const hostPort = slash >= 0 ? rest.slice(0, slash) : rest;
  const hp = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(hostPort);
  if (!hp) return undefined;
  const host = hp[1]!.replace(/^\[|\]$/g, '').toLowerCase();
  const out: Parsed = { kind: 'tcp', host };
  if (scheme) out.scheme = scheme;
  if (hp[2]) out.port = Number(hp[2]);
  void protocol;
  return out;
}

function target(t: Parsed, protocol: NginxTarget['protocol'], pass: NginxDirective, span: Span, config: NginxConfig): NginxTarget {
  const local = t.kind === 'unix' || (t.host !== undefined && isLoopback(t.host));
  const out: NginxTarget = { protocol, kind: t.kind, local, pass, span, config };
  if (t.host !== undefined) out.host = t.host;
  if (t.port !== undefined) out.port = t.port;
  if (t.path !== undefined) out.path = t.path;
  return out;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Whether an nginx target reaches an app server's listening address (same unix path, or a port it listens on). */
/**
 * The model's nginx targets that reach an address (reaches()), in nginxTargets' order. Targets are
 * bucketed by unix path or port once per model view, so a rule asking for every listen address of
 * every instance does not test every target each time.
 */
export function reachingTargets(model: DeploymentModel, address: ListenAddress): NginxTarget[] {
  const all = nginxTargets(model);
  let index = TARGET_INDEX.get(all);
  if (!index) {
    index = new Map();
    for (const t of all) {
      const key = t.kind === 'unix' ? `unix:${t.path}` : t.port !== undefined ? `tcp:${t.port}` : undefined;
      if (key === undefined) continue;
      const list = index.get(key);
      if (list) list.push(t);
      else index.set(key, [t]);
    }
    TARGET_INDEX.set(all, index);
  }
  const key = address.kind === 'unix' ? `unix:${address.path}` : address.kind === 'tcp' && address.port !== undefined ? `tcp:${address.port}` : undefined;
  return key === undefined ? [] : (index.get(key) ?? []).filter((t) => reaches(t, address));
}

const TARGET_INDEX = new WeakMap<readonly NginxTarget[], Map<string, NginxTarget[]>>();

export function reaches(target: NginxTarget, address: ListenAddress): boolean {
  if (target.kind === 'unix' || address.kind === 'unix') return target.kind === 'unix' && address.kind === 'unix' && target.path === address.path;
  if (address.kind !== 'tcp' || target.port === undefined || address.port !== target.port) return false;
  if (address.host === undefined) return false;
  if (address.wildcard) return true;
  if (address.loopback) return target.local;
  return target.host === address.host;
}
