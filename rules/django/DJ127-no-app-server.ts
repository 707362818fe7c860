import { defineRule } from '../../src/engine/rule.js';
import { appModuleOf } from '../../src/model/appserver/query.js';
import type { AppServerInstance } from '../../src/model/appserver/types.js';
import { moduleAnchor } from '../../src/model/django-helpers.js';
import { filesByPath, filesOfKind } from '../../src/model/files.js';
import type { DeploymentModel, DjangoProject } from '../../src/model/types.js';
import { DEPLOY_CHECKLIST } from './DJ1.production.js';

/** WSGI/ASGI servers fit to run Django in production (normalised package names). */
const APP_SERVERS = new Set([
  'gunicorn', 'uwsgi', 'pyuwsgi', 'uvicorn', 'uvicorn-worker', 'daphne', 'hypercorn', 'waitress', 'granian', 'mod-wsgi',
  'mod-wsgi-standalone', 'bjoern', 'meinheld', 'cheroot', 'twisted', 'gevent', 'nginx-unit', 'socketify', 'django-gunicorn',
]);

const DEPENDENCY_KINDS = ['requirements', 'pyproject', 'pipfile', 'pipfile-lock', 'poetry-lock', 'uv-lock', 'setup-py', 'setup-cfg'] as const;

function dependencyFiles(project: DjangoProject, model: DeploymentModel): string[] {
  const inProject = (p: string) => project.root === '' || p.startsWith(`${project.root}/`) || !p.includes('/');
  return DEPENDENCY_KINDS.flatMap((kind) => filesOfKind(model.files, kind).filter((f) => inProject(f.path)).map((f) => f.path)).sort();
}

/** A production web server (not runserver) the repository starts for this project's application. */
function startedServer(project: DjangoProject, model: DeploymentModel): AppServerInstance | undefined {
  const ours = (inst: AppServerInstance): boolean => {
    if (model.djangoProjects.length === 1) return true;
    const app = appModuleOf(inst);
    if (!app) return false;
    const paths = filesByPath(model.files);
    const under = project.root === '' ? app.path : `${project.root}/${app.path}`;
    return paths.has(`${under}.py`) || paths.has(`${under}/__init__.py`);
  };
  return model.appServers.find((inst) => inst.role === 'production' && inst.web && inst.server !== 'runserver' && inst.server !== 'other' && ours(inst));
}

/**
 * An Apache site of the repository whose WSGIScriptAlias loads this project's WSGI file (mod_wsgi,
 * often installed from the distribution, never in the requirements). With one project, any.
 */
function modWsgiScript(project: DjangoProject, model: DeploymentModel): string | undefined {
  const scripts = (model.apacheSites ?? []).flatMap((s) => s.wsgiScripts.map((w) => w.script));
  if (scripts.length === 0) return undefined;
  if (model.djangoProjects.length === 1) return scripts[0];
  const prefix = project.root === '' ? '' : `${project.root}/`;
  const ours = filesOfKind(model.files, 'django-wsgi').filter((f) => f.path.startsWith(prefix)).map((f) => f.path.slice(prefix.length));
  return scripts.find((script) => ours.some((rel) => script === rel || script.endsWith(`/${rel}`)));
}

export default defineRule({
  meta: {
    id: 'DJ127',
    name: 'NoAppServer',
    title: 'No WSGI/ASGI server among the production dependencies',
    severity: 'high',
    section: 'app-server',
    docs: {
      whatItDoes:
        "Reports a project whose production (non-development) dependencies include no WSGI or ASGI server (gunicorn, uWSGI, uvicorn, daphne, hypercorn, waitress, granian, mod_wsgi and the like) and that the repository does not start under one either (a systemd unit, Procfile, compose service or Dockerfile running Debian's gunicorn or one installed by pip there, or an Apache site whose WSGIScriptAlias loads the project's WSGI file through mod_wsgi). Not applicable when the repository has no dependency file at all.",
      whyIsThisBad:
        "Without one, the site is most likely run with manage.py runserver, which Django documents as unfit for production: it has not gone through security audits or performance tests, handles load poorly and serves static files only in DEBUG.",
      example: 'Django==5.1.4\npsycopg==3.2.3',
      useInstead: 'Django==5.1.4\npsycopg==3.2.3\ngunicorn==23.0.0',
    },
    fix: 'Add a production server to the main requirements (e.g. gunicorn, or uvicorn for ASGI) and start the site with it (gunicorn project.wsgi) instead of runserver.',
    references: [`${DEPLOY_CHECKLIST}`, 'https://docs.djangoproject.com/en/stable/howto/deployment/wsgi/', 'https://docs.djangoproject.com/en/stable/ref/django-admin/#runserver'],
    tags: ['django', 'app-server'],
  },
  scope: 'django',
  check(project, ctx, model) {
    const files = dependencyFiles(project, model);
    if (files.length === 0) {
      ctx.notApplicable('no dependency file found');
      return;
    }
    if (project.requirements.some((r) => r.scope === 'main' && APP_SERVERS.has(r.name))) return;
    // Started by the deployment (a systemd unit running Debian's gunicorn, a Dockerfile that installs
    // it with pip): the server is there even though the requirements do not name it.
    if (startedServer(project, model) || modWsgiScript(project, model)) return;
    const devOnly = project.requirements.find((r) => r.scope === 'dev' && APP_SERVERS.has(r.name));
    const django = project.requirements.find((r) => r.name === 'django' && r.scope === 'main');
    const note = devOnly ? ` (${devOnly.name} is listed only in development dependencies)` : '';
    ctx.report({
      message: `No WSGI/ASGI server (gunicorn, uwsgi, uvicorn, daphne, ...) among the production dependencies${note}: the site is probably served by runserver, which is not built for production`,
      span: django?.span ?? project.djangoVersion.span ?? moduleAnchor(project),
      target: 'requirements',
    });
  },
});
