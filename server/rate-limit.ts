/**
 * Token buckets per key (client address, viewer): `perSecond` tokens refill continuously up to `burst`;
 * a request takes one. Bounded: past `maxKeys` the oldest bucket is forgotten (it would be full again soon
 * anyway), so a flood of new addresses costs memory only up to that bound.
 */
import type { RateLimit } from './config.js';
import { ApiError } from './errors.js';
import { Bounded } from './http-io.js';

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets: Bounded<string, Bucket>;
  constructor(
    private readonly limit: RateLimit | false,
    private readonly now: () => number,
    private readonly what: string,
    maxKeys = 100_000,
  ) {
    this.buckets = new Bounded(maxKeys);
  }

  /** Takes a token for `key` or throws 429 RATE_LIMITED with the seconds until the next one (Retry-After). */
  take(key: string): void {
    const l = this.limit;
    if (l === false) return;
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: l.burst, at: now };
    // A clock that moved back (tests, NTP) refills nothing rather than going negative.
    b.tokens = Math.min(l.burst, b.tokens + (Math.max(0, now - b.at) / 1000) * l.perSecond);
    b.at = now;
    if (b.tokens < 1) {
      this.buckets.set(key, b);
      const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / l.perSecond));
      throw new ApiError('RATE_LIMITED', `too many requests from this ${this.what}; retry in ${retryAfter} s`, undefined, { 'retry-after': String(retryAfter) });
    }
    b.tokens -= 1;
    this.buckets.set(key, b);
  }
}
