import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  REVOKE_DOMAIN_SEPARATOR,
  START_DOMAIN_SEPARATOR,
  TICK_DOMAIN_SEPARATOR,
  WHOAMI_DOMAIN_SEPARATOR,
  apiIdentity,
  canonicalTickJson,
  domainSeparator,
  revokeSigningBytes,
  startSigningBytes,
  tickSigningBytes,
  validateTick,
  whoamiSigningBytes,
  type Tick,
} from '../../../src/payments/tick.js';

const tick: Tick = { sessionId: 'abc_DEF-123', seq: 7, seconds: 42, microAlgos: 4200, mediaTime: 41_950, clientTime: 1_700_000_000_123 };
const dec = new TextDecoder();

describe('tickSigningBytes', () => {
  it('is the length-prefixed domain separator followed by the canonical JSON (golden vector)', () => {
    const bytes = tickSigningBytes(tick);
    expect(Array.from(TICK_DOMAIN_SEPARATOR.slice(0, 1))).toEqual([0x15]);
    expect(dec.decode(bytes)).toBe(
      '\x15sippar-player/tick/v1{"v":1,"sessionId":"abc_DEF-123","seq":7,"seconds":42,"microAlgos":4200,"mediaTime":41950,"clientTime":1700000000123,"final":false}',
    );
  });

  it('separates each message kind, and none starts like an IC request (\\x0Aic-request) or delegation (\\x1Aic-request-auth-delegation)', () => {
    const seps = [TICK_DOMAIN_SEPARATOR, WHOAMI_DOMAIN_SEPARATOR, START_DOMAIN_SEPARATOR, REVOKE_DOMAIN_SEPARATOR].map((s) => dec.decode(s));
    expect(seps).toEqual(['\x15sippar-player/tick/v1', '\x17sippar-player/whoami/v1', '\x16sippar-player/start/v3', '\x17sippar-player/revoke/v1']);
    expect(dec.decode(domainSeparator('start', 3))).toBe(seps[2]);
    const start = { api: 'https://pay.example', contentId: 'c', rateMicroAlgos: 1, budgetMicroAlgos: null, requestTime: 1, nonce: '00'.repeat(8) };
    for (const b of [tickSigningBytes(tick), whoamiSigningBytes({ requestTime: 1 }), startSigningBytes(start), revokeSigningBytes({ api: start.api, requestTime: 1, nonce: start.nonce })]) {
      expect(b[0]).not.toBe(0x0a);
      expect(b[0]).not.toBe(0x1a);
    }
  });

  it('ignores key order and unknown fields of the input; final:true is part of the bytes', () => {
    const shuffled = { clientTime: tick.clientTime, extra: 'x', mediaTime: tick.mediaTime, microAlgos: 4200, seconds: 42, seq: 7, sessionId: tick.sessionId };
    expect(canonicalTickJson(shuffled as Tick)).toBe(canonicalTickJson(tick));
    expect(canonicalTickJson({ ...tick, final: true })).not.toBe(canonicalTickJson(tick));
  });

  it('refuses non-integers, negatives, unsafe integers and escapable session ids', () => {
    for (const bad of [
      { ...tick, seconds: 1.5 },
      { ...tick, microAlgos: -1 },
      { ...tick, clientTime: 2 ** 53 },
      { ...tick, seq: 0 },
      { ...tick, sessionId: 'a"b' },
      { ...tick, sessionId: '' },
      { ...tick, final: 'yes' },
      { ...tick, mediaTime: '1' },
    ]) {
      expect(() => tickSigningBytes(bad as Tick)).toThrow(TypeError);
    }
  });

  it('property: canonical JSON parses back to the tick, and distinct ticks never share bytes', () => {
    const arbTick = fc.record({
      sessionId: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
      seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      seconds: fc.nat(),
      microAlgos: fc.maxSafeNat(),
      mediaTime: fc.nat(),
      clientTime: fc.maxSafeNat(),
      final: fc.boolean(),
    });
    fc.assert(
      fc.property(arbTick, arbTick, (a, b) => {
        const ja = canonicalTickJson(a);
        const parsed = JSON.parse(ja);
        expect(validateTick(parsed)).toEqual(validateTick(a));
        const same = JSON.stringify(validateTick(a)) === JSON.stringify(validateTick(b));
        expect(Buffer.compare(Buffer.from(tickSigningBytes(a)), Buffer.from(tickSigningBytes(b))) === 0).toBe(same);
      }),
      { numRuns: 500 },
    );
  });
});

describe('startSigningBytes (v3: names the API, carries the budget)', () => {
  it('golden vector: the API identity is signed first, after the version; the budget after the rate', () => {
    const m = { api: 'https://pay.example.com/api', contentId: 'film-1', rateMicroAlgos: 100, budgetMicroAlgos: 250_000, requestTime: 1_700_000_000_000, nonce: '0123456789abcdef' };
    expect(dec.decode(startSigningBytes(m))).toBe(
      '\x16sippar-player/start/v3{"v":3,"api":"https://pay.example.com/api","contentId":"film-1","rateMicroAlgos":100,"budgetMicroAlgos":250000,"requestTime":1700000000000,"nonce":"0123456789abcdef"}',
    );
    expect(dec.decode(startSigningBytes({ ...m, api: 'https://pay.example.org/api' }))).not.toBe(dec.decode(startSigningBytes(m)));
  });

  it('no budget is signed as null, distinct from a budget of 0; anything else is refused', () => {
    const m = { api: 'https://pay.example.com/api', contentId: 'film-1', rateMicroAlgos: 100, budgetMicroAlgos: null, requestTime: 1, nonce: '0123456789abcdef' };
    expect(dec.decode(startSigningBytes(m))).toContain('"rateMicroAlgos":100,"budgetMicroAlgos":null,"requestTime":1');
    expect(dec.decode(startSigningBytes({ ...m, budgetMicroAlgos: 0 }))).toContain('"budgetMicroAlgos":0,');
    for (const bad of [-1, 1.5, 2 ** 53, '5', undefined]) expect(() => startSigningBytes({ ...m, budgetMicroAlgos: bad as never })).toThrow(TypeError);
  });

  it('revoke golden vector: names the API, with requestTime and nonce', () => {
    expect(dec.decode(revokeSigningBytes({ api: 'https://pay.example.com/api', requestTime: 1_700_000_000_000, nonce: '0123456789abcdef' }))).toBe(
      '\x17sippar-player/revoke/v1{"v":1,"api":"https://pay.example.com/api","requestTime":1700000000000,"nonce":"0123456789abcdef"}',
    );
  });

  it('apiIdentity: one spelling per API (case of scheme and host, trailing slashes, default port); refuses what is not http(s)', () => {
    expect(apiIdentity('HTTPS://Pay.Example.com:443/api/')).toBe('https://pay.example.com/api');
    expect(apiIdentity('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787');
    expect(apiIdentity('http://127.0.0.1:8787/')).toBe('http://127.0.0.1:8787');
    expect(apiIdentity('https://pay.example/a"b')).toBe('https://pay.example/a%22b');
    for (const bad of ['/api', 'ftp://pay.example', 'javascript:alert(1)', '', 'https://' + 'a'.repeat(300) + '.example']) expect(() => apiIdentity(bad)).toThrow(TypeError);
    expect(() => startSigningBytes({ api: 'https://a/"', contentId: 'c', rateMicroAlgos: 1, budgetMicroAlgos: null, requestTime: 1, nonce: '00'.repeat(8) })).toThrow(TypeError);
  });
});
