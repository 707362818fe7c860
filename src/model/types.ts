import type { Notice } from '../core/finding.js';
import type { Span } from '../core/position.js';
import type { DiscoveredFile } from '../discover/types.js';
import type { ApacheSite } from './apache.js';
import type { AppServerInstance } from './appserver/types.js';
import type { ComposeProject, DockerfileModel } from './containers/types.js';
import type { EnvLayer } from './env/types.js';
import type { K8sFile, K8sKustomization, K8sObject } from './k8s/types.js';
import type { NginxConfig } from './nginx/types.js';
import type { SystemdUnit } from './systemd/types.js';
import type { Workflow } from './workflows/types.js';
import type { ShellScript } from './scripts/types.js';
import type { SecretHit } from './secrets/scan.js';
import type { PackageJsonFile, Pm2File } from './pm2/types.js';
import type { BackupSchedule } from './scripts/backups.js';
import type { TerraformModule } from './terraform/types.js';
import type { BackingServices } from './deployment/backing.js';
import type { UrlConfModule } from './urlconf.js';
import type { EvaluatedSettings, ParseProblem } from './settings-types.js';
import type { EnvUsage } from './deployment/env-usage.js';

export interface DjangoVersion {
  major: number;
  minor: number;
  /** True when no requirement pins it and the latest release's behaviour is assumed. */
  assumed: boolean;
  /** The text it was read from, e.g. "Django==4.2.11" or "django>=5.0,<5.1". */
  text?: string;
  span?: Span;
}

/** One declared Python dependency (requirements*.txt, pyproject, Pipfile, lock files). */
export interface Requirement {
  /** Normalised (PEP 503) name, e.g. "django-environ". */
  name: string;
  /** Version specifier text, e.g. "==4.2.11", or "" when none. */
  specifier: string;
  /** Exact version when pinned (== or from a lock file). */
  pinned?: string;
  extras: string[];
  span: Span;
  /** The file's role: a production file, or a development/test one (requirements/dev.txt). */
  scope: 'main' | 'dev';
}

/** A URL route found in urls.py (statically: path()/re_path()/url() first arguments). */
export interface UrlRoute {
  route: string;
  span: Span;
}

export interface ProductionModuleChoice {
  module: string;
  file: string;
  /** Why it was chosen: "--settings", "DJANGO_SETTINGS_MODULE in .env.production", "wsgi.py default", ... */
  reason: string;
  /** The line that named it, when one did. */
  span?: Span;
}

/** A model of one of the project's own installed apps that gets Django's automatic primary key. */
export interface ImplicitPkModel {
  /** The app's module, e.g. "orders". */
  app: string;
  model: string;
  /** The class name in models.py. */
  span: Span;
}

/** One Django project in the repository (a monorepo may hold several). */
export interface DjangoProject {
  /** Repo-relative directory that holds the project (where manage.py is, or the settings' parent). */
  root: string;
  production: ProductionModuleChoice;
  /** Settings evaluated against the production environment sources. */
  settings: EvaluatedSettings;
  /**
   * The same settings evaluated with no environment variable set at all: what happens when a
   * variable is forgotten. Rules about unsafe defaults compare the two.
   */
  unsetEnvSettings: EvaluatedSettings;
  /** The production environment layers, lowest precedence first. */
  envLayers: EnvLayer[];
  djangoVersion: DjangoVersion;
  requirements: Requirement[];
  /** Routes found in the project's urls modules; undefined when no urls.py was found. */
  urlRoutes?: UrlRoute[];
  urlFiles: string[];
  /**
   * The URLconf rooted at ROOT_URLCONF, include() chains followed (src/model/urlconf.ts), for
   * resolving a path as Django would; undefined when ROOT_URLCONF or its module is not known.
   */
  urlConf?: UrlConfModule;
  /**
   * Concrete models of local installed apps whose primary key Django adds automatically, in apps
   * whose AppConfig does not set default_auto_field, when DEFAULT_AUTO_FIELD is not set either: the
   * models Django's models.W042 warns about. Undefined when INSTALLED_APPS is not known.
   */
  implicitPkModels?: ImplicitPkModel[];
  /** Ids in SILENCED_SYSTEM_CHECKS (e.g. "security.W004"). */
  silencedChecks: Set<string>;
  /**
   * Set when these are the settings one production service sees (its own environment layers):
   * the service's name (a unit, a compose service) and where it is started.
   */
  service?: {
    name: string;
    span: Span;
    /** True when the repository shows the service's whole environment (nothing outside it adds variables). */
    complete: boolean;
  };
}

/** Everything the rules look at. Built once per run from the discovered and parsed files. */
export interface DeploymentModel {
  /** Absolute root of the audited tree. */
  root: string;
  files: DiscoveredFile[];
  djangoProjects: DjangoProject[];
  /**
   * The projects' settings as individual production services see them, where their environment
   * changes the outcome (issue 5). Django rules run on these too; their findings name the service.
   */
  djangoServiceVariants?: DjangoProject[];
  /** Where the names production env sources define are used, and where code reads the environment by names not written out (issue 5). */
  envUsage?: EnvUsage;
  /** nginx configuration trees (issue 3). */
  nginx: NginxConfig[];
  /** Apache httpd files (not checked; what mod_wsgi serves from them is kept). Optional for hand-built models. */
  apacheSites?: ApacheSite[];
  /** systemd units with their drop-ins (issue 3). */
  systemdUnits: SystemdUnit[];
  /** Application server instances: gunicorn, uWSGI, ... (issue 3). */
  appServers: AppServerInstance[];
  /**
   * Kubernetes objects from manifest files (kustomize patches and fragments marked), issue 4.
   * Optional so hand-built models in tests need not list them; buildModel always sets them.
   */
  k8sObjects?: K8sObject[];
  /** Kubernetes manifest, kustomization and template files, with their YAML problems. */
  k8sFiles?: K8sFile[];
  k8sKustomizations?: K8sKustomization[];
  /** GitHub Actions workflows (.github/workflows/*.yml), issue 4. */
  workflows?: Workflow[];
  /**
   * Dockerfiles (stages, final image, build contexts) and compose projects (files merged, services
   * with the environment their containers get), issue 4. Optional so hand-built models in tests
   * need not list them; buildModel always sets them.
   */
  dockerfiles?: DockerfileModel[];
  composeProjects?: ComposeProject[];
  /** Shell scripts (deploy, start, provisioning scripts) with their commands, issue 4. */
  scripts?: ShellScript[];
  /** pm2 ecosystem files and package.json scripts (Node backends), issue 4. */
  pm2Files?: Pm2File[];
  packageJsons?: PackageJsonFile[];
  /** Terraform modules (the *.tf files of one directory), issue 4. */
  terraformModules?: TerraformModule[];
  /** Where the repository schedules database backups (crontab, systemd timer, CronJob, compose, Terraform ...), issue 4. */
  backupSchedules?: BackupSchedule[];
  /** Secrets written in the repository's files (token formats, URL passwords, named literals), issue 4. */
  secrets?: SecretHit[];
  /** Redis and PostgreSQL servers the repository runs (compose services, redis.conf files), issue 5. */
  backingServices?: BackingServices;
  /** Syntax problems found in any parsed file. */
  parseProblems: ParseProblem[];
  notices: Notice[];
}
