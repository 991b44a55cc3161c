// Money as people read it, in the page's locale: ALGO always with at least three decimals (0.001, 0.010,
// 1.250) so amounts side by side line up and never change width by a digit; never rounded, down to the
// microAlgo. A fiat hint the page gives is shown as "≈", for orientation only.
import type { FiatHint } from '../config/player-config.js';

const cache = new Map<string, Intl.NumberFormat>();
const formatter = (key: string, make: () => Intl.NumberFormat) => {
  let f = cache.get(key);
  if (!f) cache.set(key, (f = make()));
  return f;
};

/** 1000 µALGO → "0.001 ALGO"; 10_000 → "0.010 ALGO"; 1_500_000 → "1.500 ALGO" (in the locale's digits). */
export function formatAmount(micro: number, locale: string): string {
  const f = formatter(`algo|${locale}`, () => new Intl.NumberFormat(locale, { minimumFractionDigits: 3, maximumFractionDigits: 6 }));
  return `${f.format(micro / 1e6)} ALGO`;
}

/** "≈ $0.18" for an amount in µALGO, or '' without a hint. */
export function formatFiat(micro: number, fiat: FiatHint | null, locale: string): string {
  if (!fiat) return '';
  const value = (micro / 1e6) * fiat.perAlgo;
  const f = formatter(`fiat|${locale}|${fiat.currency}|${value < 0.01 && value > 0 ? 'small' : 'cents'}`, () =>
    new Intl.NumberFormat(locale, { style: 'currency', currency: fiat.currency, ...(value < 0.01 && value > 0 ? { maximumSignificantDigits: 2 } : {}) }));
  return `≈ ${f.format(value)}`;
}
