/**
 * Milliseconds on a monotonic clock, for deadlines and budgets.
 *
 * Why not performance.now(): on Node 20 the first use of the `performance` global loads perf_hooks
 * and the modules behind it (about 1 ms), start-up time every audit would pay for one deadline.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
