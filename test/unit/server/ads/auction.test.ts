import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAdSettings, type AdSettings } from '../../../../server/ads/ad-settings.js';
import { runAuction, targetingMatches, type AuctionInput, type BidState, type StandingBid } from '../../../../server/ads/auction.js';

const settings = (floor: number, extra: Record<string, unknown> = {}): AdSettings =>
  parseAdSettings({ breaks: [{ atSeconds: 0, maxSeconds: 30 }], floorMicroAlgosPerSecond: floor, targeting: { categories: ['science'], tags: ['math'], language: 'en', rating: 'G' }, ...extra });

const bid = (id: string, price: number, extra: Partial<StandingBid> = {}): StandingBid => ({
  bidId: id,
  agentId: `agent-${id}`,
  creativeId: `c-${id}`,
  creativeSeconds: 15,
  microAlgosPerSecond: price,
  maxSecondsPerBreak: 30,
  dailyBudgetMicroAlgos: 1e12,
  targeting: {},
  frequencyCapPerViewerPerDay: 0,
  createdAt: 0,
  ...extra,
});

const rich: BidState = { agentBalance: 1e12, committedToday: 0, viewerWinsToday: 0 };
const input = (bids: StandingBid[], floor = 0, state?: Map<string, BidState>): AuctionInput => ({
  settings: settings(floor),
  contentId: 'film-1',
  breakMaxSeconds: 30,
  bids,
  state: state ?? new Map(bids.map((b) => [b.bidId, rich])),
});

/** Bids with distinct agents and ids; prices 1…10 000 µALGO/s (ties likely). */
const bidsArb = fc
  .array(fc.record({ price: fc.integer({ min: 1, max: 10_000 }), createdAt: fc.integer({ min: 0, max: 5 }) }), { maxLength: 12 })
  .map((xs) => xs.map((x, i) => bid(`b${i}`, x.price, { createdAt: x.createdAt })));

describe('runAuction', () => {
  it('charges the second price, the floor when alone, and never more than the winner bid', () => {
    expect(runAuction(input([bid('a', 500), bid('b', 300)])).winner).toMatchObject({ bid: { bidId: 'a' }, clearingMicroAlgosPerSecond: 300, holdSeconds: 30, holdMicroAlgos: 9000 });
    expect(runAuction(input([bid('a', 500)], 120)).winner?.clearingMicroAlgosPerSecond).toBe(120);
    expect(runAuction(input([bid('a', 500), bid('b', 100)], 200)).winner?.clearingMicroAlgosPerSecond).toBe(200);
  });

  it('leaves the break empty when no bid is eligible, and records why each bid was out', () => {
    const r = runAuction(input([bid('a', 50), bid('b', 400, { creativeSeconds: 45, maxSecondsPerBreak: 60 }), bid('c', 400, { targeting: { languages: ['fr'] } })], 100));
    expect(r.winner).toBeUndefined();
    expect(r.entries.map((e) => e.ineligible)).toEqual(['below-floor', 'too-long', 'targeting']);
  });

  it('counts balance (holds already out), daily budget and the frequency cap', () => {
    const bids = [bid('a', 900), bid('b', 800, { dailyBudgetMicroAlgos: 30_000 }), bid('c', 700, { frequencyCapPerViewerPerDay: 2 }), bid('d', 100)];
    const state = new Map<string, BidState>([
      ['a', { agentBalance: 900 * 30 - 1, committedToday: 0, viewerWinsToday: 0 }],
      ['b', { agentBalance: 1e9, committedToday: 30_000 - 800 * 30 + 1, viewerWinsToday: 0 }],
      ['c', { agentBalance: 1e9, committedToday: 0, viewerWinsToday: 2 }],
      ['d', rich],
    ]);
    const r = runAuction(input(bids, 0, state));
    expect(r.entries.map((e) => e.ineligible)).toEqual(['balance', 'daily-budget', 'frequency-cap', undefined]);
    // Alone above a zero floor, the winner pays the floor: 0 (the floor is the platform's price guard).
    expect(r.winner).toMatchObject({ bid: { bidId: 'd' }, clearingMicroAlgosPerSecond: 0 });
  });

  it('takes one bid per agent: an agent never sets its own price', () => {
    const r = runAuction(input([bid('a1', 900, { agentId: 'A' }), bid('a2', 800, { agentId: 'A' }), bid('b', 200)]));
    expect(r.winner).toMatchObject({ bid: { bidId: 'a1' }, clearingMicroAlgosPerSecond: 200 });
    expect(r.entries.find((e) => e.bidId === 'a2')?.ineligible).toBe('outbid-by-own-bid');
  });

  it('breaks ties by the older bid, then by bid id, whatever the order bids arrive in', () => {
    const bids = [bid('z', 500, { createdAt: 1 }), bid('y', 500, { createdAt: 2 }), bid('x', 500, { createdAt: 2 })];
    for (const order of [bids, [...bids].reverse(), [bids[1]!, bids[0]!, bids[2]!]]) {
      expect(runAuction(input(order)).winner).toMatchObject({ bid: { bidId: 'z' }, clearingMicroAlgosPerSecond: 500 });
    }
  });

  it('property: floor ≤ clearing ≤ winner bid; the winner ranks first; clearing is the second eligible price or the floor', () => {
    fc.assert(
      fc.property(bidsArb, fc.integer({ min: 0, max: 10_000 }), (bids, floor) => {
        const r = runAuction(input(bids, floor));
        const eligible = bids.filter((b) => b.microAlgosPerSecond >= floor).map((b) => b.microAlgosPerSecond).sort((a, b) => b - a);
        if (eligible.length === 0) return r.winner === undefined;
        const w = r.winner!;
        expect(w.bid.microAlgosPerSecond).toBe(eligible[0]);
        expect(w.clearingMicroAlgosPerSecond).toBeGreaterThanOrEqual(floor);
        expect(w.clearingMicroAlgosPerSecond).toBeLessThanOrEqual(w.bid.microAlgosPerSecond);
        expect(w.clearingMicroAlgosPerSecond).toBe(Math.max(eligible[1] ?? 0, floor));
        expect(w.holdMicroAlgos).toBe(w.clearingMicroAlgosPerSecond * w.holdSeconds);
        return true;
      }),
    );
  });

  it('property: the result does not depend on the order of the bids', () => {
    fc.assert(
      fc.property(bidsArb, fc.integer({ min: 0, max: 5000 }), fc.integer(), (bids, floor, seed) => {
        const shuffled = [...bids].sort((a, b) => ((a.bidId.charCodeAt(1) * 31 + seed) % 7) - ((b.bidId.charCodeAt(1) * 31 + seed) % 7));
        const a = runAuction(input(bids, floor)).winner;
        const b = runAuction(input(shuffled, floor)).winner;
        expect(b?.bid.bidId).toBe(a?.bid.bidId);
        expect(b?.clearingMicroAlgosPerSecond).toBe(a?.clearingMicroAlgosPerSecond);
      }),
    );
  });

  it('property: bidding one’s true value per second is a best response (utility never higher with another bid)', () => {
    const utility = (others: StandingBid[], myBid: number, value: number, floor: number) => {
      const r = runAuction(input([...others, bid('me', myBid, { createdAt: 3 })], floor));
      return r.winner?.bid.bidId === 'me' ? (value - r.winner.clearingMicroAlgosPerSecond) * r.winner.holdSeconds : 0;
    };
    fc.assert(
      fc.property(bidsArb, fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 5000 }), (others, value, deviation, floor) => {
        expect(utility(others, value, value, floor)).toBeGreaterThanOrEqual(utility(others, deviation, value, floor));
      }),
    );
  });
});

describe('targetingMatches', () => {
  const s = settings(0);
  it('matches absent fields always, lists on any overlap, language and rating by membership', () => {
    expect(targetingMatches({}, 'film-1', s)).toBe(true);
    expect(targetingMatches({ categories: ['sports', 'science'], tags: ['math'], languages: ['en', 'de'], ratings: ['G', 'PG'] }, 'film-1', s)).toBe(true);
    expect(targetingMatches({ contentIds: ['film-2'] }, 'film-1', s)).toBe(false);
    expect(targetingMatches({ tags: ['cars'] }, 'film-1', s)).toBe(false);
    expect(targetingMatches({ ratings: ['R'] }, 'film-1', s)).toBe(false);
    expect(targetingMatches({ languages: ['en'] }, 'film-1', parseAdSettings({ every: { seconds: 600, maxSeconds: 30 } }))).toBe(false);
  });
});
