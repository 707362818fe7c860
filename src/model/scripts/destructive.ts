import { baseName, djangoCommand } from './build.js';
import type { ScriptCommand } from './types.js';

/** Commands that only print: their words are text, not commands. */
export function printsOnly(c: ScriptCommand): boolean {
  return /^(?:echo|printf|log\w*|info|warn\w*|error|die|fail|say|msg|notify\w*|cat|read|:|true|false|test|\[|\[\[)$/.test(c.name);
}

/** The last path segment of a removed path that holds data: databases, uploads, volumes, backups. */
const DATA_SEGMENT = /^(?:data|pgdata|postgres|postgresql|postgres[-_]data|mysql|mariadb|mysql[-_]data|mongo|mongodb|redis[-_]data|media|uploads?|volumes?|database|databases|db|db[-_]data|backups?|storage)$/i;
const DATA_FILE = /\.(?:sqlite3?|db)$/i;
const HARMLESS_PREFIX = /^(?:\/tmp\/|\$\{?TMPDIR|\$\{?tmp|\.\/tmp\/|tmp\/|\/var\/tmp\/)/i;

function removedDataPath(c: ScriptCommand): string | undefined {
  if (c.name !== 'rm') return undefined;
  const flags = c.argv.slice(1).filter((x) => x.startsWith('-') && x !== '--');
  const recursive = flags.some((f) => /^-[a-zA-Z]*[rR]/.test(f) || f === '--recursive');
  if (!recursive) return undefined;
  for (const p of c.argv.slice(1).filter((x) => !x.startsWith('-'))) {
    if (HARMLESS_PREFIX.test(p)) continue;
    const trimmed = p.replace(/\/\*?$/, '').replace(/\/\*$/, '');
    const last = trimmed.split('/').pop() ?? '';
    if (DATA_SEGMENT.test(last) || DATA_FILE.test(last) || /^\/var\/lib\/(?:postgresql|mysql|mongodb|docker\/volumes)(?:\/|$)/.test(trimmed)) return p;
  }
  return undefined;
}

function afterVerb(a: string[], verb: string): string[] | undefined {
  const i = a.indexOf(verb);
  return i < 0 ? undefined : a.slice(i + 1);
}

/** What a command destroys, in words. */
export function destroys(c: ScriptCommand): string | undefined {
  if (printsOnly(c)) return undefined;
  const a = c.argv;
  const w = c.allWords.map(baseName);
  const prisma = w.indexOf('prisma');
  if (prisma >= 0) {
    const rest = w.slice(prisma + 1);
    if (rest[0] === 'migrate' && rest[1] === 'reset') return 'prisma migrate reset drops the database and re-creates it';
    if (rest[0] === 'db' && rest[1] === 'push' && rest.some((x) => x === '--force-reset' || x === '--accept-data-loss')) return `prisma db push ${rest.find((x) => x.startsWith('--f') || x.startsWith('--a'))} loses data`;
  }
  if (c.name === 'dropdb') return 'dropdb deletes a PostgreSQL database';
  if (c.name === 'mysqladmin' && a.some((x) => x === 'drop')) return 'mysqladmin drop deletes a database';
  if (/^(?:psql|mysql|mariadb)$/.test(c.name)) {
    const sql = a.slice(1).find((x) => /\bdrop\s+(?:database|schema)\b/i.test(x));
    if (sql) return `${c.name} runs DROP ${/schema/i.test(sql) ? 'SCHEMA' : 'DATABASE'}`;
  }
  const dj = djangoCommand(c);
  if (w.includes('sequelize') || w.includes('sequelize-cli')) {
    if (w.includes('db:drop')) return 'sequelize db:drop deletes the database';
  }
  if (w.includes('typeorm') && w.includes('schema:drop')) return 'typeorm schema:drop drops every table';
  if (dj === 'flush') return 'manage.py flush deletes every row of every table';
  if (dj === 'reset_db' || dj === 'reset_schema') return `manage.py ${dj} drops and re-creates the database`;
  if (c.name === 'docker') {
    if (a[1] === 'system' && a[2] === 'prune' && a.some((x) => x === '--volumes')) return 'docker system prune --volumes deletes every volume no container uses, database volumes of stopped services included';
    if (a[1] === 'volume' && a[2] === 'prune') return 'docker volume prune deletes volumes no running container uses';
  }
  if ((c.name === 'docker' && a[1] === 'compose') || c.name === 'docker-compose') {
    const rest = afterVerb(a, 'down');
    if (rest && rest.some((x) => x === '--volumes' || (/^-[a-zA-Z]*$/.test(x) && x.includes('v')))) return 'docker compose down -v deletes the named volumes: the database and uploads with them';
  }
  const path = removedDataPath(c);
  if (path) return `rm -r ${path} deletes data`;
  return undefined;
}

