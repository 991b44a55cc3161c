/**
 * Builds the ads part of the API from the server's options: its tables go into the ledger's database —
 * its SQLite file (one writer per file) or its PostgreSQL database (migrations 007–008, any number of API
 * processes) — else (the in-memory ledger) into `ads.db` (default in memory). The titles' ad settings come from
 * the platform's catalog (each title's `ads` and `media.src`, catalog-ad-settings.ts) unless `ads.catalog` is given (tests, benches).
 */
import type Database from 'better-sqlite3';
import type { ResolvedOptions } from '../config.js';
import type { LedgerStorage } from '../ledger/storage.js';
import type { AdCatalog } from './ad-settings.js';
import { catalogAdSettings } from './catalog-ad-settings.js';
import { createAdsContext, ledgerSessions, type AdsContext } from './ads-context.js';
import { PostgresLedgerStorage } from '../ledger/postgres-storage.js';
import { PostgresAdsStore } from './ads-postgres-store.js';
import { SqliteAdsStore } from './ads-sqlite-store.js';
import type { AdsStore } from './ads-store.js';

export interface AdsServerOptions {
  catalog?: AdCatalog;
  /** SQLite path or ':memory:' for the ads tables when the ledger is neither SQLite nor PostgreSQL (the in-memory one). */
  db?: string;
  /** Seconds after a break's maximum until its unsettled hold goes back to the agent (default 600). */
  holdGraceSeconds?: number;
}

/** The ads tables beside the ledger's: in its PostgreSQL database or SQLite file, else in `ads.db`. */
export function openAdsStore(ledger: LedgerStorage, db?: string): AdsStore {
  if (ledger instanceof PostgresLedgerStorage) return new PostgresAdsStore(ledger.pool, ledger.ready);
  const shared = (ledger as { db?: Database.Database }).db;
  return new SqliteAdsStore(shared && typeof shared.prepare === 'function' ? shared : (db ?? ':memory:'));
}

export function createAds(o: ResolvedOptions, ledger: LedgerStorage): { context: AdsContext; close(): Promise<void> } {
  const store = openAdsStore(ledger, o.ads?.db);
  const context = createAdsContext(
    {
      now: o.now,
      dev: o.dev,
      adminToken: o.adminToken,
      maxClockSkewMs: o.maxClockSkewMs,
      maxBodyBytes: o.maxBodyBytes,
      holdGraceSeconds: o.ads?.holdGraceSeconds ?? 600,
    },
    store,
    o.ads?.catalog ?? catalogAdSettings(ledger),
    ledgerSessions(ledger),
  );
  return { context, close: () => store.close() };
}
