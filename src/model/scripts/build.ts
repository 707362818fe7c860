import type { Notice } from '../../core/finding.js';
import type { SourceText } from '../../core/source.js';
import type { DiscoveredFile } from '../../discover/types.js';
import { nestedSource, parseShellScript, type ParsedShell, type ShellWord } from '../../parse/shell.js';
import type { ModelSources } from '../build.js';
import type { ScriptCommand, ScriptRole, ShellScript, ShellUnit } from './types.js';

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash']);
const SHEBANG_SHELL = /^#!\s*(?:\S*\/)?(?:env\s+(?:-S\s+)?)?(?:sh|bash|dash|zsh|ksh|ash)\b/;
/** Size above which a script is not tokenized (generated installers, vendored tools). */
const MAX_SCRIPT_CHARS = 512 * 1024;

/** The repository's shell scripts: *.sh/*.bash, and extension-less files under bin/ scripts/ deploy/ ... with a shell shebang. */
export function buildScripts(files: readonly DiscoveredFile[], sources: ModelSources, notices: Notice[]): ShellScript[] {
  const out: ShellScript[] = [];
  for (const f of files) {
    if (f.kind !== 'shell-script' && f.kind !== 'script-candidate') continue;
    const src = sources.text(f.path);
    if (!src) continue;
    if (f.kind === 'script-candidate' && !SHEBANG_SHELL.test(src.text.slice(0, 200))) continue;
    if (src.text.length > MAX_SCRIPT_CHARS) {
      notices.push({ kind: 'too-large', file: f.path, message: `${f.path}: shell script of ${src.text.length} characters not read (limit ${MAX_SCRIPT_CHARS})` });
      continue;
    }
    out.push(buildScript(src, sources.configuredRole(f.path)));
  }
  return out;
}

/** One script's model (exported for tests). */
export function buildScript(src: SourceText, configured?: 'production' | 'development'): ShellScript {
  const parsed = parseShellScript(src.text);
  const span = (a: number, b: number) => src.lines.span(src.path, a, b);
  const units: ShellUnit[] = [];
  const commands: ScriptCommand[] = [];
  const problems = parsed.problems.map((p) => ({ message: p.message, span: span(p.start, p.end) }));
  const shebangE = parsed.shebang ? shellFlagsE(parsed.shebang.args) : false;
  units.push({ id: 0, errexitAtStart: shebangE, ...(shebangE && parsed.shebang ? { errexitSpan: span(parsed.shebang.start, parsed.shebang.end) } : {}) });
  addUnit(parsed, 0, 0);

  function addUnit(p: ParsedShell, unit: number, level: number): void {
    let errexit = units[unit]!.errexitAtStart;
    const cmds = p.commands;
    for (let n = 0; n < cmds.length; n++) {
      const c = cmds[n]!;
      const eff = effective(c.words);
      const name = eff.length > 0 ? baseName(eff[0]!.value) : '';
      // errexit changes take effect for the commands after `set`.
      let guarded = false;
      for (let k = n + 1; k < cmds.length && cmds[k]!.list === c.list; k++) if (cmds[k]!.previous === '||') guarded = true;
      const cmd: ScriptCommand = {
        name,
        argv: eff.map((x) => x.value),
        words: eff,
        allWords: c.words.map((x) => x.value),
        assignments: c.assignments.map((a) => {
          const eq = a.value.indexOf('=');
          return { name: a.value.slice(0, eq).replace(/\+$/, ''), value: a.value.slice(eq + 1), span: span(a.start, a.end) };
        }),
        span: span(c.start, Math.max(c.start, c.end)),
        line: src.lines.positionAt(c.start).line,
        unit,
        list: c.list,
        ...(c.separator ? { separator: c.separator } : {}),
        ...(c.previous ? { previous: c.previous } : {}),
        condition: !!c.condition,
        guarded,
        errexit,
        depth: c.depth,
        ...(c.defines ? { defines: c.defines } : {}),
      };
      commands.push(cmd);
      if (name === 'set') {
        const e = setErrexit(cmd.argv.slice(1));
        if (e !== undefined) errexit = e;
      }
      if (level < 3) for (const nested of nestedTexts(c.words, c.heredocs, name)) {
        const id = units.length;
        const via = nested.via;
        units.push({ id, via, viaSpan: cmd.span, errexitAtStart: nested.errexit, ...(nested.errexit ? { errexitSpan: cmd.span } : {}) });
        const inner = nested.offsets ? parseShellScript(nested.text, { offsets: nested.offsets }) : parseShellScript(nested.text, { base: nested.base ?? 0 });
        addUnit(inner, id, level + 1);
      }
    }
  }

  commands.sort((a, b) => a.span.start.offset - b.span.start.offset || a.unit - b.unit);
  const { role, reason } = scriptRole(src.path, commands, configured);
  return {
    file: src.path,
    role,
    roleReason: reason,
    source: src,
    ...(parsed.shebang ? { shebang: { interpreter: parsed.shebang.interpreter, args: parsed.shebang.args, span: span(parsed.shebang.start, parsed.shebang.end) } } : {}),
    units,
    commands,
    problems,
  };
}

export function baseName(word: string): string {
  return word.split('/').pop() ?? word;
}

/** `-e`, `-ex`, `-euo pipefail`, `-o errexit`: errexit on (true), `+e` off (false), undefined: no change. */
export function setErrexit(args: string[]): boolean | undefined {
  let result: boolean | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-o' || a === '+o') {
      if (args[i + 1] === 'errexit') result = a === '-o';
      i++;
      continue;
    }
    if (/^-[a-zA-Z]+$/.test(a) && a.includes('e')) result = true;
    else if (/^\+[a-zA-Z]+$/.test(a) && a.includes('e')) result = false;
    if (/^-[a-zA-Z]*o$/.test(a) && args[i + 1] === 'errexit') {
      result = true;
      i++;
    }
    if (a === '--') break;
  }
  return result;
}

function shellFlagsE(args: string[]): boolean {
  return setErrexit(args) === true;
}

const SUDO_ARG = new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T', '--user', '--group']);

/** The words from the program actually run: sudo, env, exec, nohup, time, nice, timeout, command removed. */
export function effective(words: readonly ShellWord[]): ShellWord[] {
  let i = 0;
  while (i < words.length) {
    const w = baseName(words[i]!.value);
    if (w === 'sudo' || w === 'doas') {
      i++;
      while (i < words.length && words[i]!.value.startsWith('-')) i += SUDO_ARG.has(words[i]!.value) ? 2 : 1;
    } else if (w === 'env') {
      i++;
      while (i < words.length && (words[i]!.value.startsWith('-') || /^[A-Za-z_]\w*=/.test(words[i]!.value))) i += words[i]!.value === '-u' ? 2 : 1;
    } else if (w === 'exec' || w === 'nohup' || w === 'time' || w === 'command' || w === 'builtin' || w === 'stdbuf') {
      i++;
      while (i < words.length && words[i]!.value.startsWith('-')) i++;
    } else if (w === 'nice' || w === 'ionice') {
      i++;
      while (i < words.length && words[i]!.value.startsWith('-')) i += /^-[nc]$/.test(words[i]!.value) ? 2 : 1;
    } else if (w === 'timeout') {
      i++;
      while (i < words.length && words[i]!.value.startsWith('-')) i += /^-[sk]$/.test(words[i]!.value) ? 2 : 1;
      i++; // the duration
    } else break;
  }
  return words.slice(i);
}

const SSH_ARG = new Set(['-b', '-c', '-D', '-E', '-e', '-F', '-I', '-i', '-J', '-L', '-l', '-m', '-O', '-o', '-p', '-Q', '-R', '-S', '-W', '-w', '-B']);

interface NestedText {
  via: string;
  text: string;
  offsets?: number[];
  base?: number;
  errexit: boolean;
}

/** Text a command hands to another shell: ssh's remote command or heredoc, `bash -c '...'`, `bash -s <<EOF`. */
function nestedTexts(words: readonly ShellWord[], heredocs: ParsedShell['commands'][number]['heredocs'], name: string): NestedText[] {
  const out: NestedText[] = [];
  const eff = effective(words);
  const fromHeredoc = (via: string, errexit: boolean) => {
    for (const h of heredocs) if (h.bodyStart >= 0) out.push({ via, text: h.body, base: h.bodyStart, errexit });
  };
  if (name === 'ssh') {
    let i = 1;
    while (i < eff.length && eff[i]!.value.startsWith('-')) i += SSH_ARG.has(eff[i]!.value) ? 2 : 1;
    const host = eff[i]?.value;
    const rest = eff.slice(i + 1);
    if (host === undefined) return out;
    if (rest.length > 0) {
      // `ssh host bash -s < file` / `ssh host 'bash -e' <<EOF` hand the heredoc to that shell.
      const joined = nestedSource(rest);
      const shellFirst = /^\s*(?:sudo\s+(?:-\S+\s+)*)?(?:\S*\/)?(?:bash|sh|zsh|dash)(?:\s+(-[a-zA-Z]+))*\s*$/.exec(joined.text);
      if (shellFirst) fromHeredoc(`ssh ${host}`, /\s-[a-zA-Z]*e/.test(joined.text));
      else out.push({ via: `ssh ${host}`, text: joined.text, offsets: joined.offsets, errexit: false });
    } else fromHeredoc(`ssh ${host}`, false);
    return out;
  }
  // A shell given a command string: `bash -c '...'`, `sh -ec "..."`, also inside `docker exec web sh -c '...'`.
  for (let i = 0; i < words.length; i++) {
    if (!SHELLS.has(baseName(words[i]!.value))) continue;
    let k = i + 1;
    let errexit = false;
    let hasC = false;
    while (k < words.length && /^-[a-zA-Z]+$/.test(words[k]!.value)) {
      if (words[k]!.value.includes('e')) errexit = true;
      if (words[k]!.value.includes('c')) hasC = true;
      k++;
      if (hasC) break;
    }
    if (hasC && words[k]) {
      out.push({ via: `${baseName(words[i]!.value)} -c`, text: words[k]!.value, offsets: words[k]!.offsets, errexit });
      return out;
    }
    if (!hasC && k >= words.length && heredocs.length > 0) {
      fromHeredoc(baseName(words[i]!.value), errexit);
      return out;
    }
    break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Roles

const DEV_WORDS = new Set(['dev', 'develop', 'development', 'local', 'test', 'tests', 'testing', 'e2e', 'example', 'examples', 'sample', 'samples', 'fixture', 'fixtures', 'vagrant', 'demo']);
const DEPLOY_NAME = /^(?:deploy|release|provision|rollout|redeploy|ship)/i;
const DEPLOY_DIRS = new Set(['deploy', 'deployment', 'deployments', 'ops', 'provision', 'provisioning']);
const ENTRYPOINT_NAME = /(?:^|[-_.])(?:entrypoint|entry|start|run|boot|launch|serve|server|wait[-_]?for[-\w]*|cmd)(?:[-_.]|$)|^(?:start|run|boot|launch|serve|gunicorn|uwsgi|celery|worker|web)/i;

/** Commands that show a script acts on a server or the running application. */
function deployAction(c: ScriptCommand): string | undefined {
  const a = c.argv;
  if ((c.name === 'ssh' || c.name === 'scp' || c.name === 'rsync') && a.slice(1).some((x) => /^(?:[\w.-]+@)?[\w.-]+:/.test(x) && !/^\w+:\/\//.test(x) || (c.name === 'ssh' && /^[\w.-]+@[\w.-]+$/.test(x)))) return `${c.name} to a host`;
  if (c.name === 'git' && a.includes('pull')) return 'git pull';
  if ((c.name === 'docker' && a[1] === 'compose' && /^(?:up|pull)$/.test(a.find((x, i) => i > 1 && !x.startsWith('-') && !isComposeOptArg(a, i)) ?? '')) || (c.name === 'docker-compose' && a.some((x) => x === 'up' || x === 'pull'))) return 'docker compose up/pull';
  if (c.name === 'docker' && a[1] === 'stack' && a[2] === 'deploy') return 'docker stack deploy';
  if ((c.name === 'systemctl' || c.name === 'supervisorctl' || c.name === 'service') && a.some((x) => /^(?:restart|reload|try-restart|reload-or-restart)$/.test(x))) return `${c.name} restart`;
  if (c.name === 'pm2' && /^(?:reload|restart|startOrReload|startOrRestart)$/.test(a[1] ?? '')) return 'pm2 reload';
  if (c.name === 'kubectl' && /^(?:apply|rollout|set)$/.test(a[1] ?? '')) return `kubectl ${a[1]}`;
  if (djangoCommand(c) === 'migrate' || djangoCommand(c) === 'collectstatic') return `manage.py ${djangoCommand(c)}`;
  return undefined;
}

function isComposeOptArg(a: string[], i: number): boolean {
  return /^(?:-f|--file|-p|--project-name|--env-file|--profile|--project-directory)$/.test(a[i - 1] ?? '');
}

/** The Django management command a command runs (manage.py X, django-admin X), anywhere in its words. */
export function djangoCommand(c: ScriptCommand): string | undefined {
  if (c.name === 'echo' || c.name === 'printf') return undefined;
  const w = c.allWords;
  for (let i = 0; i < w.length; i++) {
    const b = baseName(w[i]!);
    if (b === 'manage.py' || b === 'django-admin' || b === 'django-admin.py') {
      for (let k = i + 1; k < w.length; k++) {
        if (w[k]!.startsWith('-')) {
          if (/^--(?:settings|pythonpath)$/.test(w[k]!)) k++;
          continue;
        }
        return w[k];
      }
      return undefined;
    }
  }
  return undefined;
}

function scriptRole(path: string, commands: ScriptCommand[], configured?: 'production' | 'development'): { role: ScriptRole; reason: string } {
  if (configured === 'development') return { role: 'development', reason: 'development in the configuration' };
  const segments = path.split('/');
  const base = segments[segments.length - 1]!;
  const words = path.toLowerCase().split(/[/._-]+/).filter(Boolean);
  const dev = words.find((w) => DEV_WORDS.has(w));
  if (dev && configured !== 'production') return { role: 'development', reason: `'${dev}' in its path` };
  const runserver = commands.find((c) => djangoCommand(c) === 'runserver');
  if (runserver && configured !== 'production') return { role: 'development', reason: `runs manage.py runserver (line ${runserver.line})` };
  if (DEPLOY_NAME.test(base)) return { role: 'deploy', reason: `named ${base}` };
  const dir = segments.slice(0, -1).find((d) => DEPLOY_DIRS.has(d.toLowerCase()));
  if (ENTRYPOINT_NAME.test(base.replace(/\.(?:sh|bash)$/, ''))) return { role: 'entrypoint', reason: `named ${base}` };
  if (dir) return { role: 'deploy', reason: `under ${dir}/` };
  for (const c of commands) {
    const action = deployAction(c);
    if (action) return { role: 'deploy', reason: `runs ${action} (line ${c.line})` };
  }
  if (configured === 'production') return { role: 'deploy', reason: 'production in the configuration' };
  return { role: 'other', reason: 'no deployment step found' };
}

export { deployAction };
