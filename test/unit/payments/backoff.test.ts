import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { backoffCeiling, backoffDelay } from '../../../src/payments/backoff.js';

describe('backoffCeiling', () => {
  it('doubles from the base up to the cap', () => {
    const o = { baseMs: 100, capMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffCeiling(a, o))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
  it('is 0 for attempt 0 and stays finite for huge attempts', () => {
    expect(backoffCeiling(0)).toBe(0);
    expect(backoffCeiling(10_000)).toBe(5_000);
  });
});

describe('the default cap against the grace period', () => {
  it('leaves room for several retries within the default 30 s grace', () => {
    // Worst case: every wait is the full ceiling. An outage shorter than the grace must be noticed in time.
    let waited = 0;
    let tries = 0;
    for (let a = 1; waited + backoffCeiling(a) <= 30_000; a++) { waited += backoffCeiling(a); tries++; }
    expect(tries).toBeGreaterThanOrEqual(5);
    expect(backoffCeiling(1_000)).toBeLessThanOrEqual(30_000 / 5);
  });
});

describe('backoffDelay', () => {
  it('is full jitter: 0 at random()=0, just under the ceiling near 1', () => {
    expect(backoffDelay(3, () => 0, { baseMs: 100 })).toBe(0);
    expect(backoffDelay(3, () => 0.999999, { baseMs: 100 })).toBe(399);
  });
  it('always lies in [0, ceiling]', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2000 }), fc.double({ min: 0, max: 1, noNaN: true }), (a, r) => {
      const d = backoffDelay(a, () => r);
      return Number.isInteger(d) && d >= 0 && d <= backoffCeiling(a);
    }));
  });
});
