/**
 * Nonces of signed requests, each remembered until its request time falls out of the accepted window: a
 * request replayed within the window is refused, and one replayed later is stale anyway. In memory, for
 * one API process; bounded, and full means BUSY rather than forgetting a nonce that still counts.
 */
export class NonceWindow {
  /** nonce → expiry (Unix ms). Insertion order is close to expiry order (expiries lie within 2 × skew of insertion). */
  private readonly seen = new Map<string, number>();

  constructor(private readonly max = 1_000_000) {}

  has(nonce: string, now: number): boolean {
    const until = this.seen.get(nonce);
    return until !== undefined && until >= now;
  }

  /** False when the nonce is already held (a replay racing the first request); throws when full. */
  add(nonce: string, until: number, now: number): boolean {
    this.prune(now);
    if (this.has(nonce, now)) return false;
    if (this.seen.size >= this.max) throw new RangeError('nonce window full');
    this.seen.set(nonce, until);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private prune(now: number): void {
    for (const [nonce, until] of this.seen) {
      if (until >= now) return;
      this.seen.delete(nonce);
    }
  }
}
