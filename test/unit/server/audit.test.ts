// The audit export (server/audit.ts) on the store the project runs (SQLite here, PostgreSQL in the
// server-postgres project): every accepted tick and settlement by session, content and period, JSON and
// CSV, each tick row enough to verify its signature again; only with the platform token.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresLedgerStorage } from '../../../server/ledger/postgres-storage.js';
import { SqliteLedgerStorage } from '../../../server/ledger/sqlite-storage.js';
import { parseSigningKey, verifySignature } from '../../../server/verify/keys.js';
import { fromHex, tickSigningBytes, type Tick } from '../../../src/payments/tick.js';
import { credit, makeTick, makeViewer, raw, signTick, startHarness, startSession, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const TOKEN = { authorization: 'Bearer secret' };
const get = (path: string, headers: Record<string, string> = TOKEN) => raw(h!, 'GET', path, undefined, headers);

/** Two viewers on two films; a pause settles film-1's session. Answers the sessions and the clock at each step. */
async function ledgerWithHistory(hh: Harness) {
  const [a, b] = [await makeViewer(), await makeViewer()];
  await credit(hh, a, 100_000);
  await credit(hh, b, 100_000);
  const sa = await startSession(hh, a, 100, 'film-1');
  const sb = await startSession(hh, b, 10, 'film-2');
  const t0 = (hh.clock.now += 60_000);
  await hh.api.extend(await signTick(a, makeTick(sa, 1, 10)));
  await hh.api.extend(await signTick(b, makeTick(sb, 1, 5)));
  const t1 = (hh.clock.now += 10_000);
  await hh.api.extend(await signTick(a, makeTick(sa, 2, 20)));
  await hh.api.pause(await signTick(a, makeTick(sa, 3, 25, { final: true })));
  return { a, b, sa, sb, t0, t1 };
}

describe('GET /streaming/audit/…', () => {
  it('runs on the store this project names', async () => {
    h = await startHarness();
    const want = process.env.SIPPAR_TEST_DB === 'postgres' ? PostgresLedgerStorage : SqliteLedgerStorage;
    expect(h.server.ledger).toBeInstanceOf(want);
  });

  it('exports a session’s ticks in order, each verifiable again with its session key; and its settlement', async () => {
    h = await startHarness({ analyticsToken: 'secret' });
    const { a, sa } = await ledgerWithHistory(h);
    const r = await get(`/streaming/audit/ticks?sessionId=${sa.sessionId}`);
    expect(r.status).toBe(200);
    expect(r.json.truncated).toBe(false);
    const rows = r.json.ticks as any[];
    expect(rows.map((t) => [t.seq, t.seconds, t.microAlgos, t.charged, t.final])).toEqual([
      [1, 10, 1_000, 1_000, false],
      [2, 20, 2_000, 1_000, false],
      [3, 25, 2_500, 500, true],
    ]);
    expect(rows.every((t) => t.principal === a.principal && t.contentId === 'film-1' && t.httpStatus === 200)).toBe(true);
    for (const t of rows) {
      // What a dispute needs: the signed tick rebuilt from the row verifies with the stored session key.
      const tick: Tick = { sessionId: t.sessionId, seq: t.seq, seconds: t.seconds, microAlgos: t.microAlgos, mediaTime: t.mediaTime, clientTime: t.clientTime, ...(t.final && { final: true }) };
      const bytes = tickSigningBytes(tick);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(t.tickHash);
      expect(await verifySignature(parseSigningKey(fromHex(t.sessionKey)), bytes, fromHex(t.signature))).toBe(true);
    }
    const st = await get(`/streaming/audit/settlements?sessionId=${sa.sessionId}`);
    expect(st.json.settlements).toMatchObject([{ sessionId: sa.sessionId, contentId: 'film-1', principal: a.principal, seq: 3, seconds: 25, microAlgos: 2_500, totalSeconds: 25, totalMicroAlgos: 2_500, platformFee: 250,
      // v3: the settlement booked by the title's splits (creator / platform by the fee), whole µALGO adding up.
      splits: [{ recipient: 'creator', microAlgos: 2_250 }, { recipient: 'platform', microAlgos: 250 }] }]);
  });

  it('filters by content and by period [from, to), pages with limit, and answers CSV', async () => {
    h = await startHarness({ analyticsToken: 'secret' });
    const { sa, sb, t0, t1 } = await ledgerWithHistory(h);
    const seqs = async (q: string) => ((await get(`/streaming/audit/ticks?${q}`)).json.ticks as any[]).map((t) => `${t.sessionId === sa.sessionId ? 'a' : 'b'}${t.seq}`);
    expect(await seqs('contentId=film-2')).toEqual(['b1']);
    expect((await seqs('')).sort()).toEqual(['a1', 'a2', 'a3', 'b1']);
    expect((await seqs(`from=${t0}&to=${t1}`)).sort()).toEqual(['a1', 'b1']);
    expect(await seqs(`from=${t1}`)).toEqual(['a2', 'a3']);
    expect(await seqs(`contentId=film-1&from=${t1 + 1}`)).toEqual([]);
    const page = await get(`/streaming/audit/ticks?contentId=film-1&limit=2`);
    expect(page.json.ticks).toHaveLength(2);
    expect(page.json.truncated).toBe(true);

    const csv = await fetch(`${h.url}/streaming/audit/ticks?sessionId=${sb.sessionId}&format=csv`, { headers: TOKEN });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('x-audit-truncated')).toBe('false');
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('sessionId,contentId,principal,seq,seconds,microAlgos,charged,mediaTime,clientTime,final,httpStatus,receivedAt,tickHash,signature,sessionKey');
    expect(lines).toHaveLength(2);
    expect(lines[1].split(',').slice(0, 7)).toEqual([sb.sessionId, 'film-2', expect.any(String), '1', '5', '50', '50']);
    const viaAccept = await fetch(`${h.url}/streaming/audit/settlements`, { headers: { ...TOKEN, accept: 'text/csv' } });
    expect((await viaAccept.text()).split('\r\n')[0]).toBe('id,sessionId,contentId,principal,seq,seconds,microAlgos,totalSeconds,totalMicroAlgos,platformFee,createdAt,splits');
  });

  it('needs the platform token; a production server without one does not serve it; bad filters are 400', async () => {
    h = await startHarness({ analyticsToken: 'secret', adminToken: 'admin' });
    expect((await get('/streaming/audit/ticks', {})).status).toBe(403);
    expect((await get('/streaming/audit/ticks', { authorization: 'Bearer wrong' })).status).toBe(403);
    expect((await get('/streaming/audit/ticks', { authorization: 'Bearer secre' })).status).toBe(403);
    // The platform's admin token reads it too, as it reads analytics.
    expect((await get('/streaming/audit/ticks', { authorization: 'Bearer admin' })).status).toBe(200);
    for (const q of ['limit=0', 'limit=10001', 'from=-1', 'to=1.5', 'sessionId=a%20b', 'contentId=%3Cx%3E']) {
      const r = await get(`/streaming/audit/ticks?${q}`);
      expect([q, r.status, r.json.error.code]).toEqual([q, 400, 'BAD_REQUEST']);
    }
    expect((await raw(h, 'POST', '/streaming/audit/ticks', '{}', TOKEN)).status).toBe(405);
    await h.close();
    h = await startHarness({ dev: false });
    const r = await get('/streaming/audit/settlements', {});
    expect([r.status, r.json.error.code]).toEqual([403, 'NOT_SESSION_OWNER']);
  });
});
