import type { Span } from '../core/position.js';
import type { EnvRead, PyValue } from './python-value.js';

/** A problem found while parsing or evaluating a file (syntax error, unsupported construct). */
export interface ParseProblem {
  file: string;
  span: Span;
  message: string;
  /** 'syntax' problems become findings; 'evaluation' ones are notices (the value became unknown). */
  kind: 'syntax' | 'evaluation';
}

/** The final binding of one upper-case setting in an evaluated settings module. */
export interface SettingBinding {
  name: string;
  value: PyValue;
  /** The statement that last assigned the setting (the line a finding should point at). */
  span: Span;
  /** The right-hand side of that assignment, when there is one. */
  valueSpan?: Span;
  /** Every assignment and mutation (`+=`, `.append`, ...) in evaluation order, last one last. */
  history: Span[];
}

/** What Django would see for one settings module under one environment. */
export interface EvaluatedSettings {
  /** Dotted module name, e.g. "config.settings.production". */
  module: string;
  /** Repo-relative file of that module. */
  file: string;
  /** Name of the environment evaluated against, e.g. "production" or "unset" (no env at all). */
  environment: string;
  /** Every file whose code was evaluated (the module and what it imported, e.g. base.py). */
  files: string[];
  get(name: string): SettingBinding | undefined;
  names(): string[];
  /** Every environment read performed, in order. */
  envReads: EnvRead[];
  /** Problems met on the way; the evaluation went on past each. */
  problems: ParseProblem[];
}
