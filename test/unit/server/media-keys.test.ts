// GET /streaming/keys/:contentId/:index on a real server (SQLite in memory; PostgreSQL in the server-postgres
// project): the release rule against billed seconds, and every refusal a JSON code that releases nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomNonce, signedRevokeRequest } from '../../../src/payments/api-client.js';
import { signKeyUrl } from '../../../src/payments/key-authoriser.js';
import type { SessionStartResponse } from '../../../src/payments/protocol.js';
import { toHex } from '../../../src/payments/tick.js';
import { loadMediaKeys } from '../../../server/media-keys.js';
import { credit, makeTick, makeViewer, signTick, startHarness, startSession, type Harness, type Viewer } from './harness.js';

const CONTENT = 'film-1';
/** 6 s clear, then 9 keys of 6 s each. */
const KEYS = Array.from({ length: 9 }, (_, i) => ({ index: i, key: new Uint8Array(16).fill(i + 1), startMs: 6_000 + 6_000 * i, endMs: 12_000 + 6_000 * i }));

let h: Harness;
let v: Viewer;
let s: SessionStartResponse;
let dir: string;
beforeEach(async () => {
  h = await startHarness();
  await h.server.ledger.putMediaKeys(CONTENT, KEYS);
  v = await makeViewer();
  await credit(h, v, 1_000_000);
  s = await startSession(h, v, 100, CONTENT);
  h.clock.now += 120_000; // wall time enough for any billing below
  dir = mkdtempSync(join(tmpdir(), 'sippar-keys-'));
});
afterEach(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

const keyUrl = (i: number, content = CONTENT, base = h.url) => `${base}/streaming/keys/${content}/${i}`;
async function signed(i: number, o: { viewer?: Viewer; session?: string; api?: string; time?: number; nonce?: string; content?: string } = {}) {
  const url = keyUrl(i, o.content, o.api);
  const signedUrl = await signKeyUrl(url, o.api ?? h.url, o.session ?? s.sessionId, o.viewer ?? v, o.time ?? h.clock.now, o.nonce ?? randomNonce());
  if (!signedUrl) throw new Error('not signed');
  return o.api ? signedUrl.replace(o.api, h.url) : signedUrl;
}
async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  const body = new Uint8Array(await res.arrayBuffer());
  const json = res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(new TextDecoder().decode(body)) : undefined;
  return { status: res.status, body, json, headers: res.headers };
}
const held = async (viewer = v) => (await h.server.ledger.keyRelease(viewer.principal, CONTENT, 0)).releases;
async function bill(seconds: number, seq = 1) {
  await h.api.extend(await signTick(v, makeTick(s, seq, seconds)));
}

describe('key release', () => {
  it('releases the lead (30 s) before any billing, then refuses 402 KEY_NOT_PAID with the numbers', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await get(await signed(i));
      expect(r.status, `key ${i}`).toBe(200);
      expect(toHex(r.body)).toBe(toHex(KEYS[i].key));
      expect(r.headers.get('content-type')).toBe('application/octet-stream');
      expect(r.headers.get('cache-control')).toBe('no-store');
    }
    const r = await get(await signed(5));
    expect(r.status).toBe(402);
    expect(r.json).toEqual({ error: { code: 'KEY_NOT_PAID', message: expect.any(String) }, key: { contentId: CONTENT, index: 5, allowanceMs: 30_000, neededMs: 36_000 } });
    expect(await held()).toBe(5);
  });

  it('billing moves the allowance: max(0, billed − clear) + lead', async () => {
    await bill(18); // 18 − 6 + 30 = 42 s: seven keys
    for (let i = 0; i < 7; i++) expect((await get(await signed(i))).status, `key ${i}`).toBe(200);
    expect((await get(await signed(7))).status).toBe(402);
  });

  it('sums the billed seconds of every session of the viewer for the title', async () => {
    await bill(12);
    const second = await startSession(h, v, 100, CONTENT);
    h.clock.now += 60_000;
    await h.api.extend(await signTick(v, makeTick(second, 1, 12))); // 24 − 6 + 30 = 48 s: eight keys
    for (let i = 0; i < 8; i++) expect((await get(await signed(i, { session: second.sessionId }))).status, `key ${i}`).toBe(200);
    expect((await get(await signed(8))).status).toBe(402);
  });

  it('spends the allowance on whichever keys are asked for (seeking), and a released key is free again', async () => {
    for (const i of [8, 7, 6, 5, 4]) expect((await get(await signed(i))).status, `key ${i}`).toBe(200);
    expect((await get(await signed(0))).status).toBe(402);
    expect((await get(await signed(8))).status).toBe(200);
    expect(await held()).toBe(5);
  });

  it('concurrent requests never release more than the allowance', async () => {
    const urls = await Promise.all(KEYS.map((k) => signed(k.index)));
    const answers = await Promise.all(urls.map((u) => get(u)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 402)).toHaveLength(4);
    expect(await held()).toBe(5);
  });

  it('an Ed25519 session key signs key requests too', async () => {
    const w = await makeViewer({ sessionKey: 'ed25519' });
    await credit(h, w, 10_000);
    const ws = await startSession(h, w, 100, CONTENT);
    expect((await get(await signed(0, { viewer: w, session: ws.sessionId }))).status).toBe(200);
  });

  it('answers a cross-origin key GET with CORS headers: a simple request, no preflight', async () => {
    await h.close();
    h = await startHarness({ origins: ['https://shop.example'] });
    await h.server.ledger.putMediaKeys(CONTENT, KEYS);
    await credit(h, v, 10_000);
    s = await startSession(h, v, 100, CONTENT);
    const r = await get(await signed(0), { origin: 'https://shop.example' });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe('https://shop.example');
  });
});

describe('key request refusals: a JSON code each, nothing released', () => {
  async function refusedWith(url: string, status: number, code: string) {
    const r = await get(url);
    expect(r.status, JSON.stringify(r.json)).toBe(status);
    expect(r.json.error.code).toBe(code);
    expect(await held()).toBe(0);
  }

  it('forged signature → 401 BAD_SIGNATURE', async () => {
    const url = await signed(0);
    const forged = url.replace(/sig=([0-9a-f])/, (_m, c: string) => `sig=${c === '0' ? '1' : '0'}`);
    await refusedWith(forged, 401, 'BAD_SIGNATURE');
    // Another viewer's session key over this session's request.
    const mallory = await makeViewer();
    await refusedWith(await signed(0, { viewer: mallory }), 401, 'BAD_SIGNATURE');
  });

  it('replayed nonce → 409 REPLAYED (the first is served, the second not)', async () => {
    const url = await signed(0);
    expect((await get(url)).status).toBe(200);
    const again = await get(url);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('REPLAYED');
  });

  it('request time out of the ±30 s window → 401 STALE_REQUEST', async () => {
    await refusedWith(await signed(0, { time: h.clock.now - 31_000 }), 401, 'STALE_REQUEST');
    await refusedWith(await signed(0, { time: h.clock.now + 31_000 }), 401, 'STALE_REQUEST');
  });

  it('signed for another API → 401 WRONG_API', async () => {
    await refusedWith(await signed(0, { api: 'https://pay.other.example' }), 401, 'WRONG_API');
  });

  it('unknown session → 404 NOT_FOUND', async () => {
    await refusedWith(await signed(0, { session: 'no-such-session' }), 404, 'NOT_FOUND');
  });

  it('a revoked session key (signed out) → 401 KEY_REVOKED, nothing released', async () => {
    await h.api.revoke(await signedRevokeRequest(v, { api: h.url, requestTime: h.clock.now, nonce: randomNonce() }));
    await refusedWith(await signed(0), 401, 'KEY_REVOKED');
    expect(await held()).toBe(0);
  });

  it('a session of another title → 403 WRONG_CONTENT', async () => {
    await h.server.ledger.putMediaKeys('film-2', KEYS);
    await refusedWith(await signed(0, { content: 'film-2' }), 403, 'WRONG_CONTENT');
  });

  it('unpaid key → 402 KEY_NOT_PAID; no such key → 404 UNKNOWN_KEY', async () => {
    const r = await get(await signed(2));
    expect(r.status).toBe(200);
    // The lead minus what is held: 30 − 6 = 24 s, four more keys; the fifth asked for is refused.
    for (const i of [3, 4, 5, 6]) expect((await get(await signed(i))).status).toBe(200);
    const refusedKey = await get(await signed(7));
    expect(refusedKey.json.error.code).toBe('KEY_NOT_PAID');
    const unknown = await get(await signed(99));
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('UNKNOWN_KEY');
    expect(await held()).toBe(5);
  });

  it('malformed query → 400 BAD_REQUEST; other paths → 404 NOT_FOUND', async () => {
    await refusedWith(keyUrl(0), 400, 'BAD_REQUEST');
    await refusedWith((await signed(0)).replace(/&t=\d+/, '&t=soon'), 400, 'BAD_REQUEST');
    for (const path of ['/streaming/keys/film-1/01', '/streaming/keys/film-1/', '/streaming/keys//0', '/streaming/keys/film%2D1/0', '/streaming/keys/film-1/0/']) {
      const r = await get(h.url + path);
      expect(r.status, path).toBe(404);
      expect(r.json.error.code).toBe('NOT_FOUND');
    }
  });
});

describe('loadMediaKeys', () => {
  const file = (keys: typeof KEYS, contentId = CONTENT) => {
    const f = join(dir, `${contentId}.keys.json`);
    writeFileSync(f, JSON.stringify({ v: 1, contentId, clearSeconds: 6, keys: keys.map((k) => ({ ...k, key: toHex(k.key) })) }));
    return f;
  };

  it('loading the same file again keeps releases; a changed key loses its own', async () => {
    for (const i of [0, 1]) expect((await get(await signed(i))).status).toBe(200);
    expect(await loadMediaKeys(h.server.ledger, CONTENT, file(KEYS))).toBe(9);
    expect(await held()).toBe(2);
    const changed = KEYS.map((k) => (k.index === 1 ? { ...k, key: new Uint8Array(16).fill(0xee) } : k));
    await loadMediaKeys(h.server.ledger, CONTENT, file(changed));
    expect(await held()).toBe(1);
    expect(toHex((await get(await signed(1))).body)).toBe('ee'.repeat(16));
  });

  it('refuses a file of another title or with a malformed key', async () => {
    await expect(loadMediaKeys(h.server.ledger, 'film-9', file(KEYS))).rejects.toThrow(/holds the keys of film-1/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ v: 1, contentId: CONTENT, clearSeconds: 6, keys: [{ index: 0, key: 'zz', startMs: 6000, endMs: 12000 }] }));
    await expect(loadMediaKeys(h.server.ledger, CONTENT, bad)).rejects.toThrow(/32 lowercase hex/);
  });
});
