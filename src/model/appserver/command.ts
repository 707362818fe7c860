import { sliceWord, splitShell, type ShellWord } from '../../parse/shell-words.js';
import type { AppServerKind } from './types.js';

/**
 * Which application server a command line starts, looking through the usual launchers: leading
 * `VAR=value` assignments, `exec`, `env`, privilege droppers (`gosu user`, `su-exec`, `chpst -u`),
 * init shims (`tini --`, `dumb-init`), APM wrappers (`newrelic-admin run-program`, `ddtrace-run`,
 * `opentelemetry-instrument`), environment managers (`poetry run`, `pipenv run`, `uv run`, `pdm run`),
 * `python -m gunicorn`, `python manage.py runserver`, and `sh -c '...'` scripts (whose text is
 * split again, positions kept).
 */
export interface RecognizedCommand {
  server: AppServerKind;
  /** The words that name the program (`gunicorn`, or `python -m gunicorn`, or `python manage.py runserver`). */
  program: ShellWord[];
  /** The arguments the server parses (for runserver: after `runserver`). */
  args: ShellWord[];
  /** `NAME=value` assignments before the program (they set the server's environment). */
  assignments: Array<{ name: string; value: ShellWord }>;
}

const SERVER_PROGRAMS: Record<string, AppServerKind> = {
  gunicorn: 'gunicorn',
  gunicorn3: 'gunicorn',
  uwsgi: 'uwsgi',
  uwsgi_python3: 'uwsgi',
  uwsgi_python: 'uwsgi',
  'uwsgi-core': 'uwsgi',
  pyuwsgi: 'uwsgi',
  uvicorn: 'uvicorn',
  daphne: 'daphne',
  hypercorn: 'hypercorn',
};

/** Python modules run with `python -m`. */
const SERVER_MODULES: Record<string, AppServerKind> = {
  gunicorn: 'gunicorn',
  uvicorn: 'uvicorn',
  daphne: 'daphne',
  hypercorn: 'hypercorn',
  pyuwsgi: 'uwsgi',
};

/** Wrappers followed by the real command; the number is how many words they take before it (options aside). */
const PASS_THROUGH = new Set([
  'exec', 'nohup', 'nice', 'ionice', 'tini', 'dumb-init', 'ddtrace-run', 'opentelemetry-instrument', 'scalene', 'time', 'stdbuf', 'catchsegv',
  // Heroku buildpack wrappers that start a sidecar, then the rest of the command line.
  'start-nginx', 'start-nginx-solo', 'start-nginx-debug', 'start-pgbouncer', 'start-pgbouncer-stunnel', 'start-stunnel',
]);
const TAKES_USER = new Set(['gosu', 'su-exec', 'setuidgid']);

function base(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

function isPython(word: string): boolean {
  return /^python(?:\d+(?:\.\d+)?)?$/.test(base(word));
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/** The server started by one simple command (already split into words), or undefined. */
export function recognizeCommand(words: readonly ShellWord[], depth = 0): RecognizedCommand | undefined {
  const assignments: RecognizedCommand['assignments'] = [];
  let i = 0;
  const skipOptions = () => {
    while (i < words.length && words[i]!.value.startsWith('-')) {
      if (words[i]!.value === '--') {
        i++;
        break;
      }
      i++;
    }
  };
  for (let guard = 0; guard < 20 && i < words.length; guard++) {
    const w = words[i]!;
    const v = w.value;
    const m = ASSIGNMENT.exec(v);
    if (m && !w.value.startsWith('=')) {
      const eq = m[0].length;
      assignments.push({ name: m[1]!, value: sliceWord(w, eq) });
      i++;
      continue;
    }
    const b = base(v);
    if (b === 'env') {
      i++;
      while (i < words.length && (words[i]!.value.startsWith('-') || ASSIGNMENT.test(words[i]!.value))) {
        const a = ASSIGNMENT.exec(words[i]!.value);
        if (a) assignments.push({ name: a[1]!, value: sliceWord(words[i]!, a[0].length) });
        i++;
      }
      continue;
    }
    if (PASS_THROUGH.has(b)) {
      i++;
      skipOptions();
      continue;
    }
    if (TAKES_USER.has(b)) {
      i += 2;
      continue;
    }
    if (b === 'chpst') {
      i++;
      while (i < words.length && words[i]!.value.startsWith('-')) i += /^-[ugUelmdonpfc]$/.test(words[i]!.value) ? 2 : 1;
      continue;
    }
    if (b === 'newrelic-admin' && words[i + 1]?.value === 'run-program') {
      i += 2;
      continue;
    }
    if ((b === 'poetry' || b === 'pipenv' || b === 'pdm' || b === 'hatch' || b === 'rye') && words[i + 1]?.value === 'run') {
      i += 2;
      skipOptions();
      continue;
    }
    if (b === 'uv' && words[i + 1]?.value === 'run') {
      i += 2;
      // uv run options that take a value.
      while (i < words.length && words[i]!.value.startsWith('-')) {
        i += /^--(?:with|python|project|directory|env-file|group|extra|package|index|with-requirements)$|^-[pw]$/.test(words[i]!.value) ? 2 : 1;
      }
      continue;
    }
    if (/^(?:ba|da|z|k|a)?sh$/.test(b)) {
      // `sh -c 'script'`: split the script, positions kept.
      let k = i + 1;
      while (k < words.length && words[k]!.value.startsWith('-') && !(/^-[a-z]*$/.test(words[k]!.value) && words[k]!.value.includes('c'))) k++;
      if (k < words.length && (/^-[a-z]*$/.test(words[k]!.value) && words[k]!.value.includes('c')) && words[k + 1] && depth < 3) {
        const script = words[k + 1]!;
        const inner = splitShell(script.value, { offsets: script.offsets });
        for (const c of inner.commands) {
          const hit = recognizeCommand(c.words, depth + 1);
          if (hit) return { ...hit, assignments: [...assignments, ...hit.assignments] };
        }
      }
      return undefined;
    }
    break;
  }
  const first = words[i];
  if (!first) return undefined;
  const direct = recognizeProgram(words, i, assignments);
  if (direct) return direct;
  // Secret and wait wrappers end their own options with `--` (doppler run --, chamber exec app --, wait-for-it db:5432 --).
  const dashes = words.findIndex((w, k) => k > i && w.value === '--');
  if (dashes > 0 && depth < 3) {
    const rest = recognizeCommand(words.slice(dashes + 1), depth + 1);
    if (rest) return { ...rest, assignments: [...assignments, ...rest.assignments] };
  }
  return undefined;
}

function recognizeProgram(words: readonly ShellWord[], i: number, assignments: RecognizedCommand['assignments']): RecognizedCommand | undefined {
  const first = words[i]!;
  const b = base(first.value);
  const server = SERVER_PROGRAMS[b];
  if (server) return { server, program: [first], args: words.slice(i + 1), assignments };
  if (isPython(first.value)) {
    let k = i + 1;
    // Interpreter options (-u, -O, -X dev, -W ignore).
    while (k < words.length && /^-[A-Za-z]+$/.test(words[k]!.value) && words[k]!.value !== '-m' && words[k]!.value !== '-c') {
      k += /^-[XW]$/.test(words[k]!.value) ? 2 : 1;
    }
    const next = words[k];
    if (next?.value === '-m' && words[k + 1]) {
      const mod = SERVER_MODULES[words[k + 1]!.value];
      if (mod) return { server: mod, program: words.slice(i, k + 2), args: words.slice(k + 2), assignments };
      if (words[k + 1]!.value === 'django' && words[k + 2]?.value === 'runserver') {
        return { server: 'runserver', program: words.slice(i, k + 3), args: words.slice(k + 3), assignments };
      }
      return undefined;
    }
    if (next && /(?:^|\/)manage\.py$/.test(next.value) && words[k + 1]?.value === 'runserver') {
      return { server: 'runserver', program: words.slice(i, k + 2), args: words.slice(k + 2), assignments };
    }
    if (next && /(?:^|\/)manage\.py$/.test(next.value) && (words[k + 1]?.value === 'runserver_plus')) {
      return { server: 'runserver', program: words.slice(i, k + 2), args: words.slice(k + 2), assignments };
    }
    return undefined;
  }
  if ((/(?:^|\/)manage\.py$/.test(first.value) || b === 'django-admin') && (words[i + 1]?.value === 'runserver' || words[i + 1]?.value === 'runserver_plus')) {
    return { server: 'runserver', program: words.slice(i, i + 2), args: words.slice(i + 2), assignments };
  }
  return undefined;
}

/** The first command of a shell text (split by `&&`, `;` ...) that starts an app server. */
export function recognizeShell(commands: ReadonlyArray<{ words: ShellWord[] }>): RecognizedCommand | undefined {
  for (const c of commands) {
    const hit = recognizeCommand(c.words);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * Production or development from a path: a segment word such as dev, local, test, example
 * (`Procfile.dev`, `deploy/dev/gunicorn.service`, `uwsgi-local.ini`, `gunicorn.conf.test.py`).
 */
export function pathRole(path: string): 'production' | 'development' {
  const words = path.toLowerCase().split(/[./_\-\\]+/).filter(Boolean);
  return words.some((w) => DEV_WORDS.has(w)) ? 'development' : 'production';
}

const DEV_WORDS = new Set(['dev', 'devel', 'develop', 'development', 'local', 'test', 'tests', 'testing', 'example', 'examples', 'sample', 'samples', 'demo', 'debug', 'ci', 'vagrant', 'localhost']);

/** Procfile role: `Procfile` (Heroku, Dokku) is production; `Procfile.<name>` files are for honcho/foreman, production only when named so. */
export function procfileRole(path: string): 'production' | 'development' {
  const baseName = path.slice(path.lastIndexOf('/') + 1);
  if (pathRole(path.slice(0, path.length - baseName.length)) === 'development') return 'development';
  if (baseName === 'Procfile') return 'production';
  return /^Procfile\.(?:prod|production|heroku|dokku|live)$/i.test(baseName) ? 'production' : 'development';
}
