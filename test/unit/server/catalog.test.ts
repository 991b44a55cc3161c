// v3 over HTTP: the public price, the admin API behind the admin token, starts billed at the catalog's price,
// and the preview held by the server across sessions. Every refusal is JSON with a stable code and changes
// nothing in the ledger.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { randomNonce } from '../../../src/payments/api-client.js';
import { credit, makeTick, makeViewer, raw, refused, sell, signTick, signedStartRequest, startHarness, startSession, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.close());

const ADMIN = { authorization: 'Bearer adm' };

/** A GET whose path goes out exactly as written (fetch would resolve dot segments first). */
function rawGet(path: string): Promise<{ status: number; json: any }> {
  const { hostname, port } = new URL(h.url);
  return new Promise((resolve, reject) => {
    request({ hostname, port, path, method: 'GET' }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
    }).on('error', reject).end();
  });
}
/** What the ledger holds, as the audit export and analytics answer it: must not move on a refusal. */
const ledgerSnapshot = async () => ({ totals: await h.server.ledger.totals(h.clock.now, 30_000), titles: await h.server.ledger.titles() });

describe('GET /streaming/content/:id', () => {
  it('answers the public price of a title (never keys or splits), 404 UNKNOWN_CONTENT for any other, exact paths only', async () => {
    const keys = join(mkdtempSync(join(tmpdir(), 'sippar-catalog-')), 'k.json');
    writeFileSync(keys, JSON.stringify({ v: 1, contentId: 'demo/paid', clearSeconds: 6, keys: [{ index: 0, key: '1'.repeat(32), startMs: 6000, endMs: 12000 }] }));
    h = await startHarness({ catalog: { titles: [{ contentId: 'demo/paid', title: 'Demo', rateMicroAlgos: 1_000, previewSeconds: 10, keys, media: { src: '/media/demo/index.m3u8' } }] } });
    const ok = await raw(h, 'GET', '/streaming/content/demo/paid');
    expect([ok.status, ok.json]).toEqual([200, { contentId: 'demo/paid', title: 'Demo', rateMicroAlgos: 1_000, previewSeconds: 10, media: { src: '/media/demo/index.m3u8' } }]);
    const unknown = await raw(h, 'GET', '/streaming/content/nothing');
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'UNKNOWN_CONTENT']);
    // Not our paths: encoded bytes, dot segments, empty segments, a trailing slash, a query-less prefix.
    for (const path of ['/streaming/content/demo%2fpaid', '/streaming/content/demo/./paid', '/streaming/content/x/../demo/paid', '/streaming/content//demo/paid', '/streaming/content/demo/paid/', '/streaming/content/']) {
      const r = await rawGet(path);
      expect([path, r.status, r.json.error.code]).toEqual([path, 404, 'NOT_FOUND']);
    }
    expect((await raw(h, 'POST', '/streaming/content/demo/paid', '{}')).json.error.code).toBe('METHOD_NOT_ALLOWED');
    expect((await raw(h, 'GET', '/streaming/content/demo/paid?x=1')).status).toBe(200);
  });
});

describe('admin API', () => {
  it('PUT, GET and DELETE titles with the admin token; a new price applies to new starts', async () => {
    h = await startHarness({ adminToken: 'adm' });
    const put = await raw(h, 'PUT', '/streaming/admin/content/new-film', JSON.stringify({ title: 'New', rateMicroAlgos: 20, previewSeconds: 3, splits: [{ recipient: 'creator', bps: 8_000 }, { recipient: 'platform', bps: 2_000 }] }), ADMIN);
    expect([put.status, put.json.title.contentId]).toEqual([200, 'new-film']);
    expect((await raw(h, 'GET', '/streaming/content/new-film')).json).toEqual({ contentId: 'new-film', title: 'New', rateMicroAlgos: 20, previewSeconds: 3 });
    const list = await raw(h, 'GET', '/streaming/admin/content', undefined, ADMIN);
    expect(list.json.titles.map((t: { contentId: string }) => t.contentId)).toContain('new-film');
    const v = await makeViewer();
    await credit(h, v, 10_000);
    const s = await h.api.start(await signedStartRequest(v, { api: h.url, contentId: 'new-film', rateMicroAlgos: 20, requestTime: h.clock.now, nonce: randomNonce() }));
    expect([s.rateMicroAlgos, s.previewSeconds, s.freeSeconds]).toEqual([20, 3, 3]);
    await raw(h, 'PUT', '/streaming/admin/content/new-film', JSON.stringify({ title: 'New', rateMicroAlgos: 30 }), ADMIN);
    await refused(h.api.start(await signedStartRequest(v, { api: h.url, contentId: 'new-film', rateMicroAlgos: 20, requestTime: h.clock.now, nonce: randomNonce() })), 'PRICE_MISMATCH', 409);
    // The open session keeps the price it started at.
    h.clock.now += 10_000;
    expect((await h.api.extend(await signTick(v, { ...makeTick(s, 1, 5), microAlgos: 40 }))).microAlgos).toBe(40);
    const del = await raw(h, 'DELETE', '/streaming/admin/content/new-film', undefined, ADMIN);
    expect([del.status, del.json]).toEqual([200, { deleted: 'new-film' }]);
    expect((await raw(h, 'DELETE', '/streaming/admin/content/new-film', undefined, ADMIN)).json.error.code).toBe('UNKNOWN_CONTENT');
    await refused(h.api.start(await signedStartRequest(v, { api: h.url, contentId: 'new-film', rateMicroAlgos: 30, requestTime: h.clock.now, nonce: randomNonce() })), 'UNKNOWN_CONTENT', 404);
  });

  it('refuses without the token (or with none configured), and refuses invalid titles: JSON codes, nothing changed', async () => {
    h = await startHarness({ adminToken: 'adm' });
    const before = await ledgerSnapshot();
    const body = JSON.stringify({ title: 'X', rateMicroAlgos: 1 });
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong' }, { authorization: 'adm' }, { authorization: 'Bearer ADM' }]) {
      for (const [method, path, b] of [['PUT', '/streaming/admin/content/x', body], ['DELETE', '/streaming/admin/content/film-1', undefined], ['GET', '/streaming/admin/content', undefined]] as const) {
        const r = await raw(h, method, path, b, headers);
        expect([method, r.status, r.json.error.code]).toEqual([method, 403, 'NOT_SESSION_OWNER']);
      }
    }
    for (const [bad, why] of [
      [{ title: 'X', rateMicroAlgos: -1 }, /rateMicroAlgos/],
      [{ title: 'X', rateMicroAlgos: 1, splits: [{ recipient: 'a', bps: 5_000 }] }, /add up to 5000/],
      [{ contentId: 'y', title: 'X', rateMicroAlgos: 1 }, /differs from the path/],
      [[1], /JSON object/],
    ] as const) {
      const r = await raw(h, 'PUT', '/streaming/admin/content/x', JSON.stringify(bad), ADMIN);
      expect([r.status, r.json.error.code]).toEqual([400, 'BAD_REQUEST']);
      expect(r.json.error.message).toMatch(why);
    }
    expect(await ledgerSnapshot()).toEqual(before);
    await h.close();
    h = await startHarness({ dev: false });
    expect((await raw(h, 'GET', '/streaming/admin/content', undefined, ADMIN)).json.error.code).toBe('NOT_SESSION_OWNER');
  });
});

describe('starts at the catalog price', () => {
  it('PRICE_MISMATCH (409, with the current price) and UNKNOWN_CONTENT (404): JSON, nothing in the ledger', async () => {
    h = await startHarness();
    const v = await makeViewer();
    await credit(h, v, 10_000);
    const before = await ledgerSnapshot();
    const cheap = await signedStartRequest(v, { api: h.url, contentId: 'film-1', rateMicroAlgos: 1, requestTime: h.clock.now, nonce: randomNonce() });
    const r = await raw(h, 'POST', '/streaming/session/start', JSON.stringify(cheap));
    expect([r.status, r.json.error.code, r.json.price]).toEqual([409, 'PRICE_MISMATCH', { contentId: 'film-1', title: 'Film one', rateMicroAlgos: 100, previewSeconds: 0 }]);
    const free = await signedStartRequest(v, { api: h.url, contentId: 'film-1', rateMicroAlgos: 0, requestTime: h.clock.now, nonce: randomNonce() });
    expect((await raw(h, 'POST', '/streaming/session/start', JSON.stringify(free))).json.error.code).toBe('PRICE_MISMATCH');
    const unknown = await signedStartRequest(v, { api: h.url, contentId: 'not-sold', rateMicroAlgos: 100, requestTime: h.clock.now, nonce: randomNonce() });
    const u = await raw(h, 'POST', '/streaming/session/start', JSON.stringify(unknown));
    expect([u.status, u.json.error.code, u.json.price]).toEqual([404, 'UNKNOWN_CONTENT', undefined]);
    expect(await ledgerSnapshot()).toEqual(before);
    // The same signed messages at the right price are accepted: the refusals consumed nothing (no nonce used).
    expect((await startSession(h, v, 100, 'film-1')).rateMicroAlgos).toBe(100);
  });
});

describe('the preview belongs to the server', () => {
  it('free seconds per viewer and title across sessions: used once, whatever the number of starts; another viewer or title has its own', async () => {
    h = await startHarness();
    await sell(h, 'prev', 100, 10);
    const v = await makeViewer();
    await credit(h, v, 100_000);
    const s1 = await startSession(h, v, 100, 'prev');
    expect([s1.previewSeconds, s1.freeSeconds]).toEqual([10, 10]);
    h.clock.now += 10_000;
    // Every second watched is signed; the free ones cost nothing.
    expect(await h.api.extend(await signTick(v, { ...makeTick(s1, 1, 4), microAlgos: 0 }))).toMatchObject({ seconds: 4, microAlgos: 0, balanceMicroAlgos: 100_000 });
    // The old rule (every signed second charged) is refused: AMOUNT_MISMATCH, nothing written.
    await refused(h.api.extend(await signTick(v, makeTick(s1, 2, 5))), 'AMOUNT_MISMATCH', 422);
    // A reload that starts afresh (or a second tab, another device): what is left, not the preview again.
    const s2 = await startSession(h, v, 100, 'prev');
    expect(s2.freeSeconds).toBe(6);
    h.clock.now += 10_000;
    expect(await h.api.pause(await signTick(v, { ...makeTick(s2, 1, 9), microAlgos: 300, final: true }))).toMatchObject({ seconds: 9, microAlgos: 300, balanceMicroAlgos: 99_700 });
    const s3 = await startSession(h, v, 100, 'prev');
    expect(s3.freeSeconds).toBe(0);
    h.clock.now += 10_000;
    expect(await h.api.extend(await signTick(v, makeTick(s3, 1, 2)))).toMatchObject({ seconds: 2, microAlgos: 200 });
    // Another viewer, another title: their own preview.
    const w = await makeViewer();
    await credit(h, w, 1_000);
    expect((await startSession(h, w, 100, 'prev')).freeSeconds).toBe(10);
    await sell(h, 'prev-2', 100, 7);
    expect((await startSession(h, v, 100, 'prev-2')).freeSeconds).toBe(7);
    // The viewer's used preview, as the ledger holds it: 4 + 6 free seconds of 'prev', no more.
    const used = (await h.server.ledger.previewUse(v.principal, 'prev')).reduce((a, s) => a + Math.min(s.billedSeconds, s.freeSeconds), 0);
    expect(used).toBe(10);
  });

  it('a viewer with no balance may start inside the preview; past it, 402 as before', async () => {
    h = await startHarness();
    await sell(h, 'prev', 100, 5);
    const v = await makeViewer();
    await credit(h, v, 150);
    const s = await startSession(h, v, 100, 'prev');
    h.clock.now += 10_000;
    await refused(h.api.extend(await signTick(v, { ...makeTick(s, 1, 7), microAlgos: 200 })), 'INSUFFICIENT_FUNDS', 402).then((e) =>
      expect(e.ledger).toMatchObject({ seconds: 6, microAlgos: 100, balanceMicroAlgos: 50, status: 'exhausted' }),
    );
    const broke = await makeViewer();
    await credit(h, broke, 1);
    const sb = await startSession(h, broke, 100, 'prev');
    expect(sb.freeSeconds).toBe(5);
    // Its preview used up, the next start of the title needs a balance again.
    h.clock.now += 10_000;
    await h.api.pause(await signTick(broke, { ...makeTick(sb, 1, 5), microAlgos: 0, final: true }));
    await refused(startSession(h, broke, 100, 'prev'), 'INSUFFICIENT_FUNDS', 402);
  });
});
