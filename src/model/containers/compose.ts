import type { Span } from '../../core/position.js';
import type { SourceText } from '../../core/source.js';
import { lastDefinitions, parseDotenv } from '../../parse/dotenv.js';
import { innerStart, readComposeFile, type ComposeFileRead } from '../../parse/compose/parse.js';
import { get, scalarString, type YMap, type YNode, type YPair, type YScalar } from '../../parse/compose/yaml.js';
import type {
  ComposeBuild,
  ComposeCommand,
  ComposeDependency,
  ComposeEnvFile,
  ComposeEnvVar,
  ComposeFile,
  ComposeHealthcheck,
  ComposePort,
  ComposeProject,
  ComposeService,
  ComposeValue,
  ComposeVolume,
  ContainerRole,
} from './types.js';

/**
 * Compose projects from the compose files of the repository, as `docker compose` would build them:
 *
 * - In a directory, `docker compose up` reads `compose.yaml` (or `compose.yml`, `docker-compose.yaml`,
 *   `docker-compose.yml`) and merges the matching `*.override.yml`: one project, conventionally the
 *   development setup when an override exists.
 * - Every other compose file (`docker-compose.prod.yml`, cookiecutter-django's `production.yml` and
 *   `local.yml`) is its own project (`docker compose -f production.yml`), or, when it only
 *   overrides services of the base file (a service with neither `image:` nor `build:`), the base
 *   file with it merged on top (`-f docker-compose.yml -f docker-compose.prod.yml`).
 *
 * Values are interpolated per file from the project `.env` beside the files; files are merged
 * with compose's rules (mappings by key, `ports`/`expose`/`env_file`... appended, `volumes` by
 * target, `command`/`entrypoint` and other sequences replaced).
 */

export interface ComposeSources {
  text(path: string): SourceText | undefined;
  has(path: string): boolean;
  configuredRole(path: string): ContainerRole | undefined;
  /** Every repository path (to find env files, Dockerfiles, build contexts). */
  paths: ReadonlySet<string>;
}

const BASE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const OVERRIDE = /^(?:docker-)?compose\.override\.ya?ml$/i;

export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Repo-relative join of a directory and a relative path; undefined when it leaves the repository. */
export function joinRepo(dir: string, rel: string): string | undefined {
  if (rel.startsWith('/')) return undefined;
  const parts = dir === '' ? [] : dir.split('/');
  for (const seg of rel.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join('/');
}

export function readComposeFiles(paths: string[], sources: ComposeSources): Map<string, ComposeFile> {
  const files = new Map<string, ComposeFile>();
  const envCache = new Map<string, Map<string, { value: string; definedAt: Span }>>();
  for (const path of paths) {
    const src = sources.text(path);
    if (!src) continue;
    const dir = dirOf(path);
    let env = envCache.get(dir);
    if (!env) {
      env = projectEnv(dir, sources);
      envCache.set(dir, env);
    }
    const e = env;
    const read: ComposeFileRead = readComposeFile(src, (name) => e.get(name));
    const file: ComposeFile = { file: path, dir, problems: read.problems, ok: !!read.root && read.problems.length === 0, template: read.template, sharedNetwork: read.sharedNetwork };
    if (read.root) {
      file.root = read.root;
      const version = get(read.root, 'version');
      if (version && version.kind === 'scalar' && version.value !== null) file.version = value(version, path);
      const name = scalarString(get(read.root, 'name'));
      if (name) file.name = name;
    }
    files.set(path, file);
  }
  return files;
}

/** The project `.env` beside the compose files, as compose reads it. */
function projectEnv(dir: string, sources: ComposeSources): Map<string, { value: string; definedAt: Span }> {
  const path = dir ? `${dir}/.env` : '.env';
  const out = new Map<string, { value: string; definedAt: Span }>();
  if (!sources.has(path)) return out;
  const src = sources.text(path);
  if (!src) return out;
  for (const e of lastDefinitions(parseDotenv(path, src.text, 'compose').entries)) {
    if (e.value !== null) out.set(e.name, { value: e.value, definedAt: e.valueSpan ?? e.span });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Projects

interface ProjectPlan {
  files: string[];
  role: ContainerRole;
  roleReason: string;
}

export function planProjects(files: Map<string, ComposeFile>, sources: ComposeSources): ProjectPlan[] {
  const byDir = new Map<string, string[]>();
  for (const f of files.values()) {
    if (f.template) continue;
    byDir.set(f.dir, [...(byDir.get(f.dir) ?? []), f.file]);
  }
  const plans: ProjectPlan[] = [];
  for (const [dir, paths] of [...byDir.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    paths.sort();
    const base = BASE_NAMES.map((n) => (dir ? `${dir}/${n}` : n)).find((p) => paths.includes(p));
    const overrides = paths.filter((p) => OVERRIDE.test(baseName(p)));
    const others = paths.filter((p) => p !== base && !overrides.includes(p));
    const dirDev = pathWordsRole(dir) === 'development';

    const otherPlans: ProjectPlan[] = [];
    for (const other of others) {
      const overlay = base && overlaysBase(files.get(other), files.get(base));
      const list = overlay ? [base!, other] : [other];
      const named = nameRole(other);
      const configured = sources.configuredRole(other);
      let role: ContainerRole;
      let reason: string;
      if (configured) [role, reason] = [configured, `the configuration says ${other} is for ${configured}`];
      else if (dirDev) [role, reason] = ['development', `${other} is in a development directory`];
      else if (named) [role, reason] = [named.role, named.reason];
      else [role, reason] = contentRole(list, files, sources);
      otherPlans.push({ files: list, role, roleReason: reason });
    }
    if (base) {
      const list = [base, ...overrides];
      const configured = sources.configuredRole(base);
      let role: ContainerRole;
      let reason: string;
      const prodSibling = otherPlans.find((p) => p.role === 'production');
      if (configured) [role, reason] = [configured, `the configuration says ${base} is for ${configured}`];
      else if (dirDev) [role, reason] = ['development', `${base} is in a development directory`];
      else if (overrides.length > 0) [role, reason] = ['development', `docker compose up merges ${overrides.map(baseName).join(', ')}, the development override`];
      else if (prodSibling) [role, reason] = ['development', `production runs ${prodSibling.files.map(baseName).join(' + ')}; this is the default (local) project`];
      else [role, reason] = contentRole(list, files, sources);
      plans.push({ files: list, role, roleReason: reason });
    } else {
      for (const o of overrides) plans.push({ files: [o], role: 'development', roleReason: `${baseName(o)} is a development override` });
    }
    plans.push(...otherPlans);
  }
  return plans;
}

function pathWordsRole(path: string): ContainerRole | undefined {
  const words = path.toLowerCase().split(/[./_\-\\]+/).filter(Boolean);
  return words.some((w) => DEV_WORDS.has(w)) ? 'development' : undefined;
}

const DEV_WORDS = new Set(['dev', 'devel', 'develop', 'development', 'local', 'test', 'tests', 'testing', 'example', 'examples', 'sample', 'samples', 'demo', 'debug', 'ci', 'e2e', 'override', 'staging', 'stage']);
const PROD_WORDS = new Set(['prod', 'production', 'prd', 'live', 'release', 'deploy', 'deployment']);

/** Role from a compose file's name: production.yml, docker-compose.prod.yml vs local.yml, docker-compose.dev.yml. */
function nameRole(path: string): { role: ContainerRole; reason: string } | undefined {
  const words = baseName(path).toLowerCase().replace(/\.ya?ml$/, '').split(/[._-]+/).filter(Boolean);
  const dev = words.find((w) => DEV_WORDS.has(w));
  if (dev) return { role: 'development', reason: `the name ${baseName(path)} says ${dev}` };
  const prod = words.find((w) => PROD_WORDS.has(w));
  if (prod) return { role: 'production', reason: `the name ${baseName(path)} says ${prod}` };
  return undefined;
}

/** Role from what the services run: a development server (runserver, flask run, --reload) marks a development file. */
function contentRole(list: string[], files: Map<string, ComposeFile>, sources: ComposeSources): [ContainerRole, string] {
  for (const path of list) {
    const services = get(files.get(path)?.root, 'services');
    if (services?.kind !== 'map') continue;
    const dir = dirOf(path);
    for (const s of services.pairs) {
      const cmd = commandText(get(s.value, 'command'));
      if (cmd && DEV_SERVER.test(cmd)) return ['development', `service ${s.key} runs a development server (${cmd.match(DEV_SERVER)![0].trim()})`];
      const settings = devSettings(get(s.value, 'environment'));
      if (settings) return ['development', `service ${s.key} runs the settings module ${settings}`];
      const mount = liveCodeMount(s.value, dir, sources);
      if (mount) return ['development', `service ${s.key} mounts its source code from ${mount} over the image (live editing)`];
    }
  }
  return ['production', `${list.map(baseName).join(' + ')} is the only compose setup here and runs no development server`];
}

/** DJANGO_SETTINGS_MODULE naming a development module (`config.settings.local`, `shop.settings_dev`). */
function devSettings(env: YNode | undefined): string | undefined {
  let value: string | undefined;
  if (env?.kind === 'map') value = scalarString(get(env, 'DJANGO_SETTINGS_MODULE'));
  else if (env?.kind === 'seq') {
    for (const i of env.items) {
      const t = scalarString(i);
      if (t?.startsWith('DJANGO_SETTINGS_MODULE=')) value = t.slice('DJANGO_SETTINGS_MODULE='.length);
    }
  }
  if (!value) return undefined;
  const last = value.split('.').pop()!.toLowerCase();
  return /^(?:settings_?)?(?:dev|devel|development|local|test|testing|debug)$/.test(last) ? value : undefined;
}

/** A service built here that bind-mounts its own Python sources over the image: a development setup. */
function liveCodeMount(service: YNode, dir: string, sources: ComposeSources): string | undefined {
  const build = get(service, 'build');
  if (!build) return undefined;
  const ctxWritten = (build.kind === 'map' ? scalarString(get(build, 'context')) : scalarString(build)) ?? '.';
  const context = joinRepo(dir, ctxWritten);
  const volumes = get(service, 'volumes');
  if (context === undefined || volumes?.kind !== 'seq') return undefined;
  for (const v of volumes.items) {
    const source = v.kind === 'map' ? scalarString(get(v, 'source')) : splitVolume(scalarString(v) ?? '').source;
    if (!source || !/^\.{1,2}(?:\/|$)/.test(source)) continue;
    const d = joinRepo(dir, source);
    if (d === undefined) continue;
    const inContext = context === '' || d === context || d.startsWith(context + '/');
    if (!inContext) continue;
    const prefix = d === '' ? '' : d + '/';
    for (const p of sources.paths) if (p.startsWith(prefix) && p.endsWith('.py')) return source;
  }
  return undefined;
}

export const DEV_SERVER = /\brunserver(?:_plus)?\b|\bflask\s+run\b|\s--reload\b|\bnpm\s+run\s+dev\b|\bwatchmedo\b/;

function commandText(n: YNode | undefined): string | undefined {
  if (!n) return undefined;
  if (n.kind === 'scalar') return scalarString(n);
  if (n.kind === 'seq') return n.items.map((i) => scalarString(i) ?? '').join(' ');
  return undefined;
}

/** A file overlays the base when one of its services has neither image nor build but the base defines it. */
function overlaysBase(other: ComposeFile | undefined, base: ComposeFile | undefined): boolean {
  const os = get(other?.root, 'services');
  const bs = get(base?.root, 'services');
  if (os?.kind !== 'map' || bs?.kind !== 'map') return false;
  return os.pairs.some((p) => p.value.kind === 'map' && !get(p.value, 'image') && !get(p.value, 'build') && !get(p.value, 'extends') && !!get(bs, p.key));
}

// ---------------------------------------------------------------------------------------------
// Merging

const APPEND = new Set(['ports', 'expose', 'external_links', 'dns', 'dns_search', 'dns_opt', 'tmpfs', 'cap_add', 'cap_drop', 'security_opt', 'env_file', 'extra_hosts', 'group_add', 'profiles', 'devices']);
const BY_TARGET = new Set(['volumes']);

export function mergeServiceNodes(base: YNode, over: YNode, key = ''): YNode {
  if (base.kind === 'map' && over.kind === 'map') {
    const pairs: YPair[] = base.pairs.map((p) => ({ ...p }));
    for (const p of over.pairs) {
      const i = pairs.findIndex((q) => q.key === p.key);
      if (i < 0) pairs.push(p);
      else pairs[i] = { ...p, value: mergeServiceNodes(pairs[i]!.value, p.value, p.key) };
    }
    return { kind: 'map', pairs, span: over.span };
  }
  if (key === 'build' && base.kind !== over.kind) {
    return mergeServiceNodes(asBuildMap(base), asBuildMap(over), key);
  }
  if (key === 'env_file') return { kind: 'seq', items: [...asList(base), ...asList(over)], span: over.span };
  if (base.kind === 'seq' && over.kind === 'seq') {
    if (APPEND.has(key)) return { kind: 'seq', items: [...base.items, ...over.items], span: over.span };
    if (BY_TARGET.has(key)) {
      const targets = new Set(over.items.map(volumeTarget).filter((t): t is string => !!t));
      return { kind: 'seq', items: [...base.items.filter((i) => !targets.has(volumeTarget(i) ?? '\0')), ...over.items], span: over.span };
    }
  }
  return over;
}

function asList(n: YNode): YNode[] {
  return n.kind === 'seq' ? n.items : [n];
}

function asBuildMap(n: YNode): YMap {
  if (n.kind === 'map') return n;
  return { kind: 'map', pairs: [{ key: 'context', keySpan: n.span, value: n }], span: n.span };
}

function volumeTarget(n: YNode): string | undefined {
  if (n.kind === 'map') return scalarString(get(n, 'target'));
  const s = scalarString(n);
  if (!s) return undefined;
  const parts = splitVolume(s);
  return parts.target;
}

// ---------------------------------------------------------------------------------------------
// Services

export function buildProject(plan: ProjectPlan, files: Map<string, ComposeFile>, sources: ComposeSources): ComposeProject {
  const dir = dirOf(plan.files[0]!);
  const project: ComposeProject = {
    name: plan.files.map(baseName).join(' + '),
    dir,
    files: plan.files,
    role: plan.role,
    roleReason: plan.roleReason,
    services: [],
    versions: [],
    problems: [],
    // A file that could not be read may declare one.
    sharedNetwork: plan.files.some((p) => files.get(p)?.sharedNetwork ?? true),
  };
  const envPath = dir ? `${dir}/.env` : '.env';
  if (sources.has(envPath)) project.projectEnv = envPath;
  const merged = new Map<string, { node: YNode; files: string[]; nameSpan: Span }>();
  for (const path of plan.files) {
    const f = files.get(path);
    if (!f) continue;
    project.problems.push(...f.problems);
    if (f.version) project.versions.push(f.version);
    const services = get(f.root, 'services');
    if (!services) continue;
    if (services.kind !== 'map') {
      project.problems.push({ message: '`services` must be a mapping of service names to their definitions', span: services.span });
      continue;
    }
    for (const s of services.pairs) {
      const prev = merged.get(s.key);
      const node = resolveExtends(s.value, services, files, sources, dir, new Set([s.key]));
      if (prev) merged.set(s.key, { node: mergeServiceNodes(prev.node, node), files: [...prev.files, path], nameSpan: prev.nameSpan });
      else merged.set(s.key, { node, files: [path], nameSpan: s.keySpan });
    }
  }
  for (const [name, m] of merged) {
    if (m.node.kind !== 'map') {
      if (m.node.kind === 'scalar' && m.node.value === null) continue;
      project.problems.push({ message: `service ${name} must be a mapping`, span: m.node.span });
      continue;
    }
    project.services.push(service(name, m.node, m.files, m.nameSpan, dir, sources));
  }
  return project;
}

/** `extends: {service: x}` (same file) or `extends: {file: other.yml, service: x}`: the base service with this one merged on top. */
function resolveExtends(node: YNode, services: YMap, files: Map<string, ComposeFile>, sources: ComposeSources, dir: string, seen: Set<string>): YNode {
  if (node.kind !== 'map') return node;
  const ext = get(node, 'extends');
  if (!ext) return node;
  const target = ext.kind === 'scalar' ? scalarString(ext) : scalarString(get(ext, 'service'));
  if (!target || seen.has(target)) return node;
  let pool: YNode | undefined = services;
  const fileRef = ext.kind === 'map' ? scalarString(get(ext, 'file')) : undefined;
  if (fileRef) {
    const path = joinRepo(dir, fileRef);
    pool = path ? get(files.get(path)?.root, 'services') : undefined;
  }
  const base = pool?.kind === 'map' ? get(pool, target) : undefined;
  if (!base || pool?.kind !== 'map') return node;
  const resolvedBase = resolveExtends(base, pool, files, sources, dir, new Set([...seen, target]));
  const own: YMap = { ...node, pairs: node.pairs.filter((p) => p.key !== 'extends') };
  return mergeServiceNodes(resolvedBase, own);
}

function value(n: YScalar, file?: string): ComposeValue {
  const v: ComposeValue = { value: n.value === null ? '' : String(n.value), span: n.span, file: file ?? n.span.file };
  if (n.written !== undefined) v.written = n.written;
  if (n.interp) v.interp = n.interp;
  return v;
}

function scalarValue(n: YNode | undefined): ComposeValue | undefined {
  if (!n || n.kind !== 'scalar' || n.value === null) return undefined;
  return value(n);
}

function service(name: string, node: YMap, files: string[], nameSpan: Span, dir: string, sources: ComposeSources): ComposeService {
  const s: ComposeService = {
    name,
    nameSpan,
    files,
    node,
    environment: environment(get(node, 'environment')),
    envFiles: envFiles(get(node, 'env_file'), dir, sources),
    ports: ports(get(node, 'ports')),
    volumes: volumes(get(node, 'volumes')),
    dependsOn: dependsOn(get(node, 'depends_on')),
    profiles: [],
    envLayers: [],
  };
  const image = scalarValue(get(node, 'image'));
  if (image) s.image = image;
  const build = buildOf(get(node, 'build'), dir, sources);
  if (build) s.build = build;
  const command = commandOf(get(node, 'command'));
  if (command) s.command = command;
  const entrypoint = commandOf(get(node, 'entrypoint'));
  if (entrypoint) s.entrypoint = entrypoint;
  const user = scalarValue(get(node, 'user'));
  if (user) s.user = user;
  const priv = get(node, 'privileged');
  if (priv?.kind === 'scalar' && priv.value !== null) s.privileged = { value: priv.value === true || String(priv.value).toLowerCase() === 'true', span: priv.span };
  const restart = scalarValue(get(node, 'restart'));
  if (restart) s.restart = restart;
  const deployRestart = scalarValue(get(get(get(node, 'deploy'), 'restart_policy'), 'condition'));
  if (deployRestart) s.deployRestart = deployRestart;
  else if (get(get(node, 'deploy'), 'restart_policy')) {
    // restart_policy without a condition: compose's default condition is `any`.
    const rp = get(get(node, 'deploy'), 'restart_policy')!;
    s.deployRestart = { value: 'any', span: rp.span, file: rp.span.file };
  }
  const hc = healthcheck(get(node, 'healthcheck'));
  if (hc) s.healthcheck = hc;
  const nm = scalarValue(get(node, 'network_mode'));
  if (nm) s.networkMode = nm;
  const profiles = get(node, 'profiles');
  if (profiles?.kind === 'seq') s.profiles = profiles.items.map(scalarString).filter((x): x is string => !!x);
  return s;
}

function environment(n: YNode | undefined): ComposeEnvVar[] {
  if (!n || n.kind !== 'map') return [];
  const out: ComposeEnvVar[] = [];
  for (const p of n.pairs) {
    const span = p.listItem ?? { file: p.keySpan.file, start: p.keySpan.start, end: p.value.span.end.offset > p.keySpan.end.offset ? p.value.span.end : p.keySpan.end };
    const v = p.value.kind === 'scalar' && p.value.value !== null ? value(p.value) : null;
    out.push({ name: p.key, value: v, span, nameSpan: p.keySpan });
  }
  return out;
}

function envFiles(n: YNode | undefined, dir: string, sources: ComposeSources): ComposeEnvFile[] {
  if (!n) return [];
  const items = n.kind === 'seq' ? n.items : [n];
  const out: ComposeEnvFile[] = [];
  for (const item of items) {
    let pathNode: YNode | undefined = item;
    let required = true;
    let raw = false;
    if (item.kind === 'map') {
      pathNode = get(item, 'path');
      const req = get(item, 'required');
      if (req?.kind === 'scalar' && (req.value === false || String(req.value).toLowerCase() === 'false')) required = false;
      raw = scalarString(get(item, 'format')) === 'raw';
    }
    const path = scalarString(pathNode);
    if (!path || !pathNode) continue;
    const file = joinRepo(dir, path);
    const e: ComposeEnvFile = { path, span: pathNode.span, required, raw };
    if (file !== undefined && sources.has(file)) e.file = file;
    out.push(e);
  }
  return out;
}

/** `[HOST_IP:][HOST:]CONTAINER[/PROTO]` (short syntax) or `{target, published, host_ip, protocol}`. */
function ports(n: YNode | undefined): ComposePort[] {
  if (!n || n.kind !== 'seq') return [];
  const out: ComposePort[] = [];
  for (const item of n.items) {
    if (item.kind === 'map') {
      const target = scalarString(get(item, 'target'));
      if (!target) continue;
      const published = scalarString(get(item, 'published'));
      const hostIp = scalarString(get(item, 'host_ip'));
      const protocol = scalarString(get(item, 'protocol')) ?? 'tcp';
      const interpolated = ['target', 'published', 'host_ip'].some((k) => {
        const v = get(item, k);
        return v?.kind === 'scalar' && v.interp !== undefined;
      });
      const p: ComposePort = { text: `${hostIp ? hostIp + ':' : ''}${published ? published + ':' : ''}${target}/${protocol}`, span: item.span, target, protocol, interpolated };
      if (published) p.published = published;
      if (hostIp) p.hostIp = hostIp;
      out.push(p);
      continue;
    }
    const text = scalarString(item);
    if (!text || item.kind !== 'scalar') continue;
    out.push({ ...parseShortPort(text), span: item.span, text, interpolated: item.interp !== undefined });
  }
  return out;
}

export function parseShortPort(text: string): Omit<ComposePort, 'span' | 'text' | 'interpolated'> {
  let rest = text.trim();
  let protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    protocol = rest.slice(slash + 1) || 'tcp';
    rest = rest.slice(0, slash);
  }
  let hostIp: string | undefined;
  const bracket = /^\[([^\]]*)\]:(.*)$/.exec(rest);
  if (bracket) {
    hostIp = bracket[1];
    rest = bracket[2]!;
  }
  const parts = rest.split(':');
  const target = parts.pop() ?? '';
  let published: string | undefined;
  if (parts.length > 0) published = parts.pop();
  if (parts.length > 0 && hostIp === undefined) hostIp = parts.join(':');
  const out: Omit<ComposePort, 'span' | 'text' | 'interpolated'> = { target, protocol };
  if (published !== undefined && published !== '') out.published = published;
  if (hostIp !== undefined && hostIp !== '') out.hostIp = hostIp;
  return out;
}

export function splitVolume(s: string): { source?: string; target?: string; mode?: string } {
  // Windows drive letters aside, `src:dst[:mode]` or `dst`.
  const parts = s.split(':');
  if (parts.length === 1) return { target: parts[0] };
  if (parts.length === 2) return { source: parts[0], target: parts[1] };
  return { source: parts[0], target: parts[1], mode: parts.slice(2).join(':') };
}

function volumes(n: YNode | undefined): ComposeVolume[] {
  if (!n || n.kind !== 'seq') return [];
  const out: ComposeVolume[] = [];
  for (const item of n.items) {
    if (item.kind === 'map') {
      const type = (scalarString(get(item, 'type')) ?? 'volume') as ComposeVolume['type'];
      const source = scalarString(get(item, 'source'));
      const target = scalarString(get(item, 'target'));
      const ro = get(item, 'read_only');
      const v: ComposeVolume = {
        type: ['bind', 'volume', 'tmpfs', 'npipe', 'cluster'].includes(type) ? type : 'unknown',
        readOnly: ro?.kind === 'scalar' && (ro.value === true || String(ro.value) === 'true'),
        span: item.span,
        text: `${source ?? ''}:${target ?? ''}`,
      };
      if (source) v.source = source;
      if (target) v.target = target;
      out.push(v);
      continue;
    }
    const text = scalarString(item);
    if (!text) continue;
    const { source, target, mode } = splitVolume(text);
    const type: ComposeVolume['type'] = source === undefined ? 'volume' : /^[./~]/.test(source) || source.startsWith('$') ? 'bind' : 'volume';
    const v: ComposeVolume = { type, readOnly: (mode ?? '').split(',').includes('ro'), span: item.span, text };
    if (source !== undefined) v.source = source;
    if (target !== undefined) v.target = target;
    out.push(v);
  }
  return out;
}

function dependsOn(n: YNode | undefined): ComposeDependency[] {
  if (!n || n.kind !== 'map') return [];
  return n.pairs.map((p) => {
    const long = p.value.kind === 'map';
    const condition = long ? scalarString(get(p.value, 'condition')) ?? 'service_started' : 'service_started';
    return { service: p.key, condition, span: p.listItem ?? p.keySpan, long };
  });
}

function healthcheck(n: YNode | undefined): ComposeHealthcheck | undefined {
  if (!n || n.kind !== 'map') return undefined;
  const disable = get(n, 'disable');
  const test = get(n, 'test');
  const testWords = test?.kind === 'seq' ? test.items.map((i) => scalarString(i) ?? '') : test?.kind === 'scalar' ? [scalarString(test) ?? ''] : undefined;
  const disabled = (disable?.kind === 'scalar' && (disable.value === true || String(disable.value) === 'true')) || (testWords?.[0] ?? '').toUpperCase() === 'NONE';
  const hc: ComposeHealthcheck = { span: n.span, disabled };
  if (testWords) hc.test = testWords;
  return hc;
}

function commandOf(n: YNode | undefined): ComposeCommand | undefined {
  if (!n) return undefined;
  if (n.kind === 'seq') {
    const words = n.items.filter((i): i is YScalar => i.kind === 'scalar' && i.value !== null).map((i) => value(i));
    return { form: 'list', words, span: n.span, argv: words.map((w) => w.value) };
  }
  if (n.kind === 'scalar' && n.value !== null) {
    const v = value(n);
    return { form: 'string', string: v, span: n.span, argv: shellwords(v.value) };
  }
  return undefined;
}

/** How compose splits a string command: blanks separate words, quotes group, `\` escapes; no shell operators. */
export function shellwords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let q: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === q) q = undefined;
      else if (c === '\\' && q === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      q = c;
      has = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

function buildOf(n: YNode | undefined, dir: string, sources: ComposeSources): ComposeBuild | undefined {
  if (!n) return undefined;
  const ctxNode = n.kind === 'map' ? get(n, 'context') : n;
  const contextWritten = scalarString(ctxNode) ?? '.';
  const remote = /^(?:https?:\/\/|git@|github\.com\/|[a-z]+:\/\/)/i.test(contextWritten);
  const context = remote ? undefined : joinRepo(dir, contextWritten);
  const b: ComposeBuild = { contextWritten, span: (ctxNode ?? n).span, args: {} };
  if (context !== undefined) b.context = context;
  if (n.kind === 'map') {
    const df = scalarString(get(n, 'dockerfile'));
    if (df) b.dockerfileWritten = df;
    const target = scalarValue(get(n, 'target'));
    if (target) b.target = target;
    const args = get(n, 'args');
    if (args?.kind === 'map') for (const p of args.pairs) b.args[p.key] = scalarValue(p.value) ?? null;
    else if (args?.kind === 'seq') {
      for (const i of args.items) {
        const t = scalarString(i);
        if (!t || i.kind !== 'scalar') continue;
        const eq = t.indexOf('=');
        b.args[eq < 0 ? t : t.slice(0, eq)] = eq < 0 ? null : { value: t.slice(eq + 1), span: i.span, file: i.span.file };
      }
    }
  }
  if (context !== undefined && !(n.kind === 'map' && get(n, 'dockerfile_inline'))) {
    const df = b.dockerfileWritten ?? 'Dockerfile';
    const path = df.startsWith('/') ? undefined : joinRepo(context, df);
    if (path !== undefined && sources.has(path)) b.dockerfile = path;
    else if (!b.dockerfileWritten && sources.has(context ? `${context}/Containerfile` : 'Containerfile')) b.dockerfile = context ? `${context}/Containerfile` : 'Containerfile';
  }
  return b;
}

/** For a string scalar whose text maps 1:1 to the source, the source offset of its first character. */
export function scalarStart(v: ComposeValue, src: SourceText): number | undefined {
  const s: YScalar = { kind: 'scalar', value: v.value, span: v.span, quoted: /^["']/.test(src.text.slice(v.span.start.offset, v.span.start.offset + 1)), block: false };
  if (v.written !== undefined) s.written = v.written;
  return innerStart(s, src);
}
