/**
 * The transfers table in SQLite (transfer-rules.ts): shared by the ledger and the ads store when they share a
 * file, or the ads store's own when it has one. Rows are written by the same transaction as the balance
 * change they book; nothing ever updates or deletes one (so the rowid id grows without AUTOINCREMENT's extra
 * write per row).
 */
import type Database from 'better-sqlite3';
import { upgradeAdsSchema } from '../ads/ads-sqlite-schema.js';
import { runSync } from '../ads/ads-store.js';
import { cachedBalances, ledgerCheck, openingTransfers, type Holds, type Query } from './ledger-check.js';
import type { LedgerCheck, Transfer } from './transfer-rules.js';

export const TRANSFERS_SCHEMA = `
CREATE TABLE IF NOT EXISTS transfers (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  from_account TEXT NOT NULL,
  to_account TEXT NOT NULL,
  micro_algos INTEGER NOT NULL CHECK (micro_algos > 0),
  kind TEXT NOT NULL,
  evidence TEXT NOT NULL,
  seq INTEGER,
  CHECK (from_account <> to_account)
);
`;

const has = (db: Database.Database, table: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
const holds = (db: Database.Database): Holds => ({ ledger: has(db, 'viewers'), ads: has(db, 'agents') });
const query = (db: Database.Database): Query =>
  function* (sql) {
    return db.prepare(sql).all() as Array<Record<string, unknown>>;
  };

/**
 * Creates the table; a database that held money before it kept transfers gets its balances as `opening`
 * transfers, in the same transaction, so that it checks out from then on.
 */
export function ensureTransfers(db: Database.Database, now: number): void {
  if (has(db, 'transfers')) return;
  db.transaction(() => {
    // An old file's ads tables may lack the columns the check reads (the ads store upgrades them later).
    if (has(db, 'ad_charges')) upgradeAdsSchema(db);
    db.exec(TRANSFERS_SCHEMA);
    insertTransfers(db, openingTransfers(runSync(cachedBalances(query(db), holds(db))), now));
  })();
}

/** Statements by row count: a tick's transfers go in one multi-row INSERT. */
const statements = new WeakMap<Database.Database, Map<number, Database.Statement>>();

export function insertTransfers(db: Database.Database, rows: readonly Transfer[]): void {
  if (rows.length === 0) return;
  let byCount = statements.get(db);
  if (!byCount) statements.set(db, (byCount = new Map()));
  let st = byCount.get(rows.length);
  if (!st) {
    const values = Array.from({ length: rows.length }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ');
    byCount.set(rows.length, (st = db.prepare(`INSERT INTO transfers (at, from_account, to_account, micro_algos, kind, evidence, seq) VALUES ${values}`)));
  }
  if (rows.length === 1) {
    // A content tick books one row: bound directly, without an array of its values.
    const t = rows[0]!;
    st.run(t.at, t.from, t.to, t.microAlgos, t.kind, t.evidence, t.seq);
  } else st.run(rows.flatMap((t) => [t.at, t.from, t.to, t.microAlgos, t.kind, t.evidence, t.seq]));
}

/** Every account's balance from transfers against the cached balances (one synchronous read: one snapshot). */
export function sqliteLedgerCheck(db: Database.Database): LedgerCheck {
  return runSync(ledgerCheck(query(db), holds(db)));
}
