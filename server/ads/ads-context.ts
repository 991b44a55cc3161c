/**
 * What the ads handlers share: options, the store, the catalog's ad settings, the viewers' sessions (from
 * the payment ledger) and the standing bids, cached in memory and reloaded when the store's bid version
 * says another request (of this process or another) changed them.
 */
import type { LedgerStorage } from '../ledger/storage.js';
import type { AdCatalog } from './ad-settings.js';
import type { AdsStore, AdsTx, Step } from './ads-store.js';
import type { StandingBid } from './auction.js';
import { playlistCache, type FetchText } from './ad-playlist.js';

export interface AdsOptions {
  now(): number;
  dev: boolean;
  adminToken?: string;
  /** A signed agent request's `created` may be this far from server time (ms); also how long a nonce is kept. */
  maxClockSkewMs: number;
  maxBodyBytes: number;
  /** A hold is released this long after its break could have ended (seconds; default 600). */
  holdGraceSeconds: number;
}

/** A viewer's payment session, as the ad endpoints need it. */
export interface AdSession {
  principal: string;
  contentId: string;
  sessionKey: Uint8Array;
  expiresAt: number;
}

export interface AdSessions {
  session(id: string): Promise<AdSession | undefined>;
}

export interface AdsContext {
  o: AdsOptions;
  store: AdsStore;
  catalog: AdCatalog;
  sessions: AdSessions;
  /** The standing bids, cached until the store's bid version moves (a change by any process). */
  bids(s: AdsTx, version?: string): Step<readonly StandingBid[]>;
  /** A title's CDN playlist text by URL (cached a minute). */
  playlists(url: string): Promise<string>;
}

export function createAdsContext(o: AdsOptions, store: AdsStore, catalog: AdCatalog, sessions: AdSessions, fetchText?: FetchText): AdsContext {
  let cached: { version: string; bids: StandingBid[] } | undefined;
  return {
    o,
    playlists: playlistCache(fetchText),
    store,
    catalog,
    sessions,
    *bids(s, known) {
      const version = known ?? (yield* s.bidsVersion());
      if (cached?.version !== version) cached = { version, bids: yield* s.activeBids() };
      return cached.bids;
    },
  };
}

/** Sessions read from the payment ledger (any LedgerStorage). */
export function ledgerSessions(ledger: LedgerStorage): AdSessions {
  return {
    async session(id) {
      const key = await ledger.sessionKey(id);
      if (!key) return undefined;
      const t = await ledger.loadTick(id, 0);
      if (!t) return undefined;
      return { principal: t.session.principal, contentId: t.session.contentId, sessionKey: key.sessionKey, expiresAt: key.expiresAt };
    },
  };
}

/** UTC day number: daily budgets and frequency caps reset at 00:00 UTC. */
export const dayOf = (ms: number) => Math.floor(ms / 86_400_000);
