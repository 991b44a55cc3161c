/**
 * The transfers table in PostgreSQL (migrations/009_transfers.sql; rules in transfer-rules.ts): rows inserted
 * by the transaction that changes the balance (apply_tick for a tick, the ads store's steps for the ads),
 * and the double-entry check read in one snapshot.
 */
import type { Pool, PoolClient } from 'pg';
import { runAsync, type Step } from '../ads/ads-store.js';
import { ledgerCheck, type Query } from './ledger-check.js';
import type { LedgerCheck, Transfer } from './transfer-rules.js';

/** One multi-row INSERT of `rows`, as text and parameters (empty text when there is nothing to insert). */
export function transfersInsert(rows: readonly Transfer[]): { text: string; values: unknown[] } {
  if (rows.length === 0) return { text: '', values: [] };
  const values = rows.flatMap((t) => [t.at, t.from, t.to, t.microAlgos, t.kind, t.evidence, t.seq]);
  const tuples = rows.map((_, i) => `($${i * 7 + 1}::bigint, $${i * 7 + 2}, $${i * 7 + 3}, $${i * 7 + 4}::bigint, $${i * 7 + 5}, $${i * 7 + 6}, $${i * 7 + 7}::bigint)`);
  return { text: `INSERT INTO transfers (at, from_account, to_account, micro_algos, kind, evidence, seq) VALUES ${tuples.join(', ')}`, values };
}

/**
 * The check in one REPEATABLE READ snapshot: a tick committed between reading the transfers and reading the
 * balances cannot show as a mismatch. The ads tables are always in a PostgreSQL ledger's database (007).
 */
export async function postgresLedgerCheck(pool: Pool): Promise<LedgerCheck> {
  const c: PoolClient = await pool.connect();
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const query: Query = function* (sql): Step<Array<Record<string, unknown>>> {
      return ((yield c.query(sql)) as { rows: Array<Record<string, unknown>> }).rows;
    };
    return await runAsync(ledgerCheck(query, { ledger: true, ads: true }));
  } finally {
    await c.query('ROLLBACK').catch(() => {});
    c.release();
  }
}
