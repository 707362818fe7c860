import { defineRule } from '../../src/engine/rule.js';
import { lastEntry } from '../../src/model/systemd/query.js';
import { invocations, isProductionService, SYSTEMD_KILL } from './SYS0.common.js';

/** Servers that run a master process with workers (or a pool) under it. */
const MULTI_PROCESS = new Set(['gunicorn', 'uwsgi', 'celery', 'uvicorn', 'hypercorn', 'granian', 'daphne']);

export default defineRule({
  meta: {
    id: 'SYS008',
    name: 'KillModeLeavesProcesses',
    title: 'KillMode=process or none on an app server or worker service',
    severity: 'medium',
    section: 'process-manager',
    docs: {
      whatItDoes:
        'Reports KillMode=none on any production service, and KillMode=process on one that starts gunicorn, uWSGI, celery, uvicorn, hypercorn, granian or daphne (servers with worker processes).',
      whyIsThisBad:
        "With KillMode=process systemd signals only the main process on stop and restart; when it does not take its workers down in time (a hung master, the stop timeout's SIGKILL), the workers are left running outside the service, holding the socket, the database connections and the old code. A restart then starts a second set beside them. KillMode=none kills nothing at all, and systemd warns that it is unsafe.",
      example: '[Service]\nExecStart=/srv/app/venv/bin/gunicorn shop.wsgi\nKillMode=process',
      useInstead: '[Service]\nExecStart=/srv/app/venv/bin/gunicorn shop.wsgi\n# SIGTERM to the master first (graceful), then SIGKILL to whatever is left in the cgroup\nKillMode=mixed',
    },
    fix: "Remove KillMode= (the default control-group stops every process of the service) or use KillMode=mixed, which sends SIGTERM to the main process only and then SIGKILL to all that remain, as gunicorn's documented unit does.",
    references: [`${SYSTEMD_KILL}#KillMode=`, 'https://docs.gunicorn.org/en/stable/deploy.html#systemd'],
    tags: ['systemd', 'availability'],
  },
  scope: 'systemd',
  check(unit, ctx) {
    if (!isProductionService(unit)) return;
    const mode = lastEntry(unit, 'Service', 'KillMode');
    if (!mode) return;
    if (mode.value === 'none') {
      ctx.report({
        message: `${unit.name} sets KillMode=none: stopping or restarting the service kills none of its processes, so old ones keep running beside the new; remove it (or use KillMode=mixed)`,
        span: mode.valueSpan,
        target: `${unit.name}:KillMode`,
      });
      return;
    }
    if (mode.value !== 'process') return;
    const server = invocations(unit).find((i) => MULTI_PROCESS.has(i.tool));
    if (!server) return;
    ctx.report({
      message: `${unit.name} sets KillMode=process for ${server.tool}: on stop only the master is signalled, and workers it fails to stop are left running with the old code and the socket; use KillMode=mixed (or remove it)`,
      span: mode.valueSpan,
      target: `${unit.name}:KillMode`,
    });
  },
});
