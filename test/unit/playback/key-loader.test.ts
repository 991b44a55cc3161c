// The key loader in Node with a scripted stand-in for hls.js's loader: what reaches hls.js for a key that is
// refused, then released; an abort while waiting; and everything that is not a key, untouched.
import { describe, expect, it, vi } from 'vitest';
import type { HlsConfig, Loader, LoaderCallbacks, LoaderConfiguration, LoaderContext, LoaderStats } from 'hls.js';
import { keyAuthorisingLoader } from '../../../src/playback/key-loader.js';
import type { KeyAuthoriser } from '../../../src/playback/key-authoriser.js';

const stats = (): LoaderStats => ({ aborted: false, loaded: 0, retry: 0, total: 0, chunkCount: 0, bwEstimate: 0, loading: { start: 0, first: 0, end: 0 }, parsing: { start: 0, end: 0 }, buffering: { start: 0, first: 0, end: 0 } });

/** Answers each URL from `answers` (status per call, in order), asynchronously, like XHR. */
function fakeLoader(answers: number[], seen: string[]) {
  return class Fake implements Loader<LoaderContext> {
    context: LoaderContext | null = null;
    stats = stats();
    private cb: LoaderCallbacks<LoaderContext> | null = null;
    constructor(_c: HlsConfig) {}
    load(context: LoaderContext, _c: LoaderConfiguration, cb: LoaderCallbacks<LoaderContext>) {
      this.context = context;
      this.cb = cb;
      seen.push(context.url);
      const status = answers.shift() ?? 200;
      setTimeout(() => {
        if (!this.cb) return;
        if (status === 200) this.cb.onSuccess({ url: context.url, data: new ArrayBuffer(16), code: 200 }, this.stats, context, null);
        else this.cb.onError({ code: status, text: 'refused' }, context, null, this.stats);
      }, 1);
    }
    abort() { const cb = this.cb; this.cb = null; cb?.onAbort?.(this.stats, this.context!, null); }
    destroy() { this.cb = null; }
  };
}

const ctx = (type: string, url = 'https://pay.example/streaming/keys/film/0') => ({ type, url, responseType: 'arraybuffer' } as unknown as LoaderContext);
const callbacks = () => ({ onSuccess: vi.fn(), onError: vi.fn(), onTimeout: vi.fn(), onAbort: vi.fn() });
const config = {} as LoaderConfiguration;

describe('keyAuthorisingLoader', () => {
  it('a refused key waits and asks again with a fresh signature; hls.js sees one success, under the key’s own URL', async () => {
    const seen: string[] = [];
    let n = 0;
    const auth: KeyAuthoriser = { authorise: async (u) => `${u}?sig=${++n}`, retryAfter: (status) => (status === 402 ? 5 : undefined) };
    const L = keyAuthorisingLoader(fakeLoader([402, 402, 200], seen), () => auth);
    const cb = callbacks();
    new L({} as HlsConfig).load(ctx('key'), config, cb);
    await vi.waitFor(() => expect(cb.onSuccess).toHaveBeenCalledOnce());
    expect(seen).toEqual([1, 2, 3].map((i) => `https://pay.example/streaming/keys/film/0?sig=${i}`));
    expect(cb.onSuccess.mock.calls[0][0].url).toBe('https://pay.example/streaming/keys/film/0');
    expect(cb.onSuccess.mock.calls[0][2].url).toBe('https://pay.example/streaming/keys/film/0');
    expect(cb.onError).not.toHaveBeenCalled();
  });

  it('an error the authoriser does not retry goes to hls.js as it came', async () => {
    const auth: KeyAuthoriser = { authorise: async (u) => u, retryAfter: () => undefined };
    const L = keyAuthorisingLoader(fakeLoader([404], []), () => auth);
    const cb = callbacks();
    new L({} as HlsConfig).load(ctx('key'), config, cb);
    await vi.waitFor(() => expect(cb.onError).toHaveBeenCalledOnce());
    expect(cb.onError.mock.calls[0][0]).toEqual({ code: 404, text: 'refused' });
  });

  it('abort while waiting for a session reports the abort once and sends nothing', async () => {
    const seen: string[] = [];
    const auth: KeyAuthoriser = {
      authorise: (_u, signal) => new Promise((_r, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
      retryAfter: () => 1,
    };
    const L = keyAuthorisingLoader(fakeLoader([], seen), () => auth);
    const cb = callbacks();
    const loader = new L({} as HlsConfig);
    loader.load(ctx('key'), config, cb);
    loader.abort();
    loader.abort();
    await new Promise((r) => setTimeout(r, 10));
    expect(cb.onAbort).toHaveBeenCalledOnce();
    expect(seen).toEqual([]);
  });

  it('playlists, segments, and keys of a player without an authoriser go to hls.js’s loader untouched', async () => {
    const seen: string[] = [];
    const L = keyAuthorisingLoader(fakeLoader([200, 403], seen), () => undefined);
    const a = callbacks();
    const b = callbacks();
    new L({} as HlsConfig).load(ctx('manifest', 'https://cdn.example/index.m3u8'), config, a);
    new L({} as HlsConfig).load(ctx('key'), config, b);
    await vi.waitFor(() => expect(b.onError).toHaveBeenCalledOnce());
    expect(a.onSuccess).toHaveBeenCalledOnce();
    expect(seen).toEqual(['https://cdn.example/index.m3u8', 'https://pay.example/streaming/keys/film/0']);
  });
});
