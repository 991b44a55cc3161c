import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paceBid, type PacingInput } from '../../../../server/ads/pacing.js';

const base: PacingInput = {
  valueMicroAlgosPerSecond: 1000,
  floorMicroAlgosPerSecond: 100,
  currentBidMicroAlgosPerSecond: 500,
  budgetLeftMicroAlgos: 86_400_000,
  leastBreakMicroAlgos: 1500,
  secondsLeftInDay: 86_400,
  spentLastIntervalMicroAlgos: 60_000, // 1000/s over 60 s: exactly on pace
  intervalSeconds: 60,
  auctionsLastInterval: 10,
  winsLastInterval: 5,
};

const inputArb = fc.record({
  valueMicroAlgosPerSecond: fc.integer({ min: 1, max: 10_000 }),
  floorMicroAlgosPerSecond: fc.integer({ min: 0, max: 5_000 }),
  currentBidMicroAlgosPerSecond: fc.integer({ min: 0, max: 20_000 }),
  budgetLeftMicroAlgos: fc.integer({ min: 0, max: 1e9 }),
  leastBreakMicroAlgos: fc.integer({ min: 0, max: 100_000 }),
  secondsLeftInDay: fc.integer({ min: 0, max: 86_400 }),
  spentLastIntervalMicroAlgos: fc.integer({ min: 0, max: 1e7 }),
  intervalSeconds: fc.integer({ min: 1, max: 600 }),
  auctionsLastInterval: fc.integer({ min: 0, max: 100 }),
  winsLastInterval: fc.integer({ min: 0, max: 100 }),
});

describe('paceBid', () => {
  it('keeps an on-pace bid, lowers it when spending too fast, raises it when too slow and losing', () => {
    expect(paceBid(base)).toEqual({ bidMicroAlgosPerSecond: 500, reason: 'on-pace' });
    expect(paceBid({ ...base, spentLastIntervalMicroAlgos: 200_000 })).toEqual({ bidMicroAlgosPerSecond: 400, reason: 'too-fast' });
    expect(paceBid({ ...base, spentLastIntervalMicroAlgos: 0 })).toEqual({ bidMicroAlgosPerSecond: 625, reason: 'too-slow' });
    // Too slow but winning every auction: a higher bid would buy nothing more, only pay more.
    expect(paceBid({ ...base, spentLastIntervalMicroAlgos: 0, winsLastInterval: 10 }).reason).toBe('on-pace');
    expect(paceBid({ ...base, budgetLeftMicroAlgos: 1499 })).toEqual({ bidMicroAlgosPerSecond: 0, reason: 'budget-spent' });
    expect(paceBid({ ...base, valueMicroAlgosPerSecond: 99 })).toEqual({ bidMicroAlgosPerSecond: 0, reason: 'value-below-floor' });
    // Under a 0 floor a bid shaded down stays a bid (1 µALGO/s), never the 0 that means "withdraw".
    expect(paceBid({ ...base, floorMicroAlgosPerSecond: 0, currentBidMicroAlgosPerSecond: 1, spentLastIntervalMicroAlgos: 200_000 })).toEqual({ bidMicroAlgosPerSecond: 1, reason: 'too-fast' });
  });

  it('property: a bid stays within [floor, value], or the agent withdraws', () => {
    fc.assert(
      fc.property(inputArb, (p) => {
        const d = paceBid(p);
        if (d.bidMicroAlgosPerSecond === 0) return d.reason === 'budget-spent' || d.reason === 'value-below-floor' || p.valueMicroAlgosPerSecond === 0;
        expect(d.bidMicroAlgosPerSecond).toBeGreaterThanOrEqual(p.floorMicroAlgosPerSecond);
        expect(d.bidMicroAlgosPerSecond).toBeLessThanOrEqual(p.valueMicroAlgosPerSecond);
        return true;
      }),
    );
  });

  it('property: spending more in the last interval never raises the next bid', () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 0, max: 1e7 }), (p, more) => {
        const a = paceBid(p).bidMicroAlgosPerSecond;
        const b = paceBid({ ...p, spentLastIntervalMicroAlgos: p.spentLastIntervalMicroAlgos + more }).bidMicroAlgosPerSecond;
        expect(b).toBeLessThanOrEqual(a);
      }),
    );
  });

  it('converges: a bidder that overspends keeps lowering until on pace or at the floor', () => {
    let bid = 1000;
    for (let i = 0; i < 20; i++) bid = paceBid({ ...base, currentBidMicroAlgosPerSecond: bid, spentLastIntervalMicroAlgos: bid * 300 }).bidMicroAlgosPerSecond;
    // Spend rate = bid × 5 per s here; on pace at 1000/s means a bid near 200 (within one step).
    expect(bid).toBeGreaterThanOrEqual(100);
    expect(bid).toBeLessThanOrEqual(240);
  });
});
