import { defineRule } from '../../src/engine/rule.js';
import { SYSTEMD_ANALYZE, SYSTEMD_EXEC } from './SYS0.common.js';
import { reportExposure } from './SYS1.exposure.js';

export default defineRule({
  meta: {
    id: 'SYS016',
    name: 'ServiceExposureExposed',
    title: 'systemd-analyze security rates the service EXPOSED (7.5 to 8.9)',
    severity: 'low',
    section: 'security',
    docs: {
      whatItDoes:
        "Computes the exposure score `systemd-analyze security` gives a production long-running service (container clients such as docker compose excepted; systemd 252's checks, weights and formula, from the unit file and its drop-ins) and reports a score from 7.5 to 8.9, the EXPOSED band, naming the settings that cost most. Scores of 9.0 and more are SYS015's.",
      whyIsThisBad:
        'Some sandboxing is in place, but a compromised app still reaches much of the host: the remaining gaps (capabilities, system calls, kernel tunables, other users\' files) are what an attacker uses next.',
      example: '[Service]\nDynamicUser=yes\nExecStart=/srv/app/venv/bin/gunicorn shop.wsgi',
      useInstead:
        '[Service]\nDynamicUser=yes\nExecStart=/srv/app/venv/bin/gunicorn shop.wsgi\nProtectHome=yes\nPrivateDevices=yes\nProtectKernelTunables=yes\nProtectKernelModules=yes\nProtectControlGroups=yes\nRestrictNamespaces=yes\nSystemCallArchitectures=native\nSystemCallFilter=@system-service\nCapabilityBoundingSet=',
    },
    fix: 'Add the sandboxing settings the message names, then check with `systemd-analyze security <unit>` on the host.',
    references: [`${SYSTEMD_ANALYZE}#systemd-analyze%20security%20%5BUNIT...%5D`, `${SYSTEMD_EXEC}#Sandboxing`],
    tags: ['systemd', 'security', 'hardening'],
  },
  scope: 'systemd',
  check(unit, ctx) {
    reportExposure(unit, ctx, 75, 90);
  },
});
