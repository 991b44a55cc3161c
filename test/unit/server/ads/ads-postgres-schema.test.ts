// Migration 007 on the run's PostgreSQL cluster: the ads tables exist with the same guards as on SQLite
// (a hold never below zero, a charge's split summing to it, one auction per session and break).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresLedgerStorage } from '../../../../server/ledger/postgres-storage.js';
import { postgresStore } from '../../../support/postgres-store.js';

let l: PostgresLedgerStorage;
beforeAll(async () => {
  l = await postgresStore(1);
});
afterAll(() => l.close());

describe('migration 007 (ads)', () => {
  it('is applied and guards money like the SQLite schema', async () => {
    const q = (sql: string, args: unknown[] = []) => l.pool.query(sql, args);
    expect((await q('SELECT name FROM schema_migrations WHERE version = 7')).rows).toEqual([{ name: '007_ads.sql' }]);
    await q(`INSERT INTO agents (id, name, created_at) VALUES ('agt_1', 'A', 0)`);
    await expect(q(`UPDATE agents SET balance = -1 WHERE id = 'agt_1'`)).rejects.toThrow(/check/i);
    await q(`INSERT INTO auctions (id, session_id, content_id, break_index, viewer, floor, entries, answer, served_at) VALUES ('auc_1', 's', 'c', 0, 'v', 0, '[]', '{}', 0)`);
    await expect(q(`INSERT INTO auctions (id, session_id, content_id, break_index, viewer, floor, entries, answer, served_at) VALUES ('auc_2', 's', 'c', 0, 'v', 0, '[]', '{}', 0)`)).rejects.toThrow(/unique/i);
    const charge = (creator: number) =>
      q(
        `INSERT INTO ad_charges (auction_id, seq, agent_id, content_id, ad_seconds, charged_seconds, micro_algos, creator, platform, viewer_share, released, final, client_time, tick_hash, signature, answer, created_at)
         VALUES ('auc_1', $1, 'agt_1', 'c', 1, 1, 100, $2, 30, 0, 0, false, 0, '\\x00', '\\x00', '{}', 0)`,
        [creator, creator],
      );
    await expect(charge(69)).rejects.toThrow(/check/i);
    await charge(70);
    // 008: the viewer's credit beside each charge, and the bid version every process caches the bids against.
    expect((await q('SELECT name FROM schema_migrations WHERE version = 8')).rows).toEqual([{ name: '008_ads_postgres.sql' }]);
    expect((await q(`SELECT viewer, viewer_credited FROM ad_charges WHERE auction_id = 'auc_1'`)).rows).toEqual([{ viewer: '', viewer_credited: false }]);
    expect((await q('SELECT v FROM ad_bids_version')).rows).toEqual([{ v: 0 }]);
  });
});
