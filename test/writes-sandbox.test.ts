import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../src/model/build.js';
import { accessAt, serviceSandbox } from '../src/model/deployment/sandbox.js';
import { deployedPath, normalisePath, projectWrites } from '../src/model/deployment/writes.js';
import type { SystemdUnit } from '../src/model/systemd/types.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function model(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'h11-writes-'));
  dirs.push(root);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return buildModel(root);
}

async function unit(service: string): Promise<SystemdUnit> {
  const m = await model({ 'deploy/app.service': `[Unit]\nDescription=x\n\n[Service]\nExecStart=/srv/venv/bin/gunicorn app.wsgi\n${service}\n` });
  return m.systemdUnits[0]!;
}

const access = async (service: string, path: string) => accessAt(serviceSandbox(await unit(service)), path)?.access;

describe('systemd sandbox (systemd.exec(5), namespace.c mount tables)', () => {
  it('ProtectSystem=strict: everything read-only but the API file systems and, with ProtectHome= off, the home directories', async () => {
    expect(await access('ProtectSystem=strict', '/srv/app/logs/x.log')).toBe('ro');
    expect(await access('ProtectSystem=strict', '/tmp/x')).toBe('ro');
    expect(await access('ProtectSystem=strict', '/dev/shm/x')).toBe('rw');
    expect(await access('ProtectSystem=strict', '/home/shop/app/media')).toBe('rw');
    expect(await access('ProtectSystem=strict\nProtectHome=read-only', '/home/shop/app/media')).toBe('ro');
    expect(await access('ProtectSystem=strict\nProtectHome=yes', '/root/x')).toBe('none');
  });

  it('yes and full protect /usr, /boot, /efi (and /etc) only; booleans as systemd parses them', async () => {
    expect(await access('ProtectSystem=yes', '/usr/local/app/x')).toBe('ro');
    expect(await access('ProtectSystem=true', '/etc/app/x')).toBe('rw');
    expect(await access('ProtectSystem=full', '/etc/app/x')).toBe('ro');
    expect(await access('ProtectSystem=full', '/srv/app/x')).toBe('rw');
    expect(await access('ProtectSystem=no', '/usr/x')).toBe('rw');
  });

  it('what opens paths again: ReadWritePaths= (prefixes, quotes, several per line), PrivateTmp=, managed directories, specifiers', async () => {
    const s = 'ProtectSystem=strict\nReadWritePaths=-/srv/app/media "/srv/app/logs"\nPrivateTmp=yes\nStateDirectory=app\nLogsDirectory=app\nCacheDirectory=app\nRuntimeDirectory=app';
    expect(await access(s, '/srv/app/media/2026/a.jpg')).toBe('rw');
    expect(await access(s, '/srv/app/logs/django.log')).toBe('rw');
    expect(await access(s, '/srv/app/db.sqlite3')).toBe('ro');
    expect(await access(s, '/tmp/x')).toBe('rw');
    expect(await access(s, '/var/tmp/cache')).toBe('rw');
    expect(await access(s, '/var/lib/app/db.sqlite3')).toBe('rw');
    expect(await access(s, '/var/lib/other/db.sqlite3')).toBe('ro');
    expect(await access(s, '/var/log/app/x.log')).toBe('rw');
    expect(await access(s, '/var/cache/app/x')).toBe('rw');
    expect(await access(s, '/run/app/x.sock')).toBe('rw');
    expect(await access('ProtectSystem=strict\nReadWritePaths=%S/app', '/var/lib/app/x')).toBe('rw');
  });

  it('the deepest setting wins: read-only inside writable and writable inside read-only', async () => {
    expect(await access('ReadOnlyPaths=/srv/app\nReadWritePaths=/srv/app/media', '/srv/app/media/x')).toBe('rw');
    expect(await access('ReadOnlyPaths=/srv/app\nReadWritePaths=/srv/app/media', '/srv/app/x')).toBe('ro');
    expect(await access('ProtectSystem=strict\nReadWritePaths=/srv/app\nReadOnlyPaths=/srv/app/code', '/srv/app/code/x')).toBe('ro');
    expect(await access('InaccessiblePaths=/srv/secret', '/srv/secret/x')).toBe('none');
  });

  it('DynamicUser=yes implies strict, ProtectHome=read-only and PrivateTmp=yes', async () => {
    expect(await access('DynamicUser=yes', '/srv/app/x')).toBe('ro');
    expect(await access('DynamicUser=yes', '/home/x')).toBe('ro');
    expect(await access('DynamicUser=yes', '/tmp/x')).toBe('rw');
    expect(await access('DynamicUser=yes\nStateDirectory=app', '/var/lib/app/x')).toBe('rw');
  });

  it('unsure cases are not decided: same-depth conflicts, writable under inaccessible, RootDirectory=, unknown specifiers', async () => {
    expect(await access('ReadOnlyPaths=/srv/app\nReadWritePaths=/srv/app', '/srv/app/x')).toBeUndefined();
    expect(await access('ProtectSystem=strict\nProtectHome=yes\nReadWritePaths=/home/shop/media', '/home/shop/media/x')).toBeUndefined();
    expect(serviceSandbox(await unit('ProtectSystem=strict\nRootDirectory=/srv/root')).opaque).toBeDefined();
    expect(serviceSandbox(await unit('ProtectSystem=strict\nReadWritePaths=%h/media')).opaque).toBeDefined();
  });

  it('a drop-in that resets ReadWritePaths= closes the paths again', async () => {
    const m = await model({
      'deploy/app.service': '[Service]\nExecStart=/srv/venv/bin/gunicorn app.wsgi\nProtectSystem=strict\nReadWritePaths=/srv/app/media\n',
      'deploy/app.service.d/override.conf': '[Service]\nReadWritePaths=\n',
    });
    const u = m.systemdUnits.find((x) => x.name === 'app.service')!;
    expect(accessAt(serviceSandbox(u), '/srv/app/media/x')?.access).toBe('ro');
  });
});

describe('paths the settings write to', () => {
  const project = async (settings: string, requirements = 'Django==5.1.4\n') => {
    const m = await model({ 'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n', 'shop/__init__.py': '', 'shop/settings.py': settings, 'requirements.txt': requirements });
    return m.djangoProjects[0]!;
  };

  it('file handlers (delay=True opens on first record), FileBasedCache, SQLite, MEDIA_ROOT with FileSystemStorage; each on its own line', async () => {
    const p = await project(`from pathlib import Path
BASE_DIR = Path(__file__).resolve().parent.parent
MEDIA_ROOT = BASE_DIR / "media"
LOGGING = {"version": 1, "handlers": {
    "f": {"class": "logging.handlers.TimedRotatingFileHandler", "filename": "logs/app.log", "delay": True},
    "s": {"class": "logging.StreamHandler"},
}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": "/var/tmp/c"}}
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}, "other": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "o.db"}}
`);
    const { writes, unknown } = projectWrites(p);
    expect(unknown).toEqual([]);
    expect(writes.map((w) => [w.kind, w.path, w.when, w.span.start.line])).toEqual([
      ['log-file', 'logs/app.log', 'use', 5],
      ['media-root', '/app/media', 'use', 3],
      ['file-cache', '/var/tmp/c', 'use', 8],
      ['sqlite', '/app/o.db', 'use', 9],
    ]);
  });

  it('no local media writes when the default storage is not FileSystemStorage (STORAGES on 4.2+, DEFAULT_FILE_STORAGE before 5.1)', async () => {
    const s3 = await project(`MEDIA_ROOT = "/srv/media"\nSTORAGES = {"default": {"BACKEND": "storages.backends.s3.S3Storage"}, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}\n`);
    expect(projectWrites(s3).writes).toEqual([]);
    const legacy = await project(`MEDIA_ROOT = "/srv/media"\nDEFAULT_FILE_STORAGE = "storages.backends.s3boto3.S3Boto3Storage"\n`, 'Django==4.2.11\n');
    expect(projectWrites(legacy).writes).toEqual([]);
    // 5.1 no longer reads DEFAULT_FILE_STORAGE: uploads go to MEDIA_ROOT.
    const ignored = await project(`MEDIA_ROOT = "/srv/media"\nDEFAULT_FILE_STORAGE = "storages.backends.s3boto3.S3Boto3Storage"\n`);
    expect(projectWrites(ignored).writes.map((w) => w.path)).toEqual(['/srv/media']);
    const located = await project(`MEDIA_ROOT = "/srv/media"\nSTORAGES = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": "/data/uploads"}}}\n`);
    expect(projectWrites(located).writes.map((w) => [w.setting, w.path])).toEqual([['STORAGES', '/data/uploads']]);
  });

  it('LOGGING_CONFIG = None: Django does not configure logging, no file is opened; unknown file names are listed with their variables', async () => {
    expect(projectWrites(await project(`LOGGING_CONFIG = None\nLOGGING = {"handlers": {"f": {"class": "logging.FileHandler", "filename": "/x.log"}}}\n`)).writes).toEqual([]);
    const u = projectWrites(await project(`import os\nLOGGING = {"handlers": {"f": {"class": "logging.FileHandler", "filename": os.environ["LOG_FILE"]}}}\n`));
    expect(u.unknown.map((x) => [x.what, x.variables])).toEqual([["LOGGING handler 'f' (logging.FileHandler)", ['LOG_FILE']]]);
  });

  it('file-based sessions: SESSION_FILE_PATH, else the temporary directory (/tmp)', async () => {
    const dflt = projectWrites(await project(`SESSION_ENGINE = "django.contrib.sessions.backends.file"\n`));
    expect(dflt.writes.map((w) => [w.kind, w.path, w.setting, w.span.start.line])).toEqual([['session-files', '/tmp', 'SESSION_ENGINE', 1]]);
    const set = projectWrites(await project(`SESSION_ENGINE = "django.contrib.sessions.backends.file"\nSESSION_FILE_PATH = "/srv/sessions"\n`));
    expect(set.writes.map((w) => [w.path, w.setting, w.span.start.line])).toEqual([['/srv/sessions', 'SESSION_FILE_PATH', 2]]);
    expect(projectWrites(await project(`SESSION_ENGINE = "django.contrib.sessions.backends.db"\n`)).writes).toEqual([]);
  });

  it('paths as deployed: the evaluator root moves to the checkout, relative paths to the working directory', () => {
    expect(deployedPath('/app/logs/x.log', '/app', '/srv/shop', '/srv/shop/src')).toBe('/srv/shop/logs/x.log');
    expect(deployedPath('logs/x.log', '/app', '/srv/shop', '/srv/shop/src')).toBe('/srv/shop/src/logs/x.log');
    expect(deployedPath('/app/x', '/app', undefined, '/srv')).toBeUndefined();
    expect(deployedPath('/application/x', '/app', '/srv', '/srv')).toBe('/application/x');
    expect(normalisePath('/a/./b/../c/')).toBe('/a/c');
  });
});

describe('where an image holds the repository (COPY . <dest>) and what a container may write', () => {
  it('maps the evaluator root through the COPY of the build context, relative destinations from WORKDIR, VOLUMEs kept', async () => {
    const m = await model({
      'backend/Dockerfile': 'FROM python:3.12-slim AS base\nWORKDIR /srv\nFROM base\nWORKDIR code\nCOPY . ./\nVOLUME ["/srv/code/media"]\nCMD ["gunicorn", "shop.wsgi"]\n',
      'docker-compose.prod.yml': 'services:\n  web:\n    build: ./backend\n    read_only: "true"\n    tmpfs: /tmp:size=64m\n    volumes:\n      - media:/srv/code/media:ro\n      - ./logs:/srv/code/logs\nvolumes:\n  media:\n',
    });
    const df = m.dockerfiles!.find((d) => d.file === 'backend/Dockerfile')!;
    const { imagePlacement, composeMounts, composeReadOnly, mountAt } = await import('../src/model/deployment/container-fs.js');
    const p = imagePlacement(df, df.targets[0]!, 'backend', '/app');
    expect(p.workdir).toBe('/srv/code');
    expect(p.map('/app/backend/media/x')).toBe('/srv/code/media/x');
    expect(p.map('/app/frontend/x')).toBeUndefined();
    expect(p.map('/var/log/x')).toBe('/var/log/x');
    expect(p.volumes.map((v) => v.path)).toEqual(['/srv/code/media']);
    const svc = m.composeProjects![0]!.services[0]!;
    expect(composeReadOnly(svc)).toBeDefined();
    const mounts = composeMounts(svc);
    expect(mounts.map((x) => [x.path, x.writable, x.persistent])).toEqual([
      ['/srv/code/media', false, true],
      ['/srv/code/logs', true, true],
      ['/tmp', true, false],
    ]);
    expect(mountAt(mounts, '/srv/code/logs/app.log')?.writable).toBe(true);
    expect(mountAt(mounts, '/srv/code/other')).toBeUndefined();
  });
});
