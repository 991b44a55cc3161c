// The catalog's price over the page's attributes (protocol v3): shown and billed when known; a page price
// that differs, or a title not sold, stops playback with its own code; an unreachable catalog only stops a
// page that named no price.
import { describe, expect, it } from 'vitest';
import { applyCatalog, pricePending, type CatalogLookup } from '../../../src/config/catalog-price.js';
import { parsePlayerConfig, priceError, blockingError, type PlayerAttributes } from '../../../src/config/player-config.js';

const attrs = (a: Partial<PlayerAttributes>): PlayerAttributes => ({
  src: '/v.m3u8', rate: null, budget: null, previewSeconds: null, contentId: 'demo-paid', api: 'https://pay.example', graceSeconds: null,
  identityProvider: null, derivationOrigin: null, maxTimeToLive: null, pauseWhenHidden: false, ...a,
});
const price = { contentId: 'demo-paid', title: 'Demo', rateMicroAlgos: 1_000, previewSeconds: 10 };
const ok: CatalogLookup = { status: 'ok', price };
const codes = (a: Partial<PlayerAttributes>, l: CatalogLookup) => applyCatalog(parsePlayerConfig(attrs(a), 'https://site.example'), l).errors.map((e) => e.code);

describe('applyCatalog', () => {
  it('the catalog’s rate and preview replace the page’s; the same page rate is fine', () => {
    for (const rate of [null, '0.001', '0.0010']) {
      const c = applyCatalog(parsePlayerConfig(attrs({ rate, previewSeconds: '5' }), ''), ok);
      expect([c.rateMicroAlgos, c.previewSeconds, c.errors]).toEqual([1_000, 10, []]);
    }
  });

  it('another page rate: PRICE_MISMATCH, a price refusal (not an attribute error), nothing charged at either price', () => {
    const c = applyCatalog(parsePlayerConfig(attrs({ rate: '0.002' }), ''), ok);
    expect(priceError(c)?.code).toBe('PRICE_MISMATCH');
    expect(priceError(c)?.message).toContain('0.002');
    expect(blockingError(c)).toBeUndefined();
    expect(codes({ rate: '0' }, ok)).toEqual(['PRICE_MISMATCH']);
    // An invalid rate is reported as such, not as a mismatch.
    expect(codes({ rate: 'abc' }, ok)).toEqual(['RATE_INVALID']);
  });

  it('a title not sold: UNKNOWN_CONTENT; unreachable: the page price goes on, none means PRICE_UNAVAILABLE', () => {
    expect(codes({ rate: '0.001' }, { status: 'unknown' })).toEqual(['UNKNOWN_CONTENT']);
    expect(codes({ rate: '0.001' }, { status: 'unreachable' })).toEqual([]);
    expect(codes({}, { status: 'unreachable' })).toEqual(['PRICE_UNAVAILABLE']);
  });

  it('no content-id, or nothing to ask: the page’s attributes as they are; loading without a page price is pending', () => {
    const c = parsePlayerConfig(attrs({ contentId: null, rate: '0.002' }), '');
    expect(applyCatalog(c, ok)).toBe(c);
    const d = parsePlayerConfig(attrs({ rate: '0.002' }), '');
    expect(applyCatalog(d, { status: 'off' })).toBe(d);
    expect(pricePending(parsePlayerConfig(attrs({}), ''), { status: 'loading' })).toBe(true);
    expect(pricePending(d, { status: 'loading' })).toBe(false);
    expect(applyCatalog(parsePlayerConfig(attrs({}), ''), { status: 'loading' }).rateMicroAlgos).toBe(0);
  });
});
