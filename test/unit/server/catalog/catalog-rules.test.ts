// The catalog's pure rules: what a valid title is, split arithmetic in whole µALGO (exhaustively random),
// the start's price check and the preview left to a viewer.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CatalogError,
  TOTAL_BPS,
  checkStartPrice,
  defaultSplits,
  freeSecondsAtStart,
  platformShare,
  publicPrice,
  splitAmounts,
  validateCatalog,
  validateTitle,
  type Split,
} from '../../../../server/catalog/catalog-rules.js';

const rules = { maxRateMicroAlgos: 1_000_000, platformFeeBps: 1_000, isAddress: (a: string) => /^[A-Z2-7]{58}$/.test(a) };
const ADDR = 'A'.repeat(58);
const base = { contentId: 'demo-paid', title: 'Demo', rateMicroAlgos: 1_000, previewSeconds: 10 };
const bad = (t: unknown, why: RegExp) => expect(() => validateTitle(t, rules)).toThrow(why);

describe('validateTitle', () => {
  it('fills the default splits from the platform fee (creator first), keeps media, keys and ads as given', () => {
    expect(validateTitle({ ...base, media: { src: 'https://cdn.example/x.m3u8' }, keys: 'keys/x.json', ads: { breaks: [{ atSeconds: 60, maxSeconds: 30 }] } }, rules)).toEqual({
      ...base,
      splits: [{ recipient: 'creator', bps: 9_000 }, { recipient: 'platform', bps: 1_000 }],
      media: { src: 'https://cdn.example/x.m3u8' },
      keys: 'keys/x.json',
      ads: { breaks: [{ atSeconds: 60, maxSeconds: 30 }] },
    });
    expect(validateTitle({ contentId: 'f', title: 'F', rateMicroAlgos: 0 }, rules).previewSeconds).toBe(0);
    expect(defaultSplits(0)).toEqual([{ recipient: 'creator', bps: 10_000 }]);
    expect(defaultSplits(10_000)).toEqual([{ recipient: 'platform', bps: 10_000 }]);
  });

  it('refuses each malformed field with a message naming it', () => {
    bad(null, /JSON object/);
    bad({ ...base, contentId: 'a b' }, /contentId/);
    bad({ ...base, title: '' }, /title must be text/);
    bad({ ...base, rateMicroAlgos: 1.5 }, /rateMicroAlgos/);
    bad({ ...base, rateMicroAlgos: 1_000_001 }, /rateMicroAlgos/);
    bad({ ...base, rateMicroAlgos: -1 }, /rateMicroAlgos/);
    bad({ ...base, previewSeconds: 86_401 }, /previewSeconds/);
    bad({ ...base, splits: [] }, /splits must be a list/);
    bad({ ...base, splits: [{ recipient: 'creator', bps: 9_999 }] }, /add up to 9999 bps/);
    bad({ ...base, splits: [{ recipient: 'a', bps: 5_000 }, { recipient: 'a', bps: 5_000 }] }, /appears twice/);
    bad({ ...base, splits: [{ recipient: 'a', bps: 0 }, { recipient: 'b', bps: 10_000 }] }, /bps must be/);
    bad({ ...base, splits: [{ recipient: 'a', bps: 10_000, address: 'nope' }] }, /Algorand address/);
    bad({ ...base, media: { src: 'javascript:alert(1)' } }, /media.src/);
    bad({ ...base, keys: 3 }, /keys/);
    expect(validateTitle({ ...base, splits: [{ recipient: 'a', bps: 10_000, address: ADDR }] }, rules).splits[0]!.address).toBe(ADDR);
  });

  it('takes the id from the path when the body has none, and refuses a body naming another', () => {
    const { contentId: _omit, ...noId } = base;
    expect(validateTitle(noId, rules, 'from-path').contentId).toBe('from-path');
    expect(() => validateTitle(base, rules, 'other')).toThrow(CatalogError);
  });

  it('a catalog file: {titles:[…]}, no id twice', () => {
    expect(validateCatalog({ titles: [base, { ...base, contentId: 'b' }] }, rules)).toHaveLength(2);
    expect(() => validateCatalog({ titles: [base, base] }, rules)).toThrow(/twice/);
    expect(() => validateCatalog([base], rules)).toThrow(/"titles"/);
  });

  it('refuses a title whose ad settings cannot be sold, naming them', () => {
    expect(() => validateTitle({ ...base, ads: { breaks: [1] } }, rules)).toThrow(/title .*: ads/);
  });

  it('answers publicly only the price and the media, never keys, splits or ads', () => {
    const t = validateTitle({ ...base, keys: 'secret.json', ads: { every: { seconds: 600, maxSeconds: 30, count: 2 } }, media: { src: '/m.m3u8' } }, rules);
    expect(publicPrice(t)).toEqual({ contentId: 'demo-paid', title: 'Demo', rateMicroAlgos: 1_000, previewSeconds: 10, media: { src: '/m.m3u8' } });
  });
});

const splitsArb = fc
  .array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 16 })
  .map((weights): Split[] => {
    // Weights scaled to basis points adding up to exactly 10 000 (the last absorbs the rounding).
    const total = weights.reduce((a, w) => a + w, 0);
    const bps = weights.map((w) => Math.floor((w * TOTAL_BPS) / total));
    bps[bps.length - 1]! += TOTAL_BPS - bps.reduce((a, b) => a + b, 0);
    return bps.map((b, i) => ({ recipient: `r${i}`, bps: b })).filter((s) => s.bps > 0);
  })
  .filter((s) => s.length > 0);

describe('splitAmounts', () => {
  it('whole µALGO adding up to the amount exactly; each share its floor, the remainder (< one per share) to the first', () => {
    fc.assert(
      fc.property(fc.oneof(fc.nat(1_000_000), fc.nat(Number.MAX_SAFE_INTEGER)), splitsArb, (micro, splits) => {
        const out = splitAmounts(micro, splits);
        expect(out.map((o) => o.recipient)).toEqual(splits.map((s) => s.recipient));
        expect(out.reduce((a, o) => a + o.microAlgos, 0)).toBe(micro);
        out.forEach((o, i) => {
          expect(Number.isSafeInteger(o.microAlgos)).toBe(true);
          const exact = (BigInt(micro) * BigInt(splits[i]!.bps)) / BigInt(TOTAL_BPS);
          if (i > 0) expect(BigInt(o.microAlgos)).toBe(exact);
          else expect(o.microAlgos - Number(exact)).toBeLessThan(splits.length);
        });
      }),
      { numRuns: 2_000 },
    );
  });

  it('by example: 1 001 µALGO at 90/10 is 901 / 100; the platform share is the fee', () => {
    const out = splitAmounts(1_001, defaultSplits(1_000));
    expect(out).toEqual([{ recipient: 'creator', microAlgos: 901 }, { recipient: 'platform', microAlgos: 100 }]);
    expect(platformShare(out)).toBe(100);
    expect(platformShare(splitAmounts(5, [{ recipient: 'creator', bps: 10_000 }]))).toBe(0);
  });
});

describe('checkStartPrice and freeSecondsAtStart', () => {
  const title = validateTitle(base, rules);
  it('an unknown title, another rate (with the current price), the catalog rate', () => {
    expect(checkStartPrice(undefined, 'x', 1)).toMatchObject({ ok: false, code: 'UNKNOWN_CONTENT' });
    expect(checkStartPrice(title, 'demo-paid', 0)).toMatchObject({ ok: false, code: 'PRICE_MISMATCH', price: publicPrice(title) });
    expect(checkStartPrice(title, 'demo-paid', 1_000)).toEqual({ ok: true, title });
  });

  it('the preview minus Σ min(billed, free) of the earlier sessions, never below zero', () => {
    expect(freeSecondsAtStart(10, [])).toBe(10);
    expect(freeSecondsAtStart(10, [{ freeSeconds: 10, billedSeconds: 4 }])).toBe(6);
    expect(freeSecondsAtStart(10, [{ freeSeconds: 10, billedSeconds: 4 }, { freeSeconds: 6, billedSeconds: 100 }])).toBe(0);
    fc.assert(
      fc.property(fc.nat(100), fc.array(fc.record({ freeSeconds: fc.nat(100), billedSeconds: fc.nat(200) })), (preview, earlier) => {
        const f = freeSecondsAtStart(preview, earlier);
        expect(f).toBeGreaterThanOrEqual(0);
        expect(f).toBeLessThanOrEqual(preview);
        // Sessions that each used all they were given can never leave more than preview − Σ given.
        const given = earlier.reduce((a, s) => a + Math.min(s.freeSeconds, s.billedSeconds), 0);
        expect(f).toBe(Math.max(0, preview - given));
      }),
    );
  });
});
