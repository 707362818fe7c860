import { defineRule } from '../../src/engine/rule.js';
import { isTemplatePlaceholder, unitNames } from '../../src/model/systemd/query.js';
import { isProductionService, SYSTEMD_SERVICE, SYSTEMD_UNIT } from './SYS0.common.js';

/** Socket units a distribution provides: never expected in an application repository. */
const SYSTEM_SOCKET = /^(?:systemd-.*|dbus|syslog|docker|containerd|podman|sshd?|cups|avahi-daemon|uuidd|dm-event|lvm2-.*|iscsid|multipathd|snapd|rpcbind|libvirtd.*|virt.*|pcscd|nscd|postgresql.*|mysqld?|mariadb.*|redis.*)\.socket$/;

export default defineRule({
  meta: {
    id: 'SYS011',
    name: 'RequiredSocketUnitMissing',
    title: 'A service requires a .socket unit the repository does not have',
    severity: 'medium',
    section: 'process-manager',
    docs: {
      whatItDoes:
        "Reports Requires=, BindsTo=, Requisite= or Sockets= naming a `.socket` unit that is not in the repository (nor as a template such as gunicorn.socket.j2), when the repository holds the service. Sockets a distribution provides (systemd-*, dbus, docker ...) and names holding template placeholders (`gunicorn_PROJECT_NAME.socket`, `{{ app }}.socket`) are not reported.",
      whyIsThisBad:
        "If the socket unit is not installed with the service, systemd fails the start with 'Unit gunicorn.socket not found' (a hard dependency), or starts the service without the listening socket it expects (Sockets=): nginx then gets 502 Bad Gateway. A socket unit kept outside the repository is also a deploy step that is easy to miss on a new server.",
      example: '# gunicorn.service, with no gunicorn.socket next to it\n[Unit]\nRequires=gunicorn.socket',
      useInstead: '# gunicorn.socket, committed beside gunicorn.service\n[Socket]\nListenStream=/run/gunicorn.sock\nSocketUser=www-data\n\n[Install]\nWantedBy=sockets.target',
    },
    fix: 'Commit the socket unit beside the service (and install both), or drop the dependency when the server binds its own socket.',
    references: [`${SYSTEMD_UNIT}#Requires=`, `${SYSTEMD_SERVICE}#Sockets=`, 'https://www.freedesktop.org/software/systemd/man/systemd.socket.html'],
    tags: ['systemd', 'deployment'],
  },
  scope: 'systemd',
  check(unit, ctx, model) {
    if (!isProductionService(unit)) return;
    const names = [
      ...['Requires', 'BindsTo', 'Requisite'].flatMap((k) => unitNames(unit, 'Unit', k).map((n) => ({ ...n, key: k }))),
      ...unitNames(unit, 'Service', 'Sockets').map((n) => ({ ...n, key: 'Sockets' })),
    ];
    const have = new Set(model.systemdUnits.map((u) => u.name));
    // File names, listed only when a socket is not among the units (rare).
    let files: string[] | undefined;
    const fileNames = () => (files ??= model.files.map((f) => f.path.slice(f.path.lastIndexOf('/') + 1)));
    const seen = new Set<string>();
    for (const n of names) {
      if (!n.name.endsWith('.socket') || seen.has(n.name) || SYSTEM_SOCKET.test(n.name) || /[%$]/.test(n.name) || isTemplatePlaceholder(n.name)) continue;
      seen.add(n.name);
      if (have.has(n.name) || fileNames().some((f) => f.startsWith(`${n.name}.`))) continue;
      ctx.report({
        message:
          n.key === 'Sockets'
            ? `${unit.name} takes its listening socket from ${n.name} (Sockets=), which is not in the repository: installed without it, the service starts with no socket and nginx gets 502; commit ${n.name} beside the service`
            : `${unit.name} ${n.key}=${n.name}, which is not in the repository: installed without it, systemd refuses to start the service (unit not found); commit ${n.name} beside the service`,
        span: n.span,
        target: `${unit.name}:${n.name}`,
      });
    }
  },
});
