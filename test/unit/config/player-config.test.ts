// The paid player's attributes, parsed once: one parser per attribute, shared with the server where the
// server checks the same thing.
import { describe, it, expect } from 'vitest';
import { BLOCKING_CONFIG_CODES, parseApiUrl, parseContentId, parseGraceSeconds, parsePlayerConfig, type PlayerAttributes } from '../../../src/config/player-config.js';
import { MAX_RATE_MICRO } from '../../../src/metering/money.js';
import { resolveOptions } from '../../../server/config.js';
import { CONTENT_ID_PATTERN } from '../../../src/payments/tick.js';

const attrs = (a: Partial<PlayerAttributes> = {}): PlayerAttributes => ({
  src: '/films/intro/index.m3u8', rate: '0.001', budget: null, previewSeconds: null, contentId: 'film-1', api: null, graceSeconds: null,
  identityProvider: null, derivationOrigin: null, maxTimeToLive: null, pauseWhenHidden: false, ...a,
});

describe('player configuration', () => {
  it('parses a valid paid player into integers and URLs', () => {
    const c = parsePlayerConfig(attrs({ budget: '0.05', previewSeconds: '10', api: 'https://pay.example.com/', graceSeconds: '12', identityProvider: 'https://id.example/' }), 'https://page.example');
    expect(c).toMatchObject({ rateMicroAlgos: 1000, budgetMicroAlgos: 50_000, previewSeconds: 10, contentId: 'film-1', api: 'https://pay.example.com', graceSeconds: 12, errors: [] });
    expect(c.login?.identityProvider).toBe('https://id.example/');
  });

  it.each([
    [{ rate: '-1' }, 'RATE_INVALID'],
    [{ rate: '1000' }, 'RATE_INVALID'],
    [{ budget: '0' }, 'BUDGET_INVALID'],
    [{ previewSeconds: '1.5' }, 'PREVIEW_INVALID'],
    [{ contentId: 'a b' }, 'CONTENT_ID_INVALID'],
    [{ api: 'ftp://x' }, 'API_URL_INVALID'],
    [{ api: 'not a url' }, 'API_URL_INVALID'],
    [{ identityProvider: 'http://not-loopback.example/' }, 'IDP_URL_INVALID'],
  ])('refuses %j with %s, each attribute on its own', (a, code) => {
    const c = parsePlayerConfig(attrs(a as Partial<PlayerAttributes>), 'https://page.example');
    expect(c.errors.map((e) => e.code)).toEqual([code]);
    expect(BLOCKING_CONFIG_CODES.has(c.errors[0]!.code)).toBe(code !== 'IDP_URL_INVALID');
  });

  it('reports every bad attribute at once, not only the first', () => {
    const c = parsePlayerConfig(attrs({ rate: 'x', budget: '-2', identityProvider: 'nope' }), 'https://page.example');
    expect(c.errors.map((e) => e.code)).toEqual(['RATE_INVALID', 'BUDGET_INVALID', 'IDP_URL_INVALID']);
    expect(c.rateMicroAlgos).toBe(0);
    expect(c.login).toBeNull();
  });

  it('defaults: the page origin as the API, the src path as the content id, 30 s of grace', () => {
    expect(parseApiUrl(null, 'https://page.example')).toBe('https://page.example');
    expect(parseContentId(null, '/films/a b/index.m3u8?token=1')).toBe('/films/a_b/index.m3u8');
    expect(parseGraceSeconds(null)).toBe(30);
    expect(parseGraceSeconds('abc')).toBe(30);
    expect(parseGraceSeconds('0')).toBe(0);
  });

  it('shares its rules with the server: the rate ceiling and the content id alphabet', () => {
    expect(resolveOptions({}).maxRateMicroAlgos).toBe(MAX_RATE_MICRO);
    const longest = 'a'.repeat(128);
    expect(parseContentId(longest, null)).toBe(longest);
    expect(CONTENT_ID_PATTERN.test(longest)).toBe(true);
    expect(() => parseContentId('a'.repeat(129), null)).toThrow(/content-id/);
  });
});
