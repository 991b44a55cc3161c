import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomNonce } from '../../../src/payments/api-client.js';
import type { SessionStartResponse } from '../../../src/payments/protocol.js';
import { credit, makeTick, makeViewer, refused, signTick, signedStartRequest, startHarness, startSession, type Harness, type Viewer } from './harness.js';

let h: Harness;
let v: Viewer;
let s: SessionStartResponse;
beforeEach(async () => {
  h = await startHarness();
  v = await makeViewer();
  await credit(h, v, 10_000);
  s = await startSession(h, v, 100);
  h.clock.now += 60_000; // a minute of wall time: the rate ceiling is far away unless a test says otherwise
});
afterEach(() => h.close());

const analytics = async () => ((await h.api.analytics({ sessionId: s.sessionId })) as any).session;

describe('POST /streaming/session/start', () => {
  it('opens a session with limits, bound to the chain root principal', () => {
    expect(s.principal).toBe(v.principal);
    expect(s.sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(s.limits).toMatchObject({ maxPlaybackRate: 2, slackSeconds: 90, maxBodyBytes: 16384, maxSessions: 3 });
    expect(s.budgetMicroAlgos).toBeNull();
    expect(s.balanceMicroAlgos).toBe(10_000);
  });

  it('answers 402 INSUFFICIENT_FUNDS when the balance cannot pay one second; free content needs no balance', async () => {
    const poor = await makeViewer();
    await refused(startSession(h, poor, 100), 'INSUFFICIENT_FUNDS', 402);
    expect((await startSession(h, poor, 0)).rateMicroAlgos).toBe(0);
  });

  it('refuses a replayed start message (REPLAYED) and a tampered one (PRICE_MISMATCH for the rate, before the signature; BAD_SIGNATURE)', async () => {
    const req = await signedStartRequest(v, { api: h.url, contentId: 'film-1', rateMicroAlgos: 100, requestTime: h.clock.now, nonce: randomNonce() });
    await h.api.start(req);
    await refused(h.api.start(req), 'REPLAYED', 409);
    const req2 = await signedStartRequest(v, { api: h.url, contentId: 'film-1', rateMicroAlgos: 100, requestTime: h.clock.now, nonce: randomNonce() });
    // v3: a rate other than the catalog's is refused before any signature check, with the price.
    expect((await refused(h.api.start({ ...req2, rateMicroAlgos: 1 }), 'PRICE_MISMATCH', 409)).message).toContain('100');
    await refused(h.api.start({ ...req2, contentId: 'other' }), 'BAD_SIGNATURE', 401);
  });

  it('refuses rates above the ceiling and malformed fields (BAD_REQUEST)', async () => {
    const base = { api: h.url, contentId: 'film-1', requestTime: h.clock.now, nonce: randomNonce() };
    await refused(h.api.start(await signedStartRequest(v, { ...base, rateMicroAlgos: 2_000_000 })), 'BAD_REQUEST', 400);
    await refused(h.api.start({ ...(await signedStartRequest(v, { ...base, rateMicroAlgos: 1 })), nonce: 'xyz' }), 'BAD_REQUEST');
  });
});

describe('PUT /streaming/session/extend', () => {
  it('charges cumulative totals: one later tick settles those before it (gaps allowed)', async () => {
    expect(await h.api.extend(await signTick(v, makeTick(s, 1, 1)))).toEqual({ sessionId: s.sessionId, seq: 1, seconds: 1, microAlgos: 100, balanceMicroAlgos: 9_900, status: 'active' });
    const r = await h.api.extend(await signTick(v, makeTick(s, 5, 10)));
    expect(r).toMatchObject({ seq: 5, seconds: 10, microAlgos: 1_000, balanceMicroAlgos: 9_000 });
    expect(await analytics()).toMatchObject({ billedSeconds: 10, microAlgos: 1_000, ticks: 2, status: 'active' });
  });

  it('a replayed tick gets the same answer and changes nothing (idempotent on session+seq)', async () => {
    const req = await signTick(v, makeTick(s, 1, 3));
    const first = await h.api.extend(req);
    await h.api.extend(await signTick(v, makeTick(s, 2, 4)));
    const again = await h.api.extend(req);
    expect(again).toEqual(first);
    expect(await analytics()).toMatchObject({ billedSeconds: 4, ticks: 2 });
    expect((await h.api.viewer(await (await import('./harness.js')).signedViewerRequest(v, h.clock.now))).balanceMicroAlgos).toBe(9_600);
  });

  it('refuses a tampered tick (BAD_SIGNATURE) and changes nothing', async () => {
    const req = await signTick(v, makeTick(s, 1, 3));
    await refused(h.api.extend({ ...req, tick: { ...req.tick, seconds: 2, microAlgos: 200 } }), 'BAD_SIGNATURE', 401);
    await refused(h.api.extend({ ...req, signature: req.signature.slice(0, -2) + (req.signature.endsWith('00') ? '01' : '00') }), 'BAD_SIGNATURE');
    expect(await analytics()).toMatchObject({ billedSeconds: 0, ticks: 0 });
  });

  it('refuses out-of-order seq and a different tick under a used seq (SEQ_OUT_OF_ORDER)', async () => {
    await h.api.extend(await signTick(v, makeTick(s, 5, 5)));
    const e = await refused(h.api.extend(await signTick(v, makeTick(s, 4, 6))), 'SEQ_OUT_OF_ORDER', 409);
    expect(e.ledger).toMatchObject({ seq: 5, seconds: 5 });
    await refused(h.api.extend(await signTick(v, makeTick(s, 5, 6))), 'SEQ_OUT_OF_ORDER', 409);
    expect(await analytics()).toMatchObject({ billedSeconds: 5, ticks: 1 });
  });

  it('refuses decreasing totals (TOTALS_DECREASED)', async () => {
    await h.api.extend(await signTick(v, makeTick(s, 1, 10)));
    await refused(h.api.extend(await signTick(v, makeTick(s, 2, 9))), 'TOTALS_DECREASED', 409);
  });

  it('refuses microAlgos ≠ seconds × rate (AMOUNT_MISMATCH)', async () => {
    await refused(h.api.extend(await signTick(v, makeTick(s, 1, 10, { microAlgos: 999 }))), 'AMOUNT_MISMATCH', 422);
    await refused(h.api.extend(await signTick(v, makeTick(s, 1, 10, { microAlgos: 1001 }))), 'AMOUNT_MISMATCH', 422);
  });

  it('refuses seconds ahead of wall time × maxPlaybackRate + slack (RATE_EXCEEDED): 60 s × 2 + 90 = 210', async () => {
    await credit(h, v, 100_000);
    await refused(h.api.extend(await signTick(v, makeTick(s, 1, 211))), 'RATE_EXCEEDED', 429);
    // Signed, but billed only as far as the sliding ceiling allows at once (its 90 s bucket); the rest is
    // billed by later ticks as wall time refills it, 2 s per second.
    expect(await h.api.extend(await signTick(v, makeTick(s, 2, 210)))).toMatchObject({ seconds: 90, status: 'active' });
    h.clock.now += 30_000;
    expect(await h.api.extend(await signTick(v, makeTick(s, 3, 211)))).toMatchObject({ seconds: 150 });
    h.clock.now += 60_000;
    expect(await h.api.extend(await signTick(v, makeTick(s, 4, 212)))).toMatchObject({ seconds: 212 });
  });

  it("refuses a tick for another viewer's session (NOT_SESSION_OWNER with its key, BAD_SIGNATURE without)", async () => {
    const mallory = await makeViewer();
    await refused(h.api.extend(await signTick(mallory, makeTick(s, 1, 3))), 'NOT_SESSION_OWNER', 403);
    await refused(h.api.extend(await signTick(mallory, makeTick(s, 1, 3), false)), 'BAD_SIGNATURE', 401);
    expect(await analytics()).toMatchObject({ billedSeconds: 0 });
  });

  it('answers 402 when the balance runs out: charges the affordable whole seconds, the rest stays owed', async () => {
    await h.api.extend(await signTick(v, makeTick(s, 1, 80)));
    h.clock.now += 100_000;
    const e = await refused(h.api.extend(await signTick(v, makeTick(s, 2, 150))), 'INSUFFICIENT_FUNDS', 402);
    expect(e.ledger).toMatchObject({ seq: 2, seconds: 100, microAlgos: 10_000, balanceMicroAlgos: 0, status: 'exhausted' });
    // After a top-up a later tick settles the owed seconds too.
    await credit(h, v, 10_000);
    h.clock.now += 100_000;
    expect(await h.api.extend(await signTick(v, makeTick(s, 3, 160)))).toMatchObject({ seconds: 160, microAlgos: 16_000, balanceMicroAlgos: 4_000, status: 'active' });
  });

  it('a repeated 402 tick gets the same 402 answer', async () => {
    await h.api.extend(await signTick(v, makeTick(s, 1, 80)));
    h.clock.now += 100_000;
    const req = await signTick(v, makeTick(s, 2, 150));
    const a = await refused(h.api.extend(req), 'INSUFFICIENT_FUNDS', 402);
    const b = await refused(h.api.extend(req), 'INSUFFICIENT_FUNDS', 402);
    expect(b.ledger).toEqual(a.ledger);
  });

  it('refuses ticks after the delegation expired (SESSION_EXPIRED), telling what it billed', async () => {
    h.clock.now += 3_000;
    await h.api.extend(await signTick(v, makeTick(s, 1, 2)));
    h.clock.now += 2 * 3600_000;
    const e = await refused(h.api.extend(await signTick(v, makeTick(s, 2, 3))), 'SESSION_EXPIRED', 401);
    // The client owes the next session only what this one did not bill.
    expect(e.ledger).toMatchObject({ sessionId: s.sessionId, seq: 1, seconds: 2 });
  });

  it('refuses unknown sessions (NOT_FOUND), malformed ticks and final ticks (BAD_REQUEST)', async () => {
    await refused(h.api.extend(await signTick(v, makeTick({ sessionId: 'nope', rateMicroAlgos: 100 }, 1, 1))), 'NOT_FOUND', 404);
    await refused(h.api.extend({ tick: { ...makeTick(s, 1, 1), seconds: 1.5 }, signature: '00' }), 'BAD_REQUEST', 400);
    await refused(h.api.extend(await signTick(v, makeTick(s, 1, 1, { final: true }))), 'BAD_REQUEST', 400);
  });
});

describe('POST /streaming/session/pause', () => {
  it('settles the session total, records a settlement per pause, and the session resumes with later ticks', async () => {
    await h.api.extend(await signTick(v, makeTick(s, 1, 10)));
    const pauseReq = await signTick(v, makeTick(s, 2, 12, { final: true }));
    const p1 = await h.api.pause(pauseReq);
    expect(p1).toMatchObject({ status: 'paused', seconds: 12, settlement: { seconds: 12, microAlgos: 1_200, totalSeconds: 12 } });
    expect(await h.api.pause(pauseReq)).toEqual(p1); // idempotent: no second settlement
    expect(await h.api.extend(await signTick(v, makeTick(s, 3, 15)))).toMatchObject({ status: 'active', seconds: 15 });
    const p2 = await h.api.pause(await signTick(v, makeTick(s, 4, 20, { final: true })));
    expect(p2.settlement).toMatchObject({ seconds: 8, microAlgos: 800, totalSeconds: 20, totalMicroAlgos: 2_000 });
    expect(await analytics()).toMatchObject({ billedSeconds: 20, settlements: 2, ticks: 4, status: 'paused' });
    const { totals } = (await h.api.analytics({ contentId: 'film-1' })) as any;
    expect(totals).toMatchObject({ settledMicroAlgos: 2_000, earningsMicroAlgos: 200 });
  });

  it('needs final: true (BAD_REQUEST)', async () => {
    await refused(h.api.pause(await signTick(v, makeTick(s, 1, 1))), 'BAD_REQUEST', 400);
  });
});
