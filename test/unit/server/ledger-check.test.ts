// GET /streaming/admin/ledger/check (docs/PROTOCOL.md §14): the double-entry check over HTTP, admin token
// only, on the suite's store (SQLite in memory, or PostgreSQL in the server-postgres project). A balance
// changed behind the ledger's back (no transfer) shows as a mismatch of its account.
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresLedgerStorage } from '../../../server/ledger/postgres-storage.js';
import { SqliteLedgerStorage } from '../../../server/ledger/sqlite-storage.js';
import { credit, makeTick, makeViewer, raw, signTick, startHarness, startSession, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.close());

const ADMIN = { authorization: 'Bearer adm' };

async function tamper(principal: string, micro: number): Promise<void> {
  const l = h.server.ledger;
  if (l instanceof SqliteLedgerStorage) {
    l.db.prepare('UPDATE viewers SET balance = balance + ? WHERE principal = ?').run(micro, principal);
    l.forget(undefined, principal);
  } else if (l instanceof PostgresLedgerStorage) await l.pool.query('UPDATE viewers SET balance = balance + $1 WHERE principal = $2', [micro, principal]);
  else throw new Error('a store this test cannot reach');
}

describe('GET /streaming/admin/ledger/check', () => {
  it('answers {ok, accounts, total, mismatches} with the admin token: deposits, ticks and a settlement check out; a balance changed without a transfer does not', async () => {
    h = await startHarness({ adminToken: 'adm' });
    const v = await makeViewer();
    await credit(h, v, 10_000);
    const s = await startSession(h, v, 100);
    h.clock.now += 10_000;
    await h.api.extend(await signTick(v, makeTick(s, 1, 5)));
    await h.api.pause(await signTick(v, makeTick(s, 2, 8, { final: true })));
    const ok = await raw(h, 'GET', '/streaming/admin/ledger/check', undefined, ADMIN);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ ok: true, total: 0, mismatches: [] });
    // external:deposits, the viewer, the session (settled: 0, still listed by its transfers), creator and platform.
    expect(ok.json.accounts).toBeGreaterThanOrEqual(5);

    await tamper(v.principal, 7);
    const bad = await raw(h, 'GET', '/streaming/admin/ledger/check', undefined, ADMIN);
    expect(bad.json.ok).toBe(false);
    expect(bad.json.mismatches).toEqual([{ account: `viewer:${v.principal}`, transfers: 10_000 - 800, cached: 10_000 - 800 + 7 }]);
  });

  it('refuses without the admin token, or when none is configured', async () => {
    h = await startHarness({ adminToken: 'adm' });
    for (const headers of [{}, { authorization: 'Bearer wrong' }] as Array<Record<string, string>>) {
      const r = await raw(h, 'GET', '/streaming/admin/ledger/check', undefined, headers);
      expect([r.status, r.json.error.code]).toEqual([403, 'NOT_SESSION_OWNER']);
    }
    await h.close();
    h = await startHarness();
    expect((await raw(h, 'GET', '/streaming/admin/ledger/check', undefined, ADMIN)).status).toBe(403);
  });
});
