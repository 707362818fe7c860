import { defineRule } from '../../src/engine/rule.js';
import { SYSTEMD_ANALYZE, SYSTEMD_EXEC } from './SYS0.common.js';
import { reportExposure } from './SYS1.exposure.js';

export default defineRule({
  meta: {
    id: 'SYS015',
    name: 'ServiceExposureUnsafe',
    title: 'systemd-analyze security rates the service UNSAFE or DANGEROUS (9.0 or more)',
    severity: 'medium',
    section: 'security',
    docs: {
      whatItDoes:
        "Computes the exposure score `systemd-analyze security` gives a production long-running service (container clients such as docker compose excepted; the same 81 checks, weights and formula as systemd 252, from the unit file and its drop-ins) and reports a score of 9.0 or more, naming the settings that cost most. A test keeps the number identical to the real `systemd-analyze security --offline=true`.",
      whyIsThisBad:
        'A service with no sandboxing sees the whole host: a remote code execution in the app can read other services\' secrets and home directories, write to /usr and /etc, load kernel modules (as root), use raw sockets and create namespaces to escape. A few settings remove most of that at no cost to a typical Django app.',
      example: '[Service]\nUser=www-data\nExecStart=/srv/app/venv/bin/gunicorn shop.wsgi',
      useInstead:
        '[Service]\nUser=www-data\nExecStart=/srv/app/venv/bin/gunicorn shop.wsgi\nNoNewPrivileges=yes\nPrivateTmp=yes\nPrivateDevices=yes\nProtectSystem=strict\nReadWritePaths=/srv/app/media\nProtectHome=yes\nProtectKernelTunables=yes\nProtectKernelModules=yes\nProtectControlGroups=yes\nRestrictNamespaces=yes\nRestrictSUIDSGID=yes\nSystemCallArchitectures=native\nSystemCallFilter=@system-service\nCapabilityBoundingSet=',
    },
    fix: 'Add the sandboxing settings the message names (NoNewPrivileges=, PrivateTmp=, ProtectSystem=strict with ReadWritePaths=, ProtectHome=, CapabilityBoundingSet=, SystemCallFilter=@system-service ...), then check with `systemd-analyze security <unit>` on the host.',
    references: [`${SYSTEMD_ANALYZE}#systemd-analyze%20security%20%5BUNIT...%5D`, `${SYSTEMD_EXEC}#Sandboxing`],
    tags: ['systemd', 'security', 'hardening'],
  },
  scope: 'systemd',
  check(unit, ctx) {
    reportExposure(unit, ctx, 90, Infinity);
  },
});
