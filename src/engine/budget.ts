/**
 * The wall-clock budget of one audit (`--max-time`, `max-time:` in the configuration). The stages
 * of the audit ask it at safe points, between files while the model is built and between rules,
 * and stop doing more work once it is spent; what they did not do is reported, never passed.
 */
import { monotonicMs } from '../core/clock.js';

export interface TimeBudget {
  /** The limit, in milliseconds. */
  readonly limitMs: number;
  /** True once the limit is reached (and from then on). */
  expired(): boolean;
}

/** Default budget of an audit: generous, a guard against hostile input rather than a target. */
export const DEFAULT_MAX_TIME_SECONDS = 60;

/** A budget measured on `clock` (milliseconds; tests pass their own clock). */
export function timeBudget(limitMs: number, clock: () => number = monotonicMs): TimeBudget {
  const start = clock();
  let spent = false;
  return {
    limitMs,
    expired() {
      if (!spent && clock() - start >= limitMs) spent = true;
      return spent;
    },
  };
}

/** "1.5 s", "60 s": a limit as the notices show it. */
export function formatLimit(limitMs: number): string {
  const s = limitMs / 1000;
  return `${Number(s.toFixed(3))} s`;
}

/** A list shown in a notice: the first few names and how many more. */
export function namesList(names: readonly string[], shown = 10): string {
  return names.length <= shown ? names.join(', ') : `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}
