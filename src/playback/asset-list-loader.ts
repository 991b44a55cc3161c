/**
 * An hls.js loader for the asset lists of ad breaks (context type `interstitial-asset-list`, hls.js ≥ 1.6;
 * docs/ADS.md §4). The API's auction is per payment session, so a request to its asset-list path gets
 * `sessionId=<id>` from the <video>'s AdSessionProvider (set by the paid chunk: payments/ad-session.ts),
 * waiting for the session. A player without a provider (free), or one whose provider has no session to
 * give, answers `{"ASSETS":[]}` itself without a request: the break is unsold and the title plays on.
 * Other asset lists (another host's, or another path) and everything else go to hls.js's own loader as they are.
 *
 * hls.js's timeouts for the asset list (`interstitialAssetListLoadPolicy`: 10 s to first byte, 30 s in all)
 * run in its own loader, which starts once the session is there: a pre-roll waits as long as the viewer
 * takes to sign in, and the request itself keeps hls.js's limits.
 */
import type { HlsConfig, Loader, LoaderCallbacks, LoaderConfiguration, LoaderContext, LoaderStats } from 'hls.js';
import type { AdSessionProvider } from '../ads/ad-break.js';
import { AD_PATHS } from '../payments/ad-protocol.js';

type LoaderClass = new (config: HlsConfig) => Loader<LoaderContext>;

const ASSET_LIST_TYPE = 'interstitial-asset-list';

/** The URL of one of the API's asset lists (any origin: the page's playlist names its API). */
export function isAdAssetList(context: Pick<LoaderContext, 'type' | 'url'>): boolean {
  if ((context.type as string) !== ASSET_LIST_TYPE) return false;
  try {
    return new URL(context.url).pathname.endsWith(AD_PATHS.assetList);
  } catch {
    return false;
  }
}

export function withSessionId(url: string, sessionId: string): string {
  const u = new URL(url);
  u.searchParams.set('sessionId', sessionId);
  return u.href;
}

const newStats = (): LoaderStats => ({
  aborted: false, loaded: 0, retry: 0, total: 0, chunkCount: 0, bwEstimate: 0,
  loading: { start: 0, first: 0, end: 0 }, parsing: { start: 0, end: 0 }, buffering: { start: 0, first: 0, end: 0 },
});

/**
 * `mediaReady`: resolves once the title's MediaSource is open. hls.js 1.7 hands the <video> to a pre-roll's
 * asset player as soon as its asset list is in; if that happens before the title's MediaSource opened, the
 * title's stream controller never had the media, is not stopped when it is taken, and loads nothing when the
 * title resumes (seen under CPU load: stuck at 0 s after the pre-roll). So no sold break is answered before it.
 */
export function adSessionLoader(Default: LoaderClass, provider: () => AdSessionProvider | undefined, mediaReady: Promise<void> = Promise.resolve()): LoaderClass {
  return class AdSessionLoader implements Loader<LoaderContext> {
    context: LoaderContext | null = null;
    private inner: Loader<LoaderContext> | undefined;
    private readonly own = newStats();
    private readonly stop = new AbortController();
    private callbacks: LoaderCallbacks<LoaderContext> | null = null;
    /** Ours until the request goes to hls.js's loader (waiting for the session, or answered here). */
    private waiting = false;

    constructor(private readonly hlsConfig: HlsConfig) {}

    get stats(): LoaderStats {
      return this.inner?.stats ?? this.own;
    }

    load(context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>): void {
      this.context = context;
      this.callbacks = callbacks;
      if (!isAdAssetList(context)) return this.send(context, config, callbacks);
      this.waiting = true;
      this.own.loading.start = performance.now();
      const p = provider();
      void (p ? mediaReady.then(() => (this.stop.signal.aborted ? new Promise<string>(() => undefined) : p.sessionId(this.stop.signal))) : Promise.reject(new Error('no ad session'))).then(
        (id) => {
          if (this.stop.signal.aborted) return;
          this.waiting = false;
          this.send({ ...context, url: withSessionId(context.url, id) }, config, {
            ...callbacks,
            // hls.js keeps seeing the playlist's own URL.
            onSuccess: (response, stats, _c, details) => callbacks.onSuccess({ ...response, url: context.url }, stats, context, details),
          });
        },
        () => {
          if (this.stop.signal.aborted) return;
          this.waiting = false;
          const now = performance.now();
          this.own.loading.first = this.own.loading.end = now;
          callbacks.onSuccess({ url: context.url, data: { ASSETS: [] }, code: 200 }, this.own, context, null);
        },
      );
    }

    private send(context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>): void {
      this.inner = new Default(this.hlsConfig);
      this.inner.load(context, config, callbacks);
    }

    abort(): void {
      if (!this.waiting) return this.inner?.abort();
      this.waiting = false;
      this.stop.abort();
      this.own.aborted = true;
      if (this.context) this.callbacks?.onAbort?.(this.own, this.context, null);
    }

    destroy(): void {
      this.stop.abort();
      this.inner?.destroy();
      this.inner = undefined;
      this.context = this.callbacks = null;
    }

    getCacheAge(): number | null {
      return this.inner?.getCacheAge?.() ?? null;
    }

    getResponseHeader(name: string): string | null {
      return this.inner?.getResponseHeader?.(name) ?? null;
    }
  };
}
