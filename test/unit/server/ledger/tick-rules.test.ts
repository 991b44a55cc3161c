// decideTick by example: the shape of the writes a store must apply (guards, relative debit) and of the
// answers; the property suite (ledger.property.test.ts) covers the rules over random sequences.
import { describe, expect, it } from 'vitest';
import { IDLE_TICK_ALLOWANCE, decideSessionLimit, decideStart, decideTick, type SessionState, type TickContext } from '../../../../server/ledger/tick-rules.js';
import type { Tick } from '../../../../src/payments/protocol.js';

const session: SessionState = {
  id: 's1', principal: 'p', contentId: 'film', rate: 100, startedAt: 0, status: 'active',
  seq: 3, claimedSeconds: 10, billedSeconds: 10, billedMicro: 1_000, settledSeconds: 4, settledMicro: 400, freeSeconds: 0, splits: null,
  budget: null, lastActivity: 0, rateTokensMs: null,
};
const limits = { now: 60_000, maxPlaybackRate: 2, slackSeconds: 5, platformFeeBps: 1_000, settle: false };
const tick = (seq: number, seconds: number, extra: Partial<Tick> = {}): Tick => ({ sessionId: 's1', seq, seconds, microAlgos: seconds * 100, mediaTime: 0, clientTime: 0, ...extra });
const hash = (n: number) => new Uint8Array([n]);
const input = (t: Tick, h = 1) => ({ tick: t, tickHash: hash(h), signature: new Uint8Array([9]) });
const ctx = (balance: number, stored?: TickContext['stored']): TickContext => ({ session, balance, ...(stored && { stored }) });

describe('decideTick', () => {
  it('writes guarded by the seq it read, a relative debit, and the tick row with its answer', () => {
    const d = decideTick(ctx(5_000), input(tick(4, 15)), limits);
    expect(d).toMatchObject({ kind: 'apply', status: 200 });
    if (d.kind !== 'apply') return;
    expect(d.writes).toMatchObject({
      sessionId: 's1',
      expectSeq: 3,
      session: { seq: 4, claimedSeconds: 15, billedSeconds: 15, billedMicro: 1_500, settledSeconds: 4, settledMicro: 400, status: 'active', lastActivity: 60_000 },
      debit: { principal: 'p', microAlgos: 500 },
      tick: { charged: 500, httpStatus: 200, receivedAt: 60_000 },
      answer: { sessionId: 's1', seq: 4, seconds: 15, microAlgos: 1_500, balanceMicroAlgos: 4_500, status: 'active' },
    });
    expect(d.writes.settlement).toBeUndefined();
  });

  it('402: charges the affordable whole seconds, the rest stays owed; nothing to debit when nothing is affordable', () => {
    const d = decideTick(ctx(250), input(tick(4, 15)), limits);
    expect(d).toMatchObject({ kind: 'apply', status: 402, writes: { debit: { microAlgos: 200 }, answer: { seconds: 12, balanceMicroAlgos: 50, status: 'exhausted' } } });
    const none = decideTick(ctx(99), input(tick(4, 15)), limits);
    expect(none).toMatchObject({ kind: 'apply', status: 402, writes: { session: { seq: 4, claimedSeconds: 15, billedSeconds: 10 } } });
    expect(none.kind === 'apply' && 'debit' in none.writes).toBe(false);
  });

  it('settles on pause: the unsettled part, the platform fee, a settlement whose id the store assigns', () => {
    const d = decideTick(ctx(5_000), input(tick(4, 12, { final: true })), { ...limits, settle: true });
    expect(d).toMatchObject({
      kind: 'apply',
      writes: {
        settlement: { sessionId: 's1', seq: 4, contentId: 'film', seconds: 8, microAlgos: 800, totalSeconds: 12, totalMicroAlgos: 1_200, platformFee: 80, createdAt: 60_000 },
        session: { settledSeconds: 12, settledMicro: 1_200, status: 'paused' },
        answer: { settlement: { id: 0, seconds: 8 } },
      },
    });
  });

  it('the same tick again gets the stored answer; another tick under that seq, an old seq, a wrong amount, lower totals and a run-ahead are refused', () => {
    const answer = { sessionId: 's1', seq: 3, seconds: 10, microAlgos: 1_000, balanceMicroAlgos: 7, status: 'active' as const };
    expect(decideTick(ctx(5_000, { tickHash: hash(1), httpStatus: 402, answer }), input(tick(3, 10)), limits)).toEqual({ kind: 'repeat', status: 402, body: answer });
    const refused = (c: TickContext, t: Tick, h = 1) => {
      const d = decideTick(c, input(t, h), limits);
      return d.kind === 'refuse' ? [d.code, d.ledger.seq, d.ledger.balanceMicroAlgos] : d.kind;
    };
    expect(refused(ctx(5_000, { tickHash: hash(1), httpStatus: 200, answer }), tick(3, 10), 2)).toEqual(['SEQ_OUT_OF_ORDER', 3, 5_000]);
    expect(refused(ctx(5_000), tick(2, 12))).toEqual(['SEQ_OUT_OF_ORDER', 3, 5_000]);
    expect(refused(ctx(5_000), tick(4, 12, { microAlgos: 1_201 }))).toEqual(['AMOUNT_MISMATCH', 3, 5_000]);
    expect(refused(ctx(5_000), tick(4, 9))).toEqual(['TOTALS_DECREASED', 3, 5_000]);
    expect(refused(ctx(50_000), tick(4, 126))).toEqual(['RATE_EXCEEDED', 3, 50_000]); // 60 s × 2 + 5 = 125
    expect(refused(ctx(50_000), tick(4, 125))).toBe('apply');
  });
});

describe('v3 spending safety', () => {
  it('BUDGET_EXCEEDED: a tick whose signed seconds would bill past the budget, with the ledger; at the budget, applied', () => {
    const budgeted = (budget: number | null): TickContext => ({ session: { ...session, budget }, balance: 5_000 });
    expect(decideTick(budgeted(1_500), input(tick(4, 16)), limits)).toMatchObject({ kind: 'refuse', code: 'BUDGET_EXCEEDED', ledger: { seq: 3, seconds: 10, microAlgos: 1_000 } });
    expect(decideTick(budgeted(1_500), input(tick(4, 15)), limits)).toMatchObject({ kind: 'apply', writes: { session: { billedMicro: 1_500 } } });
    expect(decideTick(budgeted(null), input(tick(4, 40)), limits)).toMatchObject({ kind: 'apply' });
    // Owed seconds count against it whether billed now or later (after a 402, or held back by the bucket).
    const owing: TickContext = { session: { ...session, budget: 1_500, claimedSeconds: 14 }, balance: 5_000 };
    expect(decideTick(owing, input(tick(4, 16)), limits)).toMatchObject({ kind: 'refuse', code: 'BUDGET_EXCEEDED' });
  });

  it('KEY_REVOKED: every new tick of a revoked key, a final one too; the very same stored tick is still answered again', () => {
    const revoked: TickContext = { session, balance: 5_000, revoked: true };
    expect(decideTick(revoked, input(tick(4, 11)), limits)).toMatchObject({ kind: 'refuse', code: 'KEY_REVOKED', ledger: { seq: 3, seconds: 10 } });
    expect(decideTick(revoked, input(tick(4, 10, { final: true })), { ...limits, settle: true })).toMatchObject({ kind: 'refuse', code: 'KEY_REVOKED' });
    const answer = { sessionId: 's1', seq: 3, seconds: 10, microAlgos: 1_000, balanceMicroAlgos: 7, status: 'active' as const };
    expect(decideTick({ ...revoked, stored: { tickHash: hash(1), httpStatus: 200, answer } }, input(tick(3, 10)), limits)).toMatchObject({ kind: 'repeat' });
  });

  it('the sliding ceiling bills what the bucket holds and stores what is left of it', () => {
    // 5 s bucket, 1.2 s since the last tick at 2×: 2.4 s refilled onto 1 s left = 3.4 s: 3 whole seconds billed.
    const s: TickContext = { session: { ...session, lastActivity: 58_800, rateTokensMs: 1_000 }, balance: 5_000 };
    expect(decideTick(s, input(tick(4, 20)), limits)).toMatchObject({
      kind: 'apply', status: 200, writes: { session: { claimedSeconds: 20, billedSeconds: 13, rateTokensMs: 400, lastActivity: 60_000, status: 'active' }, debit: { microAlgos: 300 } },
    });
  });

  it('decideSessionLimit: a start while the viewer holds maxSessions live sessions is refused', () => {
    expect(decideSessionLimit(2, 3)).toEqual({ ok: true });
    expect(decideSessionLimit(3, 3)).toMatchObject({ ok: false, code: 'TOO_MANY_SESSIONS' });
  });
});

describe('ticks that change nothing', () => {
  // session: 10 s signed and billed, 4 settled, active; a tick of 10 s again bills nothing.
  const withRows = (ticks: number, s: Partial<SessionState> = {}): TickContext => ({ session: { ...session, ...s }, balance: 5_000, ticks });
  const bound = 2 * session.claimedSeconds + IDLE_TICK_ALLOWANCE;

  it('are stored while the session holds fewer than 2 rows per signed second plus the allowance, then refused (429), writing nothing', () => {
    expect(decideTick(withRows(bound - 1), input(tick(4, 10)), limits)).toMatchObject({ kind: 'apply', status: 200 });
    const d = decideTick(withRows(bound), input(tick(4, 10)), limits);
    expect(d).toMatchObject({ kind: 'refuse', code: 'IDLE_TICKS_EXCEEDED', ledger: { seq: 3, seconds: 10 } });
    // A pause that settles nothing new, on a session already paused: nothing changes either.
    const paused = withRows(bound, { status: 'paused', settledSeconds: 10, settledMicro: 1_000 });
    expect(decideTick(paused, input(tick(4, 10, { final: true })), { ...limits, settle: true })).toMatchObject({ kind: 'refuse', code: 'IDLE_TICKS_EXCEEDED' });
  });

  it('past the bound, a tick that bills or settles something is still applied, and a stored tick is still answered again', () => {
    expect(decideTick(withRows(bound), input(tick(4, 11)), limits)).toMatchObject({ kind: 'apply', status: 200 });
    expect(decideTick(withRows(bound), input(tick(4, 10, { final: true })), { ...limits, settle: true })).toMatchObject({ kind: 'apply', writes: { settlement: { seconds: 6 } } });
    const answer = { sessionId: 's1', seq: 3, seconds: 10, microAlgos: 1_000, balanceMicroAlgos: 7, status: 'active' as const };
    expect(decideTick({ ...withRows(bound), stored: { tickHash: hash(1), httpStatus: 200, answer } }, input(tick(3, 10)), limits)).toMatchObject({ kind: 'repeat' });
  });

  it('are not bounded for a store that does not report its row count', () => {
    expect(decideTick(ctx(5_000), input(tick(4, 10)), limits)).toMatchObject({ kind: 'apply' });
  });
});

describe('decideStart', () => {
  it('a paid session needs one second of balance; free content needs none', () => {
    expect(decideStart(99, 100)).toMatchObject({ ok: false, code: 'INSUFFICIENT_FUNDS' });
    expect(decideStart(100, 100)).toEqual({ ok: true });
    expect(decideStart(0, 0)).toEqual({ ok: true });
  });
});

describe('v3: free seconds and splits', () => {
  // A full sliding bucket (the default 90 s): these ticks bill many seconds at once.
  const roomy = { ...limits, slackSeconds: 90 };
  const fresh: SessionState = { ...session, seq: 0, claimedSeconds: 0, billedSeconds: 0, billedMicro: 0, settledSeconds: 0, settledMicro: 0, freeSeconds: 5 };
  const free = (balance: number): TickContext => ({ session: fresh, balance });
  const signed = (seq: number, seconds: number, extra: Partial<Tick> = {}) => tick(seq, seconds, { microAlgos: Math.max(0, seconds - 5) * 100, ...extra });

  it('ticks sign every second; the free ones are accepted without a balance, the rest charged at the rate', () => {
    expect(decideTick(free(0), input(signed(1, 5)), roomy)).toMatchObject({ kind: 'apply', status: 200, writes: { session: { billedSeconds: 5, billedMicro: 0 } } });
    expect(decideTick(free(300), input(signed(1, 8)), roomy)).toMatchObject({ kind: 'apply', status: 200, writes: { debit: { microAlgos: 300 } } });
    // 402 past the free seconds: they are all accepted, then the affordable paid ones.
    expect(decideTick(free(150), input(signed(1, 8)), roomy)).toMatchObject({ kind: 'apply', status: 402, writes: { session: { billedSeconds: 6, billedMicro: 100, claimedSeconds: 8 }, debit: { microAlgos: 100 } } });
    expect(decideTick(free(0), input(signed(1, 8)), roomy)).toMatchObject({ kind: 'apply', status: 402, writes: { session: { billedSeconds: 5, billedMicro: 0 } } });
    // The old amount (every second charged) does not match.
    expect(decideTick(free(10_000), input(tick(1, 8)), roomy)).toMatchObject({ kind: 'refuse', code: 'AMOUNT_MISMATCH' });
  });

  it('a settlement is shared by the session’s splits, whole µALGO adding up, remainder to the first recipient', () => {
    const splits = [{ recipient: 'creator', bps: 3_333 }, { recipient: 'studio', bps: 3_333 }, { recipient: 'platform', bps: 3_334 }];
    const d = decideTick({ session: { ...fresh, splits }, balance: 10_000 }, input(signed(1, 6, { final: true })), { ...roomy, settle: true });
    expect(d).toMatchObject({
      kind: 'apply',
      writes: { settlement: { microAlgos: 100, platformFee: 33, splits: [{ recipient: 'creator', microAlgos: 34 }, { recipient: 'studio', microAlgos: 33 }, { recipient: 'platform', microAlgos: 33 }] } },
    });
  });

  it('a start inside the preview needs no balance', () => {
    expect(decideStart(0, 100, 5)).toEqual({ ok: true });
    expect(decideStart(0, 100, 0)).toMatchObject({ ok: false, code: 'INSUFFICIENT_FUNDS' });
  });
});
