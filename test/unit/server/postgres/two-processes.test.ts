// Two API processes on one PostgreSQL database, each the single writer of its own requests, nothing shared
// but the database: every tick is sent to both at once, and the sessions of one viewer drain one balance
// from both. The database's guards alone must keep the balance ≥ 0, apply each (session, seq) once, and
// give the same tick the same answer from either process.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../../../../src/payments/api-client.js';
import type { TickResponse } from '../../../../src/payments/protocol.js';
import { startApiProcess, type ApiProcess } from '../../../support/api-process.js';
import { postgresUrl } from '../../../support/postgres-store.js';
import { credit, makeTick, makeViewer, signTick, signedViewerRequest, startSession, type Harness } from '../harness.js';

let nodes: ApiProcess[] = [];
/** A harness-shaped view of one process, for the harness's helpers (real clock: the processes use theirs). */
const viaNode = (n: ApiProcess) => ({ api: createApiClient({ baseUrl: n.url }), url: n.url, clock: { now: Date.now() } }) as unknown as Harness;

beforeAll(async () => {
  const db = postgresUrl();
  const catalog = join(mkdtempSync(join(tmpdir(), 'sippar-catalog-')), 'catalog.json');
  writeFileSync(catalog, JSON.stringify({ titles: [0, 1].map((i) => ({ contentId: `film-${i}`, title: `Film ${i}`, rateMicroAlgos: 1_000 })) }));
  // The first applies the migrations; the second starts on the same database and finds them applied.
  // Six sessions of one viewer below: above the default limit of live sessions (3).
  const args = ['--db', db, '--dev', '--quiet', '--max-sessions', '6', '--catalog', catalog];
  nodes = [await startApiProcess(args)];
  nodes.push(await startApiProcess(args));
}, 90_000);
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
});

type Answer = { ok: true; body: TickResponse } | { ok: false; status: number; code: string; ledger?: TickResponse };
async function send(api: ApiClient, req: Parameters<ApiClient['extend']>[0]): Promise<Answer> {
  try {
    return { ok: true, body: await api.extend(req) };
  } catch (e: any) {
    return { ok: false, status: e.status, code: e.code, ledger: e.ledger };
  }
}

describe('two API processes on one PostgreSQL database', () => {
  it('a balance drained from both at once never goes below zero; no (session, seq) is applied twice', async () => {
    const [a, b] = nodes.map(viaNode);
    const v = await makeViewer();
    const RATE = 1_000;
    const CREDITED = 10_500; // 10.5 s at the rate: the 6 sessions below claim 30 s, so most ticks meet an empty balance
    await credit(a, v, CREDITED);
    const sessions = [];
    for (let i = 0; i < 6; i++) sessions.push(await startSession(i % 2 ? b : a, v, RATE, `film-${i % 2}`));
    // Seconds 1…5 per session (within the start's slack), every tick signed once and sent to both processes at once.
    const reqs = await Promise.all(sessions.flatMap((s) => [1, 2, 3, 4, 5].map((seq) => signTick(v, makeTick(s, seq, seq)))));
    const answers = await Promise.all(reqs.map(async (r) => ({ req: r, both: await Promise.all([send(a.api, r), send(b.api, r)]) })));

    for (const { both } of answers) {
      for (const x of both) {
        // Accepted, a partial charge (402), or refused because a later seq of the session won the race.
        if (!x.ok) expect(['INSUFFICIENT_FUNDS', 'SEQ_OUT_OF_ORDER']).toContain(x.code);
      }
      const ok = both.filter((x) => x.ok);
      if (ok.length === 2) expect(ok[0]).toEqual(ok[1]); // one tick, one answer, whichever process answered
    }

    const audit = await fetch(`${a.url}/streaming/audit/ticks`).then((r) => r.json() as Promise<{ ticks: Array<{ sessionId: string; seq: number; charged: number; seconds: number }> }>);
    const keys = audit.ticks.map((t) => `${t.sessionId} ${t.seq}`);
    expect(new Set(keys).size).toBe(keys.length); // no (session, seq) twice
    const charged = audit.ticks.reduce((sum, t) => sum + t.charged, 0);
    const { balanceMicroAlgos } = await b.api.viewer(await signedViewerRequest(v, Date.now()));
    expect(balanceMicroAlgos).toBeGreaterThanOrEqual(0);
    expect(balanceMicroAlgos).toBeLessThan(RATE); // drained: every affordable whole second was charged…
    expect(balanceMicroAlgos + charged).toBe(CREDITED); // …and nothing charged twice or lost
    let billed = 0;
    for (const s of sessions) {
      const an = ((await (sessions.indexOf(s) % 2 ? a : b).api.analytics({ sessionId: s.sessionId })) as any).session;
      expect(an.ticks).toBe(keys.filter((k) => k.startsWith(`${s.sessionId} `)).length);
      billed += an.microAlgos;
    }
    expect(billed).toBe(charged);
  }, 60_000);
});
