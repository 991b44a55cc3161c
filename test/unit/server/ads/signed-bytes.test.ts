// The bytes the two new signers sign: the viewer's ad tick (src/payments/ad-tick.ts) and an agent's HTTP
// request (server/ads/agent-signature.ts), with the golden vectors docs/ADS.md quotes.
import { describe, expect, it } from 'vitest';
import { AD_TICK_DOMAIN_SEPARATOR, adTickSigningBytes, validateAdTick } from '../../../../src/payments/ad-tick.js';
import { TICK_DOMAIN_SEPARATOR } from '../../../../src/payments/tick.js';
import { contentDigest, parseSignatureHeaders, signatureBase } from '../../../../server/ads/agent-signature.js';

const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

describe('ad tick signing bytes', () => {
  it('matches the golden vector', () => {
    const bytes = adTickSigningBytes({ sessionId: 'abc_DEF-123', auctionId: 'auc_0123456789abcdefABCD', seq: 3, adSeconds: 12, clientTime: 1700000000123, final: true });
    expect(latin1(bytes)).toBe(
      '\x18sippar-player/ad-tick/v1{"v":1,"sessionId":"abc_DEF-123","auctionId":"auc_0123456789abcdefABCD","seq":3,"adSeconds":12,"clientTime":1700000000123,"final":true}',
    );
  });

  it('cannot be taken for a billing tick: another separator, another first byte', () => {
    expect(AD_TICK_DOMAIN_SEPARATOR[0]).toBe(0x18);
    expect(AD_TICK_DOMAIN_SEPARATOR[0]).not.toBe(TICK_DOMAIN_SEPARATOR[0]);
  });

  it('refuses malformed ticks field by field and drops unknown fields', () => {
    const ok = { sessionId: 's1', auctionId: 'a1', seq: 1, adSeconds: 0, clientTime: 0 };
    expect(validateAdTick({ ...ok, extra: 1 })).toEqual(ok);
    for (const [k, bad] of [['sessionId', 'a b'], ['auctionId', ''], ['seq', 0], ['adSeconds', -1], ['adSeconds', 1.5], ['clientTime', '1'], ['final', 'yes']] as const) {
      expect(() => validateAdTick({ ...ok, [k]: bad }), k).toThrow(TypeError);
    }
  });
});

describe('agent request signatures', () => {
  const params = '("@method" "@path" "content-digest" "idempotency-key");created=1700000000;keyid="2qCR8a0K1f4nA7tWq3dX0sM6yVvJ9bLhPzEoUcNiRkG";nonce="6f1c0a3e9b7d4c2a8e5f1b3d7a9c0e2f";tag="sippar-ads/v1"';
  const body = '{"creativeId":"crt_x","microAlgosPerSecond":500,"maxSecondsPerBreak":30,"dailyBudgetMicroAlgos":1000000}';

  it('builds the RFC 9421 signature base of the golden vector', () => {
    expect(contentDigest(body)).toBe('sha-256=:WKi3GHrSPVN+K7xr2EaTfMlJELu88jqcDsNLw44Am3M=:');
    expect(signatureBase('POST', '/streaming/ads/bids', contentDigest(body), 'bid-2026-11-29-0001', params)).toBe(
      [
        '"@method": POST',
        '"@path": /streaming/ads/bids',
        '"content-digest": sha-256=:WKi3GHrSPVN+K7xr2EaTfMlJELu88jqcDsNLw44Am3M=:',
        '"idempotency-key": bid-2026-11-29-0001',
        `"@signature-params": ${params}`,
      ].join('\n'),
    );
  });

  it('accepts only the fixed profile of Signature-Input', () => {
    const headers = (input: string) => ({ 'signature-input': input, signature: 'sig1=:AAAA:', 'content-digest': contentDigest(''), 'idempotency-key': 'key-00000001' });
    expect(parseSignatureHeaders(headers(`sig1=${params}`))).toMatchObject({ created: 1700000000, nonce: '6f1c0a3e9b7d4c2a8e5f1b3d7a9c0e2f' });
    for (const bad of [
      `sig2=${params}`,
      `sig1=${params.replace('"@method" "@path"', '"@path" "@method"')}`,
      `sig1=${params.replace(' "idempotency-key"', '')}`,
      `sig1=${params.replace(';tag="sippar-ads/v1"', '')}`,
      `sig1=${params.replace('6f1c', '6F1C')}`,
      `sig1=${params}, sig2=${params}`,
    ]) {
      expect(parseSignatureHeaders(headers(bad)), bad).toBeUndefined();
    }
    expect(parseSignatureHeaders({ ...headers(`sig1=${params}`), 'idempotency-key': 'short' })).toBeUndefined();
  });
});
