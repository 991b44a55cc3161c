/** The store behind `--db`: a postgres:// URL opens PostgreSQL (any number of API processes on one database), anything else is a SQLite file or ':memory:'. */
import { PostgresLedgerStorage, isPostgresUrl } from './postgres-storage.js';
import { SqliteLedgerStorage } from './sqlite-storage.js';
import type { LedgerStorage } from './storage.js';

export function openStorage(db: string): LedgerStorage {
  return isPostgresUrl(db) ? new PostgresLedgerStorage(db) : new SqliteLedgerStorage(db);
}
