import { posix } from 'node:path';
import type { Span } from '../core/position.js';
import type { SourceText } from '../core/source.js';
import type { DiscoveredFile } from '../discover/types.js';
import type { EnvLayer } from './env/types.js';
import type { ProductionModuleChoice } from './types.js';

/**
 * Module names that are never production: developers' and tests' settings, by the module's own
 * name (config.settings.local), the package it lives in (hyperkitty.tests.settings_test,
 * openstack_auth.tests.settings), or a test or development word joined to `settings`
 * (settings_test, test_settings, dev_settings).
 */
const NON_PRODUCTION = /(^|\.)(local|locals|dev|develop|development|test|tests|testing|ci|debug|sandbox|example|examples|sample|samples|docker_dev)$/i;
const NON_PRODUCTION_PACKAGE = /(^|\.)(tests?|testing|examples?|samples?)\./i;
const NON_PRODUCTION_AFFIX = /(^|\.)(?:(?:test|tests|testing|dev|develop|development|local|ci|debug|example|sample)_settings|settings_(?:test|tests|testing|dev|develop|development|ci|debug|example|sample))$/i;
const PRODUCTION_NAME = /(^|\.)(production|prod|live|deploy|deployment)$/i;

export function isNonProductionModule(module: string): boolean {
  return NON_PRODUCTION.test(module) || NON_PRODUCTION_PACKAGE.test(module) || NON_PRODUCTION_AFFIX.test(module);
}

/** Directories whose projects are documentation or test material (usr/share/doc/x/examples, tests/): never audited as production. */
const NON_PRODUCTION_DIR = /(^|\/)(docs?|examples?|samples?|tests?|testing)(\/|$)/i;

export function isNonProductionProjectRoot(root: string): boolean {
  return NON_PRODUCTION_DIR.test(root);
}

/** The dotted module name of a .py file relative to a project root ("" root = repo root). */
export function moduleNameOf(file: string, projectRoot: string): string | undefined {
  const rel = projectRoot ? posix.relative(projectRoot, file) : file;
  if (rel.startsWith('..') || !rel.endsWith('.py')) return undefined;
  const parts = rel.slice(0, -3).split('/');
  if (parts[parts.length - 1] === '__init__') parts.pop();
  if (parts.length === 0 || parts.some((p) => !/^[A-Za-z_]\w*$/.test(p))) return undefined;
  return parts.join('.');
}

/** Projects are rooted where manage.py is; settings with no manage.py get their package's parent. */
export function findProjectRoots(files: DiscoveredFile[]): string[] {
  const roots = new Set<string>();
  for (const f of files) if (f.kind === 'django-manage') roots.add(posix.dirname(f.path) === '.' ? '' : posix.dirname(f.path));
  const covered = (p: string) => [...roots].some((r) => r === '' || p === r || p.startsWith(r + '/'));
  for (const f of files) {
    if (f.kind !== 'django-settings' || covered(f.path)) continue;
    // settings.py in a package: root is the package's parent; settings/x.py: two levels up.
    const dir = posix.dirname(f.path);
    const inSettingsPackage = posix.basename(dir) === 'settings';
    let root = inSettingsPackage ? posix.dirname(posix.dirname(dir)) : posix.dirname(dir);
    if (root === '.') root = '';
    roots.add(root);
  }
  return [...roots].sort();
}

export interface SettingsModuleDefault {
  module: string;
  span: Span;
  file: string;
}

const SETDEFAULT = /os\.environ\.setdefault\(\s*(['"])DJANGO_SETTINGS_MODULE\1\s*,\s*(['"])([\w.]+)\2\s*\)/g;
const ASSIGN = /os\.environ\[\s*(['"])DJANGO_SETTINGS_MODULE\1\s*\]\s*=\s*(['"])([\w.]+)\2/g;

/** The DJANGO_SETTINGS_MODULE a wsgi.py/asgi.py/manage.py sets by default, with its position. */
export function settingsModuleDefault(src: SourceText): SettingsModuleDefault | undefined {
  for (const re of [SETDEFAULT, ASSIGN]) {
    re.lastIndex = 0;
    const m = re.exec(src.text);
    if (m) {
      const start = m.index + m[0].lastIndexOf(m[3]!);
      return { module: m[3]!, file: src.path, span: src.lines.span(src.path, start, start + m[3]!.length) };
    }
  }
  return undefined;
}

export interface ProductionChoiceInput {
  projectRoot: string;
  cliSettings?: string;
  /** Production env layers (DJANGO_SETTINGS_MODULE may be set there). */
  envLayers: EnvLayer[];
  /** wsgi.py / asgi.py sources of this project. */
  entryPoints: SourceText[];
  /** Settings modules known in this project: module name -> file. */
  settingsModules: Map<string, string>;
  /** Resolves a module name to a file when it is not a known settings module (e.g. "config.settings" package). */
  fileOf: (module: string) => string | undefined;
  /**
   * True for a piece of a settings package whose own __init__.py is the settings module
   * (django-split-settings: settings/__init__.py includes components/*.py and environments/x.py).
   * Such pieces are never production on their own.
   */
  isFragment?: (module: string) => boolean;
  /**
   * Whether a module's text looks like Django settings (see looksLikeDjangoSettings). Only the
   * name-based choices ask: a settings.py that assigns no setting is a helper module
   * (horizon/utils/settings.py).
   */
  looksLikeSettings?: (module: string) => boolean;
}

/**
 * What a settings module has and a helper module named settings.py does not: a setting assigned at
 * the top level (an upper-case name, `=`, `+=` or an annotated assignment), a star import of other
 * settings, or django-split-settings.
 */
const SETTING_ASSIGNED = /^[A-Z][A-Z0-9_]*[ \t]*(?:\+?=|:[^=\n\r\u2028\u2029]*=)/m;
const STAR_IMPORT = /^from[ \t]+[\w.]+[ \t]+import[ \t]+\*/m;

export function looksLikeDjangoSettings(text: string): boolean {
  return SETTING_ASSIGNED.test(text) || STAR_IMPORT.test(text) || text.includes('split_settings');
}

/**
 * Which settings module production runs, in order: --settings, DJANGO_SETTINGS_MODULE in the
 * production environment, the wsgi.py/asgi.py default, a module named production/prod, a lone
 * settings module. A development module (local, dev, test) is never chosen implicitly.
 */
export function chooseProductionModule(input: ProductionChoiceInput): ProductionModuleChoice | undefined {
  const { cliSettings, envLayers, entryPoints, settingsModules, fileOf } = input;
  const known = (module: string) => settingsModules.get(module) ?? fileOf(module);

  if (cliSettings) {
    const file = known(cliSettings);
    if (file) return { module: cliSettings, file, reason: '--settings' };
  }
  for (let i = envLayers.length - 1; i >= 0; i--) {
    const entry = envLayers[i]!.lookup('DJANGO_SETTINGS_MODULE');
    const module = entry?.value?.trim();
    if (entry && module) {
      const file = known(module);
      if (file) return { module, file, reason: `DJANGO_SETTINGS_MODULE in ${entry.layer}`, span: entry.span };
    }
  }
  for (const src of [...entryPoints].sort((a, b) => entryRank(a.path) - entryRank(b.path) || (a.path < b.path ? -1 : 1))) {
    const d = settingsModuleDefault(src);
    if (!d || isNonProductionModule(d.module)) continue;
    const file = known(d.module);
    if (file) return { module: d.module, file, reason: `default in ${posix.basename(src.path)}`, span: d.span };
  }
  const names = [...settingsModules.keys()].filter((m) => !input.isFragment?.(m) && (input.looksLikeSettings?.(m) ?? true)).sort();
  const prod = names.filter((m) => PRODUCTION_NAME.test(m));
  if (prod.length > 0) return { module: prod[0]!, file: settingsModules.get(prod[0]!)!, reason: 'module named for production' };
  const plain = names.filter((m) => (m === 'settings' || m.endsWith('.settings')) && !isNonProductionModule(m));
  if (plain.length === 1) return { module: plain[0]!, file: settingsModules.get(plain[0]!)!, reason: 'the only settings module' };
  const candidates = names.filter((m) => !isNonProductionModule(m) && !/(^|\.)(base|common|defaults|components)$/.test(m));
  if (candidates.length === 1) return { module: candidates[0]!, file: settingsModules.get(candidates[0]!)!, reason: 'the only settings module' };
  return undefined;
}

function entryRank(path: string): number {
  return path.endsWith('wsgi.py') ? 0 : path.endsWith('asgi.py') ? 1 : 2;
}
