import { defineRule } from '../../src/engine/rule.js';
import { entriesOf, lastEntry, unitNames } from '../../src/model/systemd/query.js';
import { isProductionService, LONG_RUNNING_TYPES, serviceHeader, serviceType, socketsPassedTo, SYSTEMD_SERVICE } from './SYS0.common.js';

export default defineRule({
  meta: {
    id: 'SYS003',
    name: 'NoRestartPolicy',
    title: 'A long-running service has no Restart= policy',
    severity: 'medium',
    section: 'process-manager',
    docs: {
      whatItDoes:
        "Reports a production service of a long-running type (simple, exec, notify, forking, dbus, idle, including the default simple) whose Restart= is unset, so systemd's default `Restart=no` applies. A socket-activated service is not reported (the next connection starts it again): one a socket unit of the repository starts, or one that requires its own `.socket`. An explicit `Restart=no` is not reported either.",
      whyIsThisBad:
        'With Restart=no, systemd leaves the service dead after any crash, out-of-memory kill or failed health of the main process: the site stays down until someone logs in and starts it by hand.',
      example: '[Service]\nUser=www-data\nExecStart=/srv/app/venv/bin/gunicorn shop.wsgi',
      useInstead: '[Service]\nUser=www-data\nExecStart=/srv/app/venv/bin/gunicorn shop.wsgi\nRestart=on-failure\nRestartSec=5',
    },
    fix: 'Add Restart=on-failure (or always for workers that should never stop) with a RestartSec= delay, in the [Service] section.',
    references: [`${SYSTEMD_SERVICE}#Restart=`, `${SYSTEMD_SERVICE}#RestartSec=`],
    tags: ['systemd', 'availability'],
  },
  scope: 'systemd',
  check(unit, ctx, model) {
    if (!isProductionService(unit)) return;
    const type = serviceType(unit);
    if (!LONG_RUNNING_TYPES.has(type)) return;
    if (!entriesOf(unit, 'Service', 'ExecStart').some((e) => e.value !== '')) return;
    const restart = lastEntry(unit, 'Service', 'Restart');
    if (restart && restart.value !== '') return;
    if (socketsPassedTo(unit, model).length > 0) return;
    // Designed for socket activation: it depends on its own socket unit, even one kept outside the repository.
    const ownSocket = unit.name.replace(/\.service$/, '.socket');
    if (['Requires', 'Wants', 'BindsTo'].some((k) => unitNames(unit, 'Unit', k).some((n) => n.name === ownSocket))) return;
    ctx.report({
      message: restart
        ? `${unit.name} resets Restart= to its default (no): after a crash or an out-of-memory kill the service stays down; set Restart=on-failure`
        : `${unit.name} has no Restart= (systemd's default is no): after a crash or an out-of-memory kill the service stays down until restarted by hand; add Restart=on-failure and RestartSec=5`,
      span: restart?.span ?? serviceHeader(unit),
      target: `${unit.name}:Restart`,
    });
  },
});
