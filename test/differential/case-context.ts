import { PyModule, pyStr } from './python-src.js';
import type { Rng } from './rng.js';

/** The variable several generated conditions read (`DJANGO_ENV`), set once per case or left unset. */
export const STAGE_VAR = 'DJANGO_ENV';

/**
 * Everything one case's generators share: the modules being written, the environment both tools
 * will see, and the choices later settings depend on.
 */
export class CaseContext {
  /** The environment of the case: written to .env.production and given to the Django process. */
  readonly env = new Map<string, string>();
  private readonly envNames = new Set<string>([STAGE_VAR]);
  readonly apps = { auth: false, sessions: false, admin: false };

  constructor(
    readonly rng: Rng,
    /** The module imported first (base.py in split settings, else the only module). */
    readonly base: PyModule,
    /** The module Django is pointed at (production.py in split settings, else the same as base). */
    readonly prod: PyModule,
  ) {}

  get split(): boolean {
    return this.base !== this.prod;
  }

  /** Where the next setting goes: either module of a split layout. */
  module(): PyModule {
    return this.split && this.rng.chance(0.5) ? this.prod : this.base;
  }

  /** Whether `name` is bound when module `m`'s body runs (prod sees base through `from .base import *`). */
  visible(m: PyModule, name: string): boolean {
    return m.defined.has(name) || (m === this.prod && this.base.defined.has(name) && !name.startsWith('_'));
  }

  /** A fresh environment variable name for a setting, in one of the spellings projects use. */
  envName(...candidates: string[]): string {
    const choice = this.rng.pick(candidates);
    let name = choice;
    for (let i = 2; this.envNames.has(name); i++) name = `${choice}_${i}`;
    this.envNames.add(name);
    return name;
  }

  setEnv(name: string, value: string): void {
    this.env.set(name, value);
  }

  /** Set the variable with probability p (else the code's default decides). */
  maybeSetEnv(name: string, values: readonly string[], p = 0.6): void {
    if (this.rng.chance(p)) this.env.set(name, this.rng.pick(values));
  }

  /** A condition whose value is decidable from the case (its environment and earlier settings). */
  condition(m: PyModule): string {
    const options = [
      `os.environ.get('${STAGE_VAR}', 'production') == 'production'`,
      `os.getenv('${STAGE_VAR}', 'production') != 'staging'`,
    ];
    if (this.visible(m, 'ENVIRONMENT')) options.push(`ENVIRONMENT == 'production'`, `ENVIRONMENT in ('production', 'prod')`);
    if (this.visible(m, 'DEBUG')) options.push('DEBUG', 'not DEBUG');
    return this.rng.pick(options);
  }

  /**
   * Assign `setting` in some module, in one of the statement shapes settings use: plain, annotated,
   * if/else on a decidable condition, or defined in base.py and overridden in production.py.
   */
  assign(setting: string, value: (m: PyModule) => string): void {
    const rng = this.rng;
    const m = this.module();
    const roll = rng.next();
    if (this.split && roll < 0.12) {
      this.base.add(`${setting} = ${value(this.base)}`);
      this.base.defined.add(setting);
      this.prod.add(`${setting} = ${value(this.prod)}`);
      this.prod.defined.add(setting);
      return;
    }
    if (roll < 0.27) {
      m.add(`if ${this.condition(m)}:`, `    ${setting} = ${value(m)}`, 'else:', `    ${setting} = ${value(m)}`);
    } else if (roll < 0.32) {
      m.add(`${setting}: object = ${value(m)}`);
    } else {
      m.add(`${setting} = ${value(m)}`);
    }
    m.defined.add(setting);
  }

  /** Bind ENVIRONMENT at the top of the base module (used by later conditions). */
  defineEnvironment(): void {
    this.base.add(`ENVIRONMENT = os.environ.get('${STAGE_VAR}', ${pyStr('production')})`);
    this.base.defined.add('ENVIRONMENT');
  }
}
