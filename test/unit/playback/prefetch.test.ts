// The prefetcher against a real local HTTP server: which requests it makes for a stream, and that
// each response is handed over once.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { prefetchStream, takePrefetched, textOf } from '../../../src/playback/prefetch.js';

const files: Record<string, string> = {
  '/master.m3u8': '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nlow/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=2000000\nhigh/index.m3u8\n',
  '/low/index.m3u8': '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2,\nseg0.m4s\n#EXTINF:2,\nseg1.m4s\n#EXT-X-ENDLIST\n',
  '/live.m3u8': '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2,\nseg7.m4s\n',
  '/low/init.mp4': 'init', '/low/seg0.m4s': 'seg0', '/low/seg1.m4s': 'seg1',
};
let server: Server;
let origin = '';
let seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url!);
    const body = files[req.url!];
    res.writeHead(body === undefined ? 404 : 200).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => { seen = []; });

/** Time for a request the prefetcher should NOT make to show up (a negative check can only wait). */
const settle = () => new Promise((r) => setTimeout(r, 150));

describe('prefetchStream', () => {
  it("follows a VOD stream to the first variant's init and first segment, once each", async () => {
    const url = `${origin}/master.m3u8`;
    const manifest = await prefetchStream(url, 'segments');
    void prefetchStream(url, 'segments'); // the loader and then the element: no second request
    // The chain (manifest → variant → init and segment) waited for, however slow the machine; then a settle
    // for any second request.
    await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(4), { timeout: 10_000 });
    await settle();
    expect(manifest && textOf(manifest)).toBe(files['/master.m3u8']);
    expect(seen.sort()).toEqual(['/low/index.m3u8', '/low/init.mp4', '/low/seg0.m4s', '/master.m3u8']);
    const init = await takePrefetched(`${origin}/low/init.mp4`);
    expect(init && textOf(init)).toBe('init');
    expect(takePrefetched(`${origin}/low/init.mp4`)).toBeUndefined(); // handed over once
    for (const path of ['/master.m3u8', '/low/index.m3u8', '/low/seg0.m4s']) expect(takePrefetched(origin + path)).toBeDefined();
  });

  it('fetches only the manifest for depth "manifest", and no segment of a live stream', async () => {
    await prefetchStream(`${origin}/low/index.m3u8`, 'manifest');
    await prefetchStream(`${origin}/live.m3u8`, 'segments');
    await settle();
    expect(seen.sort()).toEqual(['/live.m3u8', '/low/index.m3u8']);
    takePrefetched(`${origin}/low/index.m3u8`);
    takePrefetched(`${origin}/live.m3u8`);
  });

  it('keeps the status of a missing manifest and follows nothing', async () => {
    const missing = await prefetchStream(`${origin}/nowhere.m3u8`, 'segments');
    await settle();
    expect(missing?.status).toBe(404);
    expect(seen).toEqual(['/nowhere.m3u8']);
    takePrefetched(`${origin}/nowhere.m3u8`);
  });
});
