// The v3 spending rules of tick-rules.ts, over random histories. The sliding rate ceiling (rateTokensAt):
// whatever a session's history — long idle, bursts, a clock that steps back — over any window of W seconds it
// bills at most W × maxPlaybackRate + slack. The budget: a session never bills past the budget it was signed
// with, and a tick is refused BUDGET_EXCEEDED exactly when its signed seconds would.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideTick, type SessionState, type TickContext } from '../../../../server/ledger/tick-rules.js';
import type { Tick } from '../../../../src/payments/protocol.js';

const RATE = 10;
const fresh = (startedAt: number): SessionState => ({
  id: 's', principal: 'p', contentId: 'c', rate: RATE, startedAt, status: 'active', seq: 0, claimedSeconds: 0, billedSeconds: 0, billedMicro: 0, freeSeconds: 0, splits: null,
  settledSeconds: 0, settledMicro: 0, budget: null, lastActivity: startedAt, rateTokensMs: null,
});

const step = fc.record({
  /** Server time moves on by this much before the tick (now and then backwards: another process's clock). */
  dtMs: fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 3_600_000 }), fc.integer({ min: -2_000, max: 0 })),
  /** Seconds the tick signs on top of the last accepted claim. */
  more: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 10_000 })),
});

describe('sliding rate ceiling (token bucket)', () => {
  it('property: over any window of W seconds, billed seconds ≤ W × maxPlaybackRate + slack', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 1.5, 2, 4),
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 0, max: 10 ** 7 }),
        fc.array(step, { minLength: 1, maxLength: 60 }),
        (maxPlaybackRate, slackSeconds, idleMs, steps) => {
          let s = fresh(1_000_000);
          let now = s.startedAt + idleMs; // possibly long after the start: an old idle session
          const billed: Array<{ at: number; seconds: number }> = [];
          for (const [i, st] of steps.entries()) {
            now += st.dtMs;
            const seconds = s.claimedSeconds + st.more;
            const tick: Tick = { sessionId: 's', seq: i + 1, seconds, microAlgos: seconds * RATE, mediaTime: 0, clientTime: 0 };
            const ctx: TickContext = { session: s, balance: Number.MAX_SAFE_INTEGER };
            const d = decideTick(ctx, { tick, tickHash: new Uint8Array([i]), signature: new Uint8Array(0) }, { now, maxPlaybackRate, slackSeconds, platformFeeBps: 0, settle: false });
            if (d.kind !== 'apply') continue;
            const w = d.writes.session;
            billed.push({ at: now, seconds: w.billedSeconds - s.billedSeconds });
            expect(w.rateTokensMs).toBeGreaterThanOrEqual(0);
            expect(w.rateTokensMs).toBeLessThanOrEqual(slackSeconds * 1000);
            s = { ...s, ...w };
          }
          // Every window [billed[i].at, billed[j].at]: what was billed in it, against its length. A clock
          // that stepped back refills nothing, so the window is measured on the largest time seen so far.
          let high = -Infinity;
          const times = billed.map((b) => (high = Math.max(high, b.at)));
          for (let i = 0; i < billed.length; i++) {
            let sum = 0;
            for (let j = i; j < billed.length; j++) {
              sum += billed[j]!.seconds;
              const windowSeconds = Math.max(0, times[j]! - times[i]!) / 1000;
              expect(sum).toBeLessThanOrEqual(windowSeconds * maxPlaybackRate + slackSeconds + 1e-9);
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('an old idle session bills at most the bucket at once; the rest of what it signed follows at the refill rate', () => {
    const s = fresh(0);
    const limits = { now: 10 * 3_600_000, maxPlaybackRate: 2, slackSeconds: 90, platformFeeBps: 0, settle: false };
    const t = (seq: number, seconds: number): Tick => ({ sessionId: 's', seq, seconds, microAlgos: seconds * RATE, mediaTime: 0, clientTime: 0 });
    const d = decideTick({ session: s, balance: 1e12 }, { tick: t(1, 50_000), tickHash: new Uint8Array([1]), signature: new Uint8Array(0) }, limits);
    expect(d).toMatchObject({ kind: 'apply', status: 200, writes: { session: { claimedSeconds: 50_000, billedSeconds: 90, rateTokensMs: 0, status: 'active' } } });
    if (d.kind !== 'apply') return;
    const next = { ...s, ...d.writes.session };
    const d2 = decideTick({ session: next, balance: 1e12 }, { tick: t(2, 50_000), tickHash: new Uint8Array([2]), signature: new Uint8Array(0) }, { ...limits, now: limits.now + 10_000 });
    expect(d2).toMatchObject({ kind: 'apply', writes: { session: { billedSeconds: 110, rateTokensMs: 0 } } });
  });
});

describe('the signed budget', () => {
  it('property: billed µALGO never pass the budget; BUDGET_EXCEEDED exactly when the signed seconds would bill past it, writing nothing', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 0, max: 5_000 }), { nil: null }),
        fc.integer({ min: 0, max: 2_000 }),
        fc.array(fc.record({ more: fc.integer({ min: 0, max: 40 }), dtMs: fc.integer({ min: 0, max: 60_000 }) }), { minLength: 1, maxLength: 40 }),
        (budget, balance, steps) => {
          let s: SessionState = { ...fresh(0), budget };
          let bal = balance;
          let now = 0;
          for (const [i, st] of steps.entries()) {
            now += st.dtMs;
            const seconds = s.claimedSeconds + st.more;
            const tick: Tick = { sessionId: 's', seq: i + 1, seconds, microAlgos: seconds * RATE, mediaTime: 0, clientTime: 0 };
            const d = decideTick({ session: s, balance: bal }, { tick, tickHash: new Uint8Array([i]), signature: new Uint8Array(0) }, { now, maxPlaybackRate: 2, slackSeconds: 30, platformFeeBps: 0, settle: false });
            if (d.kind === 'refuse') {
              if (d.code === 'BUDGET_EXCEEDED') expect(budget !== null && seconds * RATE > budget).toBe(true);
              expect(d.ledger.microAlgos).toBe(s.billedMicro); // the ledger as it was
              continue;
            }
            expect(d.kind).toBe('apply');
            if (d.kind !== 'apply') continue;
            if (budget !== null) expect(seconds * RATE).toBeLessThanOrEqual(budget); // accepted only within it…
            s = { ...s, ...d.writes.session };
            bal -= d.writes.debit?.microAlgos ?? 0;
            if (budget !== null) expect(s.billedMicro).toBeLessThanOrEqual(budget); // …so billed within it too
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
