import { defineRule } from '../../src/engine/rule.js';
import { destroys } from '../../src/model/scripts/destructive.js';

export default defineRule({
  meta: {
    id: 'SH003',
    name: 'DestructiveCommand',
    title: 'Deploy or start script destroys data',
    severity: 'high',
    section: 'database',
    docs: {
      whatItDoes:
        "Reports commands that delete production data in a deploy script or a container entrypoint: `prisma migrate reset`, `prisma db push --force-reset/--accept-data-loss`, `dropdb`, `mysqladmin drop`, `psql -c 'DROP DATABASE ...'`, `manage.py flush`, `manage.py reset_db`, `docker system prune --volumes`, `docker volume prune`, `docker compose down -v`, and `rm -r` of a data path (a last segment such as data, pgdata, media, uploads, volumes, backups, db, or a .sqlite3 file, or /var/lib/postgresql). Other `rm -rf` (build output, caches, /tmp) and development scripts are not reported.",
      whyIsThisBad:
        "These commands are routine on a laptop and fatal on a server: run by a deploy or at every container start, they wipe the database, the uploaded files or the volumes that hold them, and the next deploy may do it again. Recovery depends on a backup that may be hours old.",
      example: 'docker compose pull\ndocker compose down -v\ndocker compose up -d',
      useInstead: 'docker compose pull\ndocker compose up -d --remove-orphans',
    },
    fix: 'Remove the command from the deploy path. Keep resets in a separate, clearly named development script; to replace containers use `docker compose up -d` (volumes are kept), and prune images rather than volumes.',
    references: [
      'https://docs.docker.com/reference/cli/docker/compose/down/',
      'https://docs.docker.com/reference/cli/docker/system/prune/',
      'https://www.prisma.io/docs/orm/reference/prisma-cli-reference#migrate-reset',
      'https://docs.djangoproject.com/en/stable/ref/django-admin/#flush',
    ],
    tags: ['scripts', 'deploy', 'database', 'data-loss'],
  },
  scope: 'script',
  check(script, ctx) {
    if (script.role !== 'deploy' && script.role !== 'entrypoint') {
      ctx.notApplicable(`not a deploy or start script (${script.role}: ${script.roleReason})`);
      return;
    }
    for (const c of script.commands) {
      const what = destroys(c);
      if (!what) continue;
      ctx.report({
        message: `${script.role === 'deploy' ? 'deploy' : 'start'} script: ${what}`,
        span: c.span,
        target: `destroy:${c.argv.slice(0, 3).join(' ')}`,
      });
    }
  },
});
