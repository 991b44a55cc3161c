// Money as the player writes it: three decimals at least, the exact microAlgo, a fiat hint; and when a
// balance counts as low.
import { describe, it, expect } from 'vitest';
import { formatAmount, formatFiat } from '../../src/ui/amounts.js';
import { lowBalance } from '../../src/ui/topup-notice.js';
import { parseFiat, parseTopupUrl } from '../../src/config/player-config.js';

describe('amounts', () => {
  it('ALGO with at least three decimals and never rounded', () => {
    expect([0, 1000, 10_000, 1_500_000, 1_234_567, 1].map((m) => formatAmount(m, 'en'))).toEqual(
      ['0.000 ALGO', '0.001 ALGO', '0.010 ALGO', '1.500 ALGO', '1.234567 ALGO', '0.000001 ALGO']);
    expect(formatAmount(1_500_000, 'fr')).toBe('1,500 ALGO');
  });

  it('a fiat hint, only when the page gives one', () => {
    expect(formatFiat(1_000_000, null, 'en')).toBe('');
    expect(formatFiat(5_000_000, { currency: 'USD', perAlgo: 0.2 }, 'en')).toBe('≈ $1.00');
    expect(formatFiat(1000, { currency: 'EUR', perAlgo: 0.2 }, 'en')).toBe('≈ €0.0002');
  });

  it('a balance is low below the preview\'s worth, ten seconds at least', () => {
    expect(lowBalance(undefined, 1000, 30)).toBe(false);
    expect(lowBalance(29_999, 1000, 30)).toBe(true);
    expect(lowBalance(30_000, 1000, 30)).toBe(false);
    expect(lowBalance(9_999, 1000, 0)).toBe(true);
    expect(lowBalance(0, 0, 30)).toBe(false);
  });

  it('parses topup-url and fiat, refusing them with their own codes', () => {
    expect(parseTopupUrl('/top-up', 'https://platform.example')).toBe('https://platform.example/top-up');
    expect(() => parseTopupUrl('javascript:alert(1)', 'https://platform.example')).toThrow(/topup-url/);
    expect(parseFiat('usd 0.18')).toEqual({ currency: 'USD', perAlgo: 0.18 });
    expect(() => parseFiat('0.18 USD')).toThrow(/fiat/);
  });
});
