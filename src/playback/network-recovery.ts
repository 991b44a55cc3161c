/**
 * When to retry after a fatal network error, as a pure decision with an injected clock.
 * hls.js's own retries are already spent when it reports a fatal error, so this is the outer loop
 * (Mux's recipe): only status 0 (no answer) or 5xx, backoff 1 s → 30 s, within a total budget.
 * A 4xx is the server's final word: retrying would only hammer it.
 */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  budgetMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 1_000, maxMs: 30_000, budgetMs: 120_000 };

export type RetryDecision = { action: 'retry'; delayMs: number } | { action: 'give-up' };

export function isRetryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 0 || (status >= 500 && status < 600);
}

export class NetworkRecovery {
  private attempts = 0;
  private since: number | undefined;

  constructor(
    private readonly now: () => number,
    private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {}

  /** Called on each fatal network error; the caller schedules the retry it is told to. */
  onFatal(status: number | undefined): RetryDecision {
    if (!isRetryableStatus(status)) return { action: 'give-up' };
    const now = this.now();
    this.since ??= now;
    const delayMs = Math.min(this.policy.maxMs, this.policy.baseMs * 2 ** this.attempts);
    if (now - this.since + delayMs > this.policy.budgetMs) return { action: 'give-up' };
    this.attempts += 1;
    return { action: 'retry', delayMs };
  }

  /** True while a recovery is in progress (the UI shows "Reconnecting…"). */
  get recovering(): boolean {
    return this.since !== undefined;
  }

  /** Media flowed again (FRAG_BUFFERED): the next failure starts a fresh budget. */
  reset(): void {
    this.attempts = 0;
    this.since = undefined;
  }
}
