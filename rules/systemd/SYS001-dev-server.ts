import { defineRule } from '../../src/engine/rule.js';
import { djangoCommand, invocations, isProductionService, SYSTEMD_SERVICE } from './SYS0.common.js';

export default defineRule({
  meta: {
    id: 'SYS001',
    name: 'DevServerInService',
    title: 'A production service runs manage.py runserver or flask run',
    severity: 'blocker',
    section: 'process-manager',
    docs: {
      whatItDoes:
        "Reports a production service whose ExecStart= starts Django's development server (`manage.py runserver`, `django-admin runserver`) or Flask's (`flask run`), directly or through python, env, poetry/pipenv run or a `sh -c` script. Units whose path says development (dev/, local, test ...) are not judged.",
      whyIsThisBad:
        "The development servers are single-process, reload on file changes, and have had no security audit or performance work: Django's documentation says not to use runserver in production. Under load requests queue behind each other, and a crash takes the site down until systemd restarts it.",
      example: '[Service]\nExecStart=/srv/app/venv/bin/python /srv/app/manage.py runserver 0.0.0.0:8000',
      useInstead: '[Service]\nExecStart=/srv/app/venv/bin/gunicorn --workers 3 --bind unix:/run/gunicorn.sock shop.wsgi:application',
    },
    fix: 'Start a production WSGI/ASGI server instead (gunicorn shop.wsgi, or uvicorn/daphne for ASGI) behind nginx, and keep runserver for development units.',
    references: ['https://docs.djangoproject.com/en/stable/ref/django-admin/#runserver', 'https://docs.djangoproject.com/en/stable/howto/deployment/', SYSTEMD_SERVICE],
    tags: ['systemd', 'app-server'],
  },
  scope: 'systemd',
  check(unit, ctx) {
    if (!isProductionService(unit)) return;
    for (const inv of invocations(unit)) {
      const sub = inv.tool === 'django' ? djangoCommand(inv) : inv.tool === 'flask' ? inv.args.find((a) => !a.text.startsWith('-')) : undefined;
      if (!sub || (inv.tool === 'django' && sub.text !== 'runserver') || (inv.tool === 'flask' && sub.text !== 'run')) continue;
      const what = inv.tool === 'django' ? 'Django\'s development server (runserver)' : "Flask's development server (flask run)";
      ctx.report({
        message: `${unit.name} runs ${what} in production: it is single-process, unaudited and reloads on file changes; start gunicorn (or uvicorn/daphne for ASGI) instead`,
        span: sub.span,
        target: `${unit.name}:${sub.text}`,
      });
    }
  },
});
