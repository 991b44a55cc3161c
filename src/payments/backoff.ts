/**
 * Exponential backoff with "full jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * the delay is uniform in [0, min(cap, base × 2^(attempt-1))]. Full jitter spreads the retries of many
 * viewers who lost the API at the same moment, so a recovering server is not hit by a synchronized wave.
 *
 * Pure: the random source is injected.
 */
export interface BackoffOptions {
  /** Ceiling of the first retry, ms. */
  baseMs?: number;
  /**
   * Largest ceiling, ms. Well under the grace period (30 s by default): with a 30 s cap one unlucky wait
   * could outlast the whole grace, and a 10 s outage would pause the viewer although the API was back.
   * 5 s gives several tries within grace and notices a recovered API within 5 s.
   */
  capMs?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = { baseMs: 500, capMs: 5_000 };

/** The ceiling for `attempt` (1-based); grows ×2 per attempt up to the cap. */
export function backoffCeiling(attempt: number, opts: BackoffOptions = {}): number {
  const { baseMs, capMs } = { ...DEFAULT_BACKOFF, ...opts };
  if (!(attempt >= 1)) return 0;
  // 2^exp overflows to Infinity past ~1024; clamp the exponent so the min() stays exact.
  const exp = Math.min(attempt - 1, 52);
  return Math.min(capMs, baseMs * 2 ** exp);
}

/** Delay before retry number `attempt` (1-based), ms, integer. `random` returns [0, 1). */
export function backoffDelay(attempt: number, random: () => number = Math.random, opts: BackoffOptions = {}): number {
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * backoffCeiling(attempt, opts));
}
