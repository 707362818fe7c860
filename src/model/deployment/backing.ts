import type { Notice, RelatedLocation } from '../../core/finding.js';
import type { Span } from '../../core/position.js';
import { trimEndChars } from '../../core/trim.js';
import type { DiscoveredFile } from '../../discover/types.js';
import { lastDirective, looksLikeRedisConf, parseRedisConf, type RedisConf } from '../../parse/redis-conf.js';
import { get, scalarString, type YNode } from '../../parse/compose/yaml.js';
import { pathRole } from '../appserver/command.js';
import type { ModelSources } from '../build.js';
import { joinRepo, shellwords } from '../containers/compose.js';
import { effectiveEnv, serviceKind } from '../containers/query.js';
import type { Interpolated } from '../../parse/compose/interpolate.js';
import type { ComposeProject, ComposeService } from '../containers/types.js';
import { splitImage } from '../containers/dockerfile.js';
import { asSequence, dictGet, truthy, type EnvRead, type PyValue } from '../python-value.js';
import type { DeploymentModel, DjangoProject } from '../types.js';
import type { HclBody } from '../../parse/hcl.js';
import { resolveValue } from '../terraform/build.js';
import type { TerraformResource } from '../terraform/types.js';
import type { K8sContainer, K8sObject } from '../k8s/types.js';
import { asMap, get as yget, getPath, items, num, text } from '../../parse/yaml-positions.js';
import { projectOfInstance } from './topology.js';

/**
 * Backing services of the deployment (issue 5): the Redis servers and PostgreSQL servers the
 * repository runs (compose services, redis.conf files), with what each demands of its clients
 * (a password, TLS), and the client side read from the evaluated settings (cache, Celery,
 * channels and session URLs; DATABASES). Cross-file rules join the two by host name.
 */

// ---------------------------------------------------------------------------------------------
// Servers

export type RedisAuth =
  /** Clients must authenticate: requirepass, an ACL default user with a password, Bitnami's REDIS_PASSWORD. */
  | { kind: 'password'; span: Span; how: string }
  /** No password: the official image's default, `ALLOW_EMPTY_PASSWORD=yes`, `requirepass ""`. */
  | { kind: 'none'; how: string }
  /** Cannot be known from the repository (a value from the host, a config file not in the repository). */
  | { kind: 'unknown'; how: string; variables: string[]; span?: Span };

export interface RedisServer {
  origin: 'compose' | 'conf' | 'k8s';
  /** e.g. "compose service redis (docker-compose.prod.yml)" or "deploy/redis/redis.conf". */
  label: string;
  /** Where it is declared: the compose service's image (or name), or the conf's first directive. */
  span: Span;
  /** Host names it answers to on its network (compose: service name, aliases, container_name, hostname). */
  names: string[];
  port: number;
  auth: RedisAuth;
  compose?: { project: ComposeProject; service: ComposeService };
  /** Host ports a compose service publishes for its Redis port (reachable as localhost:PORT on the host). */
  published?: number[];
}

export type ServerTls =
  | { state: 'off'; how: string }
  | { state: 'on'; how: string; span?: Span }
  | { state: 'unknown'; how: string };

export interface PostgresServer {
  label: string;
  span: Span;
  names: string[];
  port: number;
  tls: ServerTls;
  compose: { project: ComposeProject; service: ComposeService };
}

export interface BackingServices {
  redis: RedisServer[];
  postgres: PostgresServer[];
  /** redis.conf files read (mounted into a compose service or standing alone), with their problems. */
  redisConfs: RedisConf[];
  /**
   * Production compose projects whose containers may share a network with containers of other
   * projects (a top-level network that is external or has a fixed name): names from elsewhere may resolve.
   */
  openNetworkProjects: Set<ComposeProject>;
  /**
   * Environment lines (`file:line`) whose value is expanded from a variable at run time or by
   * compose (`${REDIS_PASSWORD}` in an env file or a compose `environment:` value that the
   * repository leaves to the host): what the settings read there is not known, even when the
   * evaluation saw an empty string.
   */
  hostDependentLines: Map<string, string>;
  /**
   * Celery apps configured from the Django settings (`app.config_from_object('django.conf:settings',
   * namespace='CELERY')`): the file and the namespace (null: none, so the old names BROKER_URL and
   * CELERY_RESULT_BACKEND are read).
   */
  celeryConfigs: Array<{ file: string; namespace: string | null; span: Span }>;
}

const REDIS_CONF_NAME = /^(?:redis|valkey|keydb)(?:[\w.-]*)\.conf(?:\.template|\.tmpl|\.j2)?$/i;

/** Reads the redis.conf files of the repository and the compose data services. */
export function buildBackingServices(
  files: readonly DiscoveredFile[],
  sources: ModelSources,
  composeProjects: readonly ComposeProject[],
  notices: Notice[] = [],
  k8sObjects: readonly K8sObject[] = [],
): BackingServices {
  const confs = new Map<string, RedisConf>();
  for (const f of files) {
    if (f.kind !== 'conf-candidate') continue;
    const base = f.path.slice(f.path.lastIndexOf('/') + 1);
    const inRedisDir = /(?:^|\/)(?:redis|valkey|keydb)\//i.test(f.path);
    if (!REDIS_CONF_NAME.test(base) && !inRedisDir) continue;
    const src = sources.text(f.path);
    if (!src) continue;
    if (!REDIS_CONF_NAME.test(base) && !looksLikeRedisConf(src.text)) continue;
    const conf = parseRedisConf(src);
    confs.set(f.path, conf);
    for (const p of conf.problems) notices.push({ kind: 'info', message: `${f.path}: ${p.message}`, span: p.span, file: f.path });
  }
  const redis: RedisServer[] = [];
  const postgres: PostgresServer[] = [];
  const mounted = new Set<string>();
  const openNetworkProjects = new Set<ComposeProject>();
  for (const project of composeProjects) {
    if (project.role !== 'production') continue;
    if (project.sharedNetwork ?? true) openNetworkProjects.add(project);
    for (const service of project.services) {
      const kind = serviceKind(service);
      if (kind === 'redis') redis.push(composeRedis(project, service, confs, mounted));
      else if (kind === 'postgres') postgres.push(composePostgres(project, service));
    }
  }
  redis.push(...k8sRedis(k8sObjects));
  for (const conf of confs.values()) {
    if (mounted.has(conf.file)) continue;
    const role = sources.configuredRole(conf.file) ?? pathRole(conf.file);
    if (role !== 'production' || conf.directives.length === 0) continue;
    const port = Number(lastDirective(conf, 'port')?.args[0]?.value ?? '6379');
    const bind = lastDirective(conf, 'bind');
    // No bind: every interface; else one of the addresses must be a loopback one (`-::1` is optional ::1).
    if (bind && !bind.args.some((a) => /^-?(?:127\.|::1$|localhost$|0\.0\.0\.0$|\*$|::\*?$)/.test(a.value))) continue;
    redis.push({
      origin: 'conf',
      label: `the Redis server configured by ${conf.file}`,
      span: conf.directives[0]!.span,
      names: [],
      port: Number.isFinite(port) ? port : 6379,
      auth: confAuth(conf),
    });
  }
  const hostDependentLines = new Map<string, string>();
  for (const f of files) {
    if (f.kind !== 'dotenv') continue;
    const src = sources.text(f.path);
    if (!src) continue;
    for (let line = 1; line <= src.lines.lineCount; line++) {
      const text = src.lines.lineText(line);
      if (/\$\{?[A-Za-z_]/.test(text)) hostDependentLines.set(`${f.path}:${line}`, text);
    }
  }
  for (const project of composeProjects) {
    for (const service of project.services) {
      for (const e of service.environment) {
        if (e.value?.interp?.vars.some((v) => v.source === 'unset')) hostDependentLines.set(`${e.span.file}:${e.span.start.line}`, e.value.written ?? e.value.value);
      }
    }
  }
  const celeryConfigs: BackingServices['celeryConfigs'] = [];
  for (const f of files) {
    if ((f.kind !== 'python' && f.kind !== 'django-settings') || !celeryModule(f.path)) continue;
    const src = sources.text(f.path);
    if (!src) continue;
    for (const m of configFromObjectCalls(src.text)) {
      if (!/django\.conf|settings/.test(m[1]!)) continue;
      const ns = /namespace\s*=\s*(?:'(\w*)'|"(\w*)"|(None))/.exec(m[1]!);
      if (/namespace/.test(m[1]!) && !ns) continue;
      const namespace = ns ? ns[1] ?? ns[2] ?? null : null;
      celeryConfigs.push({ file: f.path, namespace: namespace === '' ? null : namespace, span: src.lines.span(f.path, m.index!, m.index! + m[0].length) });
    }
  }
  return { redis, postgres, redisConfs: [...confs.values()], openNetworkProjects, hostDependentLines, celeryConfigs };
}

/**
 * Whether a value rests on a default of the settings code (or an undecided read) while the runtime's
 * environment is not all in the repository: production may well set the variable elsewhere.
 */
export function restsOnDefault(runtime: DjangoRuntime, ...values: Array<PyValue | null | undefined>): boolean {
  if (runtime.subject.service?.complete) return false;
  return values.some((v) => v && envReadsIn(v).some((r) => r.decidedBy === 'default' || r.decidedBy === 'unknown'));
}

/** Whether a path names a Celery module: /celery[\w]*\.py$/i.test, from the end (issue 7). */
export function celeryModule(path: string): boolean {
  if (!/\.py$/i.test(path)) return false;
  let start = path.length - 3;
  while (start > 0 && /\w/.test(path[start - 1]!)) start--;
  return /celery/i.test(path.slice(start, path.length - 3));
}

/** The `.config_from_object(...)` calls of a text, as matchAll(/\.config_from_object\(([^)]*)\)/g) gives them, by indexOf (issue 7). */
export function configFromObjectCalls(text: string): Array<{ index: number; 0: string; 1: string }> {
  const out: Array<{ index: number; 0: string; 1: string }> = [];
  const call = '.config_from_object(';
  for (let at = text.indexOf(call); at >= 0; ) {
    const close = text.indexOf(')', at + call.length);
    if (close < 0) break;
    out.push({ index: at, 0: text.slice(at, close + 1), 1: text.slice(at + call.length, close) });
    at = text.indexOf(call, close + 1);
  }
  return out;
}

/** `text.replace(/\$\{[^}]*\}/g, by)` by indexOf (issue 7: the regex rescans from every `${` that no `}` follows). */
export function replaceBraced(text: string, by: string): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf('${'); at >= 0; at = text.indexOf('${', from)) {
    const close = text.indexOf('}', at + 2);
    if (close < 0) break;
    out += text.slice(from, at) + by;
    from = close + 1;
  }
  return out + text.slice(from);
}

const URL_AFTER_SCHEME = /^(?:([^@/?#\s]*)@)?([^/?#\s]*)[^?#\s]*(\?[^#\s]*)?/;

/**
 * The userinfo, host and query of the first URL in a text: groups 1-3 of
 * /[a-z][a-z0-9+.-]*:\/\/(?:([^@/?#\s]*)@)?([^/?#\s]*)[^?#\s]*(\?[^#\s]*)?/i.exec, in linear time (issue 7:
 * the regex rescans a run of scheme characters from each of its letters). The URL starts at the first
 * letter of the scheme characters before the first `://` that has one.
 */
export function urlParts(text: string): [string, string | undefined, string, string | undefined] | null {
  for (let c = text.indexOf('://'); c >= 0; c = text.indexOf('://', c + 1)) {
    let start = c;
    while (start > 0 && /[a-z0-9+.-]/i.test(text[start - 1]!)) start--;
    while (start < c && !/[a-z]/i.test(text[start]!)) start++;
    if (start === c) continue;
    const rest = URL_AFTER_SCHEME.exec(text.slice(c + 3))!;
    return [text.slice(start, c + 3) + rest[0], rest[1], rest[2]!, rest[3]];
  }
  return null;
}

/**
 * Whether a value was read from an environment line whose value comes from the host (see
 * hostDependentLines). With `part`, only when that part of the URL written there holds a
 * variable: `redis://:${REDIS_PASSWORD}@redis:6379/0` leaves the host known and the password not.
 */
export function dependsOnHost(backing: BackingServices, value: PyValue | null | undefined, part?: 'userinfo' | 'host' | 'query'): boolean {
  if (!value) return false;
  for (const r of envReadsIn(value)) {
    if (!r.source) continue;
    const text = backing.hostDependentLines.get(`${r.source.span.file}:${r.source.span.start.line}`);
    if (text === undefined) continue;
    if (!part) return true;
    // `${VAR:?message}` may hold any character: reduce each expansion to `$V` before splitting the URL.
    const url = urlParts(replaceBraced(text, '$V'));
    if (!url) return true;
    const piece = part === 'userinfo' ? url[1] ?? '' : part === 'host' ? url[2] ?? '' : url[3] ?? '';
    if (/\$/.test(piece)) return true;
  }
  return false;
}

/**
 * Redis containers of production Kubernetes workloads, by the Services that select their pods: a
 * client reaches them as `svc`, `svc.namespace`, `svc.namespace.svc` or `svc.namespace.svc.cluster.local`.
 */
function k8sRedis(objects: readonly K8sObject[]): RedisServer[] {
  const out: RedisServer[] = [];
  const services = objects.filter((o) => o.kind === 'Service' && o.role === 'production' && !o.fragment && o.name);
  for (const o of objects) {
    if (o.role !== 'production' || o.fragment || !o.workload) continue;
    for (const c of o.workload.containers) {
      if (c.kind !== 'container' || !c.image) continue;
      const repo = splitImage(c.image.value).repository.toLowerCase();
      if (!/(?:^|\/)(?:redis|valkey|keydb)$/.test(repo)) continue;
      const label = `container ${c.name} of ${o.kind} ${o.name ?? ''} (${o.file})`;
      const auth = k8sRedisAuth(c, repo);
      for (const svc of services) {
        if ((svc.namespace ?? 'default') !== (o.namespace ?? 'default')) continue;
        const selector = asMap(getPath(svc.root, 'spec', 'selector'));
        if (!selector || selector.pairs.length === 0) continue;
        if (!selector.pairs.every((p) => o.workload!.podLabels.get(p.key) === text(p.value))) continue;
        const ns = svc.namespace ?? 'default';
        const names = [svc.name!, `${svc.name}.${ns}`, `${svc.name}.${ns}.svc`, `${svc.name}.${ns}.svc.cluster.local`];
        // The port clients use is the Service's.
        for (const item of items(getPath(svc.root, 'spec', 'ports'))) {
          const port = num(yget(item, 'port'));
          if (port !== undefined) out.push({ origin: 'k8s', label, span: c.image.span, names, port, auth });
        }
      }
    }
  }
  return out;
}

function k8sRedisAuth(c: K8sContainer, repo: string): RedisAuth {
  const words = [...c.command, ...c.args].flatMap((w) => (/\s/.test(w) && /(?:redis|valkey|keydb)-server|requirepass/.test(w) ? shellwords(w) : [w]));
  const env = new Map(c.env.map((e) => [e.name, e]));
  const fromEnv = (name: string, span: Span): RedisAuth => {
    const e = env.get(name);
    if (e?.value && e.value.text !== '') return { kind: 'password', span: e.span, how: `${name} of container ${c.name}` };
    if (e?.valueFrom?.source === 'secretKeyRef') return { kind: 'password', span: e.span, how: `${name} from Secret ${e.valueFrom.name ?? ''} in container ${c.name}` };
    return { kind: 'unknown', how: `${name} of container ${c.name} is not known`, variables: [name], span };
  };
  const rp = words.findIndex((w) => w === '--requirepass');
  if (rp >= 0) {
    const v = words[rp + 1];
    if (v === undefined) return { kind: 'unknown', how: '--requirepass without a value', variables: [] };
    const ref = /^\$\(([A-Za-z_]\w*)\)$|^\$\{?([A-Za-z_]\w*)\}?$/.exec(v);
    if (ref) return fromEnv(ref[1] ?? ref[2]!, c.image!.span);
    return v === '' ? { kind: 'none', how: '--requirepass is empty' } : { kind: 'password', span: c.image!.span, how: `--requirepass in the args of container ${c.name}` };
  }
  if (words.some((w) => w === '--aclfile' || w === '--user' || /\.conf$/.test(w))) return { kind: 'unknown', how: `container ${c.name} reads a configuration the audit does not follow`, variables: [] };
  if (/(?:^|\/)bitnami\/(?:redis|valkey)$/.test(repo)) {
    for (const name of ['REDIS_PASSWORD', 'VALKEY_PASSWORD', 'REDIS_PASSWORD_FILE', 'VALKEY_PASSWORD_FILE']) if (env.has(name)) return fromEnv(name, env.get(name)!.span);
    const allow = env.get('ALLOW_EMPTY_PASSWORD')?.value?.text;
    if (allow && /^(?:yes|true|1)$/i.test(allow)) return { kind: 'none', how: `ALLOW_EMPTY_PASSWORD=${allow} (Bitnami image)` };
    return { kind: 'unknown', how: `the Bitnami image of container ${c.name} needs REDIS_PASSWORD or ALLOW_EMPTY_PASSWORD`, variables: ['REDIS_PASSWORD'] };
  }
  const official = words.length === 0 || words.some((w) => SERVER_PROGRAM.test(w)) || words[0]!.startsWith('-');
  if (!official) return { kind: 'unknown', how: `container ${c.name} starts ${words[0]}`, variables: [] };
  return { kind: 'none', how: `container ${c.name} runs ${repo} without --requirepass (no password by default)` };
}

/** What a redis.conf demands: requirepass (the last wins), or the ACL default user. */
export function confAuth(conf: RedisConf): RedisAuth {
  if (lastDirective(conf, 'aclfile')) return { kind: 'unknown', how: `${conf.file} loads an ACL file`, variables: [] };
  if (conf.directives.some((d) => d.name === 'include')) return { kind: 'unknown', how: `${conf.file} includes other files`, variables: [] };
  const defaultUser = [...conf.directives].reverse().find((d) => d.name === 'user' && d.args[0]?.value === 'default');
  // requirepass sets the default user's password too: with both, the outcome depends on load order.
  if (defaultUser && lastDirective(conf, 'requirepass')) return { kind: 'unknown', how: `${conf.file} sets both requirepass and the default user`, variables: [] };
  if (defaultUser) {
    const rules = defaultUser.args.slice(1).map((a) => a.value);
    if (rules.includes('nopass')) return { kind: 'none', how: `the default user is nopass in ${conf.file}` };
    if (rules.some((r) => r.startsWith('>') || r.startsWith('#'))) return { kind: 'password', span: defaultUser.span, how: `the default user has a password in ${conf.file}` };
    if (rules.includes('off')) return { kind: 'unknown', how: `the default user is off in ${conf.file}`, variables: [] };
  }
  const rp = lastDirective(conf, 'requirepass');
  if (rp && (rp.args[0]?.value ?? '') !== '') return { kind: 'password', span: rp.span, how: `requirepass in ${conf.file}` };
  return { kind: 'none', how: rp ? `requirepass is empty in ${conf.file}` : `${conf.file} sets no requirepass` };
}

interface Token {
  value: string;
  span: Span;
  /** Compose interpolation of the value the token is part of. */
  interp?: Interpolated;
  /** The token as written, when known (no `$` in it: its value does not come from interpolation). */
  written?: string;
}

/** The words a container starts with (entrypoint then command), shell `-c` strings split too. */
function tokens(service: ComposeService): Token[] {
  const out: Token[] = [];
  for (const cmd of [service.entrypoint, service.command]) {
    if (!cmd) continue;
    const values = cmd.form === 'list' ? cmd.words ?? [] : cmd.string ? [cmd.string] : [];
    for (const v of values) {
      const words = cmd.form === 'list' ? [v.value] : shellwords(v.value);
      const writtenWords = cmd.form === 'list' ? [v.written ?? v.value] : shellwords(v.written ?? v.value);
      // Words before the first one holding a `$` are written as they are read.
      const firstVar = writtenWords.findIndex((x) => x.includes('$'));
      const literalUpTo = firstVar < 0 ? writtenWords.length : firstVar;
      words.forEach((w, i) => {
        // `sh -c "redis-server --requirepass $$PW"`: the script's words matter.
        const inner = /\s/.test(w) && /(?:redis|valkey|keydb)-server|requirepass/.test(w) ? shellwords(w) : [w];
        const written = i < literalUpTo && inner.length === 1 && writtenWords[i] === w ? writtenWords[i] : undefined;
        for (const x of inner) out.push({ value: x, span: v.span, ...(v.interp ? { interp: v.interp } : {}), ...(written !== undefined ? { written } : {}) });
      });
    }
  }
  return out;
}

const SERVER_PROGRAM = /(?:^|\/)(?:redis|valkey|keydb)-server$/;

function composeRedis(project: ComposeProject, service: ComposeService, confs: Map<string, RedisConf>, mounted: Set<string>): RedisServer {
  const r = composeRedisServer(project, service, confs, mounted);
  const published = service.ports
    .filter((p) => !p.interpolated && p.published && /^\d+$/.test(p.published) && Number(p.target) === r.port && (!p.hostIp || /^(?:127\.|0\.0\.0\.0$|::1?$|\[::1?\]$)/.test(p.hostIp)))
    .map((p) => Number(p.published));
  return published.length > 0 ? { ...r, published } : r;
}

function composeRedisServer(project: ComposeProject, service: ComposeService, confs: Map<string, RedisConf>, mounted: Set<string>): RedisServer {
  const label = `compose service ${service.name} (${project.name})`;
  const span = service.image?.span ?? service.nameSpan;
  const words = tokens(service);
  const env = effectiveEnv(service);
  const portArg = words.findIndex((w) => w.value === '--port');
  const port = portArg >= 0 ? Number(words[portArg + 1]?.value) : 6379;
  const base: Omit<RedisServer, 'auth'> = { origin: 'compose', label, span, names: composeNames(service), port: Number.isFinite(port) ? port : 6379, compose: { project, service } };
  const repo = service.image ? splitImage(service.image.value).repository.toLowerCase() : '';

  // Command-line options win over the config file.
  const rp = words.findIndex((w) => w.value === '--requirepass');
  if (rp >= 0) return { ...base, auth: passwordArg(words[rp + 1], env) };
  if (words.some((w) => w.value === '--aclfile' || w.value === '--user')) return { ...base, auth: { kind: 'unknown', how: `${service.name} configures ACL users`, variables: [] } };

  if (/(?:^|\/)bitnami\/(?:redis|valkey)$/.test(repo)) return { ...base, auth: bitnamiAuth(service, env) };
  const args = env.get('REDIS_ARGS')?.value;
  if (args && /--requirepass\s+\S/.test(args)) return { ...base, auth: { kind: 'password', span: env.get('REDIS_ARGS')!.span, how: `--requirepass in REDIS_ARGS of ${service.name}` } };

  const program = words.find((w) => SERVER_PROGRAM.test(w.value));
  // The official image runs redis-server for no command or one starting with an option; anything
  // else (a script, a shell) is not something to judge.
  const official = words.length === 0 || program !== undefined || words[0]!.value.startsWith('-');
  if (!official) return { ...base, auth: { kind: 'unknown', how: `${service.name} starts ${words[0]!.value}`, variables: [] } };
  const confArg = words.find((w) => /\.conf$/.test(w.value) && !w.value.startsWith('-'));
  if (confArg) {
    const file = mountedFile(project, service, confArg.value);
    const conf = file ? confs.get(file) : undefined;
    if (!conf) return { ...base, auth: { kind: 'unknown', how: `${service.name} reads ${confArg.value}, which the repository does not show`, variables: [] } };
    mounted.add(conf.file);
    const p = lastDirective(conf, 'port')?.args[0]?.value;
    if (p && portArg < 0 && Number.isFinite(Number(p))) base.port = Number(p);
    return { ...base, auth: confAuth(conf) };
  }
  if (/(?:^|\/)(?:redis|valkey|keydb|dragonfly|redis-stack|redis-stack-server)$/.test(repo) && !/bitnami/.test(repo)) {
    return { ...base, auth: { kind: 'none', how: `${service.name} runs ${repo} without --requirepass or a config file (no password by default)` } };
  }
  return { ...base, auth: { kind: 'unknown', how: `${service.name} runs ${repo}`, variables: [] } };
}

function passwordArg(w: Token | undefined, env: ReturnType<typeof effectiveEnv>): RedisAuth {
  if (!w) return { kind: 'unknown', how: '--requirepass without a value', variables: [] };
  const span = w.span;
  // A variable the container's shell expands (`$$REDIS_PASSWORD` in a `sh -c` command).
  const shellVar = /^\$\{?(\w+)\}?$/.exec(w.value);
  if (shellVar) {
    const v = env.get(shellVar[1]!);
    if (v?.value) return { kind: 'password', span, how: `--requirepass from ${shellVar[1]} in the container environment` };
    return { kind: 'unknown', how: `--requirepass takes ${shellVar[1]}, whose value the repository does not show`, variables: [shellVar[1]!] };
  }
  // A literal token beside interpolated ones in the same string keeps its written value.
  const interp = w.written !== undefined && !w.written.includes('$') ? undefined : w.interp;
  if (interp) {
    const required = interp.vars.find((x) => x.operator === ':?' || (x.operator === '?' && x.source !== 'unset'));
    const open = interp.vars.filter((x) => x.source === 'unset' && x.operator !== ':?');
    if (open.length > 0 && !required) return { kind: 'unknown', how: `--requirepass takes ${open.map((x) => x.name).join(', ')} from the host running compose`, variables: open.map((x) => x.name) };
    if (required) return { kind: 'password', span, how: `--requirepass \${${required.name}:?}, which compose will not start without` };
  }
  if (w.value === '') return { kind: 'none', how: '--requirepass is empty' };
  return { kind: 'password', span, how: '--requirepass in the command' };
}

function bitnamiAuth(service: ComposeService, env: ReturnType<typeof effectiveEnv>): RedisAuth {
  for (const name of ['REDIS_PASSWORD', 'VALKEY_PASSWORD', 'REDIS_PASSWORD_FILE', 'VALKEY_PASSWORD_FILE']) {
    const v = env.get(name);
    if (!v) continue;
    if (v.value) return { kind: 'password', span: v.span, how: `${name} (Bitnami image) in ${service.name}` };
    const unset = v.interp?.vars.filter((x) => x.source === 'unset').map((x) => x.name) ?? [name];
    if (v.interp?.vars.some((x) => x.operator === ':?')) return { kind: 'password', span: v.span, how: `${name} (Bitnami image), required from the host` };
    return { kind: 'unknown', how: `${name} of ${service.name} comes from the host`, variables: unset };
  }
  const allow = env.get('ALLOW_EMPTY_PASSWORD')?.value;
  if (allow && /^(?:yes|true|1)$/i.test(allow)) return { kind: 'none', how: `ALLOW_EMPTY_PASSWORD=${allow} (Bitnami image)` };
  return { kind: 'unknown', how: `the Bitnami image of ${service.name} needs REDIS_PASSWORD or ALLOW_EMPTY_PASSWORD`, variables: ['REDIS_PASSWORD'] };
}

/** The repository file a container path is bind-mounted from (a file mount, or a directory mount holding it). */
function mountedFile(project: ComposeProject, service: ComposeService, containerPath: string): string | undefined {
  for (const v of service.volumes) {
    if (v.type !== 'bind' || !v.source || !v.target) continue;
    const target = trimEndChars(v.target, '/');
    let rest: string | undefined;
    if (containerPath === target) rest = '';
    else if (containerPath.startsWith(`${target}/`)) rest = containerPath.slice(target.length + 1);
    if (rest === undefined) continue;
    const src = v.source.replace(/^\.\//, '');
    const joined = joinRepo(project.dir, rest === '' ? src : `${src}/${rest}`);
    if (joined !== undefined) return joined;
  }
  return undefined;
}

/** Names a compose service answers to on its networks. */
export function composeNames(service: ComposeService): string[] {
  const names = new Set([service.name]);
  for (const key of ['container_name', 'hostname']) {
    const v = scalarString(get(service.node, key));
    if (v) names.add(v);
  }
  const nets = get(service.node, 'networks');
  if (nets?.kind === 'map') {
    for (const p of nets.pairs) {
      const aliases = get(p.value, 'aliases');
      if (aliases?.kind === 'seq') for (const a of aliases.items) {
        const s = scalarString(a);
        if (s) names.add(s);
      }
    }
  }
  return [...names];
}

const POSTGRES_OFFICIAL = /^(?:library\/)?postgres$|^(?:postgis\/postgis|pgvector\/pgvector|timescale\/timescaledb)$/;

function composePostgres(project: ComposeProject, service: ComposeService): PostgresServer {
  const label = `compose service ${service.name} (${project.name})`;
  const span = service.image?.span ?? service.nameSpan;
  const env = effectiveEnv(service);
  const words = tokens(service);
  const pgport = Number(env.get('PGPORT')?.value ?? '5432');
  const base = { label, span, names: composeNames(service), port: Number.isFinite(pgport) ? pgport : 5432, compose: { project, service } };
  const repo = service.image ? splitImage(service.image.value).repository.toLowerCase().replace(/^docker\.io\//, '') : '';
  if (/(?:^|\/)bitnami\/postgresql(?:-repmgr)?$/.test(repo)) {
    const tls = env.get('POSTGRESQL_ENABLE_TLS');
    if (tls?.value && /^(?:yes|true|1)$/i.test(tls.value)) return { ...base, tls: { state: 'on', how: 'POSTGRESQL_ENABLE_TLS', span: tls.span } };
    if (tls && !tls.value) return { ...base, tls: { state: 'unknown', how: 'POSTGRESQL_ENABLE_TLS comes from the host' } };
    return { ...base, tls: { state: 'off', how: `the Bitnami image of ${service.name} leaves TLS off unless POSTGRESQL_ENABLE_TLS=yes` } };
  }
  if (!POSTGRES_OFFICIAL.test(repo)) return { ...base, tls: { state: 'unknown', how: `${service.name} runs ${repo || 'an image built here'}` } };
  // Anything that could turn ssl on: server options, a configuration file, init scripts, another command.
  if (words.some((w) => /ssl|config_file|hba_file|\.conf\b/i.test(w.value))) return { ...base, tls: { state: 'on', how: `the command of ${service.name} configures the server` } };
  if (words.length > 0 && !words.every((w) => w.value === 'postgres' || w.value.startsWith('-') || /^\w+=/.test(w.value))) {
    return { ...base, tls: { state: 'unknown', how: `${service.name} starts another command` } };
  }
  if (service.volumes.some((v) => v.target && /docker-entrypoint-initdb\.d|postgresql\.conf|\/etc\/postgresql|pg_hba|\.crt$|\.key$|\.pem$/.test(v.target))) {
    return { ...base, tls: { state: 'unknown', how: `${service.name} mounts configuration, certificates or init scripts that may enable SSL` } };
  }
  if (env.has('POSTGRES_INITDB_ARGS') || env.has('PGSSLMODE')) return { ...base, tls: { state: 'unknown', how: `${service.name} passes initdb arguments` } };
  return { ...base, tls: { state: 'off', how: `the ${repo} image starts PostgreSQL with ssl = off (its default) and nothing in ${service.name} turns it on` } };
}

// ---------------------------------------------------------------------------------------------
// Where each evaluated settings variant runs

export interface DjangoRuntime {
  /** The settings as this runtime sees them (a per-service variant, or the project's production evaluation). */
  subject: DjangoProject;
  /** The production compose service that runs it, when it runs in one. */
  compose?: { project: ComposeProject; service: ComposeService };
  /** Where it is started (the app server command), when known. */
  span?: Span;
  /** It runs on a machine directly (a systemd unit), where localhost is the machine itself. */
  onHost?: boolean;
}

const runtimeCache = new WeakMap<DeploymentModel, DjangoRuntime[]>();

/**
 * The places production settings run: each per-service variant (a compose service or a systemd
 * unit), each production compose service that runs a project with the project's own production
 * evaluation (no variant: its environment changes nothing), and each project itself when no
 * compose service runs it.
 */
export function djangoRuntimes(model: DeploymentModel): DjangoRuntime[] {
  const cached = runtimeCache.get(model);
  if (cached) return cached;
  const out: DjangoRuntime[] = [];
  const projects = (model.composeProjects ?? []).filter((p) => p.role === 'production');
  const composeOf = (file: string, name: string | undefined) => {
    if (!name) return undefined;
    const hits = projects.map((project) => ({ project, service: project.services.find((s) => s.name === name) })).filter((x): x is { project: ComposeProject; service: ComposeService } => !!x.service);
    return hits.find((h) => h.project.files.includes(file)) ?? (hits.length === 1 ? hits[0] : undefined);
  };
  const sameSpan = (a: Span, b: Span) => a.file === b.file && a.start.offset === b.start.offset;
  const variants = model.djangoServiceVariants ?? [];
  for (const v of variants) {
    const inst = model.appServers.find((i) => v.service && sameSpan(i.span, v.service.span));
    const compose = inst && inst.origin === 'compose' ? composeOf(inst.file, inst.processName) : undefined;
    out.push({ subject: v, ...(compose ? { compose } : {}), ...(v.service ? { span: v.service.span } : {}), ...(inst?.origin === 'systemd' ? { onHost: true } : {}) });
  }
  for (const project of model.djangoProjects) {
    let any = false;
    for (const inst of model.appServers) {
      if (inst.role !== 'production' || !inst.web || inst.server === 'runserver' || inst.origin !== 'compose') continue;
      if (projectOfInstance(model, inst) !== project) continue;
      const compose = composeOf(inst.file, inst.processName);
      if (!compose) continue;
      any = true;
      if (variants.some((v) => v.service && sameSpan(v.service.span, inst.span))) continue;
      out.push({ subject: project, compose, span: inst.span });
    }
    if (!any) {
      const onHost = model.appServers.some((i) => i.role === 'production' && i.web && i.origin === 'systemd' && projectOfInstance(model, i) === project);
      out.push({ subject: project, ...(onHost ? { onHost } : {}) });
    }
  }
  runtimeCache.set(model, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Clients: Redis URLs in the settings

export interface RedisUrl {
  scheme: string;
  host: string;
  port: number;
  /** Credentials in the URL (a password, a user, or ?password=); undefined for an empty `:@` left by an unset variable. */
  credentials: boolean | undefined;
  /** The URL with any password masked, for messages. */
  shown: string;
}

export interface RedisEndpoint {
  /** e.g. "CACHES['default'] LOCATION", "CELERY_BROKER_URL". */
  where: string;
  purpose: 'cache' | 'task queue' | 'task results' | 'channel layer' | 'sessions';
  setting: string;
  /** The setting's assignment. */
  span: Span;
  value: PyValue;
  /** A password given beside the URL (cache OPTIONS, channels host dict, SESSION_REDIS). */
  sidePassword?: PyValue | null;
}

const REDIS_URL = /^(rediss?|valkeys?):\/\/(?:([^@/?#]*)@)?(\[[^\]]*\]|[^/:?#]*)(?::(\d*))?([/?#].*)?$/i;

export function parseRedisUrl(url: string): RedisUrl | undefined {
  const m = REDIS_URL.exec(url.trim());
  if (!m) return undefined;
  const userinfo = m[2] ?? '';
  const query = m[5] ?? '';
  // `redis://:@host` is what an unset variable leaves of `redis://:${PASSWORD}@host`: not knowable.
  const emptied = m[2] !== undefined && userinfo.replace(/^:/, '') === '' && !/[?&]password=[^&]+/.test(query);
  const credentials = emptied ? undefined : userinfo.replace(/^:/, '') !== '' || /[?&]password=[^&]+/.test(query);
  const shown = url.trim().replace(/^([a-z]+:\/\/)[^@/?#]*@/i, (_, s: string) => `${s}****@`).replace(/([?&]password=)[^&#]*/i, '$1****');
  return { scheme: m[1]!.toLowerCase(), host: m[3]!.replace(/^\[|\]$/g, '').toLowerCase(), port: m[4] ? Number(m[4]) : 6379, credentials, shown };
}

/**
 * The settings names Celery reads its broker and result backend from: by the namespace of the
 * project's Celery app when the repository shows a single one, else the usual names.
 */
export function celerySettingNames(project: DjangoProject, backing?: BackingServices): Array<[string, RedisEndpoint['purpose']]> {
  const usual: Array<[string, RedisEndpoint['purpose']]> = [['CELERY_BROKER_URL', 'task queue'], ['BROKER_URL', 'task queue'], ['CELERY_RESULT_BACKEND', 'task results']];
  const mine = (backing?.celeryConfigs ?? []).filter((c) => project.root === '' || c.file.startsWith(`${project.root}/`));
  const namespaces = new Set(mine.map((c) => c.namespace));
  if (namespaces.size !== 1) return usual;
  const ns = [...namespaces][0]!;
  // Without a namespace Celery still reads the old upper-case names; with one, only NAMESPACE_<setting>.
  if (ns === null) return [['BROKER_URL', 'task queue'], ['CELERY_RESULT_BACKEND', 'task results']];
  return [[`${ns}_BROKER_URL`, 'task queue'], [`${ns}_RESULT_BACKEND`, 'task results']];
}

/** The Redis connection settings of a settings evaluation. */
export function redisEndpoints(project: DjangoProject, backing?: BackingServices): RedisEndpoint[] {
  const out: RedisEndpoint[] = [];
  const s = project.settings;
  const caches = s.get('CACHES');
  if (caches?.value.kind === 'dict') {
    for (const e of caches.value.entries) {
      if (e.key.kind !== 'str') continue;
      const backend = dictGet(e.value, 'BACKEND');
      if (!backend || backend.kind !== 'str' || !/redis|valkey/i.test(backend.value)) continue;
      const location = dictGet(e.value, 'LOCATION');
      if (!location) continue;
      const options = dictGet(e.value, 'OPTIONS');
      const side = options === null || options?.kind === 'none' ? null : options ? passwordIn(options) : undefined;
      for (const u of asSequence(location) ?? [location]) out.push({ where: `CACHES['${e.key.value}'] LOCATION`, purpose: 'cache', setting: 'CACHES', span: caches.span, value: u, sidePassword: side });
    }
  }
  const layers = s.get('CHANNEL_LAYERS');
  if (layers?.value.kind === 'dict') {
    for (const e of layers.value.entries) {
      if (e.key.kind !== 'str') continue;
      const config = dictGet(e.value, 'CONFIG');
      const hosts = config ? dictGet(config, 'hosts') : undefined;
      const where = `CHANNEL_LAYERS['${e.key.value}'] hosts`;
      for (const h of (hosts && asSequence(hosts)) ?? []) {
        if (h.kind === 'tuple' && h.items[0]?.kind === 'str') {
          const port = h.items[1]?.kind === 'int' ? `:${h.items[1].value}` : '';
          out.push({ where, purpose: 'channel layer', setting: 'CHANNEL_LAYERS', span: layers.span, value: { kind: 'str', value: `redis://${h.items[0].value}${port}`, ...(h.origin ? { origin: h.origin } : {}) }, sidePassword: null });
        } else if (h.kind === 'dict') {
          const address = dictGet(h, 'address');
          if (address) out.push({ where, purpose: 'channel layer', setting: 'CHANNEL_LAYERS', span: layers.span, value: address, sidePassword: dictGet(h, 'password') ?? null });
        } else out.push({ where, purpose: 'channel layer', setting: 'CHANNEL_LAYERS', span: layers.span, value: h, sidePassword: null });
      }
    }
  }
  // Celery: a password may also come from transport options or the old redis_password setting.
  const celerySide = s.names().some((n) => /REDIS_PASSWORD$|TRANSPORT_OPTIONS$|BACKEND_TRANSPORT_OPTIONS$/.test(n) && /CELERY|BROKER|REDIS/.test(n)) ? undefined : null;
  for (const [name, purpose] of celerySettingNames(project, backing)) {
    const b = s.get(name);
    if (!b) continue;
    // Celery accepts several brokers separated by ';' (failover).
    if (b.value.kind === 'str' && b.value.value.includes(';')) {
      for (const part of b.value.value.split(';')) out.push({ where: name, purpose, setting: name, span: b.span, value: { ...b.value, value: part.trim() }, sidePassword: celerySide });
    } else out.push({ where: name, purpose, setting: name, span: b.span, value: b.value, sidePassword: celerySide });
  }
  const session = s.get('SESSION_REDIS');
  if (session?.value.kind === 'dict') {
    const host = dictGet(session.value, 'host');
    const url = dictGet(session.value, 'url');
    const port = dictGet(session.value, 'port');
    const pw = dictGet(session.value, 'password');
    if (url && url.kind === 'str') out.push({ where: "SESSION_REDIS['url']", purpose: 'sessions', setting: 'SESSION_REDIS', span: session.span, value: url, sidePassword: pw ?? null });
    else if (host && host.kind === 'str') {
      const p = port && port.kind === 'int' ? `:${port.value}` : '';
      out.push({ where: "SESSION_REDIS['host']", purpose: 'sessions', setting: 'SESSION_REDIS', span: session.span, value: { kind: 'str', value: `redis://${host.value}${p}`, ...(host.origin ? { origin: host.origin } : {}) }, sidePassword: pw ?? null });
    }
  }
  return out;
}

/**
 * A password option in a client options dict (PASSWORD, password, or inside CONNECTION_POOL_KWARGS
 * and similar nested dicts): the value, null when there is none, undefined when it cannot be told.
 */
function passwordIn(options: PyValue, depth = 0): PyValue | null | undefined {
  if (options.kind !== 'dict') return undefined;
  let unsure = false;
  for (const e of options.entries) {
    if (e.key.kind !== 'str') {
      unsure = true;
      continue;
    }
    if (/^password$/i.test(e.key.value)) return e.value;
    if (e.value.kind === 'dict' && depth < 2) {
      const inner = passwordIn(e.value, depth + 1);
      if (inner) return inner;
      if (inner === undefined) unsure = true;
    } else if (e.value.kind === 'unknown' && /kwargs|options/i.test(e.key.value)) unsure = true;
  }
  return unsure ? undefined : null;
}

/** Whether the client sends a password: true, false, or undefined when it cannot be told. */
export function sendsPassword(ep: RedisEndpoint, url: RedisUrl): boolean | undefined {
  if (url.credentials === undefined) return undefined;
  if (url.credentials) return true;
  if (ep.sidePassword === undefined) return undefined;
  if (ep.sidePassword === null) return false;
  const t = truthy(ep.sidePassword);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Host names

const LOOPBACK = /^(?:localhost|127\.\d+\.\d+\.\d+|::1|0\.0\.0\.0)$/;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host.toLowerCase());
}

/** A name resolved only by a container network's DNS (a compose service name): no dots, not an address. */
export function isServiceName(host: string): boolean {
  return /^[a-z0-9][a-z0-9_-]*$/i.test(host) && !/^\d+$/.test(host) && !isLoopback(host);
}

/**
 * The Redis servers of the repository a client host and port reach from a runtime: inside a compose
 * project, the project's service answering to the name; outside one, a production compose service
 * of that name (a service name resolves nowhere else) or, for a loopback address on a machine
 * without compose Redis, a stand-alone redis.conf listening on that port.
 */
export function redisServersFor(backing: BackingServices, runtime: DjangoRuntime, host: string, port: number): RedisServer[] {
  if (runtime.compose) {
    if (!isServiceName(host)) return [];
    return backing.redis.filter((r) => r.compose?.project === runtime.compose!.project && r.names.includes(host) && r.port === port);
  }
  // A compose service name, or a Kubernetes Service name (short, with its namespace, or fully qualified).
  if (!isLoopback(host)) return backing.redis.filter((r) => r.origin !== 'conf' && r.names.includes(host) && r.port === port);
  // Loopback on the host: a compose Redis publishing that port there, else, with no compose or
  // Kubernetes Redis in view, a stand-alone redis.conf listening on it.
  if (!runtime.onHost) return [];
  const published = backing.redis.filter((r) => r.published?.includes(port));
  if (published.length > 0) return published;
  if (backing.redis.some((r) => r.origin !== 'conf')) return [];
  return backing.redis.filter((r) => r.origin === 'conf' && r.port === port);
}

export function postgresServersFor(backing: BackingServices, runtime: DjangoRuntime, host: string, port: number): PostgresServer[] {
  if (!isServiceName(host)) return [];
  return backing.postgres.filter((p) => (!runtime.compose || p.compose.project === runtime.compose.project) && p.names.includes(host) && p.port === port);
}

// ---------------------------------------------------------------------------------------------
// Provenance

function envReadsIn(v: PyValue | undefined, depth = 0, out: EnvRead[] = []): EnvRead[] {
  if (!v || depth > 6) return out;
  for (const read of v.origin?.env ?? []) out.push(read);
  if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') v.items.forEach((i) => envReadsIn(i, depth + 1, out));
  else if (v.kind === 'dict') v.entries.forEach((e) => envReadsIn(e.value, depth + 1, out));
  return out;
}

/** The environment lines that supplied a value, as related locations (names only: values may hold passwords). */
export function envLinesOf(v: PyValue | undefined): RelatedLocation[] {
  const seen = new Set<string>();
  const out: RelatedLocation[] = [];
  for (const r of envReadsIn(v)) {
    if (r.decidedBy !== 'env-source' || !r.source) continue;
    const key = `${r.source.span.file}:${r.source.span.start.offset}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ span: r.source.span, message: `${r.name} set here in ${r.source.layer}` });
  }
  return out;
}

/** Helper for YAML nodes of a service: whether the key is present. */
export function hasKey(node: YNode | undefined, key: string): boolean {
  return get(node, key) !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Clients: DATABASES

export interface DatabaseClient {
  alias: string;
  family: 'postgresql' | 'mysql' | 'other';
  /** HOST as Django passes it ('' = the driver's default: a local unix socket); undefined when not known. */
  host: string | undefined;
  /** PORT, or the family's default; undefined when not known. */
  port: number | undefined;
  /**
   * PostgreSQL sslmode the connection uses: OPTIONS['sslmode'], else PGSSLMODE from the environment,
   * else libpq's default 'prefer'; undefined when not known.
   */
  sslmode: string | undefined;
  /** Where sslmode is decided (the OPTIONS value's origin, the PGSSLMODE line). */
  sslmodeFrom?: 'options' | 'PGSSLMODE' | 'default';
  span: Span;
  config: PyValue;
}

/** The DATABASES entries of a settings evaluation (none when the setting is unset or not a known dict). */
export function databaseClients(project: DjangoProject): DatabaseClient[] {
  const b = project.settings.get('DATABASES');
  if (!b || b.value.kind !== 'dict') return [];
  const out: DatabaseClient[] = [];
  for (const e of b.value.entries) {
    if (e.key.kind !== 'str') continue;
    const engine = dictGet(e.value, 'ENGINE');
    if (!engine || engine.kind !== 'str') continue;
    const family = /postgres|postgis|psycopg/.test(engine.value) ? 'postgresql' : /mysql|mariadb/.test(engine.value) ? 'mysql' : 'other';
    const hostV = dictGet(e.value, 'HOST');
    const host = hostV === null || hostV?.kind === 'none' ? '' : hostV?.kind === 'str' ? hostV.value : undefined;
    const portV = dictGet(e.value, 'PORT');
    const dflt = family === 'postgresql' ? 5432 : family === 'mysql' ? 3306 : undefined;
    const port =
      portV === null || portV?.kind === 'none' || (portV?.kind === 'str' && portV.value === '') ? dflt : portV?.kind === 'int' ? portV.value : portV?.kind === 'str' && /^\d+$/.test(portV.value) ? Number(portV.value) : undefined;
    let sslmode: string | undefined;
    let sslmodeFrom: DatabaseClient['sslmodeFrom'];
    if (family === 'postgresql') {
      const options = dictGet(e.value, 'OPTIONS');
      const mode = options === null ? null : options && options.kind === 'dict' ? dictGet(options, 'sslmode') : undefined;
      if (mode && mode.kind === 'str') {
        sslmode = mode.value.toLowerCase();
        sslmodeFrom = 'options';
      } else if (mode === null) {
        const env = pgSslModeFromEnv(project);
        sslmode = env ?? 'prefer';
        sslmodeFrom = env ? 'PGSSLMODE' : 'default';
      }
    }
    out.push({ alias: e.key.value, family, host, port, sslmode, ...(sslmodeFrom ? { sslmodeFrom } : {}), span: b.span, config: e.value });
  }
  return out;
}

function pgSslModeFromEnv(project: DjangoProject): string | undefined {
  for (let i = project.envLayers.length - 1; i >= 0; i--) {
    const hit = project.envLayers[i]!.lookup('PGSSLMODE');
    if (hit?.value) return hit.value.trim().toLowerCase();
  }
  return undefined;
}

/** The PGSSLMODE line of the environment, for related locations. */
export function pgSslModeLine(project: DjangoProject): RelatedLocation | undefined {
  for (let i = project.envLayers.length - 1; i >= 0; i--) {
    const hit = project.envLayers[i]!.lookup('PGSSLMODE');
    if (hit?.value) return { span: hit.span, message: `PGSSLMODE=${hit.value} set here in ${hit.layer}` };
  }
  return undefined;
}

/**
 * The line responsible for a value: the environment line that supplied it when a single one did
 * (and, with `test`, when its raw text passes), else the settings line. The other becomes related.
 */
export function responsibleLine(value: PyValue | undefined, settingsSpan: Span, settingName: string, test?: (raw: string) => boolean): { span: Span; related: RelatedLocation[] } {
  const reads = envReadsIn(value).filter((r) => r.decidedBy === 'env-source' && r.source);
  const sources = new Map(reads.map((r) => [`${r.source!.span.file}:${r.source!.span.start.offset}`, r]));
  if (sources.size === 1) {
    const r = [...sources.values()][0]!;
    if (!test || (typeof r.raw === 'string' && test(r.raw))) {
      return { span: r.source!.span, related: [{ span: settingsSpan, message: `${settingName} reads ${r.name} here` }] };
    }
  }
  return { span: settingsSpan, related: envLinesOf(value) };
}

// ---------------------------------------------------------------------------------------------
// Managed databases declared in Terraform

export interface ManagedPostgres {
  /** `aws_db_instance.NAME`. */
  label: string;
  /** The DB instance identifier: the first label of its endpoint host name. */
  identifier: string;
  span: Span;
  /** The `parameter { name = "rds.force_ssl" value = "1" }` block of its parameter group, when set so. */
  forceSsl?: Span;
}

/**
 * RDS PostgreSQL instances of production Terraform modules whose identifier is a literal, with
 * whether their parameter group (a resource of the same module, named by reference or by name)
 * forces SSL.
 */
export function managedPostgres(model: DeploymentModel): ManagedPostgres[] {
  const out: ManagedPostgres[] = [];
  for (const mod of model.terraformModules ?? []) {
    if (mod.role === 'development') continue;
    const literal = (body: HclBody, name: string): string | undefined => {
      const a = [...body.attributes].reverse().find((x) => x.name === name);
      if (!a) return undefined;
      const r = resolveValue(mod, a.value);
      return r.known && r.value.kind === 'string' && !r.value.interpolated ? r.value.value : undefined;
    };
    for (const r of mod.resources) {
      if (r.type !== 'aws_db_instance') continue;
      const body = r.block.body;
      const engine = literal(body, 'engine');
      const identifier = literal(body, 'identifier');
      if (engine !== 'postgres' || !identifier) continue;
      const pgAttr = body.attributes.find((a) => a.name === 'parameter_group_name');
      let group: TerraformResource | undefined;
      if (pgAttr?.value.kind === 'expr') {
        const m = /^aws_db_parameter_group\.([\w-]+)\.(?:name|id)$/.exec(pgAttr.value.text.trim());
        if (m) group = mod.resources.find((x) => x.type === 'aws_db_parameter_group' && x.name === m[1]);
      } else if (pgAttr) {
        const name = literal(body, 'parameter_group_name');
        if (name) group = mod.resources.find((x) => x.type === 'aws_db_parameter_group' && literal(x.block.body, 'name') === name);
      }
      const param = group?.block.body.blocks.find((b) => b.type === 'parameter' && literal(b.body, 'name') === 'rds.force_ssl');
      const value = param ? param.body.attributes.find((a) => a.name === 'value')?.value : undefined;
      const on = value && ((value.kind === 'string' && !value.interpolated && value.value.trim() === '1') || (value.kind === 'number' && value.value === 1));
      out.push({ label: `aws_db_instance.${r.name}`, identifier: identifier.toLowerCase(), span: r.block.headerSpan, ...(on ? { forceSsl: param!.span } : {}) });
    }
  }
  return out;
}

/** The RDS instance an endpoint host name belongs to (`<identifier>.<hash>.<region>.rds.amazonaws.com`). */
export function rdsInstanceFor(instances: readonly ManagedPostgres[], host: string): ManagedPostgres | undefined {
  const h = host.toLowerCase();
  if (!/\.rds\.amazonaws\.com(?:\.cn)?$/.test(h)) return undefined;
  const first = h.split('.')[0]!;
  const hits = instances.filter((i) => i.identifier === first);
  return hits.length === 1 ? hits[0] : undefined;
}
