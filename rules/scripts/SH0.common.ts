import type { RuleContext } from '../../src/engine/rule.js';
import { baseName, djangoCommand } from '../../src/model/scripts/build.js';
import { printsOnly } from '../../src/model/scripts/destructive.js';
import type { ScriptCommand, ShellScript } from '../../src/model/scripts/types.js';

/** Shared pieces of the shell-script rules (not a rule: the file name has no rule id form). */

export const BASH_SET = 'https://www.gnu.org/software/bash/manual/html_node/The-Set-Builtin.html';

/** Deploy scripts only; says "not applicable" for the others. */
export function deployScript(script: ShellScript, ctx: RuleContext): boolean {
  if (script.role !== 'deploy') {
    ctx.notApplicable(`not a deploy script (${script.role}: ${script.roleReason})`);
    return false;
  }
  return true;
}

export { printsOnly };

/** The database migration a command applies, if it applies one. */
export function migration(c: ScriptCommand): string | undefined {
  if (printsOnly(c)) return undefined;
  const dj = djangoCommand(c);
  if (dj === 'migrate') {
    const w = c.allWords;
    if (w.some((x) => x === '--plan' || x === '--check' || x === '--list' || x === '-l')) return undefined;
    return 'manage.py migrate';
  }
  const w = c.allWords.map((x) => baseName(x));
  const has = (i: number, ...seq: string[]) => seq.every((s, k) => w[i + k] === s);
  for (let i = 0; i < w.length; i++) {
    if (w[i] === 'alembic' && w.slice(i + 1).includes('upgrade')) return 'alembic upgrade';
    if (w[i] === 'flask' && has(i + 1, 'db', 'upgrade')) return 'flask db upgrade';
    if (w[i] === 'prisma' && has(i + 1, 'migrate', 'deploy')) return 'prisma migrate deploy';
    if ((w[i] === 'rails' || w[i] === 'rake') && w.slice(i + 1).includes('db:migrate')) return `${w[i]} db:migrate`;
    if (w[i] === 'knex' && w.slice(i + 1).includes('migrate:latest')) return 'knex migrate:latest';
    if ((w[i] === 'sequelize' || w[i] === 'sequelize-cli') && w.slice(i + 1).includes('db:migrate')) return 'sequelize db:migrate';
    if (w[i] === 'typeorm' && w.slice(i + 1).some((x) => x === 'migration:run')) return 'typeorm migration:run';
  }
  return undefined;
}

/** A command that takes a database backup (or calls something named like a backup). */
export function backupStep(c: ScriptCommand): string | undefined {
  if (printsOnly(c) || c.name === 'mkdir' || c.name === 'ls' || c.name === 'cd' || c.name === 'rm') return undefined;
  if (c.defines) return /backup|dump|snapshot/i.test(c.defines) ? `function ${c.defines}` : undefined;
  const w = c.allWords;
  for (let i = 0; i < w.length; i++) {
    const b = baseName(w[i]!);
    if (/^(?:pg_dump|pg_dumpall|pg_basebackup|mysqldump|mariadb-dump|mongodump|pgbackrest|barman|wal-g|mydumper|xtrabackup)$/.test(b)) return b;
    if (b === 'dbbackup' || b === 'mediabackup') return `manage.py ${b}`;
    if (/^pg:backups(?::capture)?$/.test(b)) return `heroku ${b}`;
    if (/^create-db-(?:cluster-)?snapshot$/.test(b)) return `aws rds ${b}`;
    if (b === 'gcloud' && w.slice(i + 1).join(' ').includes('sql backups create')) return 'gcloud sql backups create';
    if (/^(?:restic|borg|duplicity|kopia)$/.test(b)) return b;
  }
  // A backup script or function called by name: backup.sh, ./scripts/backup_db, backup_database, make backup.
  const callee = baseName(c.argv[0] ?? '');
  if (/(?:^|[-_.])backup|backup(?:[-_.]|$)|^(?:backup|snapshot|dump)/i.test(callee)) return callee;
  if (/^(?:bash|sh|make|just|task|invoke|fab|docker|ssh)$/.test(c.name) && c.argv.slice(1).some((x) => /(?:^|[-_./])backups?(?:[-_.]|$)|(?:^|[-_./])(?:db[-_]?dump|dump[-_]?db)/i.test(x) && !x.startsWith('-'))) return `${c.name} ${c.argv.find((x, i) => i > 0 && /backup|dump/i.test(x))}`;
  return undefined;
}
