import { defineRule } from '../../src/engine/rule.js';
import { moduleAnchor } from '../../src/model/django-helpers.js';
import { filesOfKind } from '../../src/model/files.js';
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

export default defineRule({
  meta: {
    id: 'DJ127',
    name: 'NoAppServer',
    title: 'No WSGI/ASGI server among the production dependencies',
    severity: 'high',
    section: 'app-server',
    docs: {
      whatItDoes:
        "Reports a project whose production (non-development) dependencies include no WSGI or ASGI server: gunicorn, uWSGI, uvicorn, daphne, hypercorn, waitress, granian, mod_wsgi and the like. Not applicable when the repository has no dependency file at all.",
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
