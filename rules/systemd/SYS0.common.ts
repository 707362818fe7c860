import type { Span } from '../../src/core/position.js';
import type { DeploymentModel } from '../../src/model/types.js';
import { entriesOf, environmentAssignments, lastValue, programName, serviceType } from '../../src/model/systemd/query.js';
import { base, celeryCommand, djangoCommand, hasFlag, invocations, optionValues, type Invocation, type Word } from '../../src/model/systemd/commands.js';
import type { SystemdUnit } from '../../src/model/systemd/types.js';

/** Shared pieces of the systemd rules (not a rule: the file name has no rule id form). */

export const SYSTEMD_MAN = 'https://www.freedesktop.org/software/systemd/man';
export const SYSTEMD_EXEC = `${SYSTEMD_MAN}/systemd.exec.html`;
export const SYSTEMD_SERVICE = `${SYSTEMD_MAN}/systemd.service.html`;
export const SYSTEMD_SOCKET = `${SYSTEMD_MAN}/systemd.socket.html`;
export const SYSTEMD_UNIT = `${SYSTEMD_MAN}/systemd.unit.html`;
export const SYSTEMD_KILL = `${SYSTEMD_MAN}/systemd.kill.html`;
export const SYSTEMD_SYNTAX = `${SYSTEMD_MAN}/systemd.syntax.html`;
export const SYSTEMD_ANALYZE = `${SYSTEMD_MAN}/systemd-analyze.html`;
export const GUNICORN_DEPLOY = 'https://docs.gunicorn.org/en/stable/deploy.html';
export const GUNICORN_SETTINGS = 'https://docs.gunicorn.org/en/stable/settings.html';
export const CELERY_DAEMONIZING = 'https://docs.celeryq.dev/en/stable/userguide/daemonizing.html';
export const NETWORK_ONLINE = 'https://systemd.io/NETWORK_ONLINE/';

/** Long-running service types: the main process is the service for as long as it runs. */
export const LONG_RUNNING_TYPES = new Set(['simple', 'exec', 'notify', 'notify-reload', 'forking', 'dbus', 'idle']);

/**
 * Programs that manage their own privileges or only drive another daemon (containers): running
 * them as root is how they are meant to run, and sandboxing the client says nothing of the workload.
 */
const SELF_MANAGED = /^(?:docker|docker-compose|dockerd|containerd|podman|podman-compose|nerdctl|nginx|apache2|httpd|haproxy|caddy|traefik|sshd)$/;

/** True when the service's main program is a container client or a daemon that drops privileges itself. */
export function runsSelfManagedDaemon(unit: SystemdUnit): boolean {
  const invs = invocations(unit);
  return invs.length > 0 && invs.every((i) => SELF_MANAGED.test(base(i.program.text)));
}

/** A production service unit, the subject of most systemd rules. */
export function isProductionService(unit: SystemdUnit): boolean {
  return unit.type === 'service' && unit.role === 'production';
}

/** The `[Service]` header of the unit file (where a missing setting belongs), else the file's first line. */
export function serviceHeader(unit: SystemdUnit, section = 'Service'): Span {
  return unit.sections.find((s) => s.name === section && s.file === unit.file)?.span ?? unit.span;
}

/** Re-exported model helpers the rules use most. */
export { serviceType, lastValue, programName, environmentAssignments, celeryCommand, djangoCommand, hasFlag, invocations, optionValues };
export type { Invocation, Word };

/**
 * The socket units (in the repository) that hand their listening sockets to this service: the
 * same-named `.socket`, sockets whose `Service=` names it, and those in its `Sockets=`.
 */
export function socketsPassedTo(unit: SystemdUnit, model: DeploymentModel): SystemdUnit[] {
  const stem = unit.name.replace(/\.service$/, '');
  const listed = new Set(entriesOf(unit, 'Service', 'Sockets').flatMap((e) => e.value.split(/\s+/).filter(Boolean)));
  return model.systemdUnits.filter((s) => {
    if (s.type !== 'socket') return false;
    const target = lastValue(s, 'Socket', 'Service');
    if (target) return target === unit.name || listed.has(s.name);
    const sStem = s.name.replace(/\.socket$/, '');
    const accept = (lastValue(s, 'Socket', 'Accept') ?? 'no').toLowerCase();
    const activates = ['yes', 'true', '1', 'on', 'y', 't'].includes(accept) ? `${sStem}@.service` : `${sStem}.service`;
    return activates === unit.name || (stem.endsWith('@') && activates === unit.name) || listed.has(s.name);
  });
}

/** What to add to the unit for each costly row of the exposure table. */
const ROW_FIX: Record<string, string> = {
  'User=/DynamicUser=': 'User= (a non-root account) or DynamicUser=yes',
  'PrivateNetwork=': 'PrivateNetwork=yes (only for services that need no network)',
  'PrivateTmp=': 'PrivateTmp=yes',
  'PrivateDevices=': 'PrivateDevices=yes',
  'PrivateUsers=': 'PrivateUsers=yes',
  'PrivateMounts=': 'PrivateMounts=yes',
  'ProtectSystem=': 'ProtectSystem=strict (with ReadWritePaths= for what it writes)',
  'ProtectHome=': 'ProtectHome=yes',
  'NoNewPrivileges=': 'NoNewPrivileges=yes',
  'SystemCallArchitectures=': 'SystemCallArchitectures=native',
  'IPAddressDeny=': 'IPAddressDeny=any with IPAddressAllow= for the peers it needs',
  'DeviceAllow=': 'PrivateDevices=yes (or DevicePolicy=closed)',
  'ProtectKernelTunables=': 'ProtectKernelTunables=yes',
  'ProtectKernelModules=': 'ProtectKernelModules=yes',
  'ProtectKernelLogs=': 'ProtectKernelLogs=yes',
  'ProtectControlGroups=': 'ProtectControlGroups=yes',
  'ProtectClock=': 'ProtectClock=yes',
  'ProtectProc=': 'ProtectProc=invisible',
  'RestrictSUIDSGID=': 'RestrictSUIDSGID=yes',
  'KeyringMode=': 'KeyringMode=private',
  'NotifyAccess=': 'NotifyAccess=main',
  'RestrictRealtime=': 'RestrictRealtime=yes',
  'AmbientCapabilities=': 'no AmbientCapabilities=',
};

/** A short fix for an exposure row: the setting that clears it. */
export function exposureRowFix(id: string): string {
  if (ROW_FIX[id]) return ROW_FIX[id]!;
  if (id.startsWith('CapabilityBoundingSet=')) return 'CapabilityBoundingSet= (empty, or only the capabilities it needs)';
  if (id.startsWith('RestrictNamespaces=')) return 'RestrictNamespaces=yes';
  if (id.startsWith('RestrictAddressFamilies=')) return 'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6';
  if (id.startsWith('SystemCallFilter=')) return 'SystemCallFilter=@system-service with SystemCallFilter=~@privileged @resources';
  return id;
}
