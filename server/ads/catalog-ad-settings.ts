/**
 * The titles' ad settings read from the platform's catalog (the `ads` field of a title, stored as given
 * by the catalog store) and its `media.src`: what the auction and the playlist rewrite use unless a test passes
 * its own AdCatalog.
 * Read at each break, so a title changed through the admin API takes effect at its next break.
 */
import type { LedgerStorage } from '../ledger/storage.js';
import { parseAdSettings, type AdCatalog, type AdSettings } from './ad-settings.js';

export function catalogAdSettings(ledger: Pick<LedgerStorage, 'title'>): AdCatalog {
  return {
    async adSettings(contentId): Promise<AdSettings | undefined> {
      const ads = (await ledger.title(contentId))?.ads;
      return ads === undefined || ads === null ? undefined : parseAdSettings(ads);
    },
    async mediaSrc(contentId): Promise<string | undefined> {
      return (await ledger.title(contentId))?.media?.src;
    },
  };
}
