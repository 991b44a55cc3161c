import { describe, it, expect } from 'vitest';
import { NetworkRecovery, isRetryableStatus } from '../../../src/playback/network-recovery.js';

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => { now += ms; } };
}

describe('isRetryableStatus', () => {
  it('retries no answer and server errors, never client errors', () => {
    expect([undefined, 0, 500, 502, 503, 599].map(isRetryableStatus)).toEqual([true, true, true, true, true, true]);
    expect([400, 401, 403, 404, 410, 429, 200, 600].map(isRetryableStatus)).toEqual([false, false, false, false, false, false, false, false]);
  });
});

describe('NetworkRecovery', () => {
  it('backs off 1 s, 2 s, 4 s … capped at 30 s', () => {
    const c = clock();
    const r = new NetworkRecovery(c.now, { baseMs: 1000, maxMs: 30_000, budgetMs: 10 * 60_000 });
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const d = r.onFatal(0);
      if (d.action !== 'retry') throw new Error('gave up early');
      delays.push(d.delayMs);
      c.advance(d.delayMs);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('gives up when the next wait would overrun the budget', () => {
    const c = clock();
    const r = new NetworkRecovery(c.now, { baseMs: 1000, maxMs: 30_000, budgetMs: 10_000 });
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      const d = r.onFatal(503);
      seen.push(d.action);
      if (d.action === 'retry') c.advance(d.delayMs);
    }
    // 1 + 2 + 4 = 7 s spent; 8 s more would reach 15 s > 10 s.
    expect(seen).toEqual(['retry', 'retry', 'retry', 'give-up', 'give-up', 'give-up']);
  });

  it('never retries a 4xx', () => {
    const r = new NetworkRecovery(clock().now);
    expect(r.onFatal(404)).toEqual({ action: 'give-up' });
    expect(r.recovering).toBe(false);
  });

  it('starts a fresh budget after media flows again', () => {
    const c = clock();
    const r = new NetworkRecovery(c.now, { baseMs: 1000, maxMs: 30_000, budgetMs: 5_000 });
    r.onFatal(0); c.advance(1000); r.onFatal(0); c.advance(2000);
    expect(r.recovering).toBe(true);
    r.reset();
    expect(r.recovering).toBe(false);
    c.advance(60_000);
    expect(r.onFatal(0)).toEqual({ action: 'retry', delayMs: 1000 });
  });
});
