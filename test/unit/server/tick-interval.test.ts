// The tick interval the API announces at start, and the bound on ticks waiting for their transaction.
import { afterEach, describe, expect, it } from 'vitest';
import { resolveOptions } from '../../../server/config.js';
import { tickIntervalOf } from '../../../src/payments/protocol.js';
import { credit, makeTick, makeViewer, raw, signTick, startHarness, startSession, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.close());

describe('tick interval', () => {
  it('is announced in the start answer: 1 by default, the configured one otherwise', async () => {
    h = await startHarness();
    const v = await makeViewer();
    await credit(h, v, 10_000);
    expect((await startSession(h, v)).tickIntervalSeconds).toBe(1);
    await h.close();
    h = await startHarness({ tickIntervalSeconds: 4 });
    await credit(h, v, 10_000);
    const s = await startSession(h, v);
    expect(s.tickIntervalSeconds).toBe(4);
    // Billing stays per second: one tick four seconds in bills four seconds.
    h.clock.now += 4_000;
    const out = await h.api.extend(await signTick(v, makeTick(s, 1, 4)));
    expect(out).toMatchObject({ seconds: 4, microAlgos: 400, balanceMicroAlgos: 9_600 });
  });

  it('is an integer 1…5 on the server, and a client clamps what it is told into 1…5', () => {
    for (const bad of [0, 6, 1.5]) expect(() => resolveOptions({ tickIntervalSeconds: bad })).toThrow(RangeError);
    expect(resolveOptions({ tickIntervalSeconds: 5 }).tickIntervalSeconds).toBe(5);
    expect([undefined, 'x', NaN, 0, 3, 3.7, 60].map(tickIntervalOf)).toEqual([1, 1, 1, 1, 3, 3, 5]);
  });
});

describe('ticks waiting for their transaction', () => {
  it('past the bound, a tick is answered 503 BUSY as JSON with Retry-After, at once, and nothing is billed', async () => {
    h = await startHarness({ maxPendingTicks: 0 });
    const v = await makeViewer();
    await credit(h, v, 10_000);
    const s = await startSession(h, v);
    h.clock.now += 5_000;
    const r = await raw(h, 'PUT', '/streaming/session/extend', JSON.stringify(await signTick(v, makeTick(s, 1, 3))));
    expect(r.status).toBe(503);
    expect(r.json.error.code).toBe('BUSY');
    expect(r.headers.get('retry-after')).toBe('1');
    expect(((await h.api.analytics({ sessionId: s.sessionId })) as any).session).toMatchObject({ billedSeconds: 0, ticks: 0 });
  });
});
