import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Ledger } from '../../../server/ledger.js';
import { ApiError } from '../../../server/errors.js';
import { makeTick, makeViewer, credit, signTick, startHarness, startSession } from './harness.js';

const P = '2vxsx-fae';

describe('ledger invariants (fast-check)', () => {
  it('any sequence of ticks: balance + billed = credited, totals never shrink, replays change nothing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }), // rate
        fc.integer({ min: 0, max: 3_000 }), // credit
        fc.array(fc.record({ seq: fc.integer({ min: 1, max: 30 }), seconds: fc.integer({ min: 0, max: 60 }), bad: fc.nat(9), settle: fc.boolean(), at: fc.integer({ min: 0, max: 40_000 }) }), { maxLength: 40 }),
        (rate, credited, steps) => {
          const l = new Ledger(':memory:');
          try {
            l.credit(P, 'ADDR', Math.max(1, credited), 0);
            l.createSession({ id: 's1', principal: P, contentId: 'c', rate, sessionKey: new Uint8Array(1), startHash: new Uint8Array(1), startedAt: 0, expiresAt: 1e15 });
            let lastSeconds = 0;
            let lastSeq = 0;
            for (const st of steps) {
              const tick = { sessionId: 's1', seq: st.seq, seconds: st.seconds, microAlgos: st.seconds * rate + (st.bad === 0 ? 1 : 0), mediaTime: 0, clientTime: 0 };
              const hash = new Uint8Array([st.seq, st.seconds, st.bad === 0 ? 1 : 0]);
              const before = l.session('s1')!;
              try {
                const r = l.inTransactionForTest(() => l.applyTick('s1', tick, hash, new Uint8Array(1), { now: st.at, maxPlaybackRate: 2, slackSeconds: 5, platformFeeBps: 1000, settle: st.settle }));
                expect([200, 402]).toContain(r.status);
              } catch (e) {
                expect(e).toBeInstanceOf(ApiError);
                const after = l.session('s1')!;
                expect(after).toEqual(before); // a refusal changes nothing
              }
              const s = l.session('s1')!;
              const balance = l.viewer(P)!.balance;
              expect(balance + s.billed_micro).toBe(Math.max(1, credited));
              expect(balance).toBeGreaterThanOrEqual(0);
              expect(s.billed_micro).toBe(s.billed_seconds * rate);
              expect(s.billed_seconds).toBeLessThanOrEqual(s.claimed_seconds);
              expect(s.claimed_seconds).toBeGreaterThanOrEqual(lastSeconds);
              expect(s.seq).toBeGreaterThanOrEqual(lastSeq);
              expect(s.settled_micro).toBeLessThanOrEqual(s.billed_micro);
              lastSeconds = s.claimed_seconds;
              lastSeq = s.seq;
            }
          } finally {
            l.close();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('concurrent ticks of one session in one batch leave a consistent ledger', async () => {
    const h = await startHarness();
    try {
      const v = await makeViewer();
      await credit(h, v, 100_000);
      const s = await startSession(h, v, 10);
      h.clock.now += 60_000;
      const reqs = await Promise.all(Array.from({ length: 30 }, (_, i) => signTick(v, makeTick(s, i + 1, i + 1))));
      const out = await Promise.allSettled(reqs.map((r) => h.api.extend(r)));
      const ok = out.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<{ seconds: number }>).value.seconds);
      const a = ((await h.api.analytics({ sessionId: s.sessionId })) as any).session;
      expect(a.billedSeconds).toBe(Math.max(...ok));
      expect(a.ticks).toBe(ok.length);
      const bal = (await h.api.devCredit({ principal: v.principal, microAlgos: 1 })).balanceMicroAlgos - 1;
      expect(bal + a.microAlgos).toBe(100_000);
    } finally {
      await h.close();
    }
  });
});
