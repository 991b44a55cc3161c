import { describe, expect, it } from 'vitest';
import { DEFAULT_IDENTITY_PROVIDER, chainExpiryMs, loginConfig, ttlNanoseconds } from '../../../src/identity/options.js';
import { shortPrincipal } from '../../../src/ui/login-overlay.js';

describe('loginConfig', () => {
  it('defaults to II', () => {
    expect(loginConfig({}).identityProvider).toBe(new URL(DEFAULT_IDENTITY_PROVIDER).href);
  });
  it('accepts https and loopback http', () => {
    expect(loginConfig({ identityProvider: 'https://id.example/' }).identityProvider).toBe('https://id.example/');
    expect(loginConfig({ identityProvider: 'http://127.0.0.1:4943/idp/' }).identityProvider).toBe('http://127.0.0.1:4943/idp/');
    expect(loginConfig({ identityProvider: 'http://localhost:8000' }).identityProvider).toBe('http://localhost:8000/');
  });
  it.each(['not a url', 'javascript:alert(1)', 'http://evil.example/', 'ftp://x/'])('refuses %s with IDP_URL_INVALID', (raw) => {
    expect(() => loginConfig({ identityProvider: raw })).toThrow(expect.objectContaining({ code: 'IDP_URL_INVALID' }));
  });
  it('keeps the derivation origin as an origin and converts the TTL', () => {
    const c = loginConfig({ derivationOrigin: 'https://platform.example/path', maxTimeToLive: '60' });
    expect(c.derivationOrigin).toBe('https://platform.example');
    expect(c.maxTimeToLive).toBe(60_000_000_000n);
  });
});

describe('ttlNanoseconds', () => {
  it('converts seconds to ns and ignores nonsense', () => {
    expect(ttlNanoseconds('3600')).toBe(3_600_000_000_000n);
    expect(ttlNanoseconds(1.5)).toBe(1_500_000_000n);
    for (const bad of [null, undefined, '', 'abc', '-1', 0]) expect(ttlNanoseconds(bad)).toBeUndefined();
  });
});

describe('shortPrincipal', () => {
  it('keeps the first and last group', () => {
    expect(shortPrincipal('abcde-fghij-klmno-pqrst-uvwxy-zabcd-efghi-jklmn-opqrs-tuvwx-yae')).toBe('abcde-…-yae');
    expect(shortPrincipal('2vxsx-fae')).toBe('2vxsx-fae');
  });
});

describe('chainExpiryMs', () => {
  it('takes the earliest expiration', () => {
    expect(chainExpiryMs([5_000_000n, 2_000_000n])).toBe(2);
    expect(chainExpiryMs([])).toBeUndefined();
  });
});
