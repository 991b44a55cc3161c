import type { HlsConfig, Loader, LoaderCallbacks, LoaderConfiguration, LoaderContext, LoaderStats } from 'hls.js';
import { nextTask } from './next-task.js';
import { takePrefetched, type Prefetched } from './prefetch-store.js';

type LoaderClass = new (config: HlsConfig) => Loader<LoaderContext>;

const newStats = (): LoaderStats => ({
  aborted: false, loaded: 0, retry: 0, total: 0, chunkCount: 0, bwEstimate: 0,
  loading: { start: 0, first: 0, end: 0 }, parsing: { start: 0, end: 0 }, buffering: { start: 0, first: 0, end: 0 },
});

/**
 * An hls.js loader (`config.loader`, used for playlists and segments) that answers from the
 * prefetch store (prefetch.ts) when the URL was requested ahead, and otherwise is hls.js's own
 * loader. A prefetched response that failed falls through to the real loader, so retries,
 * timeouts and error reporting stay hls.js's.
 */
export function handoverLoader(Default: LoaderClass): LoaderClass {
  return class HandoverLoader implements Loader<LoaderContext> {
    context: LoaderContext | null = null;
    private own = newStats();
    private inner: Loader<LoaderContext> | undefined;
    private done = false;
    private callbacks: LoaderCallbacks<LoaderContext> | null = null;

    constructor(private readonly hlsConfig: HlsConfig) {}

    get stats(): LoaderStats {
      return this.inner?.stats ?? this.own;
    }

    load(context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>): void {
      this.context = context;
      this.callbacks = callbacks;
      const waiting = context.rangeEnd ? undefined : takePrefetched(context.url);
      if (!waiting) return this.fallBack(context, config, callbacks);
      this.own.loading.start = performance.now();
      // Answered in a task of its own, as a network response would be: without the hop, a response
      // already in memory runs hls.js's parsing of it in the task that asked (loadSource's, the last
      // segment's), one long task on a slow phone.
      void waiting.then(async (hit) => {
        await nextTask();
        if (this.done) return;
        if (!hit || hit.status < 200 || hit.status >= 300) return this.fallBack(context, config, callbacks);
        this.answer(hit, context, callbacks);
      });
    }

    private answer(hit: Prefetched, context: LoaderContext, callbacks: LoaderCallbacks<LoaderContext>): void {
      const stats = this.own;
      const data = context.responseType === 'arraybuffer' ? hit.body : new TextDecoder().decode(hit.body);
      // The request's own timings: hls.js's bandwidth estimate sees the real transfer.
      stats.loading = { start: Math.min(hit.start, stats.loading.start), first: hit.first, end: Math.max(hit.end, hit.first + 1) };
      stats.loaded = stats.total = hit.body.byteLength;
      stats.bwEstimate = (stats.total * 8000) / (stats.loading.end - stats.loading.first);
      this.done = true;
      callbacks.onSuccess({ url: hit.url, data, code: hit.status }, stats, context, null);
    }

    private fallBack(context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>): void {
      this.inner = new Default(this.hlsConfig);
      this.inner.load(context, config, callbacks);
    }

    abort(): void {
      if (this.inner) return this.inner.abort();
      if (this.done) return;
      this.done = true;
      this.own.aborted = true;
      if (this.context) this.callbacks?.onAbort?.(this.own, this.context, null);
    }

    destroy(): void {
      this.done = true;
      this.inner?.destroy();
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
