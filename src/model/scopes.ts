import type { AppServerInstance } from './appserver/types.js';
import type { ComposeProject, DockerfileModel } from './containers/types.js';
import type { K8sFile, K8sObject } from './k8s/types.js';
import type { NginxConfig } from './nginx/types.js';
import type { SystemdUnit } from './systemd/types.js';
import type { DeploymentModel, DjangoProject } from './types.js';
import type { Workflow } from './workflows/types.js';
import type { ShellScript } from './scripts/types.js';
import type { PackageJsonFile, Pm2File } from './pm2/types.js';
import type { TerraformModule } from './terraform/types.js';

/**
 * What each rule scope hands its rules: a rule declares a scope and is run once per subject.
 * A new kind of subject is added here (and in the model), never in the engine.
 */
export interface ScopeSubjects {
  /** Once per Django project found: its production settings and surroundings. */
  django: DjangoProject;
  /** Once per run: the whole model (cross-file and repository-wide rules). */
  repo: DeploymentModel;
  /** Once per nginx configuration tree (a main file with its includes, or an `nginx -T` dump). */
  nginx: NginxConfig;
  /** Once per systemd unit (a .service, .socket or .timer file with its drop-ins). */
  systemd: SystemdUnit;
  /** Once per application server instance (gunicorn, uWSGI, ...) found in a config file or command line. */
  appServer: AppServerInstance;
  /** Once per Dockerfile (its stages, the image that runs, its build contexts). */
  dockerfile: DockerfileModel;
  /** Once per compose project (a file, or files merged as `docker compose -f a -f b` merges them). */
  compose: ComposeProject;
  /** Once per Kubernetes object (a document of a manifest file; kustomize patches included, marked). */
  k8sObject: K8sObject;
  /** Once per Kubernetes manifest file (syntax problems). */
  k8sFile: K8sFile;
  /** Once per GitHub Actions workflow file. */
  workflow: Workflow;
  /** Once per shell script (deploy, start and provisioning scripts). */
  script: ShellScript;
  /** Once per pm2 ecosystem file. */
  pm2: Pm2File;
  /** Once per package.json. */
  packageJson: PackageJsonFile;
  /** Once per Terraform module (the *.tf files of one directory). */
  terraform: TerraformModule;
}

export type RuleScope = keyof ScopeSubjects;

interface ScopeTable {
  subjects: (model: DeploymentModel) => readonly unknown[];
  /** Why a rule of this scope does not apply when there is no subject. */
  noneReason: string;
}

export const SCOPES: { [S in RuleScope]: ScopeTable & { subjects: (model: DeploymentModel) => readonly ScopeSubjects[S][] } } = {
  django: { subjects: (m) => [...m.djangoProjects, ...(m.djangoServiceVariants ?? [])], noneReason: 'no Django project found' },
  repo: { subjects: (m) => [m], noneReason: 'nothing to check' },
  nginx: { subjects: (m) => m.nginx, noneReason: 'no nginx configuration found' },
  systemd: { subjects: (m) => m.systemdUnits, noneReason: 'no systemd unit found' },
  appServer: { subjects: (m) => m.appServers, noneReason: 'no application server configuration found' },
  dockerfile: { subjects: (m) => m.dockerfiles ?? [], noneReason: 'no Dockerfile found' },
  compose: { subjects: (m) => m.composeProjects ?? [], noneReason: 'no docker compose file found' },
  k8sObject: { subjects: (m) => m.k8sObjects ?? [], noneReason: 'no Kubernetes manifest found' },
  k8sFile: { subjects: (m) => (m.k8sFiles ?? []).filter((f) => f.kind === 'manifest'), noneReason: 'no Kubernetes manifest found' },
  workflow: { subjects: (m) => m.workflows ?? [], noneReason: 'no GitHub Actions workflow found' },
  script: { subjects: (m) => m.scripts ?? [], noneReason: 'no shell script found' },
  pm2: { subjects: (m) => m.pm2Files ?? [], noneReason: 'no pm2 ecosystem file found' },
  packageJson: { subjects: (m) => m.packageJsons ?? [], noneReason: 'no package.json found' },
  terraform: { subjects: (m) => m.terraformModules ?? [], noneReason: 'no Terraform configuration found' },
};
