/**
 * Prices and budgets are ALGO decimal strings parsed exactly into integer microAlgos (1 ALGO = 10^6).
 *
 * Numbers, not bigint: every amount here is an integer below MAX_BUDGET_MICRO (10^12), and a session
 * would need 9 × 10^9 billed seconds at the maximum rate to pass 2^53, so Number is exact; it also
 * keeps JSON, the tick format (src/payments/tick.ts) and Intl formatting free of bigint conversions.
 */

import { SipparError, type SipparErrorCode } from '../errors.js';

export const MICRO_PER_ALGO = 1_000_000;
/** 1 ALGO/s = 3,600 ALGO an hour: far above any plausible price, so a larger value is a typo (e.g. "1000" meant "0.001"). */
export const MAX_RATE_MICRO = 1_000_000;
/** 1,000,000 ALGO per session. */
export const MAX_BUDGET_MICRO = 1_000_000_000_000;
/** One day of free preview. */
export const MAX_PREVIEW_SECONDS = 86_400;

export type MeterErrorCode = Extract<SipparErrorCode, 'RATE_INVALID' | 'BUDGET_INVALID' | 'PREVIEW_INVALID'>;

/** The project's SipparError (fatal), under the name the meter's callers catch. */
export const MeterConfigError = SipparError;
export type MeterConfigError = SipparError;

/**
 * "0.001" → 1000. Digits, an optional point and fraction; no sign, exponent, hex, or spaces inside
 * (surrounding spaces of an attribute are forgiven). Fraction digits past the sixth must be zeros:
 * "0.0010000" is exact, "0.0000001" is finer than a microAlgo and refused rather than rounded.
 */
export function parseAlgo(text: string, max: number, code: MeterErrorCode, what = 'amount'): number {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  const fail = (why: string) => new MeterConfigError(code, `${what} "${text}": ${why}`);
  if (!m) throw fail('not an ALGO decimal like "0.001"');
  const frac = (m[2] ?? '').padEnd(6, '0');
  if (/[^0]/.test(frac.slice(6))) throw fail('finer than 1 microAlgo');
  const whole = m[1]!.replace(/^0+(?=\d)/, '');
  // Compare as text first, so a 40-digit string is refused before it ever becomes an inexact Number.
  if (whole.length > 16 || Number(whole) * MICRO_PER_ALGO + Number(frac.slice(0, 6)) > max) {
    throw fail(`above the ceiling, ${max / MICRO_PER_ALGO} ALGO`);
  }
  return Number(whole) * MICRO_PER_ALGO + Number(frac.slice(0, 6));
}

/** `rate` attribute: absent or "0" means free. */
export const parseRate = (text: string | null | undefined): number =>
  text == null || text === '' ? 0 : parseAlgo(text, MAX_RATE_MICRO, 'RATE_INVALID', 'rate');

/** `budget` attribute: absent means no cap; a cap of zero would stop playback at once, so it is refused. */
export function parseBudget(text: string | null | undefined): number | null {
  if (text == null || text === '') return null;
  const micro = parseAlgo(text, MAX_BUDGET_MICRO, 'BUDGET_INVALID', 'budget');
  if (micro === 0) throw new MeterConfigError('BUDGET_INVALID', 'budget "0": must be above 0');
  return micro;
}

/** `preview-seconds` attribute: a non-negative whole number of seconds. */
export function parsePreviewSeconds(text: string | null | undefined): number {
  if (text == null || text === '') return 0;
  const t = text.trim();
  if (!/^\d{1,6}$/.test(t) || Number(t) > MAX_PREVIEW_SECONDS) {
    throw new MeterConfigError('PREVIEW_INVALID', `preview-seconds "${text}": not a whole number 0–${MAX_PREVIEW_SECONDS}`);
  }
  return Number(t);
}

/** Exact decimal text of an amount: 1000 → "0.001", 2_500_000 → "2.5". */
export function formatAlgo(micro: number): string {
  const frac = String(micro % MICRO_PER_ALGO).padStart(6, '0').replace(/0+$/, '');
  return `${Math.floor(micro / MICRO_PER_ALGO)}${frac ? '.' + frac : ''}`;
}
