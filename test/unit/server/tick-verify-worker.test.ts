/**
 * Tick signatures through the verify workers (the default: two): a forged tick is refused as before
 * and leaves nothing in the ledger; an honest one is billed. On both stores (the server-postgres project).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionStartResponse } from '../../../src/payments/protocol.js';
import { credit, makeTick, makeViewer, refused, signTick, startHarness, startSession, type Harness, type Viewer } from './harness.js';

let h: Harness;
let v: Viewer;
let s: SessionStartResponse;
beforeEach(async () => {
  h = await startHarness();
  v = await makeViewer();
  await credit(h, v, 10_000);
  s = await startSession(h, v, 100);
  h.clock.now += 60_000;
});
afterEach(() => h.close());

const stored = async (seq: number) => (await h.server.ledger.loadTick(s.sessionId, seq))?.stored;

describe('tick signatures on the verify worker', () => {
  it('is the default path: checks go to the worker in batches, none on the event loop', async () => {
    expect(h.server.options.tickVerify.workers).toBe(2);
    await h.api.extend(await signTick(v, makeTick(s, 1, 2)));
    // Workers start with the batches that need them: one batch, one worker.
    expect(h.server.tickVerifyStats()).toMatchObject({ workers: 1, waiting: 0, onThisThread: 0 });
    expect(h.server.tickVerifyStats().batches).toBeGreaterThanOrEqual(1);
  });

  it('refuses a forged tick BAD_SIGNATURE through the worker and writes nothing for it', async () => {
    const mallory = await makeViewer();
    // Signed by another key, without naming it (naming it is refused earlier, NOT_SESSION_OWNER).
    const forged = await signTick(mallory, makeTick(s, 1, 30), false);
    await refused(h.api.extend(forged), 'BAD_SIGNATURE', 401);
    // The viewer's own signature over other bytes: the same refusal.
    const honest = await signTick(v, makeTick(s, 1, 3));
    await refused(h.api.extend({ ...honest, tick: { ...honest.tick, seconds: 30, microAlgos: 3_000 } }), 'BAD_SIGNATURE', 401);
    const stats = h.server.tickVerifyStats();
    expect(stats.onThisThread).toBe(0);
    expect(stats.batches).toBeGreaterThanOrEqual(2);
    expect(await stored(1)).toBeUndefined();
    expect(await h.server.ledger.auditTicks({ sessionId: s.sessionId, limit: 10 })).toEqual([]);
    expect((await h.server.ledger.loadTick(s.sessionId, 1))?.balance).toBe(10_000);
    // The honest tick under the same seq is then billed as if nothing had come before it.
    expect(await h.api.extend(honest)).toMatchObject({ seq: 1, seconds: 3, microAlgos: 300, balanceMicroAlgos: 9_700 });
  });

  it('answers concurrent ticks of many sessions, honest and forged mixed, each by its own signature', async () => {
    const viewers = await Promise.all(Array.from({ length: 6 }, () => makeViewer()));
    const sessions = [];
    for (const w of viewers) {
      await credit(h, w, 10_000);
      sessions.push(await startSession(h, w, 100));
    }
    const mallory = await makeViewer();
    const results = await Promise.allSettled(
      sessions.map(async (ss, i) => h.api.extend(await signTick(i % 2 ? mallory : viewers[i], makeTick(ss, 1, 4), false))),
    );
    results.forEach((r, i) => {
      if (i % 2) expect(r.status === 'rejected' && (r.reason as { code?: string }).code).toBe('BAD_SIGNATURE');
      else expect(r.status === 'fulfilled' && r.value).toMatchObject({ seq: 1, seconds: 4, balanceMicroAlgos: 9_600 });
    });
    expect(h.server.tickVerifyStats().onThisThread).toBe(0);
  });

  it('with --verify-workers 0 checks on the event loop, with the same answers', async () => {
    const h0 = await startHarness({ tickVerify: { workers: 0 } });
    try {
      await credit(h0, v, 10_000);
      const s0 = await startSession(h0, v, 100);
      const req = await signTick(v, makeTick(s0, 1, 2));
      await refused(h0.api.extend({ ...req, tick: { ...req.tick, seconds: 3, microAlgos: 300 } }), 'BAD_SIGNATURE', 401);
      expect(await h0.api.extend(req)).toMatchObject({ seq: 1, seconds: 2 });
      expect(h0.server.tickVerifyStats()).toMatchObject({ workers: 0, batches: 0 });
    } finally {
      await h0.close();
    }
  });
});
