import { defineRule } from '../../src/engine/rule.js';
import { backupStep, deployScript, migration } from './SH0.common.js';

export default defineRule({
  meta: {
    id: 'SH002',
    name: 'MigrationWithoutBackup',
    title: 'Deploy script migrates the database with no backup before it',
    severity: 'medium',
    section: 'backups',
    docs: {
      whatItDoes:
        "Reports, in a deploy script, the first command that applies database migrations (`manage.py migrate`, `django-admin migrate`, `alembic upgrade`, `flask db upgrade`, `prisma migrate deploy`, `rails db:migrate`, `knex migrate:latest`, `sequelize db:migrate`, `typeorm migration:run`), wherever it runs (directly, through `docker compose exec`, or in commands sent over ssh), when nothing earlier in the same script takes a backup: pg_dump, pg_dumpall, mysqldump, mongodump, `manage.py dbbackup`, `heroku pg:backups:capture`, `aws rds create-db-snapshot`, restic/borg, or a script or function whose name says backup or dump. `migrate --plan` and `--check` are not migrations. Container entrypoints and development scripts are not judged.",
      whyIsThisBad:
        "Migrations change the schema and data of the live database. One that drops or rewrites a column, or fails half way on a database that cannot run DDL in a transaction (MySQL), leaves no way back but a backup; without a fresh one taken just before, rolling back the code cannot bring the data back.",
      example: 'git pull\npython manage.py migrate --noinput\nsudo systemctl restart gunicorn',
      useInstead: 'git pull\npg_dump --format=custom "$DATABASE_URL" > "/var/backups/shop-$(date +%F-%H%M).dump"\npython manage.py migrate --noinput\nsudo systemctl restart gunicorn',
    },
    fix: 'Take a backup right before migrating (pg_dump/mysqldump to a dated file, `manage.py dbbackup`, or a managed snapshot such as `heroku pg:backups:capture` / `aws rds create-db-snapshot`) and stop the deploy if it fails.',
    references: [
      'https://docs.djangoproject.com/en/stable/topics/migrations/',
      'https://www.postgresql.org/docs/current/app-pgdump.html',
      'https://django-dbbackup.readthedocs.io/en/master/commands.html',
    ],
    tags: ['scripts', 'deploy', 'database', 'backups'],
  },
  scope: 'script',
  check(script, ctx) {
    if (!deployScript(script, ctx)) return;
    for (const c of script.commands) {
      if (backupStep(c)) return;
      const what = migration(c);
      if (!what) continue;
      const unit = script.units[c.unit];
      ctx.report({
        message: `${what} applies migrations to the database with no backup taken before it in this script${unit?.via ? ` (run through ${unit.via})` : ''}`,
        span: c.span,
        target: `migrate:${what}`,
      });
      return;
    }
  },
});
