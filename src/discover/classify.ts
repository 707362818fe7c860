import type { FileKind } from './types.js';

/**
 * What a file is, from its repo-relative POSIX path alone (never its content).
 *
 * Settings: `settings.py`, `settings_<name>.py`, and any `.py` below a directory named `settings`
 * (the split-settings package: `config/settings/production.py`, `settings/components/base.py`).
 * Names such as `production.py` or `base.py` outside such a package are plain Python: too many
 * unrelated modules carry them.
 */
export function classify(relPath: string): FileKind {
  const segments = relPath.split('/');
  const base = segments[segments.length - 1] ?? '';
  const dirs = segments.slice(0, -1);

  const fixed = FIXED_NAMES[base];
  if (fixed) return fixed;
  if (isRequirementsFile(base, dirs)) return 'requirements';
  if (isEnvFile(base, dirs)) return 'dotenv';
  if (GUNICORN_CONFIG.test(base)) return 'gunicorn-config';
  if (base.endsWith('.py')) return classifyPython(base, dirs);
  return classifyServerConfig(base, dirs);
}

const GUNICORN_CONFIG = /^gunicorn(?:[._-](?:conf|config|cfg|settings))?(?:[._-]\w+)?\.py$/i;
const SYSTEMD_UNIT = /\.(?:service|socket|timer|path|target|mount)$/;
const NGINX_DIRS = new Set(['nginx', 'sites-available', 'sites-enabled', 'nginx.d']);

/** nginx, systemd, uWSGI and Procfile files, by name and place only. */
function classifyServerConfig(base: string, dirs: string[]): FileKind {
  const parent = dirs[dirs.length - 1] ?? '';
  const container = classifyContainerOrPipeline(base, dirs);
  if (container) return container;
  if (/^Procfile(?:\.[\w-]+)?$/.test(base)) return 'procfile';
  // A drop-in first: `gunicorn.service.d/override.conf` is not nginx.
  if (SYSTEMD_UNIT.test(parent.replace(/\.d$/, '')) && parent.endsWith('.d') && base.endsWith('.conf')) return 'systemd-dropin';
  if (SYSTEMD_UNIT.test(base)) return 'systemd-unit';
  if (/^uwsgi.*\.ini$/i.test(base) || (base.endsWith('.ini') && dirs.some((d) => /^uwsgi$/i.test(d)))) return 'uwsgi-config';
  if (base.endsWith('.ini')) return 'ini-candidate';
  if (isNginxFile(base, dirs)) return 'nginx';
  if (/\.conf(?:\.template|\.tmpl|\.j2)?$/.test(base)) return 'conf-candidate';
  return 'other';
}

function isNginxFile(base: string, dirs: string[]): boolean {
  if (/^nginx[\w.-]*\.conf(?:\.template|\.tmpl)?$/i.test(base) || /\.nginx(?:\.conf)?$/i.test(base) || /[._-]nginx\.conf$/i.test(base)) return true;
  if (!dirs.some((d) => NGINX_DIRS.has(d.toLowerCase()))) return false;
  // Inside an nginx directory: .conf files and templates; in sites-*, extension-less site files too.
  if (/\.conf(?:\.template|\.tmpl)?$|\.template$/.test(base)) return true;
  const parent = dirs[dirs.length - 1] ?? '';
  // Site files in sites-*/ are often named after the domain (example.com) or have no extension.
  return (parent === 'sites-available' || parent === 'sites-enabled') && !/\.(?:md|txt|rst|sh|py|bak|orig|swp|dpkg-\w+)$|~$/.test(base);
}

const FIXED_NAMES: Record<string, FileKind> = {
  'pyproject.toml': 'pyproject',
  Pipfile: 'pipfile',
  'Pipfile.lock': 'pipfile-lock',
  'poetry.lock': 'poetry-lock',
  'uv.lock': 'uv-lock',
  'setup.py': 'setup-py',
  'setup.cfg': 'setup-cfg',
};

function classifyPython(base: string, dirs: string[]): FileKind {
  if (base === 'settings.py' || /^settings_\w+\.py$/.test(base)) return 'django-settings';
  if (dirs.includes('settings')) return 'django-settings';
  switch (base) {
    case 'urls.py':
      return 'django-urls';
    case 'wsgi.py':
      return 'django-wsgi';
    case 'asgi.py':
      return 'django-asgi';
    case 'manage.py':
      return 'django-manage';
    default:
      return 'python';
  }
}

/** requirements.txt, requirements-dev.txt, dev-requirements.in, requirements/base.txt ... */
function isRequirementsFile(base: string, dirs: string[]): boolean {
  if (!/\.(txt|in)$/.test(base)) return false;
  if (/requirements/i.test(base)) return true;
  return dirs[dirs.length - 1] === 'requirements';
}

/**
 * `.env`, `.env.<anything>`, `<name>.env`, and every file below cookiecutter-django's `.envs/`
 * directory (`.envs/.production/.django`). `.envrc` (direnv, a shell script) is not one.
 */
function isEnvFile(base: string, dirs: string[]): boolean {
  if (base === '.env' || base.endsWith('.env')) return true;
  if (base.startsWith('.env.') && !base.endsWith('.py')) return true;
  return dirs.includes('.envs');
}

/**
 * Dockerfile.prod, dockerfile-web and Dockerfile.j2 are Dockerfiles; dockerfile.js (an editor's
 * syntax mode, shipped in static assets), Dockerfile.md or Dockerfile.sh are the code or notes
 * their extension says.
 */
const NOT_A_DOCKERFILE = /\.(?:[cm]?js|jsx|ts|tsx|map|py|pyc|rb|go|rs|java|kt|php|pl|lua|json|ya?ml|toml|xml|md|rst|txt|html?|css|scss|less|svg|png|sh|bash|zsh|ps1|bat|cmd|lock|bak|orig|rej|swp|old)$/i;

const SCRIPT_DIRS = new Set(['bin', 'scripts', 'script', 'deploy', 'deployment', 'ops', 'tools']);

/** Containers, orchestration, CI, process managers, scripts, infrastructure code and docs. */
function classifyContainerOrPipeline(base: string, dirs: string[]): FileKind | undefined {
  const lower = base.toLowerCase();
  // First: BuildKit's per-Dockerfile ignore file is named after it (Dockerfile.dockerignore).
  if (base === '.dockerignore' || base.endsWith('.dockerignore')) return 'dockerignore';
  if ((/^(?:dockerfile|containerfile)(?:[._-][\w.-]+)?$/i.test(base) && !NOT_A_DOCKERFILE.test(base)) || /\.(?:dockerfile|containerfile)$/i.test(base)) return 'dockerfile';
  if (/\.ya?ml$/i.test(base)) {
    if (/^(?:docker-)?compose(?:[._-][\w.-]*)?\.ya?ml$/i.test(base)) return 'compose';
    const n = dirs.length;
    if (n >= 2 && dirs[n - 2] === '.github' && dirs[n - 1] === 'workflows') return 'github-workflow';
    return 'yaml-candidate';
  }
  if (/^ecosystem(?:\.[\w-]+)?\.config\.(?:c?js|mjs|json)$/.test(base) || /^pm2(?:[._-][\w-]+)?\.(?:json|ya?ml)$/.test(base)) return 'pm2';
  if (base === 'package.json') return 'package-json';
  if (/\.(?:sh|bash)$/.test(lower)) return 'shell-script';
  if (/\.(?:tf|tfvars)$|\.tf\.json$/.test(lower)) return 'terraform';
  if (lower === 'crontab' || lower.endsWith('.cron') || lower.endsWith('.crontab') || dirs[dirs.length - 1] === 'cron.d') return 'crontab';
  if (/\.(?:md|markdown|rst)$/.test(lower)) return 'docs';
  if (!base.includes('.') && dirs.some((d) => SCRIPT_DIRS.has(d))) return 'script-candidate';
  return undefined;
}
