import type { Span } from '../../core/position.js';
import type { ExecCommand, ExecWord } from '../../parse/systemd/exec.js';
import { entriesOf, execOf, valueRangeSpan } from './query.js';
import type { SystemdEntry, SystemdUnit } from './types.js';

/**
 * What a service's Exec*= lines start, seen through the usual wrappers: `env VAR=x prog`,
 * `python -m gunicorn`, `python manage.py`, `poetry|pipenv|uv run`, `nice`, and `sh -c '...'`
 * scripts (split at `&&`, `||`, `;`, `|`). Every word keeps its place in the file. Used by the
 * systemd rules and available to the app-server model (gunicorn/uWSGI command lines in ExecStart).
 */

/** A word of a command line, with where it is in the file. */
export interface Word {
  text: string;
  span: Span;
}

/** A server or tool started by an ExecStart= line, found through wrappers (env, python -m, sh -c ...). */
export interface Invocation {
  tool: 'gunicorn' | 'uvicorn' | 'uwsgi' | 'daphne' | 'hypercorn' | 'granian' | 'waitress' | 'celery' | 'django' | 'flask' | 'other';
  /** The program as named on the line (e.g. "gunicorn", "manage.py", "celery"). */
  program: Word;
  /** The words after the program. */
  args: Word[];
  entry: SystemdEntry;
  command: ExecCommand;
  /** Found inside a `sh -c '...'` script. */
  viaShell: boolean;
}

const TOOLS: Record<string, Invocation['tool']> = {
  gunicorn: 'gunicorn',
  gunicorn3: 'gunicorn',
  uvicorn: 'uvicorn',
  uwsgi: 'uwsgi',
  uwsgi_python3: 'uwsgi',
  daphne: 'daphne',
  hypercorn: 'hypercorn',
  granian: 'granian',
  'waitress-serve': 'waitress',
  waitress: 'waitress',
  celery: 'celery',
  'manage.py': 'django',
  'django-admin': 'django',
  'django-admin.py': 'django',
  flask: 'flask',
};

/** What the service's ExecStart= lines start, wrappers unwrapped. */
export function invocations(unit: SystemdUnit, key = 'ExecStart'): Invocation[] {
  const out: Invocation[] = [];
  for (const entry of entriesOf(unit, 'Service', key)) {
    const parsed = execOf(entry);
    for (const command of parsed.commands) {
      const words = command.argv.map((w) => toWord(entry, w));
      // With the @ prefix argv[0] is a display name: the program is the path.
      if (command.prefixes.includes('@')) words[0] = toWord(entry, command.path);
      for (const inv of unwrap(words, entry, command, false)) out.push(inv);
    }
  }
  return out;
}

function toWord(entry: SystemdEntry, w: ExecWord): Word {
  return { text: w.text, span: valueRangeSpan(entry, w.start, w.end) };
}

/** The last path component of a program path. */
export const base = (t: string) => t.slice(t.lastIndexOf('/') + 1);

function unwrap(words: Word[], entry: SystemdEntry, command: ExecCommand, viaShell: boolean, depth = 0): Invocation[] {
  if (depth > 4 || words.length === 0) return [];
  let i = 0;
  // Launchers that run the next word as the program.
  for (;;) {
    const w = words[i];
    if (!w) return [];
    const b = base(w.text);
    if (b === 'env') {
      i++;
      while (words[i] && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!.text) || words[i]!.text.startsWith('-'))) {
        if (['-u', '--unset', '-C', '--chdir'].includes(words[i]!.text)) i++;
        i++;
      }
      continue;
    }
    if (b === 'nice' || b === 'ionice' || b === 'chrt' || b === 'setsid' || b === 'exec') {
      i++;
      while (words[i] && words[i]!.text.startsWith('-')) i += /^-[ncp]$/.test(words[i]!.text) ? 2 : 1;
      continue;
    }
    if (['poetry', 'pipenv', 'pdm', 'hatch', 'uv', 'rye'].includes(b) && words[i + 1]?.text === 'run') {
      i += 2;
      while (words[i]?.text.startsWith('-')) i++;
      continue;
    }
    if (/^python[\d.]*$/.test(b)) {
      let j = i + 1;
      while (words[j] && words[j]!.text.startsWith('-') && words[j]!.text !== '-m' && words[j]!.text !== '-c') j++;
      const m = words[j];
      if (m?.text === '-m' && words[j + 1]) {
        const mod = words[j + 1]!;
        const tool = TOOLS[mod.text] ?? 'other';
        return [{ tool, program: mod, args: words.slice(j + 2), entry, command, viaShell }];
      }
      if (m && !m.text.startsWith('-')) {
        i = j;
        continue;
      }
      return [{ tool: 'other', program: w, args: words.slice(i + 1), entry, command, viaShell }];
    }
    break;
  }
  const program = words[i]!;
  const b = base(program.text);
  if (/^(?:ba|da|z|k)?sh$/.test(b)) {
    const c = words.findIndex((x, k) => k > i && (/^-[a-z]*$/.test(x.text) && x.text.includes('c')));
    const script = c > 0 ? words[c + 1] : undefined;
    if (script) return shellInvocations(script, entry, command, depth);
    return [];
  }
  return [{ tool: TOOLS[b] ?? toolFromVariable(program.text), program, args: words.slice(i + 1), entry, command, viaShell }];
}

/** `${CELERY_BIN}` (Celery's documented unit) or `$GUNICORN`: the variable's name says which tool it holds. */
function toolFromVariable(text: string): Invocation['tool'] {
  const m = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(text);
  if (!m) return 'other';
  const name = m[1]!.toLowerCase();
  for (const tool of ['celery', 'gunicorn', 'uvicorn', 'uwsgi', 'daphne'] as const) if (name.includes(tool)) return tool;
  return 'other';
}

/** The simple commands of a `sh -c` script, split at `&&`, `||`, `;`, `|` and newlines. */
function shellInvocations(script: Word, entry: SystemdEntry, command: ExecCommand, depth: number): Invocation[] {
  const text = script.text;
  const out: Invocation[] = [];
  const tokens = shellTokens(text);
  let current: Array<{ text: string; start: number; end: number }> = [];
  const flush = () => {
    if (current.length > 0) {
      const words = current.map((t) => ({ text: t.text, span: scriptSpan(script, t.start, t.end) }));
      out.push(...unwrap(words, entry, command, true, depth + 1));
    }
    current = [];
  };
  for (const t of tokens) {
    if (t.operator) flush();
    else current.push(t);
  }
  flush();
  return out;
}

function shellTokens(s: string): Array<{ text: string; start: number; end: number; operator?: boolean }> {
  const out: Array<{ text: string; start: number; end: number; operator?: boolean }> = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c) && c !== '\n') {
      i++;
      continue;
    }
    const op = /^(?:&&|\|\||;|\||\n|&)/.exec(s.slice(i));
    if (op) {
      out.push({ text: op[0], start: i, end: i + op[0].length, operator: true });
      i += op[0].length;
      continue;
    }
    const start = i;
    let text = '';
    while (i < s.length && !/[\s;&|]/.test(s[i]!)) {
      const q = s[i]!;
      if (q === '"' || q === "'") {
        const close = s.indexOf(q, i + 1);
        const end = close < 0 ? s.length : close;
        text += s.slice(i + 1, end);
        i = end + 1;
        continue;
      }
      text += q;
      i++;
    }
    out.push({ text, start, end: i });
  }
  return out;
}

/** The span of characters start..end of a script word's text, when the word's quoting lets us map it. */
function scriptSpan(script: Word, start: number, end: number): Span {
  const s = script.span;
  const raw = s.end.offset - s.start.offset;
  if (s.start.line === s.end.line && raw === script.text.length + 2) {
    return {
      file: s.file,
      start: { line: s.start.line, column: s.start.column + 1 + start, offset: s.start.offset + 1 + start },
      end: { line: s.start.line, column: s.start.column + 1 + end, offset: s.start.offset + 1 + end },
    };
  }
  return s;
}

/** Values of an option: `--bind X`, `--bind=X`, `-b X`, `-bX`. */
export function optionValues(args: Word[], long: string[], short: string[] = []): Word[] {
  const out: Word[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.text === '--') break;
    for (const name of [...long, ...short]) {
      if (a.text === name && args[i + 1]) out.push(args[i + 1]!);
      else if (long.includes(name) && a.text.startsWith(`${name}=`)) out.push(sub(a, name.length + 1));
      else if (short.includes(name) && a.text.startsWith(name) && a.text.length > name.length && !a.text.startsWith('--')) out.push(sub(a, name.length));
    }
  }
  return out;
}

export function hasFlag(args: Word[], names: string[]): Word | undefined {
  for (const a of args) {
    if (a.text === '--') return undefined;
    if (names.includes(a.text)) return a;
  }
  return undefined;
}

/** The part of a word after `from` characters (when the word's text maps 1:1 onto its span). */
function sub(w: Word, from: number): Word {
  const s = w.span;
  if (s.start.line === s.end.line && s.end.offset - s.start.offset === w.text.length) {
    return {
      text: w.text.slice(from),
      span: { file: s.file, start: { line: s.start.line, column: s.start.column + from, offset: s.start.offset + from }, end: s.end },
    };
  }
  return { text: w.text.slice(from), span: s };
}

const CELERY_COMMANDS = new Set(['worker', 'beat', 'multi', 'flower', 'events', 'inspect', 'control', 'shell', 'purge', 'call', 'status', 'report', 'result', 'migrate', 'graph', 'upgrade', 'logtool', 'amqp', 'list']);

/** The celery sub-command (worker, beat, multi ...) and its word. */
export function celeryCommand(inv: Invocation): Word | undefined {
  if (inv.tool !== 'celery') return undefined;
  return inv.args.find((a) => CELERY_COMMANDS.has(a.text));
}

/** The Django management command (runserver, migrate ...) of a manage.py / django-admin invocation. */
export function djangoCommand(inv: Invocation): Word | undefined {
  if (inv.tool !== 'django') return undefined;
  return inv.args.find((a) => !a.text.startsWith('-'));
}
