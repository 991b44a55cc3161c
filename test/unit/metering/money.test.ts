import { describe, it, expect } from 'vitest';
import {
  parseAlgo, parseRate, parseBudget, parsePreviewSeconds, formatAlgo, MeterConfigError,
  MAX_RATE_MICRO, MAX_BUDGET_MICRO,
} from '../../../src/metering/money.js';

const code = (f: () => unknown) => {
  try { f(); } catch (e) { return e instanceof MeterConfigError ? e.code : `other:${String(e)}`; }
  return 'no error';
};

describe('parseRate', () => {
  it.each([
    ['0.001', 1000], ['0.000001', 1], ['1', 1_000_000], ['1.0', 1_000_000], ['1.000000', 1_000_000],
    ['0.0010000', 1000], ['0', 0], ['0.0', 0], ['000.5', 500_000], ['0.123456', 123_456], [' 0.002 ', 2000],
    ['0.1', 100_000], ['0.3', 300_000], ['0.000010', 10],
  ])('"%s" → %i µALGO/s', (text, micro) => { expect(parseRate(text)).toBe(micro); });

  it('absent means free', () => {
    expect(parseRate(null)).toBe(0);
    expect(parseRate(undefined)).toBe(0);
    expect(parseRate('')).toBe(0);
  });

  it.each([
    '-0.001', '-0', '+0.001', 'NaN', 'Infinity', '-Infinity', '1e-3', '1E3', '0x10', '.5', '1.', '1..0', '0,001',
    '1 000', 'abc', '0.001ALGO', ' ', '0.0000001', '0.0000015', '0.1234567', '1.000001', '2', '1000',
    '99999999999999999999999', '\u0661', '١', '0.001\n1', 'null',
  ])('refuses "%s" with RATE_INVALID', (text) => { expect(code(() => parseRate(text))).toBe('RATE_INVALID'); });

  it('accepts exactly the ceiling and refuses one microAlgo above it', () => {
    expect(parseRate('1')).toBe(MAX_RATE_MICRO);
    expect(code(() => parseRate('1.000001'))).toBe('RATE_INVALID');
  });

  it('says why', () => {
    expect(() => parseRate('0.0000001')).toThrow(/finer than 1 microAlgo/);
    expect(() => parseRate('5')).toThrow(/ceiling/);
    expect(() => parseRate('-1')).toThrow(/not an ALGO decimal/);
  });

  it('round-trips every microAlgo amount through formatAlgo (sampled)', () => {
    for (let micro = 0; micro <= MAX_RATE_MICRO; micro += 997) expect(parseRate(formatAlgo(micro))).toBe(micro);
  });
});

describe('parseBudget', () => {
  it('parses ALGO into microAlgos, absent = no cap', () => {
    expect(parseBudget('0.05')).toBe(50_000);
    expect(parseBudget('1000000')).toBe(MAX_BUDGET_MICRO);
    expect(parseBudget(null)).toBeNull();
    expect(parseBudget('')).toBeNull();
  });
  it.each(['0', '0.000000', '-1', '1000000.000001', '1e6', 'x', '0.0000001', '9007199254740993'])(
    'refuses "%s" with BUDGET_INVALID', (text) => { expect(code(() => parseBudget(text))).toBe('BUDGET_INVALID'); },
  );
});

describe('parsePreviewSeconds', () => {
  it.each([['0', 0], ['10', 10], ['86400', 86_400], [' 5 ', 5], ['007', 7]])('"%s" → %i', (t, n) => {
    expect(parsePreviewSeconds(t)).toBe(n);
  });
  it('absent means none', () => { expect(parsePreviewSeconds(null)).toBe(0); });
  it.each(['-1', '1.5', '1e3', '86401', 'ten', '0x10', '1000000'])('refuses "%s" with PREVIEW_INVALID', (t) => {
    expect(code(() => parsePreviewSeconds(t))).toBe('PREVIEW_INVALID');
  });
});

describe('parseAlgo', () => {
  it('checks the ceiling without going through an inexact Number', () => {
    expect(code(() => parseAlgo('9007199254.740993', MAX_BUDGET_MICRO, 'BUDGET_INVALID'))).toBe('BUDGET_INVALID');
    expect(code(() => parseAlgo('1'.repeat(40), MAX_BUDGET_MICRO, 'BUDGET_INVALID'))).toBe('BUDGET_INVALID');
  });
});

describe('formatAlgo', () => {
  it.each([[0, '0'], [1, '0.000001'], [1000, '0.001'], [1_000_000, '1'], [2_500_000, '2.5'], [123_456_789, '123.456789']])(
    '%i → "%s"', (micro, text) => { expect(formatAlgo(micro)).toBe(text); },
  );
});
