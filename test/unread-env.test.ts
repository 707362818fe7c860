import { describe, expect, it } from 'vitest';
import { knownReader } from '../src/model/deployment/env-readers.js';
import { dynamicReads, unseenStarImports } from '../src/model/deployment/env-usage.js';
import { nearMiss } from '../rules/deployment/XF018-production-env-key-unread.js';
import type { Requirement } from '../src/model/types.js';

const req = (...names: string[]): Requirement[] =>
  names.map((name) => ({ name, specifier: '', extras: [], scope: 'main', span: { file: 'requirements.txt', start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 2, offset: 1 } } }));

describe('near misses between a defined key and a key the settings read', () => {
  it('a prefix (DJANGO_DEBUG / DEBUG, both ways) or a typo scaled to the name length', () => {
    expect(nearMiss('DJANGO_DEBUG', 'DEBUG')).toBe('prefix');
    expect(nearMiss('SECRET_KEY', 'DJANGO_SECRET_KEY')).toBe('prefix');
    expect(nearMiss('DJANGO_ALLOWED_HOST', 'DJANGO_ALLOWED_HOSTS')).toBe('typo');
    expect(nearMiss('DATABSE_URL', 'DATABASE_URL')).toBe('typo');
    expect(nearMiss('EMAIL_HSOT', 'EMAIL_HOST')).toBe('typo');
    expect(nearMiss('REDIS_URL', 'REDIS_URI')).toBe('typo');
  });
  it('not for short names, different words, or a shared suffix that is not a whole prefix', () => {
    expect(nearMiss('DB', 'DEBUG')).toBeUndefined();
    expect(nearMiss('PORT', 'HOST')).toBeUndefined();
    expect(nearMiss('APP_URL', 'URL')).toBeUndefined(); // the read name is too short to call it a prefix
    expect(nearMiss('CACHE_URL', 'BROKER_URL')).toBeUndefined();
    expect(nearMiss('XDEBUG', 'DEBUG')).toBeUndefined();
    expect(nearMiss('DEBUG', 'DEBUG')).toBeUndefined();
  });
});

describe('reads of the environment by names not written out', () => {
  const whys = (text: string) => dynamicReads(text).map((d) => text.slice(d.at, d.at + d.length));
  it('literal names are closed reads', () => {
    expect(whys('import os\nX = os.environ.get("X", "")\nY = os.environ["Y"]\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "a.b")\nZ = os.getenv(\'Z\')\n')).toEqual([]);
    expect(whys('env = environ.Env(DEBUG=(bool, False))\nDEBUG = env.bool("DEBUG", default=False)\nDATABASES = {"default": env.db()}\nK = config("K", cast=bool)\n')).toEqual([]);
    // read_env loads a file into the environment: it defines variables, it reads none by name.
    expect(whys('environ.Env.read_env(str(BASE_DIR / ".env"))\nenv.read_env(path)\n')).toEqual([]);
  });
  it('whole-environment uses, computed names and implicit readers are open', () => {
    expect(whys('for k, v in os.environ.items():\n    pass\n')).toEqual(['os.environ']);
    expect(whys('subprocess.run(cmd, env={**os.environ, "A": "1"})\n')).toEqual(['os.environ']);
    expect(whys('v = os.environ.get(f"{PREFIX}_URL")\n')).toEqual(['os.environ']);
    expect(whys('v = os.environ.get("A_" + name)\n')).toEqual(['os.environ']);
    expect(whys('v = os.getenv(name)\n')).toEqual(['os.getenv']);
    expect(whys('v = env.str(key, default="")\n')).toEqual(['env.str']);
    expect(whys('from os import environ\nX = environ["X"]\nd = dict(environ)\n')).toEqual(['environ']);
    expect(whys('from pydantic_settings import BaseSettings\n').length).toBeGreaterThan(0);
    expect(whys('from configurations import Configuration, values\n').length).toBeGreaterThan(0);
  });
});

describe('programs and libraries that read variables on their own', () => {
  it('applies a row only when its library is declared', () => {
    expect(knownReader('AWS_ACCESS_KEY_ID', req('django'))).toBeUndefined();
    expect(knownReader('AWS_ACCESS_KEY_ID', req('boto3'))).toContain('AWS');
    expect(knownReader('SENTRY_DSN', req('sentry-sdk'))).toContain('Sentry');
    expect(knownReader('OTEL_SERVICE_NAME', req('opentelemetry-sdk'))).toBe('OpenTelemetry');
    expect(knownReader('WEB_CONCURRENCY', req())).toBeDefined();
    expect(knownReader('DJANGO_SETTINGS_MODULE', req())).toBeDefined();
    expect(knownReader('DJANGO_DEBUG', req('django', 'gunicorn'))).toBeUndefined();
    expect(knownReader('PGSSLMODE', req('psycopg2-binary'))).toBeDefined();
  });
});

describe('star imports of modules the repository does not hold', () => {
  const paths = new Set(['config/settings/__init__.py', 'config/settings/base.py', 'config/settings/production.py', 'shop/common.py']);
  const open = (file: string, text: string) => unseenStarImports(file, text, paths).map((d) => d.why);
  it('relative and absolute imports of files in the repository are known', () => {
    expect(open('config/settings/production.py', 'from .base import *\nfrom shop.common import *\nfrom config.settings.base import *\n')).toEqual([]);
  });
  it('a local_settings.py kept on the server, or a package, is not', () => {
    expect(open('config/settings/production.py', 'try:\n    from .local import *\nexcept ImportError:\n    pass\n')).toEqual(['star import of .local, which the repository does not hold']);
    expect(open('config/settings/production.py', 'from extsettings.defaults import *\n')).toHaveLength(1);
    expect(open('config/settings/production.py', 'from .. import *\n')).toEqual([]);
  });
  it('importlib and exec make the read set open', () => {
    expect(dynamicReads('mod = importlib.import_module(name)\n')).toHaveLength(1);
    expect(dynamicReads('exec(open("extra.py").read())\n')).toHaveLength(1);
  });
});
