import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceText } from '../../core/source.js';
import { followedOnLine } from '../../core/trim.js';
import { isIgnored, decidingPattern, cleanPath, type Dockerignore } from '../../parse/dockerfile/dockerignore.js';
import type { DfInstruction } from '../../parse/dockerfile/parse.js';
import { splitShell, type ShellWord, type SplitCommand } from '../../parse/shell-words.js';
import { substitute } from './dockerfile.js';
import type { DockerBuildContext, DockerCopySource, DockerLaunchScript, DockerRun, DockerShellCommand, DockerStage, DockerfileModel } from './types.js';
import { untrustedRegExp } from '../../core/untrusted-regex.js';

/**
 * What the Dockerfile rules need beyond syntax: RUN scripts split into commands with spans, the
 * scripts ENTRYPOINT/CMD start (read from the repository), COPY sources looked up in the build
 * contexts, and the secret-bearing files each context would send.
 */

export interface RepoView {
  /** Every repository path. */
  paths: ReadonlySet<string>;
  /** Absolute root of the audited tree, when known (to see gitignored files that exist on disk). */
  rootAbs?: string;
  text(path: string): SourceText | undefined;
}

// ---------------------------------------------------------------------------------------------
// RUN scripts

export function runsOf(stage: DockerStage, src: SourceText): DockerRun[] {
  const out: DockerRun[] = [];
  for (const ins of stage.instructions) {
    if (ins.keyword !== 'RUN') continue;
    const mounts = ins.flags.filter((f) => f.name === 'mount' && f.value).map((f) => f.value!);
    if (ins.json) {
      out.push({ instruction: ins, stage: stage.index, exec: true, mounts, commands: [{ words: ins.json.map((w) => ({ value: w.value, span: w.span, quoted: true })) }] });
      continue;
    }
    out.push({ instruction: ins, stage: stage.index, exec: false, mounts, commands: shellCommands(ins, src) });
  }
  return out;
}

/** The commands a shell-form instruction runs: its logical line, then heredoc bodies that are scripts. */
export function shellCommands(ins: DfInstruction, src: SourceText): DockerShellCommand[] {
  const commands: DockerShellCommand[] = [];
  const lineText = ins.text?.value.trim() ?? '';
  if (ins.text && lineText !== '') {
    commands.push(...convert(splitShell(ins.text.value, { offsets: ins.text.offsets }).commands, src, false));
  }
  // `RUN <<EOF` alone, or `RUN bash <<EOF` / `RUN sh -e <<EOF`: the body is the script.
  const bodyIsScript = lineText === '' || /^(?:\/(?:usr\/)?bin\/)?(?:ba|da|z|a)?sh(?:\s+-[a-z]+)*$/.test(lineText);
  if (bodyIsScript) {
    for (const h of ins.heredocs) {
      commands.push(...convert(splitShell(h.content, { base: h.contentStart }).commands, src, true));
    }
  }
  return commands;
}

function convert(commands: SplitCommand[], src: SourceText, heredoc: boolean): DockerShellCommand[] {
  return commands
    .filter((c) => c.words.length > 0)
    .map((c) => {
      const cmd: DockerShellCommand = { words: c.words.map((w) => wordAt(w, src)) };
      if (c.separator) cmd.separator = c.separator;
      if (heredoc) cmd.heredoc = true;
      return cmd;
    });
}

function wordAt(w: ShellWord, src: SourceText) {
  return { value: w.value, span: src.lines.span(src.path, w.start, w.end), quoted: w.quoted };
}

// ---------------------------------------------------------------------------------------------
// Launch scripts

/**
 * /\b(?:gosu|su-exec|setpriv|runuser|chpst\s+-u|s6-setuidgid|setuidgid)\b|\bsu\b[^\n]*\s-c\b|\bexec\s+su\b/.test,
 * with `su ... -c` on a line found in linear time (issue 7).
 */
export const DROPS_PRIVILEGES = {
  test: (t: string): boolean => /\b(?:gosu|su-exec|setpriv|runuser|chpst\s+-u|s6-setuidgid|setuidgid)\b|\bexec\s+su\b/.test(t) || followedOnLine(t, /\bsu\b/g, /\s-c\b/g),
};
/**
 * /\buntil\b[^\n]*;\s*do\b|\bwhile\s+!\s|\bwaiting for (?:the )?(?:db|...|broker)\b|\bpg_isready\b|wait-for(?:-it)?\b|\bwait_for\w*|
 * \bdockerize\b[^\n]*-wait\b|\bnc\s+-z\b|\bmysqladmin\b[^\n]*\bping\b|\bredis-cli\b[^\n]*\bping\b|psycopg2?\.connect|\bwait_for_db\b|
 * \bwaitforit\b|\bsuccessfully\s+connected\b/i.test, with the `X ... Y` on a line alternatives found in linear time (issue 7).
 */
export const WAITS = {
  test: (t: string): boolean =>
    /\bwhile\s+!\s|\bwaiting for (?:the )?(?:db|database|postgres(?:ql)?|mysql|mariadb|redis|rabbitmq|broker)\b|\bpg_isready\b|wait-for(?:-it)?\b|\bwait_for\w*|\bnc\s+-z\b|psycopg2?\.connect|\bwaitforit\b|\bsuccessfully\s+connected\b/i.test(t) ||
    followedOnLine(t, /\buntil\b/gi, /;\s*do\b/gi) ||
    followedOnLine(t, /\bdockerize\b/gi, /-wait\b/gi) ||
    followedOnLine(t, /\bmysqladmin\b/gi, /\bping\b/gi) ||
    followedOnLine(t, /\bredis-cli\b/gi, /\bping\b/gi),
};

const PATH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export function launchScriptsOf(stage: DockerStage, stages: DockerStage[], df: DockerfileModel, repo: RepoView): DockerLaunchScript[] {
  const programs = new Map<string, 'ENTRYPOINT' | 'CMD'>();
  for (const c of [stage.entrypoint, stage.cmd]) {
    if (!c) continue;
    const words = c.form === 'exec' ? (c.words ?? []).map((w) => w.value) : (c.text?.value ?? '').trim().split(/\s+/);
    // The program, or a script given to a shell (`sh /entrypoint.sh`, `bash -c ...` aside).
    for (const w of words.slice(0, 3)) {
      if (/^(?:\/|\.\/|[\w.-]+\.sh$)/.test(w) && !/^\/(?:usr\/)?(?:local\/)?s?bin\/(?:ba|da|z)?sh$/.test(w) && !/^\/(?:usr\/)?bin\/(?:env|tini|dumb-init)$/.test(w)) {
        if (!programs.has(w)) programs.set(w, c.keyword);
        break;
      }
    }
  }
  const out: DockerLaunchScript[] = [];
  for (const [program, via] of programs) {
    const found = scriptInImage(program, stage, stages, df, repo);
    if (!found) continue;
    const { file, inImage } = found;
    const text = repo.text(file)?.text ?? '';
    out.push({ containerPath: inImage, file, via, dropsPrivileges: DROPS_PRIVILEGES.test(text), waitsForDependencies: WAITS.test(text) });
  }
  return out;
}

/**
 * The repository file behind a program the image starts (`/start`, `./entrypoint.sh`, or a bare
 * name looked up in the working directory and PATH), through the COPY that put it there.
 */
export function scriptInImage(program: string, stage: DockerStage, stages: DockerStage[], df: DockerfileModel, repo: RepoView): { file: string; inImage: string } | undefined {
  const workdir = stage.workdir?.value ?? '/';
  const candidates = program.startsWith('/')
    ? [program]
    : program.startsWith('./')
      ? [`${workdir.replace(/\/$/, '')}/${program.slice(2)}`]
      : [`${workdir.replace(/\/$/, '')}/${program}`, ...PATH_DIRS.map((d) => `${d}/${program}`)];
  for (const c of candidates) {
    const file = sourceOfImagePath(c, stage, stages, df, repo);
    if (file) return { file, inImage: c };
  }
  return undefined;
}

/** The repository file a COPY in the stage (or the stages it is built on) put at `imagePath`. */
function sourceOfImagePath(imagePath: string, stage: DockerStage, stages: DockerStage[], df: DockerfileModel, repo: RepoView): string | undefined {
  const chain: DockerStage[] = [];
  for (let s: DockerStage | undefined = stage; s; s = s.baseStage !== undefined ? stages[s.baseStage] : undefined) chain.push(s);
  const ctxDirs = df.contexts.map((c) => c.dir).filter((d): d is string => d !== undefined);
  // Paths may use ENV/ARG values (`COPY . $APP_HOME`): resolve them with what the stage knows.
  const known = new Map<string, string>();
  for (const s of chain) for (const e of [...s.args, ...s.env]) if (e.value !== null) known.set(e.name, e.value);
  const resolve = (v: string) => substitute(v, (n) => known.get(n)).value;
  for (const s of chain) {
    let workdir = '/';
    for (const ins of s.instructions) {
      if (ins.keyword === 'WORKDIR' && ins.args[0]) {
        const v = resolve(ins.args[0].value);
        workdir = v.startsWith('/') ? v : `${workdir.replace(/\/$/, '')}/${v}`;
      }
      if ((ins.keyword !== 'COPY' && ins.keyword !== 'ADD') || ins.flags.some((f) => f.name === 'from')) continue;
      const words = (ins.json ?? ins.args).map((w) => resolve(w.value));
      if (words.length < 2) continue;
      const destRaw = words[words.length - 1]!;
      const dest = destRaw.startsWith('/') ? destRaw : `${workdir.replace(/\/$/, '')}/${destRaw}`;
      for (const source of words.slice(0, -1)) {
        const candidates: string[] = [];
        if (cleanPath(dest) === cleanPath(imagePath)) candidates.push(source);
        else if (destRaw.endsWith('/') || words.length > 2 || destRaw === '.' || !destRaw.includes('.')) {
          // A directory destination: the file keeps its name, or a whole directory is copied in.
          const rel = cleanPath(imagePath).startsWith(cleanPath(dest) + '/') ? cleanPath(imagePath).slice(cleanPath(dest).length + 1) : undefined;
          if (rel !== undefined) {
            if (source === '.' || source === './' || isDirIn(source, ctxDirs, repo)) candidates.push(source === '.' || source === './' ? rel : `${source.replace(/\/$/, '')}/${rel}`);
            else if (rel === source.slice(source.lastIndexOf('/') + 1)) candidates.push(source);
          }
        }
        for (const c of candidates) {
          for (const d of ctxDirs) {
            const path = cleanPath(d ? `${d}/${c}` : c);
            if (repo.paths.has(path)) return path;
          }
        }
      }
    }
  }
  return undefined;
}

function isDirIn(source: string, ctxDirs: string[], repo: RepoView): boolean {
  return ctxDirs.some((d) => {
    const prefix = cleanPath(d ? `${d}/${source}` : source) + '/';
    for (const p of repo.paths) if (p.startsWith(prefix)) return true;
    return false;
  });
}

// ---------------------------------------------------------------------------------------------
// COPY sources

const URL = /^(?:https?|git|ssh):\/\/|^git@/;
/** Build output that a CI step usually makes before `docker build`: not in the repository, not a mistake. */
const BUILD_OUTPUT = /^(?:dist|build|out|target|bin|obj|wheels?|\.?venv|node_modules|staticfiles|static_root|public\/build|frontend\/(?:dist|build))(?:\/|$)|\.whl$|\.tar\.gz$|\.jar$|\.war$/;

export function copySourcesOf(df: DockerfileModel, repo: RepoView): DockerCopySource[] {
  const out: DockerCopySource[] = [];
  const contexts = df.contexts.filter((c) => c.dir !== undefined);
  if (contexts.length === 0) return out;
  const assumed = contexts.every((c) => c.origin === 'assumed');
  for (const stage of df.stages) {
    for (const ins of stage.instructions) {
      if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') continue;
      if (ins.flags.some((f) => f.name === 'from')) continue;
      const words = ins.json ?? ins.args;
      if (words.length < 2) continue;
      for (const w of words.slice(0, -1)) {
        const v = w.value;
        if (v === '' || v.includes('$') || URL.test(v) || v.startsWith('<<')) continue;
        if (v.startsWith('/') || v.startsWith('..')) continue;
        const rel = cleanPath(v);
        if (rel === '.' || BUILD_OUTPUT.test(rel)) continue;
        const missingIn: string[] = [];
        let ignoredBy: DockerCopySource['ignoredBy'];
        for (const c of contexts) {
          const found = lookup(rel, c, repo);
          if (found === 'present') continue;
          if (found !== 'absent' && found.pattern) ignoredBy = found.pattern;
          missingIn.push(c.dir!);
        }
        if (missingIn.length === 0 || (assumed && missingIn.length < contexts.length)) continue;
        const src: DockerCopySource = { instruction: ins, stage: stage.index, value: v, span: w.span, missingIn, checkedIn: contexts.map((c) => c.dir!) };
        if (ignoredBy) src.ignoredBy = ignoredBy;
        out.push(src);
      }
    }
  }
  return out;
}

type Lookup = 'present' | 'absent' | { pattern?: DockerCopySource['ignoredBy'] };

function lookup(rel: string, ctx: DockerBuildContext, repo: RepoView): Lookup {
  const base = ctx.dir ? `${ctx.dir}/` : '';
  const matches: string[] = [];
  if (/[*?[]/.test(rel)) {
    const re = globRegex(rel);
    for (const p of repo.paths) {
      if (!p.startsWith(base)) continue;
      const inCtx = p.slice(base.length);
      const segs = inCtx.split('/');
      for (let n = 1; n <= segs.length; n++) {
        if (re.test(segs.slice(0, n).join('/'))) {
          matches.push(inCtx);
          break;
        }
      }
    }
  } else {
    const full = base + rel;
    if (repo.paths.has(full)) matches.push(rel);
    else for (const p of repo.paths) if (p.startsWith(full + '/')) matches.push(p.slice(base.length));
  }
  if (matches.length === 0) {
    // Present on disk but not in the repository listing (gitignored, a virtualenv...): made locally or by CI.
    if (repo.rootAbs && !/[*?[]/.test(rel) && existsSync(join(repo.rootAbs, base, rel))) return 'present';
    return 'absent';
  }
  if (!ctx.dockerignore) return 'present';
  const kept = matches.filter((m) => !isIgnored(ctx.dockerignore!, m));
  if (kept.length > 0) return 'present';
  const pattern = decidingPattern(ctx.dockerignore, matches[0]!);
  return pattern ? { pattern: pattern.span } : {};
}

function globRegex(glob: string): RegExp {
  // V8 refuses to run very large expressions (at exec time); such a glob matches no real path.
  if (glob.length > 4096) return /$^/;
  let re = '^';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, close).replace(/^!/, '^')}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  // Linear time (a glob of many stars backtracks without end); one that cannot be run safely matches nothing.
  return untrustedRegExp(re + '$') ?? /$^/;
}

// ---------------------------------------------------------------------------------------------
// Secret-bearing files a context sends

const ENV_FILE = /(?:^|\/)\.env(?:\.[^/]+)?$|(?:^|\/)\.envs\//;
const TEMPLATE = /\.(?:example|sample|template|dist|tpl|defaults)$|(?:^|\/)\.env\.(?:example|sample|template|dist)/i;

/**
 * The repository paths that look like env files anywhere in them, in the set's order: a superset of
 * what sensitiveIn keeps for any context directory (a match in the path below the context is one in
 * the whole path), listed once per repository rather than once per Dockerfile.
 */
const envLikePathsOf = new WeakMap<ReadonlySet<string>, string[]>();
function envLikePaths(paths: ReadonlySet<string>): string[] {
  let list = envLikePathsOf.get(paths);
  if (!list) {
    list = [...paths].filter((p) => ENV_FILE.test(p));
    envLikePathsOf.set(paths, list);
  }
  return list;
}

export function sensitiveIn(dir: string, dockerignore: Dockerignore | undefined, repo: RepoView): DockerBuildContext['sensitive'] {
  const base = dir ? `${dir}/` : '';
  const found = new Set<string>();
  if (dir === '' && repo.rootAbs) {
    try {
      if (statSync(join(repo.rootAbs, '.git')).isDirectory() || existsSync(join(repo.rootAbs, '.git'))) found.add('.git');
    } catch {
      // no .git
    }
  }
  let evidenceOfLocalEnv = false;
  for (const p of envLikePaths(repo.paths)) {
    if (!p.startsWith(base)) continue;
    const rel = p.slice(base.length);
    if (!ENV_FILE.test(rel)) continue;
    if (TEMPLATE.test(rel)) {
      // An example file beside says the real one is created locally, next to it.
      if (!rel.includes('/')) evidenceOfLocalEnv = true;
      continue;
    }
    found.add(rel);
  }
  if (evidenceOfLocalEnv) found.add('.env');
  return [...found].sort().map((path) => {
    const pattern = dockerignore ? decidingPattern(dockerignore, path) : undefined;
    const excluded = pattern !== undefined && !pattern.exclusion;
    return excluded && pattern ? { path, excluded, pattern: pattern.span } : { path, excluded };
  });
}
