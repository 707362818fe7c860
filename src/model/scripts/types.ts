import type { Span } from '../../core/position.js';
import type { SourceText } from '../../core/source.js';
import type { ShellWord } from '../../parse/shell.js';

/**
 * Shell scripts in the deployment model (deploy, provisioning and start scripts). Parsing is
 * src/parse/shell.ts; building is src/model/scripts/build.ts.
 */

/** What a script is for, from its name, place and content. */
export type ScriptRole =
  /** Deploys, releases or provisions (by name, place, or what it runs: ssh/rsync to a host, git pull, restarts...). */
  | 'deploy'
  /** Starts the application in a container or on a host (entrypoint.sh, start.sh, run.sh...). */
  | 'entrypoint'
  /** For development, tests or examples (dev/local/test in the path, or it runs runserver). */
  | 'development'
  | 'other';

/** A shell in which commands run: the script itself, or text it hands to ssh / bash -c / a heredoc. */
export interface ShellUnit {
  /** 0 is the script itself. */
  id: number;
  /** How the text reaches a shell: undefined for the script, e.g. "ssh deploy@web1" or "bash -c". */
  via?: string;
  /** The command that hands the text over (undefined for the script). */
  viaSpan?: Span;
  /** errexit is on from the start (`#!/bin/bash -e`, `bash -ec '...'`). */
  errexitAtStart: boolean;
  /** Where errexit is on from the start, when it is (the shebang, the -e flag). */
  errexitSpan?: Span;
}

export interface ScriptCommand {
  /** Base name of the program run, wrappers removed (sudo, env, exec, nohup, time, nice, timeout). */
  name: string;
  /** Word values from the program on. */
  argv: string[];
  /** The same words, positioned. */
  words: ShellWord[];
  /** Every word of the command as written, wrappers included (for searches such as "pg_dump anywhere"). */
  allWords: string[];
  /** Leading NAME=value words. */
  assignments: Array<{ name: string; value: string; span: Span }>;
  /** From the first word to the last. */
  span: Span;
  line: number;
  unit: number;
  /** Commands joined by &&, || or | share a list number (within their unit). */
  list: number;
  separator?: string;
  previous?: string;
  /** An `if`/`while` condition or negated: a failure is handled. */
  condition: boolean;
  /** A later command of the same and-or list runs on failure (`cmd || exit 1`). */
  guarded: boolean;
  /** errexit is on when it runs (set -e before it in its unit). */
  errexit: boolean;
  depth: number;
  /** A function definition (`deploy() {`). */
  defines?: string;
}

export interface ShellScript {
  file: string;
  role: ScriptRole;
  /** Why the role: "named deploy*", "under deploy/", "runs ssh to a host (line 12)"... */
  roleReason: string;
  source: SourceText;
  /** The shebang line, when there is one. */
  shebang?: { interpreter: string; args: string[]; span: Span };
  units: ShellUnit[];
  /** Every command, nested ones included, in text order. */
  commands: ScriptCommand[];
  problems: Array<{ message: string; span: Span }>;
}
