// The PostgreSQL server crashes (immediate stop: no shutdown checkpoint) and comes back while viewers keep
// sending ticks. A client resends its newest signed tick until it is acknowledged, as the element's outbox
// does; the API keeps no state of its own, so after the restart every acknowledged tick is in the ledger,
// each once, and the money adds up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../../server/app.js';
import { createApiClient } from '../../../../src/payments/api-client.js';
import type { TickResponse } from '../../../../src/payments/protocol.js';
import { startCluster, type PostgresCluster } from '../../../support/postgres-cluster.js';
import { credit, makeTick, makeViewer, signTick, startSession, type Harness } from '../harness.js';

let cluster: PostgresCluster;
let server: RunningServer;
let h: Harness;

beforeAll(async () => {
  cluster = await startCluster(); // its own: the run's shared cluster must not stop under other tests
  const clock = { now: Date.now() };
  // Request limits off: the clients here resend every 50 ms through an outage, far above a viewer's pace.
  server = await startServer({ dev: true, quiet: true, db: cluster.url, now: () => clock.now, rateLimits: { perClient: false, perViewer: false } });
  h = { server, url: server.url, api: createApiClient({ baseUrl: server.url }), clock, close: () => server.close() };
}, 90_000);
afterAll(async () => {
  await server?.close();
  cluster?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PostgreSQL stopped and restarted mid-load', () => {
  it('loses no acknowledged tick and applies each resent tick once', async () => {
    const v = await makeViewer();
    const CREDITED = 10_000_000;
    const RATE = 10;
    const TICKS = 40;
    await credit(h, v, CREDITED);
    const sessions = [await startSession(h, v, RATE), await startSession(h, v, RATE), await startSession(h, v, RATE)];
    h.clock.now += 3_600_000; // an hour of wall time: the rate ceiling stays out of the way
    let acked = 0;
    let failures = 0;
    const codes = new Map<string, number>();
    const acks = new Map<string, TickResponse[]>();
    async function viewerLoop(s: (typeof sessions)[number]) {
      for (let seq = 1; seq <= TICKS; seq++) {
        const req = await signTick(v, makeTick(s, seq, seq * 2));
        for (let attempt = 0; ; attempt++) {
          try {
            const answer = await h.api.extend(req);
            acks.set(s.sessionId, [...(acks.get(s.sessionId) ?? []), answer]);
            acked++;
            break;
          } catch (e: any) {
            failures++;
            codes.set(`${e?.status} ${e?.code}`, (codes.get(`${e?.status} ${e?.code}`) ?? 0) + 1);
            if (attempt > 200) throw new Error(`tick ${seq} never acknowledged: ${e?.code} ${e?.message}`);
            await sleep(50); // the outbox's retry, shortened
          }
        }
      }
    }
    async function crashAndRestart() {
      while (acked < 30) await sleep(5);
      cluster.stopServer('immediate');
      await sleep(500);
      cluster.startServer();
    }
    await Promise.all([...sessions.map(viewerLoop), crashAndRestart()]);

    expect(failures).toBeGreaterThan(0); // the outage was seen by clients: ticks really were in flight
    // …as 503 DATABASE_UNAVAILABLE (JSON, Retry-After), never as 500 INTERNAL.
    expect(codes.get('503 DATABASE_UNAVAILABLE')).toBeGreaterThan(0);
    expect([...codes.keys()].filter((k) => k !== '503 DATABASE_UNAVAILABLE')).toEqual([]);
    const audit = (await (await fetch(`${h.url}/streaming/audit/ticks`)).json()) as { ticks: Array<{ sessionId: string; seq: number; seconds: number; charged: number }> };
    for (const s of sessions) {
      const rows = audit.ticks.filter((t) => t.sessionId === s.sessionId);
      expect(rows.map((t) => t.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: TICKS }, (_, i) => i + 1)); // every acknowledged tick, once
      expect(acks.get(s.sessionId)!.map((a) => a.seq)).toEqual(Array.from({ length: TICKS }, (_, i) => i + 1));
      const an = ((await h.api.analytics({ sessionId: s.sessionId })) as any).session;
      expect([an.billedSeconds, an.microAlgos, an.ticks]).toEqual([TICKS * 2, TICKS * 2 * RATE, TICKS]);
    }
    const charged = audit.ticks.reduce((sum, t) => sum + t.charged, 0);
    expect(charged).toBe(sessions.length * TICKS * 2 * RATE);
    const balance = (await h.api.devCredit({ principal: v.principal, microAlgos: 1 })).balanceMicroAlgos - 1;
    expect(balance + charged).toBe(CREDITED);
  }, 90_000);
});
