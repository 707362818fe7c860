import type { Span } from '../../core/position.js';

/**
 * The programs that read .env-style files, each with its own dialect (quotes, `export`, inline
 * comments, `${VAR}` expansion). See shared/reference/containers-systemd-env.md section 3.
 */
export type DotenvDialect =
  | 'python-dotenv'
  | 'python-decouple'
  | 'django-environ'
  | 'compose'
  | 'systemd'
  | 'npm-dotenv';

/** How much a source says about production. */
export type EnvSourceRole = 'production' | 'staging' | 'development' | 'test' | 'example';

/** One variable definition in one environment source, with where it is. */
export interface EnvEntry {
  name: string;
  /**
   * The string the consuming program ends up with. `null` means the variable is declared without a
   * value (compose: inherited from the host; python-dotenv: None) and so is not known here.
   */
  value: string | null;
  /** The defining line (the whole `KEY=value` assignment). */
  span: Span;
  /** Span of the value part only, for pointing at it. */
  valueSpan?: Span;
  /** Name of the layer that defined it, e.g. ".env.production" or "compose service web". */
  layer: string;
}

/**
 * One layer of environment: a .env file as some consumer reads it, a compose service's
 * `environment:`, a systemd `Environment=` list, a Dockerfile's ENV, a Kubernetes container env...
 * Parsers produce layers; the model stacks them.
 */
export interface EnvLayer {
  /** Human name shown in messages, e.g. ".env.production". */
  readonly name: string;
  readonly kind: 'dotenv' | 'compose' | 'systemd' | 'kubernetes' | 'dockerfile' | 'procfile' | 'other';
  readonly role: EnvSourceRole;
  /** The file this layer comes from (repo-relative), if any. */
  readonly file?: string;
  /**
   * Look a variable up. For a dotenv layer the value depends on who reads the file: pass the
   * reading library's dialect when the settings code itself loads the file.
   */
  lookup(name: string, dialect?: DotenvDialect): EnvEntry | undefined;
  /** Every variable the layer defines (last definition of each name wins). */
  entries(dialect?: DotenvDialect): EnvEntry[];
}

/**
 * Environment lookup made of layers; later layers override earlier ones, as the runtimes do
 * (Dockerfile ENV < compose env_file < compose environment, and so on).
 */
export class LayeredEnv {
  constructor(readonly layers: readonly EnvLayer[] = []) {}

  lookup(name: string, dialect?: DotenvDialect): EnvEntry | undefined {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const hit = this.layers[i]!.lookup(name, dialect);
      if (hit) return hit;
    }
    return undefined;
  }

  with(layer: EnvLayer): LayeredEnv {
    return new LayeredEnv([...this.layers, layer]);
  }

  get isEmpty(): boolean {
    return this.layers.length === 0;
  }
}
