import type { Span } from '../../core/position.js';
import type { DiscoveredFile } from '../../discover/types.js';
import type { ModelSources } from '../build.js';

/**
 * Where the repository schedules database backups. Read from the files' text, line by line (a
 * fallback that does not need the compose / Kubernetes / systemd models to name backup jobs):
 * - crontab files (crontab, *.cron, cron.d/*): an active line running a backup command;
 * - systemd: a .timer next to a .service whose Exec lines run a backup command;
 * - Kubernetes CronJobs and GitHub workflows on `schedule:` whose text runs a backup command;
 * - compose files running a backup image (postgres-backup-local, db-backup, ...) or a pg_dump loop;
 * - Terraform managed-database backups (`backup_retention_period` above 0), Heroku `pg:backups:schedule`.
 */
export interface BackupSchedule {
  file: string;
  span: Span;
  what: string;
}

const BACKUP_TOOL = /\b(?:pg_dump(?:all)?|pg_basebackup|mysqldump|mariadb-dump|mongodump|dbbackup|pgbackrest|barman|wal-g|restic\s+backup|borg\s+create|db[-_]?backup|backup[-_]?db|backup[-_]?database|postgres-backup)\b/i;

/**
 * A backup command in a line: /\b(?:pg_dump(?:all)?|...|backup[\w.-]*\.sh|...|postgres-backup)\b/i.test, with
 * `backup[\w.-]*\.sh\b` looked for once per run of [\w.-] from its first `backup` (issue 7: the regex
 * rescans the run from every `backup` in it).
 */
export const BACKUP_COMMAND = {
  test(line: string): boolean {
    if (BACKUP_TOOL.test(line)) return true;
    const word = /\bbackup/gi;
    let runEnd = -1;
    for (let m = word.exec(line); m; m = word.exec(line)) {
      if (m.index < runEnd) continue;
      runEnd = m.index + 6;
      while (runEnd < line.length && /[\w.-]/.test(line[runEnd]!)) runEnd++;
      if (/\.sh\b/i.test(line.slice(m.index + 6, runEnd))) return true;
    }
    return false;
  },
};
const BACKUP_IMAGE = /\b(?:prodrigestivill\/postgres-backup-local|kartoza\/pg-backup|tiredofit\/db-backup|offen\/docker-volume-backup|databack\/mysql-backup|eeshugerman\/postgres-backup-s3|schickling\/postgres-backup-s3|fradelg\/mysql-cron-backup|postgres-backup-local|mysql-backup|db-backup)\b/i;

/** `s` up to its first line break (what `.*` reaches). */
function cutAtLineBreak(s: string): string {
  const at = s.search(/[\n\r\u2028\u2029]/);
  return at < 0 ? s : s.slice(0, at);
}

/** A unit line `Exec...=` running a backup command: /^\s*Exec\w*\s*=.*(?:BACKUP_COMMAND)/i.test, linear. */
export const EXEC_BACKUP = {
  test(line: string): boolean {
    const exec = /^\s*Exec\w*\s*=/i.exec(line);
    return exec !== null && BACKUP_COMMAND.test(cutAtLineBreak(line.slice(exec[0].length)));
  },
};

export function findBackupSchedules(files: readonly DiscoveredFile[], sources: ModelSources): BackupSchedule[] {
  const out: BackupSchedule[] = [];
  const units = new Set(files.filter((f) => f.kind === 'systemd-unit').map((f) => f.path));
  for (const f of files) {
    const kind = f.kind;
    if (!['crontab', 'systemd-unit', 'yaml-candidate', 'github-workflow', 'compose', 'terraform', 'shell-script', 'script-candidate', 'procfile'].includes(kind)) continue;
    const src = sources.text(f.path);
    if (!src) continue;
    const text = src.text;
    const lineHit = (re: { test(line: string): boolean }, skipComments = true): number | undefined => {
      for (let l = 1; l <= src.lines.lineCount; l++) {
        const t = src.lines.lineText(l);
        if (skipComments && /^\s*#/.test(t)) continue;
        if (re.test(t)) return l;
      }
      return undefined;
    };
    const add = (line: number, what: string) => out.push({ file: f.path, span: src.lines.lineSpan(f.path, line), what });
    switch (kind) {
      case 'crontab': {
        const l = lineHit(BACKUP_COMMAND);
        if (l) add(l, 'a crontab line');
        break;
      }
      case 'systemd-unit': {
        if (!f.path.endsWith('.service')) break;
        const timer = f.path.replace(/\.service$/, '.timer');
        const templated = f.path.replace(/@?\.service$/, '@.timer');
        if (!units.has(timer) && !units.has(templated)) break;
        const l = lineHit(EXEC_BACKUP);
        if (l) add(l, `a systemd timer (${timer.split('/').pop()}) starting this service`);
        break;
      }
      case 'yaml-candidate': {
        if (!/^[^\S\n\r\u2028\u2029]*kind:\s*CronJob\b/m.test(text)) break;
        const l = lineHit(BACKUP_COMMAND);
        if (l) add(l, 'a Kubernetes CronJob');
        break;
      }
      case 'github-workflow': {
        if (!/^[^\S\n\r\u2028\u2029]*schedule\s*:/m.test(text)) break;
        const l = lineHit(BACKUP_COMMAND);
        if (l) add(l, 'a scheduled GitHub workflow');
        break;
      }
      case 'compose': {
        const l = lineHit(BACKUP_IMAGE) ?? (/\b(?:while|sleep|crond?|SCHEDULE)\b/.test(text) ? lineHit(BACKUP_COMMAND) : undefined);
        if (l) add(l, 'a compose backup service');
        break;
      }
      case 'terraform': {
        const l = lineHit(/^\s*backup_retention_period\s*=\s*([1-9]\d*)\s*(?:#.*)?$/);
        if (l) add(l, 'managed database backups (backup_retention_period)');
        break;
      }
      default: {
        const l = lineHit(/pg:backups:schedule|pg:backups\s+schedule/);
        if (l) add(l, 'heroku pg:backups:schedule');
      }
    }
  }
  return out;
}
