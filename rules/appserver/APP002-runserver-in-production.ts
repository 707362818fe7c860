import { defineRule } from '../../src/engine/rule.js';
import { reloadOption } from '../../src/model/appserver/query.js';
import { DJANGO_DOCS, judged, target } from './APP0.common.js';

export default defineRule({
  meta: {
    id: 'APP002',
    name: 'RunserverInProduction',
    title: "Django's development server runs the production web process",
    severity: 'blocker',
    section: 'app-server',
    docs: {
      whatItDoes:
        "Reports a production web process started with `manage.py runserver` (or `django-admin runserver`, `runserver_plus`): a Procfile `web:` entry, or a Dockerfile/compose command handed in by the containers checks. Development Procfiles (Procfile.dev) are skipped, and systemd units are left to the systemd rules.",
      whyIsThisBad:
        "Django documents runserver as unfit for production: it has not gone through security audits or performance tests, it reloads on every code change, it serves static files only with DEBUG on, and it handles requests in threads of one process with no worker supervision, timeouts or graceful restarts. One slow request or memory leak takes the site down.",
      example: 'web: python manage.py runserver 0.0.0.0:$PORT',
      useInstead: 'web: gunicorn shop.wsgi --bind 0.0.0.0:$PORT --workers 3',
    },
    fix: 'Start the site with a production WSGI/ASGI server (gunicorn, uWSGI, uvicorn/daphne for ASGI) and add it to the production requirements; keep runserver for Procfile.dev or a development compose override.',
    references: [`${DJANGO_DOCS}/ref/django-admin/#runserver`, `${DJANGO_DOCS}/howto/deployment/`, 'https://devcenter.heroku.com/articles/procfile'],
    tags: ['django', 'app-server', 'security', 'reliability'],
  },
  scope: 'appServer',
  check(inst, ctx) {
    if (!judged(inst, ctx, ['runserver'])) return;
    // ExecStart= running runserver is reported by the systemd rules.
    if (inst.origin === 'systemd') {
      ctx.notApplicable('started by a systemd unit (systemd rules)');
      return;
    }
    const where = inst.origin === 'procfile' ? `the Procfile's ${inst.processName ?? 'web'} process` : `the production ${inst.origin} command`;
    const reloads = reloadOption(inst).on ? ', reloads on code changes' : '';
    ctx.report({
      message: `${where} runs manage.py runserver, Django's development server: not audited for security, one process${reloads}, no timeouts or worker supervision`,
      span: inst.command?.programSpan ?? inst.span,
      target: target(inst, 'runserver'),
    });
  },
});
