// SQLite's single writer: ticks grouped into one transaction are answered only once it has committed, and
// the money state it keeps in memory follows credits and debits.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyTick, openSession } from '../../../../server/ledger/ledger-service.js';
import { SqliteLedgerStorage } from '../../../../server/ledger/sqlite-storage.js';

const dir = mkdtempSync(join(tmpdir(), 'sippar-group-commit-'));
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const limits = (now: number) => ({ now, maxPlaybackRate: 2, slackSeconds: 5, platformFeeBps: 1000, settle: false });
const tick = (sessionId: string, seq: number, seconds: number) => ({
  tick: { sessionId, seq, seconds, microAlgos: seconds * 10, mediaTime: seconds * 1000, clientTime: 0 },
  tickHash: new Uint8Array(32).fill(seq),
  signature: new Uint8Array(64),
});

describe('SQLite group commit', () => {
  it('answers each of many grouped ticks only after their transaction committed (another connection sees them)', async () => {
    const path = join(dir, 'ledger.db');
    const store = new SqliteLedgerStorage(path, 5);
    const reader = new Database(path, { readonly: true });
    const t0 = Date.now();
    const ids = Array.from({ length: 20 }, (_, i) => `s${i}`);
    await store.credit('viewer', 'addr', 1_000_000, t0);
    for (const id of ids) {
      await openSession(store, { id, principal: 'viewer', contentId: 'c', rate: 10, budget: null, freeSeconds: 0, splits: null, sessionKey: new Uint8Array(65), startHash: new Uint8Array(32).fill(ids.indexOf(id)), startedAt: t0, expiresAt: t0 + 3600_000 }, 'addr');
    }
    const seen: number[] = [];
    await Promise.all(
      ids.map((id) =>
        applyTick(store, tick(id, 1, 3), limits(t0 + 10_000)).then(() => {
          seen.push((reader.prepare('SELECT count(*) AS n FROM ticks WHERE session_id = ?').get(id) as { n: number }).n);
        }),
      ),
    );
    expect(seen).toEqual(ids.map(() => 1));
    reader.close();
    await store.close();
  });

  it('keeps the balance it holds in memory in step with credits and debits', async () => {
    const store = new SqliteLedgerStorage(':memory:', 2);
    const t0 = Date.now();
    await store.credit('viewer', 'addr', 25, t0);
    await openSession(store, { budget: null, freeSeconds: 0, splits: null, id: 's', principal: 'viewer', contentId: 'c', rate: 10, sessionKey: new Uint8Array(65), startHash: new Uint8Array(32), startedAt: t0, expiresAt: t0 + 3600_000 }, 'addr');
    // 2 of 3 seconds paid (25 µALGO at 10/s), the rest owed: 402.
    expect((await applyTick(store, tick('s', 1, 3), limits(t0 + 5_000))).status).toBe(402);
    expect((await store.loadTick('s', 2))!.balance).toBe(5);
    await store.credit('viewer', 'addr', 100, t0);
    expect((await store.loadTick('s', 2))!.balance).toBe(105);
    const out = await applyTick(store, tick('s', 2, 4), limits(t0 + 6_000));
    expect(out.body).toMatchObject({ seconds: 4, microAlgos: 40, balanceMicroAlgos: 85 });
    expect((await store.loadTick('s', 3))!).toMatchObject({ balance: 85, ticks: 2, session: { seq: 2, billedSeconds: 4, claimedSeconds: 4 } });
    await store.close();
  });
});
