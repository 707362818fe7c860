import { defineRule } from '../../src/engine/rule.js';
import { environmentSecrets } from '../../src/model/systemd/secrets.js';
import { redactSecret } from '../../src/report/redact.js';
import { SYSTEMD_EXEC } from './SYS0.common.js';

export default defineRule({
  meta: {
    id: 'SYS007',
    name: 'SecretInEnvironment',
    title: 'A secret written literally in Environment=',
    severity: 'high',
    section: 'security',
    docs: {
      whatItDoes:
        'Reports Environment= assignments whose name says credential (SECRET_KEY, *_PASSWORD, *_TOKEN, *_API_KEY ...) with a literal value, and URLs with an embedded password (DATABASE_URL=postgres://app:secret@db/shop). Empty values, placeholders (changeme, <your-key>, ${VAR}), specifiers and development units are not reported. The secret is never printed in full.',
      whyIsThisBad:
        'Unit files are world-readable (0644 under /etc/systemd/system), live in the repository, and `systemctl show` prints Environment= to any local user: every account on the host, and everyone with the repository, can read the secret.',
      example: '[Service]\nEnvironment=DJANGO_SECRET_KEY=9f8e...long-random-string',
      useInstead: '[Service]\n# /etc/shop/env: owner root, mode 0600, not in the repository\nEnvironmentFile=/etc/shop/env\n# or: LoadCredential=secret_key:/etc/shop/secret_key',
    },
    fix: 'Move the value to an EnvironmentFile= readable only by root (mode 0600, outside the repository), or to LoadCredential= / systemd-creds, and rotate the secret: it has been exposed.',
    references: [`${SYSTEMD_EXEC}#Environment=`, `${SYSTEMD_EXEC}#EnvironmentFile=`, `${SYSTEMD_EXEC}#LoadCredential=ID:PATH`, 'https://systemd.io/CREDENTIALS/'],
    tags: ['systemd', 'security', 'secrets'],
  },
  scope: 'systemd',
  check(unit, ctx) {
    if (unit.role !== 'production') return;
    for (const s of environmentSecrets(unit)) {
      const a = s.assignment;
      ctx.report({
        message:
          s.kind === 'url'
            ? `${unit.name}: Environment=${a.name} holds a URL with a password (${redactSecret(s.secret)}): unit files are world-readable and systemctl show prints it; move it to an EnvironmentFile= with mode 0600 or LoadCredential=, and rotate it`
            : `${unit.name}: Environment=${a.name} is written in the unit (${redactSecret(s.secret)}): unit files are world-readable and systemctl show prints it to any local user; move it to an EnvironmentFile= with mode 0600 or LoadCredential=, and rotate it`,
        span: a.valueSpan,
        target: `${unit.name}:${a.name}`,
      });
    }
  },
});
