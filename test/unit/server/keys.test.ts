import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { p1363ToDer, parseSigningKey, verifySignature } from '../../../server/verify/keys.js';

const kp = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const key = parseSigningKey(new Uint8Array(kp.publicKey.export({ format: 'der', type: 'spki' })));

describe('P-256 signatures (WebCrypto r‖s)', () => {
  it('property: r‖s converted to DER is what OpenSSL itself encodes, and verifies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (msg) => {
        const p1363 = new Uint8Array(sign('sha256', msg, { key: kp.privateKey, dsaEncoding: 'ieee-p1363' }));
        expect(await verifySignature(key, msg, p1363)).toBe(true);
        const flipped = new Uint8Array(p1363);
        flipped[5] ^= 1;
        expect(await verifySignature(key, msg, flipped)).toBe(false);
        // OpenSSL's own DER signature, taken apart into r‖s and put back: byte-identical.
        const der = new Uint8Array(sign('sha256', msg, kp.privateKey));
        const rLen = der[3];
        const r = der.subarray(4, 4 + rLen);
        const s = der.subarray(6 + rLen, 6 + rLen + der[5 + rLen]);
        const rs = new Uint8Array(64);
        rs.set(r.subarray(Math.max(0, r.length - 32)), 32 - Math.min(32, r.length));
        rs.set(s.subarray(Math.max(0, s.length - 32)), 64 - Math.min(32, s.length));
        expect(Buffer.from(p1363ToDer(rs)).equals(Buffer.from(der))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('encodes leading zeros and high bits minimally', () => {
    const sig = new Uint8Array(64);
    sig[31] = 1; // r = 1
    sig[32] = 0x80; // s has its high bit set → 0x00 pad
    expect(Buffer.from(p1363ToDer(sig)).toString('hex')).toBe('3026020101022100' + '80' + '00'.repeat(31));
  });

  it('refuses signatures of the wrong length', async () => {
    expect(await verifySignature(key, new Uint8Array(1), new Uint8Array(63))).toBe(false);
  });
});
