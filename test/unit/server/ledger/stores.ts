/**
 * Every LedgerStorage the property suite runs against. A new store (PostgreSQL) is one more line here;
 * `make` may be async (start a throwaway cluster) and `close` must free it.
 */
import { MemoryLedgerStorage } from '../../../../server/ledger/memory-storage.js';
import { SqliteLedgerStorage } from '../../../../server/ledger/sqlite-storage.js';
import type { LedgerStorage } from '../../../../server/ledger/storage.js';
import { postgresStore } from '../../../support/postgres-store.js';

export interface StoreUnderTest {
  name: string;
  make(): Promise<LedgerStorage> | LedgerStorage;
}

export const STORES: StoreUnderTest[] = [
  { name: 'memory', make: () => new MemoryLedgerStorage() },
  { name: 'sqlite', make: () => new SqliteLedgerStorage(':memory:') },
  // The single writer collecting ticks for 3 ms per transaction (--group-commit-ms), its memory in play.
  { name: 'sqlite, group commit 3 ms', make: () => new SqliteLedgerStorage(':memory:', 3) },
  // A real server (the run's throwaway cluster), a fresh schema per store.
  { name: 'postgres', make: () => postgresStore() },
];
