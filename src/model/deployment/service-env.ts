import type { Span } from '../../core/position.js';
import { byBaseName } from '../appserver/context.js';
import type { AppServerInstance } from '../appserver/types.js';
import type { ModelSources } from '../build.js';
import type { ComposeProject, ComposeService, ContainerEnvLayer } from '../containers/types.js';
import { dotenvLayer } from '../env/dotenv-layer.js';
import type { DotenvDialect, EnvEntry, EnvLayer, EnvSourceRole } from '../env/types.js';
import type { SystemdUnit } from '../systemd/types.js';

/**
 * The environment one production service starts with, layered the way its runtime layers it:
 * systemd `EnvironmentFile=` (in the repository) < `Environment=`; Dockerfile ENV < compose
 * `env_file` < compose `environment`. `complete` is false when something outside the repository
 * can add variables (an EnvironmentFile not in the repository, host-interpolated values).
 */
export interface ServiceEnvironment {
  /** e.g. "gunicorn.service" or "compose service web (docker-compose.prod.yml)". */
  name: string;
  /** Where the service is started. */
  span: Span;
  layers: EnvLayer[];
  complete: boolean;
  /** The app-server instance that runs the site in this service. */
  instance: AppServerInstance;
}

/** A layer made of variables known with their positions (unit Environment=, compose environment:). */
export class VarsLayer implements EnvLayer {
  private readonly byName = new Map<string, EnvEntry>();

  constructor(
    readonly name: string,
    readonly kind: EnvLayer['kind'],
    readonly role: EnvSourceRole,
    readonly file: string | undefined,
    vars: Array<{ name: string; value: string | null; span: Span; valueSpan?: Span }>,
  ) {
    for (const v of vars) this.byName.set(v.name, { name: v.name, value: v.value, span: v.span, ...(v.valueSpan ? { valueSpan: v.valueSpan } : {}), layer: name });
  }

  lookup(name: string): EnvEntry | undefined {
    return this.byName.get(name);
  }

  entries(): EnvEntry[] {
    return [...this.byName.values()];
  }
}

/** Environments of the production web services that run an app server. */
export function serviceEnvironments(
  appServers: readonly AppServerInstance[],
  systemdUnits: readonly SystemdUnit[],
  composeProjects: readonly ComposeProject[],
  sources: ModelSources,
): ServiceEnvironment[] {
  const out: ServiceEnvironment[] = [];
  for (const instance of appServers) {
    if (instance.role !== 'production' || !instance.web || instance.server === 'runserver') continue;
    if (instance.origin === 'systemd' && instance.unit) {
      const unit = systemdUnits.find((u) => u.name === instance.unit!.name && u.file === instance.unit!.file);
      if (unit) out.push(systemdEnvironment(instance, unit, sources));
    } else if (instance.origin === 'compose' && instance.processName) {
      const found = composeService(composeProjects, instance);
      if (found) out.push(composeEnvironment(instance, found.project, found.service));
    }
  }
  return out;
}

function systemdEnvironment(instance: AppServerInstance, unit: SystemdUnit, sources: ModelSources): ServiceEnvironment {
  const layers: EnvLayer[] = [];
  let complete = true;
  // EnvironmentFile= lines are read before Environment= assignments override them (systemd.exec).
  for (const e of unit.entries) {
    if (e.section !== 'Service') continue;
    if (e.key === 'PassEnvironment' && e.value !== '') complete = false;
    if (e.key !== 'EnvironmentFile' || e.value === '') continue;
    for (const raw of e.value.split(/\s+/).filter(Boolean)) {
      const path = raw.replace(/^-/, '');
      const file = repositoryFileFor(path, sources);
      const src = file ? sources.text(file) : undefined;
      if (!file || !src) {
        complete = false;
        continue;
      }
      layers.push(dotenvLayer(file, src.text, 'production', 'systemd' as DotenvDialect));
    }
  }
  layers.push(new VarsLayer(`${unit.name} Environment=`, 'systemd', 'production', unit.file, instance.environment.vars));
  // A unit that names no environment file may well get its secrets from a drop-in made on the
  // server (`systemctl edit`): only one whose declared files are all here is complete.
  if (!layers.some((l) => l.kind === 'dotenv')) complete = false;
  return { name: unit.name, span: instance.span, layers, complete, instance };
}

function composeService(projects: readonly ComposeProject[], instance: AppServerInstance): { project: ComposeProject; service: ComposeService } | undefined {
  // The command may come from the compose file itself or from a start script the image runs
  // (cookiecutter-django's /start): prefer the project holding the file, else the one production
  // project that has a service of that name.
  const candidates = projects
    .filter((p) => p.role === 'production')
    .map((project) => ({ project, service: project.services.find((s) => s.name === instance.processName) }))
    .filter((x): x is { project: ComposeProject; service: ComposeService } => x.service !== undefined);
  return candidates.find((c) => c.project.files.includes(instance.file)) ?? (candidates.length === 1 ? candidates[0] : undefined);
}

function composeEnvironment(instance: AppServerInstance, project: ComposeProject, service: ComposeService): ServiceEnvironment {
  const label = `compose service ${service.name} (${project.name})`;
  const kindOf = (l: ContainerEnvLayer): EnvLayer['kind'] => (l.kind === 'dockerfile' ? 'dockerfile' : 'compose');
  const layers = service.envLayers.map((l) => new VarsLayer(l.kind === 'environment' ? label : `${l.file} (${l.kind === 'dockerfile' ? 'Dockerfile ENV' : `env_file of ${service.name}`})`, kindOf(l), 'production', l.file, l.vars));
  // Complete when the service declares its environment (env_file / environment) and every declared
  // layer is fully known; a base image's own ENV never carries the application's settings.
  const declared = service.envLayers.filter((l) => l.kind !== 'dockerfile');
  return { name: label, span: instance.span, layers, complete: declared.length > 0 && declared.every((l) => l.complete), instance };
}

/**
 * The repository file an absolute path on the server stands for: the file whose path is the
 * longest suffix of it (`/srv/shop/.env.production` is the repository's `.env.production`, and
 * `/etc/shop/env` matches a `deploy/etc/shop/env`). Undefined when none matches.
 */
export function repositoryFileFor(absolute: string, sources: ModelSources): string | undefined {
  if (absolute.includes('%') || absolute.includes('$')) return undefined;
  const segs = absolute.split('/').filter(Boolean);
  if (segs.length === 0) return undefined;
  // Only paths with the same file name can end with the suffix: look among those, in repository order.
  const sameName = byBaseName(sources.byPath).get(segs[segs.length - 1]!) ?? [];
  for (let k = segs.length; k >= 1; k--) {
    const suffix = segs.slice(segs.length - k).join('/');
    if (sources.byPath.has(suffix)) return suffix;
    // Deeper repository copies of the same path (deploy/etc/shop/env).
    if (k >= 2) for (const path of sameName) if (path.endsWith(`/${suffix}`)) return path;
  }
  return undefined;
}
