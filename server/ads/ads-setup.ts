/**
 * Builds the ads part of the API from the server's options: its tables go into the ledger's SQLite
 * database when the ledger is SQLite (one writer per file), else into `ads.db` (default in memory: a
 * PostgreSQL ledger gets its ads adapter with migration 007). The titles' ad settings come from
 * the platform's catalog (each title's `ads` field, catalog-ad-settings.ts) unless `ads.catalog` is given (tests, benches).
 */
import type Database from 'better-sqlite3';
import type { ResolvedOptions } from '../config.js';
import type { LedgerStorage } from '../ledger/storage.js';
import type { AdCatalog } from './ad-settings.js';
import { catalogAdSettings } from './catalog-ad-settings.js';
import { createAdsContext, ledgerSessions, type AdsContext } from './ads-context.js';
import { AdsStore } from './ads-store.js';

export interface AdsServerOptions {
  catalog?: AdCatalog;
  /** SQLite path or ':memory:' for the ads tables when the ledger is not SQLite. */
  db?: string;
  /** Seconds after a break's maximum until its unsettled hold goes back to the agent (default 600). */
  holdGraceSeconds?: number;
}

export function createAds(o: ResolvedOptions, ledger: LedgerStorage): { context: AdsContext; close(): void } {
  const shared = (ledger as { db?: Database.Database }).db;
  const store = new AdsStore(shared && typeof shared.prepare === 'function' ? shared : (o.ads?.db ?? ':memory:'));
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
