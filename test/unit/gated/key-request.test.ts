import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalKeyRequestJson, keyRequestSigningBytes, parseKeyPath } from '../../../src/payments/key-request.js';
import { createKeyAuthoriser, signKeyUrl } from '../../../src/payments/key-authoriser.js';
import { atom } from 'nanostores';
import type { PaymentState } from '../../../src/payments/payments-store.js';
import { NonceWindow } from '../../../server/nonce-window.js';
import { parseSigningKey, verifySignature } from '../../../server/verify/keys.js';

const kp = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const identity = { sign: async (b: Uint8Array) => new Uint8Array(sign('sha256', b, { key: kp.privateKey, dsaEncoding: 'ieee-p1363' })) };
const verifier = parseSigningKey(new Uint8Array(kp.publicKey.export({ format: 'der', type: 'spki' })));
const M = { api: 'https://pay.example', sessionId: 'sess_1', contentId: 'film/1', index: 3, requestTime: 1_700_000_000_000, nonce: 'ab'.repeat(16) };

describe('key request message', () => {
  it('has one canonical text and its own domain separator', () => {
    expect(canonicalKeyRequestJson(M)).toBe(
      '{"v":1,"api":"https://pay.example","sessionId":"sess_1","contentId":"film/1","index":3,"requestTime":1700000000000,"nonce":"' + 'ab'.repeat(16) + '"}',
    );
    expect(new TextDecoder().decode(keyRequestSigningBytes(M).subarray(0, 21))).toBe('\x14sippar-player/key/v1');
    for (const bad of [{ index: -1 }, { index: 1.5 }, { nonce: 'XYZ' }, { api: 'ftp://x' }, { contentId: 'a b' }, { sessionId: '' }]) {
      expect(() => canonicalKeyRequestJson({ ...M, ...bad })).toThrow(TypeError);
    }
  });

  it('parses key paths exactly as sent', () => {
    expect(parseKeyPath('/streaming/keys/film/1/3')).toEqual({ contentId: 'film/1', index: 3 });
    for (const p of ['/streaming/keys/film/03', '/streaming/keys/film/', '/streaming/keys/3', '/streaming/keys//3', '/streaming/keys/fi%20lm/3', '/streaming/key/film/3', '/streaming/keys/film/1234567']) {
      expect(parseKeyPath(p), p).toBeUndefined();
    }
  });
});

describe('signKeyUrl', () => {
  it('signs keys of its own API only, with a signature the server verifies', async () => {
    const url = await signKeyUrl('https://PAY.example/streaming/keys/film/1/3', 'https://pay.example/', 'sess_1', identity, M.requestTime, M.nonce);
    const u = new URL(url!);
    expect(u.origin + u.pathname).toBe('https://pay.example/streaming/keys/film/1/3');
    expect(Object.fromEntries(u.searchParams)).toMatchObject({ api: 'https://pay.example', session: 'sess_1', t: String(M.requestTime), n: M.nonce });
    const sig = Uint8Array.from(Buffer.from(u.searchParams.get('sig')!, 'hex'));
    expect(await verifySignature(verifier, keyRequestSigningBytes(M), sig)).toBe(true);
    // Another host, another path, a query already there: not signed.
    for (const other of ['https://evil.example/streaming/keys/film/1/3', 'https://pay.example/streaming/other/film/3', 'https://pay.example/streaming/keys/film/3?x=1', 'https://pay.example.evil.example/streaming/keys/film/3']) {
      expect(await signKeyUrl(other, 'https://pay.example', 'sess_1', identity), other).toBeUndefined();
    }
    // An API under a path signs below that path only.
    expect(await signKeyUrl('https://pay.example/api/streaming/keys/film/3', 'https://pay.example/api', 's', identity)).toMatch(/^https:\/\/pay\.example\/api\/streaming\/keys\/film\/3\?/);
    expect(await signKeyUrl('https://pay.example/streaming/keys/film/3', 'https://pay.example/api', 's', identity)).toBeUndefined();
  });
});

describe('createKeyAuthoriser', () => {
  it('waits for a session (asking payments to open one), signs then; an abort ends the wait', async () => {
    const store = atom<PaymentState>({ status: 'idle', acknowledged: { seq: 0, seconds: 0, microAlgos: 0 } });
    let wanted = 0;
    let signer: { api: string; identity: typeof identity } | undefined;
    const auth = createKeyAuthoriser({ store, signer: () => signer as never, wantSession: () => void wanted++ });
    const pending = auth.authorise('https://pay.example/streaming/keys/film/0', new AbortController().signal);
    await Promise.resolve();
    expect(wanted).toBe(1);
    signer = { api: 'https://pay.example', identity };
    store.set({ ...store.get(), status: 'active', sessionId: 'sess_9' });
    expect(await pending).toMatch(/^https:\/\/pay\.example\/streaming\/keys\/film\/0\?api=.*&session=sess_9&/);

    store.set({ status: 'idle', acknowledged: { seq: 0, seconds: 0, microAlgos: 0 } });
    const stop = new AbortController();
    const waiting = auth.authorise('https://pay.example/streaming/keys/film/0', stop.signal);
    stop.abort();
    await expect(waiting).rejects.toThrow(/aborted/);
  });

  it('retries refusals (401/402/403) with a growing wait up to 5 s; anything else goes to hls.js', () => {
    const auth = createKeyAuthoriser({ store: atom<PaymentState>({ status: 'idle', acknowledged: { seq: 0, seconds: 0, microAlgos: 0 } }), signer: () => undefined, wantSession: () => undefined });
    expect([1, 2, 3, 4, 9].map((n) => auth.retryAfter(402, n))).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(auth.retryAfter(403, 1)).toBe(1000);
    for (const status of [0, 404, 500, 503]) expect(auth.retryAfter(status, 1)).toBeUndefined();
  });
});

describe('NonceWindow', () => {
  it('holds a nonce until its time, then forgets it; full means refuse, not forget', () => {
    const w = new NonceWindow(2);
    expect(w.add('a', 1_000, 0)).toBe(true);
    expect(w.add('a', 1_000, 10)).toBe(false);
    expect(w.has('a', 1_000)).toBe(true);
    expect(w.has('a', 1_001)).toBe(false);
    expect(w.add('b', 2_000, 20)).toBe(true);
    expect(() => w.add('c', 2_000, 30)).toThrow(RangeError);
    expect(w.add('c', 3_000, 1_500)).toBe(true); // 'a' expired and pruned
    expect(w.size).toBe(2);
  });
});
