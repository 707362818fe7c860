import type { RuleContext } from '../../src/engine/rule.js';
import type { DockerRun, DockerShellCommand, DockerStage, DockerfileModel, ShellWordAt } from '../../src/model/containers/types.js';

/** Shared pieces of the Dockerfile rules (not a rule: the file name has no rule id form). */

export const DOCKERFILE_REF = 'https://docs.docker.com/reference/dockerfile/';
export const BEST_PRACTICES = 'https://docs.docker.com/build/building/best-practices/';

/** Production Dockerfiles only; says "not applicable" for development ones. */
export function production(df: DockerfileModel, ctx: RuleContext): boolean {
  if (df.role !== 'production') {
    ctx.notApplicable(`a development Dockerfile (${df.roleReason})`);
    return false;
  }
  return true;
}

/** The stages whose layers end up in an image that runs (targets and the stages they are built on). */
export function shipped(df: DockerfileModel): DockerStage[] {
  return df.shippedStages.map((i) => df.stages[i]).filter((s): s is DockerStage => !!s);
}

export function targets(df: DockerfileModel): DockerStage[] {
  return df.targets.map((i) => df.stages[i]).filter((s): s is DockerStage => !!s);
}

/** Every RUN of the shipped stages. */
export function shippedRuns(df: DockerfileModel): DockerRun[] {
  return shipped(df).flatMap((s) => s.runs);
}

/** A word's program name without its directory (`/usr/bin/pip3` -> `pip3`). */
export function baseName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** Wrappers a command may start with before the real program. */
const WRAPPERS = new Set(['sudo', 'env', 'exec', 'nice', 'nohup', 'time', 'command']);

/** The words of a command from its real program on (`sudo -E apt-get ...` -> `apt-get ...`; `DEBIAN_FRONTEND=x apt-get` too). */
export function programWords(cmd: DockerShellCommand): ShellWordAt[] {
  const w = cmd.words;
  let i = 0;
  while (i < w.length) {
    const v = w[i]!.value;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(v)) i++;
    else if (WRAPPERS.has(baseName(v))) {
      i++;
      while (i < w.length && w[i]!.value.startsWith('-')) i++;
    } else break;
  }
  return w.slice(i);
}

/** `apt-get install ...`, `apt install ...`: the words from the program on, when the command installs packages. */
export function aptInstall(cmd: DockerShellCommand): ShellWordAt[] | undefined {
  const w = programWords(cmd);
  const prog = w[0] ? baseName(w[0].value) : '';
  if (prog !== 'apt-get' && prog !== 'apt') return undefined;
  const sub = w.slice(1).find((x) => !x.value.startsWith('-'));
  return sub?.value === 'install' ? w : undefined;
}

/** `pip install`, `pip3 install`, `python -m pip install`: the words from the program on. */
export function pipInstall(cmd: DockerShellCommand): ShellWordAt[] | undefined {
  const w = programWords(cmd);
  if (w.length === 0) return undefined;
  let i = 0;
  const prog = baseName(w[0]!.value);
  if (/^python(?:\d+(?:\.\d+)?)?$/.test(prog)) {
    const m = w.findIndex((x) => x.value === '-m');
    if (m < 0 || !/^pip\d*(?:\.\d+)?$/.test(w[m + 1]?.value ?? '')) return undefined;
    i = m + 1;
  } else if (!/^pip\d*(?:\.\d+)?$/.test(prog)) return undefined;
  const sub = w.slice(i + 1).find((x) => !x.value.startsWith('-'));
  return sub?.value === 'install' ? w : undefined;
}

/**
 * The instruction's place among the Dockerfile's instructions of the same keyword (1-based), or
 * its offset in the file when it is not listed: a line-independent identity for fingerprints, so
 * lines inserted above do not make a baselined finding look new.
 */
export function instructionOrdinal(df: DockerfileModel, instruction: { keyword: string; span: { start: { offset: number } } }): number {
  const same = df.parsed.instructions.filter((i) => i.keyword === instruction.keyword);
  const at = same.findIndex((i) => i === instruction || i.span.start.offset === instruction.span.start.offset);
  return at >= 0 ? at + 1 : instruction.span.start.offset;
}
