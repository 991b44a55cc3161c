// A database that held money before it kept transfers (SQLite: a file without the table; PostgreSQL:
// migrations up to 008) gets its balances as 'opening' transfers from external:deposits, and checks out.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { SqliteAdsStore } from '../../../../server/ads/ads-sqlite-store.js';
import { migrate, migrations } from '../../../../server/ledger/postgres-migrate.js';
import { PostgresLedgerStorage } from '../../../../server/ledger/postgres-storage.js';
import { SqliteLedgerStorage } from '../../../../server/ledger/sqlite-storage.js';
import { freshSchema } from '../../../support/postgres-store.js';

/**
 * One viewer who deposited 1000 and got a 10 µALGO ad credit, two sessions (one settled by splits, one
 * before v3 by the platform fee), one agent funded 5000 whose hold of 1000 paid two ad charges.
 */
function oldData(json: (v: unknown) => string, bool: (b: boolean) => string): string[] {
  const splits = json([{ recipient: 'creator', address: 'ADDR1', microAlgos: 150 }, { recipient: 'platform', microAlgos: 50 }]);
  const split = json({ creatorBps: 7000, platformBps: 2000, viewerBps: 1000 });
  const charge = (seq: number, micro: number, creator: number, platform: number, share: number, credited: boolean) =>
    `INSERT INTO ad_charges (auction_id, seq, agent_id, content_id, ad_seconds, charged_seconds, micro_algos, creator, platform, viewer_share, released, final, client_time, tick_hash, signature, answer, created_at, viewer, viewer_credited)
     VALUES ('H', ${seq}, 'A', 't', 1, 1, ${micro}, ${creator}, ${platform}, ${share}, 0, ${bool(false)}, 0, X'00', X'00', '{}', 0, 'P', ${bool(credited)})`;
  return [
    "INSERT INTO viewers (principal, algorand_address, balance, created_at) VALUES ('P', 'ADDR', 610, 0)",
    "INSERT INTO credits (principal, micro_algos, created_at) VALUES ('P', 1000, 0), ('P', 10, 0)",
    `INSERT INTO sessions (id, principal, content_id, rate, session_key, start_hash, started_at, expires_at, last_activity, billed_micro, settled_micro)
     VALUES ('S1', 'P', 't', 10, X'01', X'01', 0, 1, 0, 300, 200), ('S2', 'P', 't', 10, X'01', X'02', 0, 1, 0, 100, 100)`,
    `INSERT INTO settlements (session_id, seq, seconds, micro_algos, total_seconds, total_micro, platform_fee, created_at, splits)
     VALUES ('S1', 1, 20, 200, 20, 200, 50, 0, '${splits}'), ('S2', 1, 10, 100, 10, 100, 10, 0, NULL)`,
    "INSERT INTO agents (id, name, balance, created_at) VALUES ('A', 'Agent', 4000, 0)",
    "INSERT INTO agent_credits (agent_id, micro_algos, source, created_at) VALUES ('A', 5000, 'dev', 0)",
    "INSERT INTO auctions (id, session_id, content_id, break_index, viewer, floor, entries, answer, served_at) VALUES ('H', 'S1', 't', 0, 'P', 1, '[]', '{}', 0)",
    `INSERT INTO holds (auction_id, session_id, agent_id, bid_id, content_id, day, price, hold_seconds, creative_seconds, amount, remaining, split, served_at, expires_at)
     VALUES ('H', 'S1', 'A', 'B', 't', 0, 100, 10, 10, 1000, 850, '${split}', 0, 1)`,
    charge(1, 100, 70, 20, 10, true),
    charge(2, 50, 35, 10, 5, false),
  ];
}

const OPENING = {
  'viewer:P': 610,
  'session:S1': 100,
  'recipient:ADDR1': 150,
  'recipient:platform@t': 50 + 10 + 20 + 10,
  'recipient:creator@t': 90 + 70 + 35,
  'agent:A': 4000,
  'hold:H': 850,
  'viewer-share:P': 5,
};

describe('a database from before transfers', () => {
  it('SQLite: reopening a file without the table books its balances as opening transfers', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sippar-transfers-')), 'ledger.db');
    const first = new SqliteLedgerStorage(path);
    new SqliteAdsStore(first.db);
    first.db.exec('DROP TABLE transfers');
    for (const sql of oldData((v) => JSON.stringify(v), (b) => (b ? '1' : '0'))) first.db.exec(sql);
    await first.close();
    const l = new SqliteLedgerStorage(path);
    new SqliteAdsStore(l.db);
    const rows = l.db.prepare("SELECT to_account, micro_algos FROM transfers WHERE kind = 'opening' AND from_account = 'external:deposits'").raw().all();
    expect(Object.fromEntries(rows as [string, number][])).toEqual(OPENING);
    expect(await l.ledgerCheck()).toMatchObject({ ok: true, total: 0, mismatches: [] });
    await l.close();
  });

  const pools: pg.Pool[] = [];
  afterAll(() => Promise.all(pools.map((p) => p.end())));

  it('PostgreSQL: migration 009 books the balances as opening transfers', async () => {
    const schema = freshSchema();
    const pool = new pg.Pool({ connectionString: inject('pgUrl'), max: 1, options: `-c search_path=${schema}` });
    pools.push(pool);
    await pool.query(`CREATE SCHEMA ${schema}`);
    await migrate(pool, migrations().filter((m) => m.version < 9));
    for (const sql of oldData((v) => JSON.stringify(v), (b) => String(b))) await pool.query(sql.replace(/X'0(\d)'/g, "'\\x0$1'::bytea"));
    const l = new PostgresLedgerStorage(inject('pgUrl'), { schema, max: 2 });
    await l.ready;
    const { rows } = await l.pool.query("SELECT to_account, micro_algos FROM transfers WHERE kind = 'opening' AND from_account = 'external:deposits'");
    expect(Object.fromEntries(rows.map((r) => [r.to_account, r.micro_algos]))).toEqual(OPENING);
    expect(await l.ledgerCheck()).toMatchObject({ ok: true, total: 0, mismatches: [] });
    await l.close();
  });
});
