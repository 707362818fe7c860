import { defineRule } from '../../src/engine/rule.js';
import { GUNICORN_SETTINGS, hasFlag, invocations, isProductionService, optionValues, SYSTEMD_SERVICE } from './SYS0.common.js';

const RELOAD_FLAGS: Record<string, string[]> = {
  gunicorn: ['--reload'],
  uvicorn: ['--reload'],
  hypercorn: ['--reload'],
  granian: ['--reload'],
  daphne: [],
};

export default defineRule({
  meta: {
    id: 'SYS002',
    name: 'AutoReloadInService',
    title: 'A production service runs its app server with code auto-reload',
    severity: 'high',
    section: 'process-manager',
    docs: {
      whatItDoes:
        "Reports `--reload` on gunicorn, uvicorn, hypercorn or granian, and `--py-autoreload` on uWSGI, in a production service's ExecStart=. Units whose path says development are not judged.",
      whyIsThisBad:
        "Auto-reload is a development feature: the server watches the source tree and restarts workers whenever a file changes, so a partial deploy (files copied one by one) serves a half-updated app, and the watcher costs CPU and inotify watches. gunicorn's documentation says --reload is meant for development.",
      example: '[Service]\nExecStart=/srv/app/venv/bin/gunicorn --reload --bind unix:/run/gunicorn.sock shop.wsgi',
      useInstead: '[Service]\nExecStart=/srv/app/venv/bin/gunicorn --bind unix:/run/gunicorn.sock shop.wsgi\nExecReload=/bin/kill -s HUP $MAINPID',
    },
    fix: 'Remove --reload and reload on deploy instead: `systemctl reload` with ExecReload=/bin/kill -s HUP $MAINPID (gunicorn restarts its workers gracefully on SIGHUP), or a restart.',
    references: [`${GUNICORN_SETTINGS}#reload`, 'https://www.uvicorn.org/settings/#development', SYSTEMD_SERVICE],
    tags: ['systemd', 'app-server'],
  },
  scope: 'systemd',
  check(unit, ctx) {
    if (!isProductionService(unit)) return;
    for (const inv of invocations(unit)) {
      let flag = RELOAD_FLAGS[inv.tool] ? hasFlag(inv.args, RELOAD_FLAGS[inv.tool]!) : undefined;
      if (!flag && inv.tool === 'uwsgi') {
        const v = optionValues(inv.args, ['--py-autoreload', '--python-autoreload'])[0];
        if (v && v.text !== '0') flag = hasFlag(inv.args, ['--py-autoreload', '--python-autoreload']) ?? v;
      }
      if (!flag) continue;
      ctx.report({
        message: `${unit.name} starts ${inv.tool} with ${flag.text.split('=')[0]}: workers restart whenever a file changes, so a deploy in progress serves half-updated code; remove it and reload with ExecReload=/bin/kill -s HUP $MAINPID`,
        span: flag.span,
        target: `${unit.name}:${inv.tool}:reload`,
      });
    }
  },
});
