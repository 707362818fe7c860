import { defineRule } from '../../src/engine/rule.js';
import { lastEntry, parseBoolean } from '../../src/model/systemd/query.js';
import { invocations, isProductionService, LONG_RUNNING_TYPES, optionValues, runsSelfManagedDaemon, serviceHeader, serviceType, SYSTEMD_EXEC } from './SYS0.common.js';

export default defineRule({
  meta: {
    id: 'SYS004',
    name: 'ServiceRunsAsRoot',
    title: 'A service runs as root (no User=, or User=root) or as nobody',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        "Reports a production service that runs as root: no User= and no DynamicUser=yes (systemd then runs it as root), or User=root / User=0. Also reports User=nobody, which systemd itself warns about. A server told to drop privileges on its command line (gunicorn --user, uwsgi --uid), oneshot jobs that do not run the app's code (backups, certificate renewal), and units that only drive a container runtime (docker, podman) or start a daemon that drops privileges itself (nginx, apache2, haproxy), are not reported.",
      whyIsThisBad:
        'A remote code execution in the application (a vulnerable dependency, a deserialisation bug) then owns the machine: it can read every secret, replace binaries and hide. `nobody` is shared by unrelated daemons and owns files from NFS root squashing, so a compromise of one service reaches the others.',
      example: '[Service]\nExecStart=/srv/app/venv/bin/gunicorn shop.wsgi',
      useInstead: '[Service]\nUser=www-data\nGroup=www-data\nExecStart=/srv/app/venv/bin/gunicorn shop.wsgi',
    },
    fix: 'Set User= (and Group=) to a dedicated unprivileged account that owns only what the app must write, or DynamicUser=yes with StateDirectory= for its data.',
    references: [`${SYSTEMD_EXEC}#User=`, `${SYSTEMD_EXEC}#DynamicUser=`],
    tags: ['systemd', 'security', 'least-privilege'],
  },
  scope: 'systemd',
  check(unit, ctx) {
    if (!isProductionService(unit)) return;
    const user = lastEntry(unit, 'Service', 'User');
    const dynamic = parseBoolean(lastEntry(unit, 'Service', 'DynamicUser')?.value ?? '') === true;
    const name = user?.value ?? '';
    if (name.includes('%') || name.includes('$')) return;
    if (name === 'nobody' || name === '65534') {
      ctx.report({
        message: `${unit.name} runs as nobody: that account is shared with other daemons and owns squashed NFS files, so a compromise spreads; create a dedicated user (or DynamicUser=yes)`,
        span: user!.valueSpan,
        target: `${unit.name}:User`,
      });
      return;
    }
    const root = name === 'root' || name === '0';
    if (!root && (name !== '' || dynamic)) return;
    if (!root && dropsPrivileges(unit)) return;
    if (runsSelfManagedDaemon(unit)) return;
    // A oneshot job (backup, certificate renewal) is judged only when it runs the app's own code.
    if (!root && !LONG_RUNNING_TYPES.has(serviceType(unit)) && !invocations(unit).some((i) => i.tool !== 'other' || /^python[\d.]*$/.test(i.program.text.slice(i.program.text.lastIndexOf('/') + 1)))) return;
    ctx.report({
      message: root
        ? `${unit.name} runs as root (User=${name}): a remote code execution in the app owns the machine; set User=www-data (or a dedicated account, or DynamicUser=yes)`
        : `${unit.name} runs as root (no User= or DynamicUser=): a remote code execution in the app owns the machine; set User=www-data (or a dedicated account, or DynamicUser=yes)`,
      span: root ? user!.valueSpan : (user?.span ?? serviceHeader(unit)),
      target: `${unit.name}:User`,
    });
  },
});

/** gunicorn --user X / uwsgi --uid X: the server itself switches to an unprivileged account. */
function dropsPrivileges(unit: Parameters<typeof invocations>[0]): boolean {
  return invocations(unit).some((inv) => {
    // A uWSGI configuration file may set uid= itself: that cannot be told from the unit.
    if (inv.tool === 'uwsgi' && inv.args.some((a) => /^--(?:ini|yaml|yml|json|xml|emperor)(?:=|$)|\.(?:ini|ya?ml|json|xml)$/.test(a.text))) return true;
    const values =
      inv.tool === 'gunicorn' ? optionValues(inv.args, ['--user'], ['-u']) : inv.tool === 'uwsgi' ? optionValues(inv.args, ['--uid']) : [];
    return values.some((v) => v.text !== '' && v.text !== 'root' && v.text !== '0');
  });
}
