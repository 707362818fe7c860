import { defineRule } from '../../src/engine/rule.js';
import type { Span } from '../../src/core/position.js';
import type { PyValue } from '../../src/model/python-value.js';
import type { DeploymentModel } from '../../src/model/types.js';

const DB_IMAGE = /^(?:[\w.-]+(?::\d+)?\/)?(?:library\/)?(?:postgres|postgresql|postgis\/postgis|timescale\/timescaledb[\w-]*|bitnami\/(?:postgresql|mysql|mariadb|mongodb)|mysql|mariadb|mongo|percona)(?::|@|$)/i;

function dictGet(v: PyValue | undefined, key: string): PyValue | undefined {
  if (!v || v.kind !== 'dict') return undefined;
  return v.entries.find((e) => e.key.kind === 'str' && e.key.value === key)?.value;
}

/** A database the deployment itself runs (production compose service, Kubernetes workload). */
function ownDatabase(model: DeploymentModel): { span: Span; what: string } | undefined {
  for (const p of model.composeProjects ?? []) {
    if (p.role !== 'production') continue;
    for (const s of p.services) if (s.image && DB_IMAGE.test(s.image.value)) return { span: s.nameSpan, what: `compose service ${s.name} (${s.image.value})` };
  }
  for (const o of model.k8sObjects ?? []) {
    if (o.role !== 'production' || o.fragment) continue;
    for (const c of o.workload?.containers ?? []) if (c.image && DB_IMAGE.test(c.image.value)) return { span: o.kindSpan, what: `${o.kind} ${o.name ?? ''} (${c.image.value})` };
  }
  return undefined;
}

/** A Django project whose production database is not SQLite. */
function djangoDatabase(model: DeploymentModel): { span: Span; engine: string } | undefined {
  for (const p of model.djangoProjects) {
    const b = p.settings.get('DATABASES');
    if (!b) continue;
    const engine = dictGet(dictGet(b.value, 'default'), 'ENGINE');
    if (engine?.kind === 'str' && !/sqlite/.test(engine.value)) return { span: b.span, engine: engine.value };
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: 'BAK001',
    name: 'NoBackupSchedule',
    title: 'The repository schedules no database backup',
    severity: 'high',
    section: 'backups',
    docs: {
      whatItDoes:
        "For a deployment with a real database (a production compose service or Kubernetes workload running postgres/mysql/mariadb/mongo, or a Django project whose production ENGINE is not SQLite), looks for a scheduled backup anywhere in the repository: a crontab line running pg_dump/mysqldump/dbbackup/a backup script, a systemd .timer whose .service runs one, a Kubernetes CronJob or a scheduled GitHub workflow running one, a compose backup service (postgres-backup-local, db-backup ... images, or a pg_dump loop), Terraform `backup_retention_period` above 0, or `heroku pg:backups:schedule`. It fails when the deployment runs its own database and nothing schedules a backup; when the database lives outside the repository (a managed service may back it up), it reports unknown. Files are read as text for this (the crontab/timer/CronJob/compose text), not through their models.",
      whyIsThisBad:
        'Without a scheduled backup, the first disk failure, mistaken migration, `docker compose down -v` or ransomware attack is permanent data loss. Backups that depend on someone remembering to run them stop being taken within weeks.',
      example: '# docker-compose.prod.yml\nservices:\n  db:\n    image: postgres:16\n    volumes: [pgdata:/var/lib/postgresql/data]',
      useInstead: '# deploy/cron.d/shop-backup\n15 3 * * * postgres pg_dump --format=custom shop > /var/backups/shop-$(date +\\%F).dump',
    },
    fix: 'Schedule a nightly database dump (cron, a systemd timer, a Kubernetes CronJob or a backup container), copy it off the server, keep several generations, and test a restore; or enable the managed database\'s automated backups and say so with an attestation (MAN001).',
    references: ['https://www.postgresql.org/docs/current/backup-dump.html', 'https://www.freedesktop.org/software/systemd/man/latest/systemd.timer.html', 'https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/', 'https://docs.djangoproject.com/en/stable/howto/deployment/checklist/'],
    tags: ['backups', 'database'],
  },
  scope: 'repo',
  check(model, ctx) {
    const own = ownDatabase(model);
    const django = own ? undefined : djangoDatabase(model);
    if (!own && !django) {
      ctx.notApplicable('no database-backed production deployment found');
      return;
    }
    if ((model.backupSchedules ?? []).length > 0) return;
    if (own) {
      ctx.report({ message: `${own.what} holds the production data, and nothing in the repository schedules a backup of it (no crontab, systemd timer, CronJob or backup service running pg_dump/mysqldump or a backup command)`, span: own.span, target: 'backup-schedule' });
      return;
    }
    ctx.unknown({
      message: `the production database (${django!.engine}) is outside the repository and nothing in it schedules a backup: a managed service may back it up, which the repository cannot show`,
      span: django!.span,
      variables: [],
      target: 'backup-schedule',
    });
  },
});
