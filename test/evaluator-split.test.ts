import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../src/model/build.js';
import { LayeredEnv } from '../src/model/env/types.js';
import { evaluateSettings, makeResolver, resolveRelativeImport } from '../src/model/settings/evaluate.js';
import { evaluate, lineOf, val } from './evaluator-helpers.js';

const base = `import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DEBUG = True
_PRIVATE = "hidden"
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
LOGGING = {"version": 1, "handlers": {}}
`;

const production = `from .base import *  # noqa

DEBUG = False
INSTALLED_APPS += ["storages"]
MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
LOGGING["handlers"]["console"] = {"class": "logging.StreamHandler"}
`;

const project = (extra: Record<string, string> = {}) => ({
  'config/__init__.py': '',
  'config/settings/__init__.py': '',
  'config/settings/base.py': base,
  'config/settings/production.py': production,
  ...extra,
});

describe('split settings', () => {
  it('star import, override and mutations with history across files', () => {
    const s = evaluate({ files: project(), module: 'config.settings.production' });
    expect(s.file).toBe('config/settings/production.py');
    expect(s.files).toEqual(['config/settings/production.py', 'config/settings/base.py']);
    expect(val(s, 'DEBUG')).toBe(false);
    expect(val(s, 'BASE_DIR')).toEqual({ path: '/app' });
    expect(val(s, 'INSTALLED_APPS')).toEqual(['django.contrib.admin', 'django.contrib.auth', 'storages']);
    expect(val(s, 'MIDDLEWARE')).toEqual([
      'django.middleware.security.SecurityMiddleware',
      'whitenoise.middleware.WhiteNoiseMiddleware',
      'django.middleware.common.CommonMiddleware',
    ]);
    expect(val(s, 'LOGGING')).toEqual({ version: 1, handlers: { console: { class: 'logging.StreamHandler' } } });
    expect(s.get('_PRIVATE')).toBeUndefined();

    const debug = s.get('DEBUG')!;
    expect(lineOf(debug.span)).toBe('config/settings/production.py:3');
    expect(debug.history.map(lineOf)).toEqual(['config/settings/base.py:5', 'config/settings/production.py:3']);
    expect(lineOf(debug.valueSpan)).toBe('config/settings/production.py:3');
    expect(debug.valueSpan!.start.column).toBe(9);

    const apps = s.get('INSTALLED_APPS')!;
    expect(apps.history.map(lineOf)).toEqual(['config/settings/base.py:7', 'config/settings/production.py:4']);
    expect(lineOf(apps.span)).toBe('config/settings/production.py:4');

    const mw = s.get('MIDDLEWARE')!;
    expect(mw.history.map(lineOf)).toEqual(['config/settings/base.py:11', 'config/settings/production.py:5']);
    expect(lineOf(mw.span)).toBe('config/settings/production.py:5');
    expect(s.get('LOGGING')!.history.map(lineOf)).toEqual(['config/settings/base.py:15', 'config/settings/production.py:6']);

    const root = s.get('BASE_DIR')!;
    expect(root.history.map(lineOf)).toEqual(['config/settings/base.py:4']);
    expect(root.span.start.column).toBe(1);
  });

  it('the base module itself is not changed in its own evaluation', () => {
    const s = evaluate({ files: project(), module: 'config.settings.base' });
    expect(val(s, 'DEBUG')).toBe(true);
    expect(val(s, 'INSTALLED_APPS')).toEqual(['django.contrib.admin', 'django.contrib.auth']);
    expect(s.get('DEBUG')!.history.map(lineOf)).toEqual(['config/settings/base.py:5']);
  });

  it('__all__ limits a star import', () => {
    const s = evaluate({
      files: { 'pkg/__init__.py': '', 'pkg/a.py': '__all__ = ["A"]\nA = 1\nB = 2\n', 'pkg/b.py': 'from .a import *\n' },
      module: 'pkg.b',
    });
    expect(s.names()).toEqual(['A']);
  });

  it('from-import of names, absolute package imports and `import x.y as z`', () => {
    const s = evaluate({
      files: project({
        'config/settings/other.py': 'from config.settings.base import DEBUG, INSTALLED_APPS as APPS\nimport config.settings.base as b\nimport config.settings.base\nNAME = b.LOGGING["version"]\nAGAIN = config.settings.base.DEBUG\n',
      }),
      module: 'config.settings.other',
    });
    expect(val(s, 'DEBUG')).toBe(true);
    expect(val(s, 'APPS')).toEqual(['django.contrib.admin', 'django.contrib.auth']);
    expect(val(s, 'NAME')).toBe(1);
    expect(val(s, 'AGAIN')).toBe(true);
    expect(s.files.filter((f) => f.endsWith('base.py'))).toHaveLength(1);
  });

  it('try/except ImportError: a missing local.py takes the except branch', () => {
    const s = evaluate({
      files: project({ 'config/settings/production.py': `${production}\ntry:\n    from .local import *\nexcept ImportError:\n    LOCAL = False\n` }),
      module: 'config.settings.production',
    });
    expect(val(s, 'LOCAL')).toBe(false);
    expect(val(s, 'DEBUG')).toBe(false);
    expect(s.problems).toEqual([]);
  });

  it('try/except ImportError: a present local.py is imported, as Django would', () => {
    const s = evaluate({
      files: project({
        'config/settings/production.py': `${production}\ntry:\n    from .local import *\nexcept ImportError:\n    LOCAL = False\n`,
        'config/settings/local.py': 'DEBUG = True\nLOCAL = True\n',
      }),
      module: 'config.settings.production',
    });
    expect(val(s, 'LOCAL')).toBe(true);
    expect(val(s, 'DEBUG')).toBe(true);
    expect(lineOf(s.get('DEBUG')!.span)).toBe('config/settings/local.py:1');
    expect(s.files).toContain('config/settings/local.py');
  });

  it('try/except/else/finally ordering', () => {
    const s = evaluate({
      files: { 'settings.py': 'ORDER = []\ntry:\n    ORDER.append("try")\nexcept Exception:\n    ORDER.append("except")\nelse:\n    ORDER.append("else")\nfinally:\n    ORDER.append("finally")\n' },
    });
    expect(val(s, 'ORDER')).toEqual(['try', 'else', 'finally']);
  });

  it('an uncaught ImportError of a project module is a problem; third-party imports are opaque', () => {
    const s = evaluate({
      files: { 'proj/__init__.py': '', 'proj/settings.py': 'import sentry_sdk\nsentry_sdk.init(dsn="x")\nfrom celery.schedules import crontab\nBEAT = {"t": {"schedule": crontab(minute=0)}}\nA = 1\nfrom .missing import X\nB = 2\n' },
      module: 'proj.settings',
    });
    expect(val(s, 'A')).toBe(1);
    expect(val(s, 'BEAT')).toEqual({ t: { schedule: { unknown: [] } } });
    expect(s.get('B')).toBeUndefined();
    expect(s.problems.map((p) => [p.message, p.span.start.line])).toEqual([
      ['proj.settings raises ModuleNotFoundError here; Django would fail to load the settings', 6],
    ]);
  });

  it('names from a star import of an unseen module are unknown, not NameErrors', () => {
    const s = evaluate({ files: { 'settings.py': 'from somelib.defaults import *\nX = SOMETHING\n' } });
    expect(val(s, 'X')).toEqual({ unknown: [] });
    expect(s.problems).toEqual([]);
  });

  it('a star import of a module that is there but cannot be read may rebind every setting bound before it', () => {
    const files = [
      { path: 'proj/__init__.py', text: '' },
      {
        path: 'proj/settings.py',
        text: 'import os\nDEBUG = False\nSECRET_KEY = "change-this-on-your-production-server"\ntry:\n    from .settings_local import *\nexcept ImportError:\n    LOCAL = False\nfrom .settings_local import ADMINS\nSTATIC_ROOT = os.path.join("/srv", "static")\n',
      },
    ];
    const resolver = {
      ...makeResolver(files),
      unseen: (name: string) => (name === 'proj.settings_local' ? { path: 'proj/settings_local.py', kind: 'unreadable' as const, why: 'proj/settings_local.py could not be read' } : undefined),
    };
    const s = evaluateSettings({ module: 'proj.settings', resolver, env: new LayeredEnv([]), environmentName: 'production', deployRoot: '/app' });
    // Its value here, or whatever the unread file sets.
    for (const name of ['DEBUG', 'SECRET_KEY']) {
      const v = s.get(name)!.value;
      expect(v.kind, name).toBe('unknown');
      expect(v.kind === 'unknown' && v.alternatives?.map((a) => a.kind), name).toEqual([name === 'DEBUG' ? 'bool' : 'str', 'unknown']);
      expect(lineOf(s.get(name)!.span), name).toBe(`proj/settings.py:${name === 'DEBUG' ? 2 : 3}`);
    }
    // The import succeeds where the file is: the except branch does not run there.
    expect(s.get('LOCAL')).toBeUndefined();
    expect(val(s, 'ADMINS')).toEqual({ unknown: [] });
    // Helpers the rest of the file uses stay what they were.
    expect(val(s, 'STATIC_ROOT')).toBe('/srv/static');
    expect(s.problems).toEqual([]);
  });

  it('a missing module with nothing at its path, or only a template, takes the except branch when the import is guarded', () => {
    const files = [{ path: 'proj/__init__.py', text: '' }, { path: 'proj/settings.py', text: 'DEBUG = False\ntry:\n    from .settings_local import *\nexcept ImportError:\n    LOCAL = False\n' }];
    // A guarded import with a committed example is as often a developer's own override, absent in production.
    const template = { path: 'proj/settings_local.py', kind: 'template' as const, why: 'only its template proj/settings_local.example.py is in the repository' };
    for (const unseen of [() => undefined, () => template]) {
      const s = evaluateSettings({ module: 'proj.settings', resolver: { ...makeResolver(files), unseen }, env: new LayeredEnv([]), environmentName: 'production', deployRoot: '/app' });
      expect(val(s, 'DEBUG')).toBe(false);
      expect(val(s, 'LOCAL')).toBe(false);
    }
  });

  it('end to end: a settings_local.py that links to /etc (mailman3-web packages it so) leaves DEBUG and SECRET_KEY undecided', async () => {
    const root = mkdtempSync(join(tmpdir(), 'audit-unread-local-'));
    try {
      writeFileSync(join(root, 'manage.py'), 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")\n');
      writeFileSync(join(root, 'wsgi.py'), 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")\n');
      writeFileSync(join(root, 'settings.py'), 'DEBUG = True\nSECRET_KEY = "change-this-on-your-production-server"\ntry:\n    from settings_local import *\nexcept ImportError:\n    pass\n');
      symlinkSync('/etc/audit-deploy-test-absent/mailman-web.py', join(root, 'settings_local.py'));
      const model = await buildModel(root);
      const settings = model.djangoProjects[0]!.settings;
      expect(settings.get('DEBUG')!.value.kind).toBe('unknown');
      expect(settings.get('SECRET_KEY')!.value.kind).toBe('unknown');
      expect(model.notices.some((n) => n.file === 'settings_local.py')).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('end to end: a module made at install time from a committed template (config.py_dpkg_dist, local_settings.example.py) may rebind what comes before it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'audit-template-local-'));
    try {
      const write = (rel: string, text: string) => {
        mkdirSync(join(root, rel, '..'), { recursive: true });
        writeFileSync(join(root, rel), text);
      };
      write('manage.py', 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "lti.settings")\n');
      write('lti/__init__.py', '');
      write('lti/wsgi.py', 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "lti.settings")\n');
      // wims-lti's way: no try, the package's postinst makes lti/config.py from the template.
      write('lti/settings.py', 'DEBUG = True\nSECRET_KEY = "dev-key"\nTIMEOUT = 5\nfrom lti.config import *\nLAST = 1\n');
      write('lti/config.py_dpkg_dist', 'DEBUG = False\n');
      const model = await buildModel(root);
      const p = model.djangoProjects[0]!;
      expect(p.settings.get('DEBUG')!.value.kind).toBe('unknown');
      expect(p.settings.get('TIMEOUT')!.value.kind).toBe('unknown');
      expect(p.settings.get('LAST')!.value).toMatchObject({ kind: 'int', value: 1 });
      expect(p.settings.problems).toEqual([]);
      const reason = p.settings.get('DEBUG')!.value;
      expect(reason.kind === 'unknown' && reason.alternatives?.[1]?.kind === 'unknown' && reason.alternatives[1].reason).toBe(
        "may be set by 'from lti.config import *' (only its template lti/config.py_dpkg_dist is in the repository)",
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('import cycles are guarded', () => {
    const s = evaluate({
      files: { 'p/__init__.py': '', 'p/a.py': 'from .b import *\nA = 1\n', 'p/b.py': 'from .a import *\nB = 2\n' },
      module: 'p.a',
    });
    expect(val(s, 'A')).toBe(1);
    expect(val(s, 'B')).toBe(2);
  });

  it('django-split-settings include() and optional()', () => {
    const s = evaluate({
      files: {
        'cfg/__init__.py': '',
        'cfg/settings/__init__.py': 'from split_settings.tools import include, optional\ninclude("components/base.py", "components/*.py", optional("local.py"))\n',
        'cfg/settings/components/__init__.py': '',
        'cfg/settings/components/base.py': 'from pathlib import Path\nBASE_DIR = Path(__file__).parent\nAPPS = ["a"]\n',
        'cfg/settings/components/extra.py': 'APPS += ["b"]\n',
      },
      module: 'cfg.settings',
    });
    // include() keeps the including file's __file__, as django-split-settings does.
    expect(val(s, 'BASE_DIR')).toEqual({ path: '/app/cfg/settings' });
    expect(val(s, 'APPS')).toEqual(['a', 'b']);
    expect(s.get('APPS')!.history.map(lineOf)).toEqual(['cfg/settings/components/base.py:3', 'cfg/settings/components/extra.py:1']);
    expect(s.problems).toEqual([]);
  });

  it('a syntax error in base.py still yields the later settings of both files', () => {
    const s = evaluate({
      files: project({ 'config/settings/base.py': `${base}BROKEN = foo(1 2)\nAFTER = "ok"\n` }),
      module: 'config.settings.production',
    });
    expect(val(s, 'AFTER')).toBe('ok');
    expect(val(s, 'DEBUG')).toBe(false);
  });

  it('an unresolvable settings module yields no settings and no crash', () => {
    const s = evaluate({ files: {}, module: 'nope.settings' });
    expect(s.names()).toEqual([]);
    expect(s.file).toBe('nope/settings.py');
  });
});

describe('resolveRelativeImport', () => {
  it('resolves levels from modules and packages', () => {
    expect(resolveRelativeImport('config.settings.production', false, 1, 'base')).toBe('config.settings.base');
    expect(resolveRelativeImport('config.settings', true, 1, 'base')).toBe('config.settings.base');
    expect(resolveRelativeImport('config.settings.production', false, 2, 'urls')).toBe('config.urls');
    expect(resolveRelativeImport('config.settings.production', false, 1, '')).toBe('config.settings');
    expect(resolveRelativeImport('config.settings.production', false, 0, 'x.y')).toBe('x.y');
    expect(resolveRelativeImport('top', false, 1, 'x')).toBeUndefined();
    expect(resolveRelativeImport('a.b', false, 3, 'x')).toBeUndefined();
  });
});
