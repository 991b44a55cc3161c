/** The store behind `--db`: a postgres:// URL opens PostgreSQL (any number of API processes on one database), anything else is a SQLite file or ':memory:'. */
import { PostgresLedgerStorage, isPostgresUrl } from './postgres-storage.js';
import { SqliteLedgerStorage } from './sqlite-storage.js';
import type { LedgerStorage } from './storage.js';

/** `groupCommitMs`: how long SQLite's single writer collects ticks into one transaction (0: one event-loop turn). */
export function openStorage(db: string, groupCommitMs = 0): LedgerStorage {
  return isPostgresUrl(db) ? new PostgresLedgerStorage(db) : new SqliteLedgerStorage(db, groupCommitMs);
}
