import type { RelatedLocation } from '../../core/finding.js';
import type { Span } from '../../core/position.js';
import { splitShell, type ShellWord } from '../../parse/shell-words.js';
import { get as yget, items as yitems, pairOf as ypairOf, text as ytext } from '../../parse/yaml-positions.js';
import { get as cget } from '../../parse/compose/yaml.js';
import type { HclBlock, HclValue } from '../../parse/hcl.js';
import type { AppServerInstance } from '../appserver/types.js';
import { listenAddresses, type ListenAddress } from '../appserver/query.js';
import type { ComposeProject, ComposeService, DockerfileModel } from '../containers/types.js';
import type { K8sContainer, K8sObject } from '../k8s/types.js';
import { resolveValue } from '../terraform/build.js';
import type { TerraformModule } from '../terraform/types.js';
import type { DeploymentModel, DjangoProject } from '../types.js';
import { projectOfInstance } from './topology.js';

/**
 * Health probes of the deployment (issue 5): Dockerfile HEALTHCHECK and compose healthcheck
 * commands that fetch a URL (curl, wget, python urllib), Kubernetes httpGet probes, and load
 * balancer health checks in Terraform (aws_lb_target_group, aws_elb, google_compute_health_check),
 * each with the request it sends and how its client judges the answer, and, where the repository
 * shows it, the app server (and so the Django project) it reaches. A probe whose request or client
 * cannot be read (a URL with a variable, a pipeline, another host) is left out, never guessed.
 */
export type ProbeClient = 'curl' | 'wget' | 'python-urllib' | 'kubelet' | 'aws-alb' | 'aws-elb' | 'gcp';

export interface HealthProbe {
  source: 'dockerfile' | 'compose' | 'kubernetes' | 'terraform';
  /** For messages: "the HEALTHCHECK of Dockerfile", "readinessProbe of container web (Deployment/shop)", ... */
  label: string;
  file: string;
  /** Where findings about the probe point (its URL, its path). */
  span: Span;
  scheme: 'http' | 'https';
  /** The request path, with its leading slash and query string as sent. */
  path: string;
  port?: number;
  /** The Host header the application receives: a name, `pod-ip` (the kubelet's default), or undefined when not known. */
  hostHeader?: string;
  /** Headers the probe adds (curl -H, wget --header, httpHeaders). */
  headers: Array<{ name: string; value: string }>;
  client: ProbeClient;
  /** What the client does with a redirect: follows it, follows it only to the same host name (the kubelet), or takes the 3xx as the answer. */
  redirects: 'follow' | 'same-host' | 'stop';
  /** Final status ranges the client counts as success. */
  accepts: Array<[number, number]>;
  /** How the client judges the answer, for messages. */
  acceptsText: string;
  /** Extra places findings name (a target group's matcher, a port). */
  related: RelatedLocation[];
  /** The app server the probe reaches, when the repository shows it. */
  instance?: AppServerInstance;
  /** The Django project it reaches. */
  project?: DjangoProject;
  /** A compose service's name. */
  service?: string;
  /**
   * The environment the probed container adds to production's: variable names it sets (image ENV,
   * env_file, environment, Kubernetes env), whether sources this model cannot read add more
   * (envFrom), and the label of the service environment the settings are re-evaluated in.
   */
  env?: { names: string[]; open: boolean; variantLabel?: string };
  /**
   * The probe runs in the container of `instance` and its port is none of the instance's known
   * HTTP ports (XF011); `binds` lists them.
   */
  portMismatch?: { binds: ListenAddress[] };
}

const cache = new WeakMap<DeploymentModel, HealthProbe[]>();

export function healthProbes(model: DeploymentModel): HealthProbe[] {
  let out = cache.get(model);
  if (!out) {
    out = collect(model);
    cache.set(model, out);
  }
  return out;
}

/** Does the probe's client count this final status as success? */
export function accepted(probe: HealthProbe, status: number): boolean {
  return probe.accepts.some(([lo, hi]) => status >= lo && status <= hi);
}

function collect(model: DeploymentModel): HealthProbe[] {
  const out: HealthProbe[] = [];
  const instances = model.appServers.filter((i) => i.role === 'production' && i.server !== 'runserver');
  for (const df of model.dockerfiles ?? []) {
    if (df.role !== 'production') continue;
    out.push(...dockerfileProbes(df, model, instances));
  }
  for (const p of model.composeProjects ?? []) {
    if (p.role !== 'production') continue;
    for (const s of p.services) {
      if (s.profiles.length > 0) continue;
      const probe = composeProbe(p, s, model, instances);
      if (probe) out.push(probe);
    }
  }
  for (const obj of model.k8sObjects ?? []) {
    // A kustomize patch may change the probe or the container: what the cluster runs is not this object alone.
    if (obj.role !== 'production' || obj.fragment || obj.opaquePatch || obj.patches.length > 0 || !obj.workload) continue;
    for (const c of obj.workload.containers) if (c.kind === 'container') out.push(...k8sProbes(obj, c, model, instances));
  }
  for (const mod of model.terraformModules ?? []) {
    if (mod.role !== 'production') continue;
    out.push(...terraformProbes(mod, model, instances));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The probe's app server and project

function tie(probe: HealthProbe, instance: AppServerInstance | undefined, model: DeploymentModel): HealthProbe | undefined {
  if (!instance) return probe;
  const project = projectOfInstance(model, instance);
  if (!project) return probe;
  // A SCRIPT_NAME (gunicorn --env, the environment) moves the path Django resolves: not followed here.
  if (instance.environment.vars.some((v) => v.name === 'SCRIPT_NAME') || instance.command?.args.some((a) => /^(?:-e|--env)?=?SCRIPT_NAME=|^--env=SCRIPT_NAME/.test(a.value) || a.value.startsWith('SCRIPT_NAME='))) return probe;
  const http = listenAddresses(instance).filter((a) => a.kind === 'tcp' && a.protocol === 'http' && !a.router);
  const all = listenAddresses(instance);
  // A port the repository cannot know (a variable), a socket or another protocol: the probe may still reach it.
  if (all.some((a) => a.kind !== 'tcp' || a.port === undefined || !a.option.certain)) return probe;
  if (probe.port !== undefined && http.some((a) => a.port === probe.port && (a.wildcard || a.loopback))) return { ...probe, instance, project };
  if (probe.port !== undefined && !all.some((a) => a.port === probe.port) && all.length > 0) return { ...probe, instance, project, portMismatch: { binds: all } };
  return probe;
}

/** The production instance a Dockerfile's target stage starts (its CMD/ENTRYPOINT or a start script). */
function dockerfileInstance(df: DockerfileModel, stageIndex: number, instances: AppServerInstance[]): AppServerInstance | undefined {
  const stage = df.stages[stageIndex];
  if (!stage) return undefined;
  const name = stage.name ?? df.file;
  const scripts = new Set(stage.launchScripts.map((s) => s.file));
  const hits = instances.filter((i) => i.origin === 'dockerfile' && i.processName === name && (i.file === df.file || scripts.has(i.file)));
  return hits.length === 1 ? hits[0] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Command-line clients (Dockerfile HEALTHCHECK, compose healthcheck)

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '0.0.0.0', '[::1]', '::1']);

interface ClientRequest {
  client: 'curl' | 'wget' | 'python-urllib';
  url: URL;
  urlText: string;
  redirects: HealthProbe['redirects'];
  accepts: Array<[number, number]>;
  acceptsText: string;
  headers: Array<{ name: string; value: string }>;
  /** Index of the word holding the URL. */
  urlWord: number;
}

const CURL_ARG_OPTS = new Set([
  '-o', '--output', '-H', '--header', '-X', '--request', '-m', '--max-time', '--connect-timeout', '-u', '--user', '-A', '--user-agent',
  '-e', '--referer', '-w', '--write-out', '--retry', '--retry-delay', '--retry-max-time', '-d', '--data', '--max-redirs', '-b', '--cookie',
  '-c', '--cookie-jar', '-r', '--range', '-y', '--speed-time', '-Y', '--speed-limit', '--cacert', '-E', '--cert', '--key',
]);
/** Options that send the request elsewhere or change it in ways this reader does not follow. */
const CURL_OPAQUE = /^(?:-x|--proxy|--unix-socket|--abstract-unix-socket|--resolve|--connect-to|-K|--config|-d|--data.*|-F|--form|-I|--head|-X|--request|--fail-early|--variable|--url|-:|--next)$/;
const WGET_ARG_OPTS = new Set(['-O', '--output-document', '-T', '--timeout', '-t', '--tries', '-o', '--output-file', '-U', '--user-agent', '--header', '-e', '--execute']);
const WGET_OPAQUE = /^(?:-e|--execute|-i|--input-file|--post-data|--post-file|--method|-Y|--proxy|--max-redirect.*)$/;

/** The request one simple command makes, when it is a curl, wget or python-urllib fetch of one URL. */
export function clientRequest(words: string[]): ClientRequest | undefined {
  const prog = words[0]?.slice(words[0].lastIndexOf('/') + 1);
  if (prog === 'curl') return curlRequest(words);
  if (prog === 'wget') return wgetRequest(words);
  if (prog && /^python(?:\d+(?:\.\d+)?)?$/.test(prog)) return pythonRequest(words);
  return undefined;
}

function parseUrl(text: string): URL | undefined {
  if (text.includes('$') || !/^https?:\/\//i.test(text)) return undefined;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function header(text: string): { name: string; value: string } | undefined {
  const i = text.indexOf(':');
  return i > 0 ? { name: text.slice(0, i).trim(), value: text.slice(i + 1).trim() } : undefined;
}

function curlRequest(words: string[]): ClientRequest | undefined {
  let fail = false;
  let follow = false;
  const headers: ClientRequest['headers'] = [];
  let urlIndex = -1;
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w.startsWith('--')) {
      const [name, inline] = w.includes('=') ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] : [w, undefined];
      if (CURL_OPAQUE.test(name)) return undefined;
      if (name === '--fail' || name === '--fail-with-body') fail = true;
      else if (name === '--location' || name === '--location-trusted') follow = true;
      else if (CURL_ARG_OPTS.has(name)) {
        const v = inline ?? words[++i];
        if (v === undefined) return undefined;
        if (name === '--header') {
          const h = header(v);
          if (h) headers.push(h);
        }
      } else if (!/^--(?:silent|show-error|insecure|no-progress-meter|compressed|ipv4|ipv6|http1\.1|verbose|no-keepalive|retry-connrefused|retry-all-errors|no-buffer|globoff)$/.test(name)) return undefined;
      continue;
    }
    if (w.startsWith('-') && w.length > 1) {
      // Bundled short options: -fsSL, -fsS -o /dev/null
      for (let k = 1; k < w.length; k++) {
        const o = `-${w[k]}`;
        if (CURL_OPAQUE.test(o)) return undefined;
        if (o === '-f') fail = true;
        else if (o === '-L') follow = true;
        else if (CURL_ARG_OPTS.has(o)) {
          const v = k + 1 < w.length ? w.slice(k + 1) : words[++i];
          if (v === undefined) return undefined;
          if (o === '-H') {
            const h = header(v);
            if (h) headers.push(h);
          }
          break;
        } else if (!'sSkv4601#qN'.includes(w[k]!)) return undefined;
      }
      continue;
    }
    if (urlIndex >= 0) return undefined;
    urlIndex = i;
  }
  if (urlIndex < 0) return undefined;
  const url = parseUrl(words[urlIndex]!);
  if (!url) return undefined;
  return {
    client: 'curl',
    url,
    urlText: words[urlIndex]!,
    redirects: follow ? 'follow' : 'stop',
    accepts: fail ? [[100, 399]] : [[100, 599]],
    acceptsText: fail ? `curl ${follow ? '-fL' : '-f'} fails on a status of 400 or more${follow ? ' and follows redirects' : ' and does not follow redirects (a 3xx counts as success)'}` : 'curl without -f exits 0 on any HTTP status',
    headers,
    urlWord: urlIndex,
  };
}

function wgetRequest(words: string[]): ClientRequest | undefined {
  const headers: ClientRequest['headers'] = [];
  let urlIndex = -1;
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w.startsWith('-') && w.length > 1) {
      const [name, inline] = w.startsWith('--') && w.includes('=') ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] : [w, undefined];
      if (WGET_OPAQUE.test(name)) return undefined;
      if (WGET_ARG_OPTS.has(name)) {
        const v = inline ?? words[++i];
        if (v === undefined) return undefined;
        if (name === '--header') {
          const h = header(v);
          if (h) headers.push(h);
        }
        continue;
      }
      // -O- / -qO- / -q --spider / --no-verbose / -T5
      if (/^-[qOS]+-?$/.test(w) || /^-[qS]*O-?$/.test(w) || /^-T\d+$/.test(w) || /^-t\d+$/.test(w) || /^--(?:spider|quiet|no-verbose|no-check-certificate|server-response|no-cache|delete-after)$/.test(name) || /^-(?:q|S|nv)$/.test(w)) {
        if (/O$/.test(w) && i + 1 < words.length && !/^https?:/i.test(words[i + 1]!)) i++;
        continue;
      }
      return undefined;
    }
    if (urlIndex >= 0) return undefined;
    urlIndex = i;
  }
  if (urlIndex < 0) return undefined;
  const url = parseUrl(words[urlIndex]!);
  if (!url) return undefined;
  return {
    client: 'wget',
    url,
    urlText: words[urlIndex]!,
    redirects: 'follow',
    accepts: [[100, 399]],
    acceptsText: 'wget follows redirects and exits non-zero on a status of 400 or more',
    headers,
    urlWord: urlIndex,
  };
}

/** `python -c "import urllib.request; urllib.request.urlopen('http://localhost:8000/health/')"`. */
function pythonRequest(words: string[]): ClientRequest | undefined {
  const c = words.indexOf('-c');
  const code = c > 0 ? words[c + 1] : undefined;
  if (code === undefined || words.length !== c + 2) return undefined;
  // Any error handling or status check of its own: the exit status is no longer urlopen's.
  if (/\b(?:except|try|exit|status|getcode|if|requests|httpx|http\.client)\b/.test(code)) return undefined;
  const m = /urlopen\(\s*(['"])(https?:\/\/[^'"]+)\1\s*(?:,\s*timeout\s*=\s*\d+(?:\.\d+)?\s*)?\)/.exec(code);
  if (!m || (code.match(/urlopen\(/g) ?? []).length !== 1) return undefined;
  const url = parseUrl(m[2]!);
  if (!url) return undefined;
  return {
    client: 'python-urllib',
    url,
    urlText: m[2]!,
    redirects: 'follow',
    accepts: [[100, 399]],
    acceptsText: 'urllib.request.urlopen follows redirects and raises HTTPError (exit status 1) on a status of 400 or more',
    headers: [],
    urlWord: c + 1,
  };
}

/** The one fetch a healthcheck shell command makes: `curl -f URL`, optionally `|| exit 1`. */
function shellRequest(text: string): ClientRequest | undefined {
  const { commands, problems } = splitShell(text);
  if (problems.length > 0 || commands.length === 0) return undefined;
  const first = commands[0]!;
  const rest = commands.slice(1);
  // Allowed tail: `|| exit 1`, `|| exit`, `|| false`.
  if (rest.length > 1) return undefined;
  if (rest.length === 1) {
    if (first.separator !== '||') return undefined;
    const tail = rest[0]!.words.map((w) => w.value).join(' ');
    if (!/^(?:exit(?: 1)?|false)$/.test(tail)) return undefined;
  } else if (first.separator && first.separator !== 'newline' && first.separator !== ';') return undefined;
  const words = first.words.map((w: ShellWord) => w.value);
  if (first.words.some((w) => w.expansions.length > 0)) return undefined;
  return clientRequest(words);
}

function localProbe(base: Omit<HealthProbe, 'scheme' | 'path' | 'port' | 'hostHeader' | 'headers' | 'client' | 'redirects' | 'accepts' | 'acceptsText'>, req: ClientRequest): HealthProbe | undefined {
  const host = req.url.hostname.toLowerCase();
  if (!LOCAL_HOSTS.has(host)) return undefined;
  const scheme = req.url.protocol === 'https:' ? 'https' : 'http';
  const port = req.url.port ? Number(req.url.port) : scheme === 'https' ? 443 : 80;
  const explicitHost = req.headers.find((h) => h.name.toLowerCase() === 'host')?.value;
  return {
    ...base,
    scheme,
    path: `${req.url.pathname}${req.url.search}`,
    port,
    hostHeader: explicitHost ?? req.url.host,
    headers: req.headers,
    client: req.client,
    redirects: req.redirects,
    accepts: req.accepts,
    acceptsText: req.acceptsText,
  };
}

function dockerfileProbes(df: DockerfileModel, model: DeploymentModel, instances: AppServerInstance[]): HealthProbe[] {
  const out: HealthProbe[] = [];
  const seen = new Set<number>();
  for (const t of df.targets) {
    const stage = df.stages[t];
    const hc = stage?.healthcheck;
    if (!stage || !hc || hc.none) continue;
    const ins = df.stages[hc.stage]?.instructions.find((i) => i.keyword === 'HEALTHCHECK' && i.span.start.offset === hc.span.start.offset);
    if (!ins || seen.has(ins.span.start.offset) || ins.args[0]?.value.toUpperCase() !== 'CMD') continue;
    seen.add(ins.span.start.offset);
    const text = ins.text?.value.replace(/^\s*CMD\s+/i, '') ?? '';
    let req: ClientRequest | undefined;
    if (text.trimStart().startsWith('[')) {
      try {
        const arr: unknown = JSON.parse(text);
        if (Array.isArray(arr) && arr.every((x) => typeof x === 'string')) req = clientRequest(arr as string[]);
      } catch {
        req = undefined;
      }
    } else req = shellRequest(text);
    if (!req) continue;
    const word = ins.args.find((a) => a.value.includes(req.urlText));
    const env = { names: stage.env.filter((e) => e.keyword === 'ENV').map((e) => e.name), open: false };
    const probe = localProbe({ source: 'dockerfile', label: `the HEALTHCHECK of ${df.file}`, file: df.file, span: word?.span ?? ins.span, related: [], env }, req);
    if (!probe) continue;
    const tied = tie(probe, dockerfileInstance(df, t, instances), model);
    if (tied) out.push(tied);
  }
  return out;
}

function composeProbe(p: ComposeProject, s: ComposeService, model: DeploymentModel, instances: AppServerInstance[]): HealthProbe | undefined {
  const hc = s.healthcheck;
  if (!hc || hc.disabled || !hc.test || hc.test.length === 0) return undefined;
  const [kind, ...rest] = hc.test;
  let req: ClientRequest | undefined;
  if (hc.test.length === 1) req = shellRequest(kind!);
  else if (kind === 'CMD') req = clientRequest(rest);
  else if (kind === 'CMD-SHELL' && rest.length === 1) req = shellRequest(rest[0]!);
  if (!req) return undefined;
  const testNode = cget(cget(s.node, 'healthcheck'), 'test');
  let span = testNode?.span ?? hc.span;
  if (testNode?.kind === 'seq') {
    const item = testNode.items.find((i) => i.kind === 'scalar' && String(i.value ?? '').includes(req.urlText));
    if (item) span = item.span;
  }
  const env = { names: s.envLayers.flatMap((l) => l.vars.map((v) => v.name)), open: s.envLayers.some((l) => l.kind !== 'dockerfile' && !l.complete), variantLabel: `compose service ${s.name} (${p.name})` };
  const probe = localProbe({ source: 'compose', label: `the healthcheck of compose service ${s.name}`, file: span.file, span, related: [], service: s.name, env }, req);
  if (!probe) return undefined;
  // The service's own command line (in one of the project's files), else a start script it runs; ambiguous = none.
  const own = instances.filter((i) => i.origin === 'compose' && i.processName === s.name);
  const inFiles = own.filter((i) => p.files.includes(i.file));
  let instance = inFiles.length === 1 ? inFiles[0] : inFiles.length === 0 && own.length === 1 ? own[0] : undefined;
  if (!instance && !s.command && !s.entrypoint && s.dockerfile) {
    const df = (model.dockerfiles ?? []).find((d) => d.file === s.dockerfile!.file);
    const stage = s.dockerfile.stage ?? df?.targets[df.targets.length - 1];
    if (df && stage !== undefined) instance = dockerfileInstance(df, stage, instances);
  }
  return tie(probe, instance, model);
}

// ---------------------------------------------------------------------------------------------
// Kubernetes httpGet probes

const INFRA_IMAGE = /(?:^|\/)(?:nginx|envoy|haproxy|traefik|caddy|redis|postgres|memcached|rabbitmq|busybox|alpine|istio|linkerd|oauth2-proxy|cloud-sql-proxy|cloudsql-docker)[:@/]|^(?:nginx|envoy|haproxy|traefik|caddy|redis|postgres|memcached|rabbitmq|busybox|alpine)$/;
const APP_SERVER_WORD = /(?:^|\/)(?:gunicorn|uvicorn|daphne|hypercorn|uwsgi)$/;

function k8sProbes(obj: K8sObject, c: K8sContainer, model: DeploymentModel, instances: AppServerInstance[]): HealthProbe[] {
  const out: HealthProbe[] = [];
  if ((c.image && INFRA_IMAGE.test(c.image.value)) || c.env.some((e) => e.name === 'SCRIPT_NAME')) return out;
  for (const key of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const probePair = ypairOf(c.node, key);
    const http = yget(probePair?.value, 'httpGet');
    if (!probePair || !http) continue;
    const pathPair = ypairOf(http, 'path');
    const path = ytext(pathPair?.value) ?? '/';
    const portNode = yget(http, 'port');
    const portText = ytext(portNode);
    let port: number | undefined;
    if (portText !== undefined && /^\d+$/.test(portText)) port = Number(portText);
    else if (portText !== undefined) {
      for (const item of yitems(yget(c.node, 'ports'))) if (ytext(yget(item, 'name')) === portText && /^\d+$/.test(ytext(yget(item, 'containerPort')) ?? '')) port = Number(ytext(yget(item, 'containerPort')));
    }
    const scheme = (ytext(yget(http, 'scheme')) ?? 'HTTP').toUpperCase() === 'HTTPS' ? 'https' : 'http';
    if (ytext(yget(http, 'host')) !== undefined) continue;
    const headers = yitems(yget(http, 'httpHeaders')).map((h) => ({ name: ytext(yget(h, 'name')) ?? '', value: ytext(yget(h, 'value')) ?? '' }));
    const host = headers.find((h) => h.name.toLowerCase() === 'host')?.value;
    const objLabel = `${obj.kind}/${obj.name ?? '?'}`;
    const probe: HealthProbe = {
      source: 'kubernetes',
      label: `the ${key} of container ${c.name || '?'} (${objLabel})`,
      file: obj.file,
      span: pathPair?.span ?? probePair.span,
      scheme,
      path: path.startsWith('/') ? path : `/${path}`,
      ...(port !== undefined ? { port } : {}),
      hostHeader: host ?? 'pod-ip',
      headers,
      client: 'kubelet',
      redirects: 'same-host',
      accepts: [[200, 399]],
      acceptsText: 'the kubelet counts only 200-399 as success (it follows a redirect to the same host name only)',
      related: [],
      env: { names: c.env.map((e) => e.name), open: c.envFrom.length > 0, variantLabel: `Kubernetes ${obj.kind} ${obj.name ?? '?'}, container ${c.name}` },
    };
    // What runs in the container: its own command line, or the repository's image.
    const words = [...c.command, ...c.args];
    if (words.length > 0) {
      const joined = words.join(' ');
      if (!words.some((w) => APP_SERVER_WORD.test(w)) && !/\bgunicorn\b|\buvicorn\b|\bdaphne\b|\buwsgi\b/.test(joined)) continue;
      const project = projectForCommand(model, joined);
      const bind = /(?:--bind[= ]|-b[= ]?|--http[= ]|--http-socket[= ]|--port[= ]|-p[= ])(?:[\w.[\]:]*:)?(\d+)\b/.exec(joined);
      if (!project || !bind || port === undefined || Number(bind[1]) !== port || /\$/.test(joined)) continue;
      out.push({ ...probe, project });
      continue;
    }
    if (port === undefined || (c.ports.length > 0 && !c.ports.includes(port))) continue;
    const candidates = instances.filter((i) => i.origin === 'dockerfile' && listenAddresses(i).some((a) => a.kind === 'tcp' && a.port === port && a.protocol === 'http' && a.wildcard && a.option.certain));
    const projects = new Set(candidates.map((i) => projectOfInstance(model, i)).filter((p): p is DjangoProject => p !== undefined));
    if (candidates.length !== 1 || projects.size !== 1) continue;
    out.push({ ...probe, instance: candidates[0]!, project: [...projects][0]! });
  }
  return out;
}

/** The project whose WSGI/ASGI module a command line names (`gunicorn shop.wsgi:application`). */
function projectForCommand(model: DeploymentModel, command: string): DjangoProject | undefined {
  const m = /(?:^|\s)([A-Za-z_][\w.]*\.(?:wsgi|asgi))(?::[A-Za-z_]\w*)?(?:\s|$)/.exec(command);
  if (!m) return undefined;
  const fake = { app: { value: m[1]! } } as AppServerInstance;
  return projectOfInstance(model, fake);
}

// ---------------------------------------------------------------------------------------------
// Terraform load balancers

function str(mod: TerraformModule, v: HclValue | undefined): string | undefined {
  if (!v) return undefined;
  const r = resolveValue(mod, v);
  if (!r.known) return undefined;
  if (r.value.kind === 'string' && !r.value.interpolated) return r.value.value;
  if (r.value.kind === 'number') return String(r.value.value);
  if (r.value.kind === 'bool') return String(r.value.value);
  return undefined;
}

function attrValue(block: HclBlock, name: string): HclValue | undefined {
  return block.body.attributes.filter((a) => a.name === name).pop()?.value;
}

function attrSpan(block: HclBlock, name: string): Span | undefined {
  return block.body.attributes.filter((a) => a.name === name).pop()?.span;
}

/** Status ranges of an ALB matcher: "200", "200,301", "200-299". */
function matcherRanges(text: string): Array<[number, number]> | undefined {
  const out: Array<[number, number]> = [];
  for (const part of text.split(',').map((s) => s.trim())) {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
    if (!m) return undefined;
    out.push([Number(m[1]), Number(m[2] ?? m[1])]);
  }
  return out;
}

function instanceOnPort(model: DeploymentModel, instances: AppServerInstance[], port: number): { instance: AppServerInstance; project: DjangoProject } | undefined {
  const hits = instances.filter((i) => listenAddresses(i).some((a) => a.kind === 'tcp' && a.port === port && a.protocol === 'http' && a.wildcard && a.option.certain));
  const tied = hits.map((i) => ({ instance: i, project: projectOfInstance(model, i) })).filter((x): x is { instance: AppServerInstance; project: DjangoProject } => x.project !== undefined);
  const projects = new Set(tied.map((t) => t.project));
  return projects.size === 1 ? tied[0] : undefined;
}

function terraformProbes(mod: TerraformModule, model: DeploymentModel, instances: AppServerInstance[]): HealthProbe[] {
  const out: HealthProbe[] = [];
  for (const r of mod.resources) {
    const label = `${r.type}.${r.name}`;
    if (r.type === 'aws_lb_target_group' || r.type === 'aws_alb_target_group') {
      const tgProtocol = (str(mod, attrValue(r.block, 'protocol')) ?? '').toUpperCase();
      const targetType = str(mod, attrValue(r.block, 'target_type')) ?? 'instance';
      if (tgProtocol !== 'HTTP' || targetType === 'lambda' || targetType === 'alb') continue;
      const hcs = r.block.body.blocks.filter((b) => b.type === 'health_check');
      const hc = hcs[hcs.length - 1];
      if (!hc) continue;
      if (str(mod, attrValue(hc, 'enabled')) === 'false') continue;
      const protocol = (str(mod, attrValue(hc, 'protocol')) ?? (attrValue(hc, 'protocol') ? undefined : 'HTTP'))?.toUpperCase();
      if (protocol !== 'HTTP') continue;
      const pathValue = attrValue(hc, 'path');
      const path = pathValue ? str(mod, pathValue) : '/';
      const matcherValue = attrValue(hc, 'matcher');
      const matcher = matcherValue ? str(mod, matcherValue) : '200';
      const ranges = matcher !== undefined ? matcherRanges(matcher) : undefined;
      const hcPort = str(mod, attrValue(hc, 'port')) ?? (attrValue(hc, 'port') ? undefined : 'traffic-port');
      const portText = hcPort === 'traffic-port' ? str(mod, attrValue(r.block, 'port')) : hcPort;
      if (path === undefined || !ranges || portText === undefined || !/^\d+$/.test(portText)) continue;
      const port = Number(portText);
      const tied = instanceOnPort(model, instances, port);
      if (!tied) continue;
      const related: RelatedLocation[] = [];
      const ms = attrSpan(hc, 'matcher');
      if (ms) related.push({ span: ms, message: `matcher "${matcher}" set here` });
      out.push({
        source: 'terraform',
        label: `the health check of ${label}`,
        file: r.file,
        span: attrSpan(hc, 'path') ?? hc.headerSpan,
        scheme: 'http',
        path,
        port,
        headers: [],
        client: 'aws-alb',
        redirects: 'stop',
        accepts: ranges,
        acceptsText: `the target group counts only ${matcher}${matcherValue ? '' : ' (the default matcher)'} as healthy and does not follow redirects`,
        related,
        instance: tied.instance,
        project: tied.project,
      });
    } else if (r.type === 'aws_elb') {
      const hc = r.block.body.blocks.filter((b) => b.type === 'health_check').pop();
      const target = hc ? str(mod, attrValue(hc, 'target')) : undefined;
      const m = target ? /^HTTP:(\d+)(\/.*)$/i.exec(target) : null;
      if (!hc || !m) continue;
      const port = Number(m[1]);
      const tied = instanceOnPort(model, instances, port);
      if (!tied) continue;
      out.push({
        source: 'terraform',
        label: `the health check of ${label}`,
        file: r.file,
        span: attrSpan(hc, 'target') ?? hc.headerSpan,
        scheme: 'http',
        path: m[2]!,
        port,
        headers: [],
        client: 'aws-elb',
        redirects: 'stop',
        accepts: [[200, 200]],
        acceptsText: 'a Classic Load Balancer counts only 200 OK as healthy and does not follow redirects',
        related: [],
        instance: tied.instance,
        project: tied.project,
      });
    } else if (r.type === 'google_compute_health_check' || r.type === 'google_compute_region_health_check') {
      const hc = r.block.body.blocks.filter((b) => b.type === 'http_health_check').pop();
      if (!hc) continue;
      const pathValue = attrValue(hc, 'request_path');
      const path = pathValue ? str(mod, pathValue) : '/';
      const portValue = attrValue(hc, 'port');
      const portText = portValue ? str(mod, portValue) : attrValue(hc, 'port_specification') || attrValue(hc, 'port_name') ? undefined : '80';
      if (path === undefined || portText === undefined || !/^\d+$/.test(portText) || attrValue(hc, 'host') || attrValue(hc, 'response')) continue;
      const port = Number(portText);
      const tied = instanceOnPort(model, instances, port);
      if (!tied) continue;
      out.push({
        source: 'terraform',
        label: `the health check of ${label}`,
        file: r.file,
        span: attrSpan(hc, 'request_path') ?? hc.headerSpan,
        scheme: 'http',
        path,
        port,
        headers: [],
        client: 'gcp',
        redirects: 'stop',
        accepts: [[200, 200]],
        acceptsText: 'a Google Cloud HTTP health check counts only 200 as healthy and does not follow redirects',
        related: [],
        instance: tied.instance,
        project: tied.project,
      });
    }
  }
  return out;
}
