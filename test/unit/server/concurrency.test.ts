import { describe, expect, it } from 'vitest';
import { makeTick, makeViewer, credit, signTick, startHarness, startSession } from './harness.js';

describe('ticks racing through HTTP', () => {
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
