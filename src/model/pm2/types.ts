import type { Span } from '../../core/position.js';

/** pm2 process files (ecosystem.config.js/.cjs/.mjs/.json) in the deployment model. Parsing: src/parse/pm2.ts. */

/** A literal read from the file; 'unknown' when it is computed (a variable, a call, a template with ${}). */
export type Pm2Literal = string | number | boolean | null | string[] | { unknown: string };

export interface Pm2Value {
  value: Pm2Literal;
  /** The value. */
  span: Span;
  /** `key: value`. */
  pairSpan: Span;
}

export interface Pm2EnvEntry {
  name: string;
  value: Pm2Literal;
  span: Span;
  pairSpan: Span;
}

export interface Pm2EnvBlock {
  /** `env`, `env_production`, `env_staging` ... */
  name: string;
  span: Span;
  entries: Pm2EnvEntry[];
}

export interface Pm2App {
  /** The app's object literal. */
  span: Span;
  /** Options by key (name, script, args, cwd, watch, max_memory_restart, instances, exec_mode, interpreter ...). */
  options: Map<string, Pm2Value>;
  envBlocks: Pm2EnvBlock[];
}

export interface Pm2File {
  file: string;
  apps: Pm2App[];
  /** Syntax errors or shapes that could not be read. */
  problems: Array<{ message: string; span: Span }>;
  /** 'development' by path words (dev, local, test) or configuration; otherwise 'production'. */
  role: 'production' | 'development';
}

/** A package.json `scripts` entry. */
export interface PackageScript {
  name: string;
  command: string;
  span: Span;
  pairSpan: Span;
}

export interface PackageJsonFile {
  file: string;
  scripts: PackageScript[];
  problems: Array<{ message: string; span: Span }>;
}
