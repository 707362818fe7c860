import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DRIVER = join(dirname(fileURLToPath(import.meta.url)), 'run_django_checks.py');

/**
 * Debian's python3-django (bookworm: 3.2), then the newer releases test/differential/fetch-django.sh
 * unpacks under .cache/django/<series>/ (4.2 from trixie, 5.2 from sid), when fetched.
 * The pyenv python first on PATH has no Django.
 */
function defaultPythons(): string {
  const cache = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.cache', 'django');
  const fetched = existsSync(cache)
    ? readdirSync(cache)
        .filter((d) => /^\d+\.\d+$/.test(d))
        .sort((a, b) => Number(a.split('.')[0]) - Number(b.split('.')[0]) || Number(a.split('.')[1]) - Number(b.split('.')[1]))
        .map((d) => join(cache, d, 'python'))
        .filter((p) => existsSync(p))
    : [];
  return ['/usr/bin/python3', ...fetched].join(',');
}

export interface DjangoInterpreter {
  python: string;
  /** django.get_version(), e.g. "3.2.25". */
  version: string;
}

/** What Django said about one case. */
export interface DjangoCaseResult {
  case: string;
  ids: string[];
  /** Why the settings could not be set up, when they could not. */
  error: string | null;
}

export interface DriverCase {
  case: string;
  dir: string;
  settings: string;
  env: Record<string, string>;
}

/**
 * The interpreters to compare against: AUDIT_DEPLOY_DJANGO_PYTHONS (comma-separated), else
 * /usr/bin/python3 and the fetched releases. Interpreters that are missing or cannot import Django are returned in `skipped`.
 */
export function djangoInterpreters(spec = process.env.AUDIT_DEPLOY_DJANGO_PYTHONS ?? defaultPythons()): {
  available: DjangoInterpreter[];
  skipped: Array<{ python: string; reason: string }>;
} {
  const available: DjangoInterpreter[] = [];
  const skipped: Array<{ python: string; reason: string }> = [];
  for (const python of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!existsSync(python)) {
      skipped.push({ python, reason: 'not found' });
      continue;
    }
    try {
      const version = execFileSync(python, [DRIVER, '--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
      available.push({ python, version });
    } catch (err) {
      skipped.push({ python, reason: `cannot import django (${(err as Error).message.split('\n')[0]})` });
    }
  }
  return { available, skipped };
}

/** Run the driver once over all cases; results keyed by case id. */
export function runDjangoChecks(python: string, cases: DriverCase[], workDir: string): Map<string, DjangoCaseResult> {
  const manifest = join(workDir, `manifest-${process.pid}-${Date.now()}.json`);
  writeFileSync(manifest, JSON.stringify(cases));
  const out = execFileSync(python, [DRIVER, manifest], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // The driver replaces each child's environment with the case's own; this keeps the parent clean too.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const results = new Map<string, DjangoCaseResult>();
  for (const line of out.split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as DjangoCaseResult;
    results.set(r.case, r);
  }
  return results;
}
