/**
 * The platform's catalog over the page's attributes (protocol v3): when the page names its `content-id`,
 * the element asks the payment API what that title costs, shows that price, and never charges another.
 * Pure: the lookup's outcome in, the configuration every paid controller reads out.
 * - the catalog's rate and preview replace the page's (the server bills the catalog's anyway);
 * - a page `rate` that differs is a mismatch: nothing plays (PRICE_MISMATCH), rather than a different charge;
 * - a title the catalog does not sell: nothing plays (UNKNOWN_CONTENT);
 * - the catalog unreachable: a page with a `rate` goes on with it (the server refuses a wrong one at start);
 *   a page without one cannot know the price yet (PRICE_UNAVAILABLE, tried again).
 */
import { SipparError } from '../errors.js';
import { formatAlgo } from '../metering/money.js';
import type { ContentPrice } from '../payments/protocol.js';
import type { PlayerConfig } from './player-config.js';

export type CatalogLookup =
  /** Nothing to ask: no `content-id`, or the platform injected its own payment API. */
  | { status: 'off' }
  | { status: 'loading' }
  | { status: 'ok'; price: ContentPrice }
  | { status: 'unknown' }
  | { status: 'unreachable' };

export function applyCatalog(c: PlayerConfig, lookup: CatalogLookup): PlayerConfig {
  if (!c.catalogLookup || lookup.status === 'off') return c;
  const stop = (code: SipparError['code'], message: string): PlayerConfig => ({ ...c, errors: [...c.errors, new SipparError(code, message)] });
  switch (lookup.status) {
    case 'loading':
      // Not known yet: a page price is what it expects; without one, nothing is sold until the catalog answers.
      return c;
    case 'unreachable':
      return c.rateGiven ? c : stop('PRICE_UNAVAILABLE', `the catalog price of ${c.contentId} could not be loaded`);
    case 'unknown':
      return stop('UNKNOWN_CONTENT', `the payment API sells no title "${c.contentId}"`);
    case 'ok': {
      const p = lookup.price;
      const priced = { ...c, rateMicroAlgos: p.rateMicroAlgos, previewSeconds: p.previewSeconds };
      if (c.rateGiven && c.rateMicroAlgos !== p.rateMicroAlgos && !c.errors.some((e) => e.code === 'RATE_INVALID')) {
        return {
          ...priced,
          errors: [...c.errors, new SipparError('PRICE_MISMATCH', `rate "${formatAlgo(c.rateMicroAlgos)}" differs from the catalog's ${formatAlgo(p.rateMicroAlgos)} ALGO/s for ${c.contentId}`)],
        };
      }
      return priced;
    }
  }
}

/** Whether the price is still being looked up for a page that named none: nothing may be charged yet. */
export function pricePending(c: PlayerConfig, lookup: CatalogLookup): boolean {
  return c.catalogLookup && !c.rateGiven && lookup.status === 'loading';
}
