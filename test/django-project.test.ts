import { describe, expect, it } from 'vitest';
import { chooseProductionModule, isNonProductionModule, isNonProductionProjectRoot, looksLikeDjangoSettings } from '../src/model/django-project.js';

const choose = (modules: string[]) =>
  chooseProductionModule({
    projectRoot: '',
    envLayers: [],
    entryPoints: [],
    settingsModules: new Map(modules.map((m) => [m, `${m.split('.').join('/')}.py`])),
    fileOf: () => undefined,
  })?.module;

describe('which settings module is production', () => {
  it('never a test, development or example module, by its name, its package or a word joined to settings', () => {
    for (const m of ['config.settings.local', 'tests.settings', 'hyperkitty.tests.settings_test', 'openstack_auth.tests.settings', 'settings_test', 'test_settings', 'myapp.dev_settings', 'examples.settings', 'project.testing.settings', 'settings_dev']) {
      expect(isNonProductionModule(m), m).toBe(true);
    }
    for (const m of ['settings', 'config.settings.production', 'shop.settings', 'latest.settings', 'contest.settings', 'testimonials.settings', 'settings_local', 'devices.settings']) {
      expect(isNonProductionModule(m), m).toBe(false);
    }
  });

  it('a lone settings module in a tests package is not chosen (openstack_auth, hyperkitty ship theirs so)', () => {
    expect(choose(['openstack_auth.tests.settings'])).toBeUndefined();
    expect(choose(['hyperkitty.tests.settings_test'])).toBeUndefined();
    expect(choose(['shop.settings', 'shop.tests.settings'])).toBe('shop.settings');
  });

  it('projects under documentation, example or test directories are not production', () => {
    for (const root of ['usr/share/doc/python3-django-hyperkitty/examples', 'docs/tutorial', 'tests/project', 'examples']) expect(isNonProductionProjectRoot(root), root).toBe(true);
    for (const root of ['', 'services/shop', 'contest', 'latest/api', 'documentation-site']) expect(isNonProductionProjectRoot(root), root).toBe(false);
  });

  it('a settings.py that sets no setting at its top level is a helper module, not the project settings (horizon/utils/settings.py)', () => {
    expect(looksLikeDjangoSettings('from django.conf import settings\n\ndef import_setting(name):\n    return getattr(settings, name, None)\n')).toBe(false);
    expect(looksLikeDjangoSettings('import os\nDEBUG = False\n')).toBe(true);
    expect(looksLikeDjangoSettings('INSTALLED_APPS: list[str] = []\n')).toBe(true);
    expect(looksLikeDjangoSettings('from .base import *  # noqa\n')).toBe(true);
    expect(looksLikeDjangoSettings('from split_settings.tools import include\ninclude("components/*.py")\n')).toBe(true);
    expect(looksLikeDjangoSettings('MIDDLEWARE += ["x"]\n')).toBe(true);
    expect(looksLikeDjangoSettings('SESSION_ENGINE = "django.contrib.sessions.backends.file"\n')).toBe(true);
    expect(looksLikeDjangoSettings('def f():\n    DEBUG = True\n    return DEBUG\n')).toBe(false);
    expect(looksLikeDjangoSettings('x = 1\nTODO: write settings\n')).toBe(false);
    const chosen = chooseProductionModule({
      projectRoot: '',
      envLayers: [],
      entryPoints: [],
      settingsModules: new Map([['utils.settings', 'utils/settings.py']]),
      fileOf: () => undefined,
      looksLikeSettings: () => false,
    });
    expect(chosen).toBeUndefined();
  });
});
