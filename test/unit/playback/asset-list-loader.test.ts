// The asset-list loader in Node with a scripted stand-in for hls.js's loader: the API's asset list gets the
// session id once there is one; without a provider (or without a session to wait for) an empty list is
// answered with no request; an abort while waiting; every other request untouched.
import { describe, expect, it, vi } from 'vitest';
import type { HlsConfig, Loader, LoaderCallbacks, LoaderConfiguration, LoaderContext, LoaderStats } from 'hls.js';
import { atom } from 'nanostores';
import { adSessionLoader, isAdAssetList } from '../../../src/playback/asset-list-loader.js';
import { createAdSessionProvider, NoAdSession } from '../../../src/payments/ad-session.js';
import { initialPaymentState, type PaymentState } from '../../../src/payments/payments-store.js';
import type { AdSessionProvider } from '../../../src/ads/ad-break.js';

const stats = (): LoaderStats => ({ aborted: false, loaded: 0, retry: 0, total: 0, chunkCount: 0, bwEstimate: 0, loading: { start: 0, first: 0, end: 0 }, parsing: { start: 0, end: 0 }, buffering: { start: 0, first: 0, end: 0 } });

function fakeLoader(seen: string[]) {
  return class Fake implements Loader<LoaderContext> {
    context: LoaderContext | null = null;
    stats = stats();
    constructor(_c: HlsConfig) {}
    load(context: LoaderContext, _c: LoaderConfiguration, cb: LoaderCallbacks<LoaderContext>) {
      this.context = context;
      seen.push(context.url);
      setTimeout(() => cb.onSuccess({ url: context.url, data: { ASSETS: [{ URI: 'https://cdn.example/ad.m3u8', DURATION: 6 }] }, code: 200 }, this.stats, context, null), 1);
    }
    abort() {}
    destroy() {}
  };
}

const LIST = 'https://api.example/streaming/ads/asset-list?contentId=film-1&break=0&_HLS_primary_id=x';
const ctx = (type: string, url = LIST) => ({ type, url, responseType: 'json' } as unknown as LoaderContext);
const callbacks = () => ({ onSuccess: vi.fn(), onError: vi.fn(), onTimeout: vi.fn(), onAbort: vi.fn() });
const config = {} as LoaderConfiguration;

describe('adSessionLoader', () => {
  it('recognises the API\'s asset lists by context type and path only', () => {
    expect(isAdAssetList(ctx('interstitial-asset-list'))).toBe(true);
    expect(isAdAssetList(ctx('interstitial-asset-list', 'https://ads.other/list.json'))).toBe(false);
    expect(isAdAssetList(ctx('manifest'))).toBe(false);
    expect(isAdAssetList(ctx('interstitial-asset-list', 'not a url'))).toBe(false);
  });

  it('waits for the session, then asks with sessionId; hls.js sees the playlist\'s own URL', async () => {
    const seen: string[] = [];
    let release!: (id: string) => void;
    const provider: AdSessionProvider = { sessionId: () => new Promise((r) => { release = r; }) };
    const L = adSessionLoader(fakeLoader(seen), () => provider);
    const cb = callbacks();
    new L({} as HlsConfig).load(ctx('interstitial-asset-list'), config, cb);
    await new Promise((r) => setTimeout(r, 5));
    expect(seen).toEqual([]);
    release('sess_1');
    await vi.waitFor(() => expect(cb.onSuccess).toHaveBeenCalledOnce());
    expect(seen).toEqual([`${LIST}&sessionId=sess_1`]);
    expect(cb.onSuccess.mock.calls[0][0].url).toBe(LIST);
    expect(cb.onSuccess.mock.calls[0][0].data.ASSETS).toHaveLength(1);
  });

  it('asks for no session, and sends nothing, before the title\'s MediaSource is open (hls.js would hand the <video> to the ad too early)', async () => {
    const seen: string[] = [];
    const asked = vi.fn(async () => 'sess_2');
    let open!: () => void;
    const L = adSessionLoader(fakeLoader(seen), () => ({ sessionId: asked }), new Promise<void>((r) => { open = r; }));
    const cb = callbacks();
    new L({} as HlsConfig).load(ctx('interstitial-asset-list'), config, cb);
    await new Promise((r) => setTimeout(r, 5));
    expect(asked).not.toHaveBeenCalled();
    expect(seen).toEqual([]);
    open();
    await vi.waitFor(() => expect(cb.onSuccess).toHaveBeenCalledOnce());
    expect(seen).toEqual([`${LIST}&sessionId=sess_2`]);
  });

  it('without a provider, or when the provider has no session to wait for: an empty list, no request', async () => {
    for (const provider of [undefined, { sessionId: () => Promise.reject(new NoAdSession()) }]) {
      const seen: string[] = [];
      const cb = callbacks();
      new (adSessionLoader(fakeLoader(seen), () => provider))({} as HlsConfig).load(ctx('interstitial-asset-list'), config, cb);
      await vi.waitFor(() => expect(cb.onSuccess).toHaveBeenCalledOnce());
      expect(cb.onSuccess.mock.calls[0][0]).toEqual({ url: LIST, data: { ASSETS: [] }, code: 200 });
      expect(seen).toEqual([]);
    }
  });

  it('an abort while waiting reports onAbort once and sends nothing later', async () => {
    const seen: string[] = [];
    let signal!: AbortSignal;
    const provider: AdSessionProvider = { sessionId: (s) => { signal = s; return new Promise(() => undefined); } };
    const loader = new (adSessionLoader(fakeLoader(seen), () => provider))({} as HlsConfig);
    const cb = callbacks();
    loader.load(ctx('interstitial-asset-list'), config, cb);
    await vi.waitFor(() => expect(signal).toBeDefined());
    loader.abort();
    loader.abort();
    expect(cb.onAbort).toHaveBeenCalledOnce();
    expect(signal.aborted).toBe(true);
    expect([seen, cb.onSuccess.mock.calls.length]).toEqual([[], 0]);
  });

  it('passes every other request through untouched', async () => {
    const seen: string[] = [];
    const cb = callbacks();
    new (adSessionLoader(fakeLoader(seen), () => undefined))({} as HlsConfig).load(ctx('manifest', 'https://cdn.example/film/index.m3u8'), config, cb);
    await vi.waitFor(() => expect(cb.onSuccess).toHaveBeenCalledOnce());
    expect(seen).toEqual(['https://cdn.example/film/index.m3u8']);
  });
});

describe('createAdSessionProvider', () => {
  it('answers the open session at once, waits (asking for one) while one can come, refuses when none can', async () => {
    const store = atom<PaymentState>(initialPaymentState());
    let canWait = true;
    const wanted = vi.fn();
    const p = createAdSessionProvider({ store, canWait: () => canWait, wantSession: wanted });
    const waiting = p.sessionId(new AbortController().signal);
    await new Promise((r) => setTimeout(r, 5));
    expect(wanted).toHaveBeenCalled();
    store.set({ ...store.get(), sessionId: 'sess_9' });
    await expect(waiting).resolves.toBe('sess_9');
    await expect(p.sessionId(new AbortController().signal)).resolves.toBe('sess_9');
    store.set({ ...store.get(), sessionId: undefined });
    canWait = false;
    await expect(p.sessionId(new AbortController().signal)).rejects.toBeInstanceOf(NoAdSession);
  });

  it('stops waiting when the viewer signs out meanwhile, or on abort', async () => {
    const store = atom<PaymentState>(initialPaymentState());
    let canWait = true;
    const p = createAdSessionProvider({ store, canWait: () => canWait, wantSession: () => undefined });
    const a = p.sessionId(new AbortController().signal);
    canWait = false;
    await expect(a).rejects.toBeInstanceOf(NoAdSession);
    canWait = true;
    const stop = new AbortController();
    const b = p.sessionId(stop.signal);
    stop.abort();
    await expect(b).rejects.toMatchObject({ name: 'AbortError' });
  });
});
