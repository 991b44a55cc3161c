// GET /streaming/ads/playlist over HTTP: the API reads the title's playlist from a real (local) CDN, serves
// it with its breaks pointing at its own asset-list endpoint, reads a variant only under the title's
// directory, and says so when the CDN fails.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AD_PATHS, adPlaylistPath } from '../../../../src/payments/ad-protocol.js';
import { MemoryAdCatalog } from '../../../../server/ads/ad-settings.js';
import { startHarness, type Harness } from '../harness.js';
import { FILM_ADS } from './ads-harness.js';

const MEDIA = readFileSync(new URL('./fixtures/film-media.m3u8', import.meta.url), 'utf8');
let cdn: Server;
let cdnUrl: string;
let h: Harness;
const served: string[] = [];

beforeAll(async () => {
  cdn = createServer((req, res) => {
    served.push(req.url!);
    if (req.url === '/film-1/index.m3u8' || req.url === '/film-1/v2/index.m3u8') res.end(MEDIA);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => cdn.listen(0, '127.0.0.1', r));
  cdnUrl = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;
  const catalog = new MemoryAdCatalog([
    ['film-1', FILM_ADS, `${cdnUrl}/film-1/index.m3u8`],
    ['film-gone', FILM_ADS, `${cdnUrl}/film-gone/index.m3u8`],
  ]);
  h = await startHarness({ ads: { catalog } });
});
afterAll(async () => {
  await h.close();
  await new Promise((r) => cdn.close(r));
});

const get = (query: string) => fetch(`${h.url}${AD_PATHS.playlist}?${query}`);

describe('GET /streaming/ads/playlist', () => {
  it('serves the title with its breaks as interstitials on this API, segments left on the CDN, read from the CDN once a minute', async () => {
    const res = await get('contentId=film-1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    const text = await res.text();
    expect(text).toContain(`X-ASSET-LIST="${h.url}/streaming/ads/asset-list?contentId=film-1&break=0"`);
    expect(text).toContain('#EXT-X-PROGRAM-DATE-TIME:2000-01-01T00:00:00.000Z');
    expect(text).toContain(`${cdnUrl}/film-1/seg000.m4s`);
    // Break 1 is at 600 s, past this 18.5 s title: left out.
    expect(text).not.toContain('break=1');
    await get('contentId=film-1');
    expect(served.filter((u) => u === '/film-1/index.m3u8')).toHaveLength(1);
  });

  it('serves a variant under the title\'s directory, and refuses one elsewhere without fetching it', async () => {
    expect((await get(`contentId=film-1&variant=${encodeURIComponent(`${cdnUrl}/film-1/v2/index.m3u8`)}`)).status).toBe(200);
    const n = served.length;
    const bad = await get(`contentId=film-1&variant=${encodeURIComponent(`${cdnUrl}/other/index.m3u8`)}`);
    expect(bad.status).toBe(400);
    expect(served).toHaveLength(n);
  });

  it('answers the same playlist by path, /streaming/ads/playlist/<contentId>.m3u8 (a src that ends in .m3u8)', async () => {
    const byQuery = await (await get('contentId=film-1')).text();
    const res = await fetch(`${h.url}${adPlaylistPath('film-1')}`);
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'application/vnd.apple.mpegurl']);
    expect(await res.text()).toBe(byQuery);
    const variant = encodeURIComponent(`${cdnUrl}/film-1/v2/index.m3u8`);
    expect((await fetch(`${h.url}/streaming/ads/playlist/film-1.m3u8?variant=${variant}`)).status).toBe(200);
    for (const path of ['/streaming/ads/playlist/film-1', '/streaming/ads/playlist/film-none.m3u8', '/streaming/ads/playlist/film-1.m3u8/']) {
      expect([path, (await fetch(`${h.url}${path}`)).status]).toEqual([path, 404]);
    }
  });

  it('reads the breaks and media.src from the platform\'s catalog when no ad catalog is given', async () => {
    const other = await startHarness({
      catalog: { titles: [{ contentId: 'film-cat', title: 'From the catalog', rateMicroAlgos: 100, media: { src: `${cdnUrl}/film-1/index.m3u8` }, ads: FILM_ADS }, { contentId: 'film-plain', title: 'No ads', rateMicroAlgos: 100 }] },
    });
    try {
      const res = await fetch(`${other.url}${AD_PATHS.playlist}?contentId=film-cat`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(`X-ASSET-LIST="${other.url}/streaming/ads/asset-list?contentId=film-cat&break=0"`);
      // The public price says which titles have breaks and where their playlist is.
      const price = await (await fetch(`${other.url}/streaming/content/film-cat`)).json();
      expect(price.ads).toEqual({ breaks: 2, playlist: '/streaming/ads/playlist/film-cat.m3u8' });
      expect((await (await fetch(`${other.url}/streaming/content/film-plain`)).json()).ads).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('answers 502 AD_MEDIA_UNAVAILABLE when the CDN fails, 404 for a title without breaks', async () => {
    const gone = await get('contentId=film-gone');
    expect(gone.status).toBe(502);
    expect((await gone.json()).error.code).toBe('AD_MEDIA_UNAVAILABLE');
    expect((await get('contentId=film-none')).status).toBe(404);
    expect((await get('contentId=%00')).status).toBe(400);
  });
});
