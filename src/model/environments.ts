import type { ModelSources } from './build.js';
import { DEPLOY_ROOT, isStagingService, ProjectResolver } from './build.js';
import { appModuleOf } from './appserver/query.js';
import { moduleNameOf } from './django-project.js';
import { dotenvLayer } from './env/dotenv-layer.js';
import { envFileRole } from './env/roles.js';
import { LayeredEnv, type DotenvDialect, type EnvLayer, type EnvSourceRole } from './env/types.js';
import { asStringList } from './python-value.js';
import { kubernetesEnvironments } from './deployment/k8s-env.js';
import { serviceEnvironments, type ServiceEnvironment } from './deployment/service-env.js';
import { evaluateSettings } from './settings/evaluate.js';
import type { DeploymentModel, DjangoProject } from './types.js';

/**
 * Settings evaluated again for the other environments a repository describes (issue 5: "Django
 * settings re-evaluated per environment found (production, staging, ...). Readiness per
 * environment."). Production stays what build.ts evaluates; this adds staging.
 *
 * A project has a staging variant when the repository has staging sources for it:
 * - staging env files (`.env.staging`, `.envs/.staging/*`, `deploy/stage.env` ..., named as
 *   src/model/env/roles.ts says) in the project's folder, at the repository root or under `.envs/`,
 *   layered as production's are (repository-level files first, the project's own last); and/or
 * - a settings module named for staging (`settings/staging.py`, `stage`, `stg`, `preprod`, `uat`);
 * - a compose file named for staging (`docker-compose.staging.yml`): each service of it that runs
 *   the project gets its own staging evaluation, in its own environment, as production services do.
 * The module is, in order: DJANGO_SETTINGS_MODULE in the staging env files; the project's module
 * named for staging; the production module. Staging is informative: the gate stays production.
 */

export const STAGING = 'staging';

/** Last dotted component names a staging module: config.settings.staging, settings.stage, ... */
const STAGING_MODULE = /(^|\.)(staging|stage|stg|preprod|uat)$/i;

export function environmentVariants(model: DeploymentModel, sources: ModelSources): DjangoProject[] {
  const out: DjangoProject[] = [];
  const services = stagingServices(model, sources);
  for (const project of model.djangoProjects) {
    const variant = stagingVariant(project, model, sources);
    if (variant) out.push(variant);
    out.push(...servicesOf(project, variant, services, sources));
  }
  return out;
}

/**
 * The services a staging compose file starts (`docker-compose.staging.yml`, `compose/stage.yml`:
 * files named for staging as env files are): their environment layered as production services'
 * are (Dockerfile ENV < env_file < environment). The container model classes such files as not
 * production, so production never sees them.
 */
function stagingServices(model: DeploymentModel, sources: ModelSources): ServiceEnvironment[] {
  const staging = (model.composeProjects ?? []).filter((p) => p.files.some((f) => roleOf(sources, f) === 'staging')).map((p) => ({ ...p, role: 'production' as const }));
  const instances = model.appServers
    .filter((i) => i.origin === 'compose' && staging.some((p) => p.files.includes(i.file)))
    .map((i) => ({ ...i, role: 'production' as const }));
  // Units and kustomize overlays named for staging: the production model skips them (build.ts isStagingService).
  const units = model.appServers.filter((i) => i.origin === 'systemd');
  const kubernetes = kubernetesEnvironments(
    { objects: model.k8sObjects ?? [], kustomizations: model.k8sKustomizations ?? [], dockerfiles: model.dockerfiles ?? [], appServers: model.appServers, files: model.files },
    sources,
  );
  return [...serviceEnvironments([...instances, ...units], model.systemdUnits, staging, sources).filter((s) => s.instance.origin === 'compose' || isStagingService(s)), ...kubernetes.filter(isStagingService)];
}

/** A project's settings as each staging service that runs it sees them (as build.ts does for production services). */
function servicesOf(project: DjangoProject, variant: DjangoProject | undefined, services: ServiceEnvironment[], sources: ModelSources): DjangoProject[] {
  const out: DjangoProject[] = [];
  const base = variant ?? project;
  const resolver = new ProjectResolver(sources, project.root === '' ? [''] : [project.root, '']);
  for (const service of services) {
    const app = appModuleOf(service.instance)?.module;
    const appFile = app ? resolver.fileOf(app) : undefined;
    if (!appFile || !within(project.root, appFile)) continue;
    // What the repository does not show of an incomplete service comes from the staging env files, if any.
    const layers = service.complete ? service.layers : [...(variant?.envLayers ?? []), ...service.layers];
    const chosen = new LayeredEnv(layers).lookup('DJANGO_SETTINGS_MODULE');
    const choice: DjangoProject['production'] =
      chosen?.value && resolver.fileOf(chosen.value)
        ? { module: chosen.value, file: resolver.fileOf(chosen.value)!, reason: `DJANGO_SETTINGS_MODULE in ${chosen.layer}`, ...(chosen.span ? { span: chosen.span } : {}) }
        : base.production;
    out.push({
      ...evaluated(project, choice, layers, resolver, sources),
      service: { name: service.name, span: service.span, complete: service.complete },
    });
  }
  return out;
}

function within(root: string, path: string): boolean {
  return root === '' || path.startsWith(`${root}/`);
}

function roleOf(sources: ModelSources, path: string): EnvSourceRole {
  return sources.configuredRole(path) ?? envFileRole(path);
}

function stagingVariant(project: DjangoProject, model: DeploymentModel, sources: ModelSources): DjangoProject | undefined {
  const root = project.root;
  const layers = stagingEnvLayers(root, model, sources);
  const resolver = new ProjectResolver(sources, root === '' ? [''] : [root, '']);

  const fromEnv = new LayeredEnv(layers).lookup('DJANGO_SETTINGS_MODULE');
  const named = model.files
    .filter((f) => f.kind === 'django-settings' && within(root, f.path))
    .map((f) => ({ file: f.path, module: moduleNameOf(f.path, root) }))
    .filter((m): m is { file: string; module: string } => m.module !== undefined && STAGING_MODULE.test(m.module))
    .sort((a, b) => (a.module < b.module ? -1 : 1));
  let choice: DjangoProject['production'];
  if (fromEnv?.value && resolver.fileOf(fromEnv.value)) {
    choice = { module: fromEnv.value, file: resolver.fileOf(fromEnv.value)!, reason: `DJANGO_SETTINGS_MODULE in ${fromEnv.layer}`, ...(fromEnv.span ? { span: fromEnv.span } : {}) };
  } else if (named.length > 0) {
    choice = { module: named[0]!.module, file: named[0]!.file, reason: 'module named for staging' };
  } else if (layers.length > 0) {
    choice = { ...project.production, reason: `the production module (${project.production.reason}); no staging module is named` };
  } else {
    return undefined;
  }

  return evaluated(project, choice, layers, resolver, sources);
}

/** The project with its settings evaluated for staging: this module, these layers. */
function evaluated(project: DjangoProject, choice: DjangoProject['production'], layers: EnvLayer[], resolver: ProjectResolver, sources: ModelSources): DjangoProject {
  const loadDotenv = (path: string, dialect: DotenvDialect): EnvLayer | undefined => {
    if (!sources.byPath.has(path)) return undefined;
    const role = roleOf(sources, path);
    if (role === 'example' || role === 'test') return undefined;
    const src = sources.text(path);
    return src ? dotenvLayer(path, src.text, role, dialect) : undefined;
  };
  const evaluate = (env: LayeredEnv, name: string, withFiles: boolean) =>
    evaluateSettings({ module: choice.module, resolver, env, environmentName: name, loadDotenv: withFiles ? loadDotenv : undefined, deployRoot: DEPLOY_ROOT });
  const settings = evaluate(new LayeredEnv(layers), STAGING, true);
  const unsetEnvSettings = choice.module === project.production.module ? project.unsetEnvSettings : evaluate(new LayeredEnv([]), 'unset', false);
  const silenced = settings.get('SILENCED_SYSTEM_CHECKS');
  const { service: _service, ...rest } = project;
  return {
    ...rest,
    production: choice,
    settings,
    unsetEnvSettings,
    envLayers: layers,
    silencedChecks: new Set(silenced ? (asStringList(silenced.value) ?? []) : []),
  };
}

/** Staging .env-style files of the project, chosen and ordered as production's are (src/model/build.ts). */
function stagingEnvLayers(root: string, model: DeploymentModel, sources: ModelSources): EnvLayer[] {
  const layers: EnvLayer[] = [];
  const candidates = model.files
    .filter((f) => f.kind === 'dotenv' && (within(root, f.path) || !f.path.includes('/') || f.path.startsWith('.envs/')))
    .filter((f) => roleOf(sources, f.path) === 'staging')
    .sort((a, b) => a.path.split('/').length - b.path.split('/').length || (a.path < b.path ? -1 : 1));
  for (const f of candidates) {
    const src = sources.text(f.path);
    if (src) layers.push(dotenvLayer(f.path, src.text, 'staging'));
  }
  return layers;
}

