import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CaseContext, STAGE_VAR } from './case-context.js';
import { PyModule } from './python-src.js';
import { Rng } from './rng.js';
import {
  generateAllowedHosts,
  generateBooleans,
  generateCrossOriginOpenerPolicy,
  generateCsrfTrustedOrigins,
  generateDebug,
  generateDecoys,
  generateHsts,
  generateInstalledApps,
  generateLocalOverrides,
  generateMiddleware,
  generateReferrerPolicy,
  generateSecretKey,
  generateSecretKeyFallbacks,
  generateSilenced,
  generateXFrameOptions,
} from './settings-gen.js';

export interface CaseFile {
  /** Path relative to the case directory. */
  path: string;
  text: string;
}

/** One generated Django project. */
export interface GeneratedCase {
  id: string;
  /** DJANGO_SETTINGS_MODULE. */
  settingsModule: string;
  /** The environment: the content of .env.production, and the Django process's environment. */
  env: Record<string, string>;
  files: CaseFile[];
}

export interface GenerateOptions {
  seed: number;
  count: number;
  /** The Django version requirements.txt pins (the interpreter's own). */
  djangoVersion: string;
}

/** Package names that never shadow a standard-library or Django module. */
const PACKAGES = ['config', 'mysite', 'project', 'webapp', 'shopfront', 'blogsite'];

/** The cases for a seed: the same seed, count and version always give byte-identical cases. */
export function generateCases(opts: GenerateOptions): GeneratedCase[] {
  const root = new Rng(opts.seed);
  return Array.from({ length: opts.count }, (_, i) => generateCase(`case-${String(i + 1).padStart(4, '0')}`, root.fork(), opts.djangoVersion));
}

export function generateCase(id: string, rng: Rng, djangoVersion: string): GeneratedCase {
  const pkg = rng.pick(PACKAGES);
  const layout = rng.pick(['module', 'module', 'split', 'split', 'split-absolute'] as const);
  const split = layout !== 'module';
  const baseFile = split ? `${pkg}/settings/base.py` : `${pkg}/settings.py`;
  const prodFile = split ? `${pkg}/settings/production.py` : baseFile;
  const base = new PyModule(baseFile);
  const prod = split ? new PyModule(prodFile) : base;
  if (split) prod.prepend(layout === 'split-absolute' ? `from ${pkg}.settings.base import *  # noqa: F401,F403` : 'from .base import *  # noqa: F401,F403');

  const ctx = new CaseContext(rng, base, prod);
  ctx.maybeSetEnv(STAGE_VAR, ['production', 'staging'], 0.5);
  if (rng.chance(0.4)) ctx.defineEnvironment();
  generateDebug(ctx);
  generateInstalledApps(ctx);
  generateMiddleware(ctx);
  generateSecretKey(ctx);
  // The rest read nothing from each other but the peers boolExpr looks for, so their order varies.
  const rest = [
    generateSecretKeyFallbacks,
    generateAllowedHosts,
    generateHsts,
    generateBooleans,
    generateXFrameOptions,
    generateReferrerPolicy,
    generateCrossOriginOpenerPolicy,
    generateCsrfTrustedOrigins,
  ];
  for (const gen of rng.shuffle(rest)) gen(ctx);
  generateSilenced(ctx);
  generateDecoys(ctx);
  const localFile = `${prodFile.slice(0, prodFile.lastIndexOf('/'))}/local.py`;
  const localText = generateLocalOverrides(ctx, localFile);

  const env = Object.fromEntries([...ctx.env.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  const files: CaseFile[] = [
    { path: `${pkg}/__init__.py`, text: '' },
    { path: baseFile, text: base.render() },
    { path: 'requirements.txt', text: requirementsText(rng, djangoVersion) },
  ];
  const settingsModule = prodFile.slice(0, -3).split('/').join('.');
  if (split) files.push({ path: `${pkg}/settings/__init__.py`, text: '' }, { path: prodFile, text: prod.render() });
  if (localText !== undefined) files.push({ path: localFile, text: localText });
  if (rng.chance(0.4)) files.push({ path: 'manage.py', text: manageText(settingsModule) });
  if (Object.keys(env).length > 0 || rng.chance(0.2)) files.push({ path: '.env.production', text: dotenvText(rng, env) });
  return { id, settingsModule, env, files };
}

function requirementsText(rng: Rng, version: string): string {
  const lines = [`${rng.pick(['Django', 'django'])}==${version}`];
  if (rng.chance(0.5)) lines.push('gunicorn==21.2.0');
  return rng.shuffle(lines).join('\n') + '\n';
}

function manageText(module: string): string {
  return [
    '#!/usr/bin/env python',
    'import os',
    'import sys',
    '',
    "if __name__ == '__main__':",
    `    os.environ.setdefault('DJANGO_SETTINGS_MODULE', '${module}')`,
    '    from django.core.management import execute_from_command_line',
    '    execute_from_command_line(sys.argv)',
    '',
  ].join('\n');
}

/** KEY=value lines; values with spaces (or, sometimes, any value) double-quoted, as people write them. */
function dotenvText(rng: Rng, env: Record<string, string>): string {
  const lines = ['# Production environment'];
  for (const [name, value] of Object.entries(env)) {
    const quote = /\s/.test(value) || (value !== '' && rng.chance(0.2));
    lines.push(`${name}=${quote ? `"${value}"` : value}`);
  }
  return lines.join('\n') + '\n';
}

/** Write every case under `outDir/<case id>/`. */
export function writeCases(outDir: string, cases: GeneratedCase[]): void {
  for (const c of cases) {
    for (const f of c.files) {
      const abs = join(outDir, c.id, f.path);
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, f.text);
    }
  }
}
