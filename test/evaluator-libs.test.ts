import { describe, expect, it } from 'vitest';
import { evaluate, run, val } from './evaluator-helpers.js';

describe('python-decouple', () => {
  const cfg = (expr: string, env?: Record<string, string | null>, extra = {}) => val(run(`from decouple import config, Csv, Choices\nX = ${expr}\n`, env, extra), 'X');

  it('strict bool table', () => {
    for (const [raw, want] of [['True', true], ['yes', true], ['on', true], ['1', true], ['t', true], ['y', true], ['OFF', false], ['0', false], ['f', false], ['', false]] as const) {
      expect(cfg('config("DEBUG", cast=bool)', { DEBUG: raw })).toBe(want);
    }
  });

  it('an invalid bool (e.g. an inline comment kept by decouple) is unknown with a ValueError problem', () => {
    const s = run('from decouple import config\nDEBUG = config("DEBUG", default=False, cast=bool)\n', { DEBUG: 'True # c' });
    const v = s.get('DEBUG')!.value;
    expect(v.kind).toBe('unknown');
    if (v.kind === 'unknown') {
      expect(v.reason).toBe("python-decouple would raise ValueError: not a boolean: 'True # c'");
      expect(v.variables).toEqual(['DEBUG']);
    }
    expect(s.problems.map((p) => p.message)).toEqual(["python-decouple would raise ValueError: DEBUG='True # c' is not a boolean"]);
  });

  it('casts the default too', () => {
    expect(cfg('config("DEBUG", default=False, cast=bool)', { OTHER: '1' })).toBe(false);
    expect(cfg('config("DEBUG", default="yes", cast=bool)', { OTHER: '1' })).toBe(true);
    expect(cfg('config("PORT", default="8000", cast=int)', { OTHER: '1' })).toBe(8000);
    expect(cfg('config("N", default=None, cast=bool)', { OTHER: '1' })).toEqual({ unknown: ['N'] });
  });

  it('missing without a default is UndefinedValueError: unknown, required-missing', () => {
    const s = run('from decouple import config\nSECRET_KEY = config("SECRET_KEY")\n', { OTHER: '1' });
    expect(val(s, 'SECRET_KEY')).toEqual({ unknown: ['SECRET_KEY'] });
    expect(s.envReads[0]).toMatchObject({ library: 'python-decouple', decidedBy: 'required-missing' });
  });

  it('int, float and str casts', () => {
    expect(cfg('config("P", cast=int)', { P: ' 42 ' })).toBe(42);
    expect(cfg('config("P", cast=float)', { P: '1.5' })).toBe(1.5);
    expect(cfg('config("P", cast=str)', { P: '7' })).toBe('7');
    expect(cfg('config("P", cast=int)', { P: 'abc' })).toEqual({ unknown: ['P'] });
  });

  it('Csv() with shlex splitting, strip, cast and post_process', () => {
    expect(cfg('config("H", cast=Csv())', { H: 'a.com, b.com,,c.com' })).toEqual(['a.com', 'b.com', 'c.com']);
    expect(cfg('config("H", cast=Csv())', { H: '"a,b", c' })).toEqual(['a,b', 'c']);
    expect(cfg('config("H", cast=Csv(int))', { H: '1, 2' })).toEqual([1, 2]);
    expect(cfg('config("H", cast=Csv(post_process=tuple))', { H: 'x' })).toEqual({ tuple: ['x'] });
    expect(cfg('config("H", cast=Csv(delimiter=";"))', { H: 'a;b' })).toEqual(['a', 'b']);
    expect(cfg('config("H", default="", cast=Csv())', { OTHER: '1' })).toEqual([]);
  });

  it('Choices()', () => {
    expect(cfg('config("E", cast=Choices(["a", "b"]))', { E: 'a' })).toBe('a');
    expect(cfg('config("E", cast=Choices(["a", "b"]))', { E: 'z' })).toEqual({ unknown: ['E'] });
    expect(cfg('config("E", cast=Choices(choices=[("x", "X")]))', { E: 'x' })).toBe('x');
  });

  it('a lambda or helper as cast', () => {
    expect(cfg('config("H", cast=lambda v: [s.strip() for s in v.split(",")])', { H: 'a, b' })).toEqual(['a', 'b']);
  });

  it('AutoConfig finds a .env next to the settings or above; os.environ wins', () => {
    const s = evaluate({
      files: { 'proj/settings.py': 'from decouple import config\nA = config("A")\nB = config("B", default="d")\nC = config("C", default="d")\n' },
      module: 'proj.settings',
      env: { B: 'from-env' },
      dotenvFiles: { '.env': { A: 'from-file', B: 'file-loses' } },
    });
    expect([val(s, 'A'), val(s, 'B'), val(s, 'C')]).toEqual(['from-file', 'from-env', 'd']);
    expect(s.envReads.map((r) => [r.name, r.decidedBy, r.source?.layer])).toEqual([
      ['A', 'env-source', '.env'],
      ['B', 'env-source', '.env.production'],
      ['C', 'default', undefined],
    ]);
  });

  it('Config(RepositoryEnv(path))', () => {
    const s = evaluate({
      files: { 'settings.py': 'import os\nfrom decouple import Config, RepositoryEnv\nconfig = Config(RepositoryEnv(os.path.join("/app", "conf", "prod.env")))\nA = config("A", cast=int)\n' },
      env: { OTHER: '1' },
      dotenvFiles: { 'conf/prod.env': { A: '5' } },
    });
    expect(val(s, 'A')).toBe(5);
  });
});

describe('django-environ', () => {
  const head = 'import environ\nenv = environ.Env(DEBUG=(bool, False), HOSTS=(list, []), WORKERS=(int, 2))\n';
  const e = (expr: string, env?: Record<string, string | null>) => val(run(`${head}X = ${expr}\n`, env ?? { OTHER: '1' }), 'X');

  it('bool: int-parsable values compare to 0, others against the true set, never an error', () => {
    expect(e('env.bool("F")', { F: '2' })).toBe(true);
    expect(e('env.bool("F")', { F: '0' })).toBe(false);
    expect(e('env.bool("F")', { F: 'nope' })).toBe(false);
    expect(e('env.bool("F")', { F: ' Yes ' })).toBe(true);
    expect(e('env.bool("F")', { F: 'ok' })).toBe(true);
    expect(e('env.bool("F")', { F: 'True # c' })).toBe(false);
  });

  it('scheme defaults and casts', () => {
    expect(e('env("DEBUG")')).toBe(false);
    expect(e('env("DEBUG")', { DEBUG: 'on' })).toBe(true);
    expect(e('env("HOSTS")')).toEqual([]);
    expect(e('env("HOSTS")', { HOSTS: 'a, b,,c' })).toEqual(['a', ' b', 'c']);
    expect(e('env("WORKERS")', { WORKERS: '8' })).toBe(8);
  });

  it('missing without a default is ImproperlyConfigured: unknown, required-missing', () => {
    const s = run(`${head}SECRET_KEY = env("SECRET_KEY")\n`, { OTHER: '1' });
    expect(val(s, 'SECRET_KEY')).toEqual({ unknown: ['SECRET_KEY'] });
    expect(s.envReads[0]).toMatchObject({ library: 'django-environ', decidedBy: 'required-missing' });
  });

  it('smart cast from the default type; the default itself is returned unparsed', () => {
    expect(e('env("N", default=5)', { N: '7' })).toBe(7);
    expect(e('env("N", default=5)')).toBe(5);
    expect(e('env.int("N", default="5")')).toBe('5');
    expect(e('env("B", default=False)', { B: 'yes' })).toBe(true);
  });

  it('typed getters', () => {
    expect(e('env.str("S")', { S: 'x' })).toBe('x');
    expect(e('env.int("S")', { S: '12' })).toBe(12);
    expect(e('env.float("S")', { S: '1,5' })).toBe(1.5);
    expect(e('env.list("S")', { S: 'a,b' })).toEqual(['a', 'b']);
    expect(e('env.list("S", cast=int)', { S: '1,2' })).toEqual([1, 2]);
    expect(e('env.tuple("S")', { S: '(a,b)' })).toEqual({ tuple: ['a', 'b'] });
    expect(e('env.dict("S")', { S: 'a=1,b=2' })).toEqual({ a: '1', b: '2' });
    expect(e('env.json("S")', { S: '{"a": [1, true, null]}' })).toEqual({ a: [1, true, null] });
    expect(e('env.str("S", multiline=True)', { S: 'a\\nb' })).toBe('a\nb');
  });

  it('$OTHER proxies to another variable', () => {
    const s = run(`${head}X = env("ALIAS")\n`, { ALIAS: '$REAL', REAL: 'value' });
    expect(val(s, 'X')).toBe('value');
    expect(s.envReads.map((r) => r.name)).toEqual(['ALIAS', 'REAL']);
  });

  it('db, cache and email URLs', () => {
    expect(e('env.db()', { DATABASE_URL: 'postgres://u:p%40ss@db.example.com:5432/shop?CONN_MAX_AGE=60&sslmode=require' })).toEqual({
      NAME: 'shop', USER: 'u', PASSWORD: 'p@ss', HOST: 'db.example.com', PORT: 5432, CONN_MAX_AGE: 60, OPTIONS: { sslmode: 'require' }, ENGINE: 'django.db.backends.postgresql',
    });
    expect(e('env.db("DB", default="sqlite:////app/db.sqlite3")')).toEqual({ NAME: '/app/db.sqlite3', USER: '', PASSWORD: '', HOST: '', PORT: '', ENGINE: 'django.db.backends.sqlite3' });
    expect(e('env.cache()', { CACHE_URL: 'redis://cache:6379/1' })).toEqual({ BACKEND: 'django_redis.cache.RedisCache', LOCATION: 'redis://cache:6379/1' });
    expect(e('env.cache_url("C", default="locmemcache://")')).toEqual({ BACKEND: 'django.core.cache.backends.locmem.LocMemCache', LOCATION: '' });
    expect(e('env.email()', { EMAIL_URL: 'smtp+tls://user:pw@smtp.example.com:587' })).toEqual({
      EMAIL_FILE_PATH: '', EMAIL_HOST_USER: 'user', EMAIL_HOST_PASSWORD: 'pw', EMAIL_HOST: 'smtp.example.com', EMAIL_PORT: 587,
      EMAIL_BACKEND: 'django.core.mail.backends.smtp.EmailBackend', EMAIL_USE_TLS: true,
    });
  });

  it('an unknown cache scheme is an ImproperlyConfigured problem', () => {
    const s = run(`${head}CACHES = {"default": env.cache("C", default="bogus://x")}\n`, { OTHER: '1' });
    expect(s.problems.map((p) => p.message)).toEqual(['django-environ would raise ImproperlyConfigured: invalid cache schema bogus']);
  });

  it('read_env: the file fills what the real environment lacks; overwrite=True wins', () => {
    const files = { 'config/settings.py': `import environ, os\nenv = environ.Env()\nenviron.Env.read_env(os.path.join("/app", ".env"))\nA = env("A")\nB = env("B")\n` };
    const s = evaluate({ files, module: 'config.settings', env: { B: 'real' }, dotenvFiles: { '.env': { A: 'file', B: 'file' } } });
    expect([val(s, 'A'), val(s, 'B')]).toEqual(['file', 'real']);
    expect(s.envReads[0]!.source!.layer).toBe('.env');
    const o = evaluate({
      files: { 'config/settings.py': files['config/settings.py'].replace('".env"))', '".env"), overwrite=True)') },
      module: 'config.settings', env: { B: 'real' }, dotenvFiles: { '.env': { A: 'file', B: 'file' } },
    });
    expect(val(o, 'B')).toBe('file');
  });

  it('read_env() without a path reads .env next to the settings file; missing files are ignored', () => {
    const s = evaluate({
      files: { 'config/settings.py': 'import environ\nenv = environ.Env()\nenv.read_env()\nA = env("A", default="none")\n' },
      module: 'config.settings', env: { OTHER: '1' }, dotenvFiles: { 'config/.env': { A: 'beside' } },
    });
    expect(val(s, 'A')).toBe('beside');
    const t = evaluate({ files: { 'settings.py': 'import environ\nenviron.Env.read_env()\nA = 1\n' }, env: { OTHER: '1' }, dotenvFiles: {} });
    expect(val(t, 'A')).toBe(1);
    expect(t.problems).toEqual([]);
  });

  it('environ.Path arithmetic', () => {
    const s = evaluate({
      files: { 'config/settings/base.py': 'import environ\nROOT = environ.Path(__file__) - 3\nAPPS = ROOT.path("apps")\nSTATIC_ROOT = str(ROOT("static"))\nR = str(ROOT)\n' },
      module: 'config.settings.base',
    });
    expect(val(s, 'STATIC_ROOT')).toBe('/app/static');
    expect(val(s, 'R')).toBe('/app');
  });
});

describe('dj-database-url', () => {
  it('config() parses DATABASE_URL into a Django DATABASES entry', () => {
    const s = run('import dj_database_url\nDATABASES = {"default": dj_database_url.config(conn_max_age=600, conn_health_checks=True, ssl_require=True)}\n', {
      DATABASE_URL: 'postgres://shop:pw@db.internal:5432/shop',
    });
    expect(val(s, 'DATABASES')).toEqual({
      default: {
        NAME: 'shop', USER: 'shop', PASSWORD: 'pw', HOST: 'db.internal', PORT: 5432, CONN_MAX_AGE: 600, CONN_HEALTH_CHECKS: true,
        DISABLE_SERVER_SIDE_CURSORS: false, ENGINE: 'django.db.backends.postgresql', OPTIONS: { sslmode: 'require' },
      },
    });
    expect(s.envReads[0]).toMatchObject({ name: 'DATABASE_URL', library: 'dj-database-url', decidedBy: 'env-source' });
    expect(s.get('DATABASES')!.value.kind).toBe('dict');
  });

  it('default URL, parse(), sqlite paths and missing variable', () => {
    const a = run('import dj_database_url\nD = dj_database_url.config(default="sqlite:///db.sqlite3")\n', { OTHER: '1' });
    expect(val(a, 'D')).toEqual({ NAME: 'db.sqlite3', USER: '', PASSWORD: '', HOST: '', PORT: '', CONN_MAX_AGE: 0, CONN_HEALTH_CHECKS: false, DISABLE_SERVER_SIDE_CURSORS: false, ENGINE: 'django.db.backends.sqlite3' });
    expect(a.envReads[0]!.decidedBy).toBe('default');
    const b = run('import dj_database_url\nD = dj_database_url.parse("mysql://u@h/db?ssl-ca=/ca.pem&connect_timeout=10")\n');
    expect(val(b, 'D')).toMatchObject({ ENGINE: 'django.db.backends.mysql', HOST: 'h', PORT: '', OPTIONS: { ssl: { ca: '/ca.pem' }, connect_timeout: 10 } });
    const c = run('import dj_database_url\nD = dj_database_url.config()\n', { OTHER: '1' });
    expect(val(c, 'D')).toEqual({ unknown: ['DATABASE_URL'] });
    const d = run('import dj_database_url\nD = dj_database_url.config()\n');
    expect(val(d, 'D')).toEqual({});
  });

  it('an unsupported scheme is a ValueError problem', () => {
    const s = run('import dj_database_url\nD = dj_database_url.parse("foo://x/y")\n');
    expect(val(s, 'D')).toEqual({ unknown: [] });
    expect(s.problems[0]!.message).toContain("no support for scheme 'foo'");
  });
});

describe('python-dotenv', () => {
  it('load_dotenv(find_dotenv()) loads the nearest .env; the real environment wins', () => {
    const s = evaluate({
      files: { 'app/conf/settings.py': 'import os\nfrom dotenv import load_dotenv, find_dotenv\nFOUND = find_dotenv()\nload_dotenv(FOUND)\nA = os.getenv("A")\nB = os.getenv("B")\n' },
      module: 'app.conf.settings', env: { B: 'real' }, dotenvFiles: { 'app/.env': { A: 'file', B: 'file' } },
    });
    expect([val(s, 'FOUND'), val(s, 'A'), val(s, 'B')]).toEqual(['/app/app/.env', 'file', 'real']);
  });

  it('load_dotenv(override=True) and a missing file', () => {
    const s = evaluate({
      files: { 'settings.py': 'import os\nimport dotenv\nOK = dotenv.load_dotenv("/app/.env", override=True)\nNO = dotenv.load_dotenv("/app/missing.env")\nB = os.getenv("B")\n' },
      env: { B: 'real' }, dotenvFiles: { '.env': { B: 'file' } },
    });
    expect([val(s, 'OK'), val(s, 'NO'), val(s, 'B')]).toEqual([true, false, 'file']);
  });
});

describe('provenance through operators', () => {
  it('env.bool("DEBUG") or False keeps the DEBUG read', () => {
    const s = run('import environ\nenv = environ.Env()\nDEBUG = env.bool("DEBUG", default=False) or False\n', { DEBUG: 'off' });
    expect(val(s, 'DEBUG')).toBe(false);
    const reads = s.get('DEBUG')!.value.origin!.env!;
    expect(reads.map((r) => [r.name, r.library, r.decidedBy, r.raw])).toEqual([['DEBUG', 'django-environ', 'env-source', 'off']]);
    expect(reads[0]!.source!.span.start.line).toBe(1);
  });
});
