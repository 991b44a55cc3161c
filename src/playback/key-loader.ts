/**
 * An hls.js loader for AES-128 key requests of gated media (context type `key`): the URL is signed by the
 * player's KeyAuthoriser before each attempt, and a refusal (402 until the viewer has paid far enough) waits
 * and asks again instead of failing. Playlists and segments, and keys of a player without an authoriser,
 * go to hls.js's own loader untouched. hls.js keeps seeing the key's own URL (its key cache is by URL).
 */
import type { HlsConfig, Loader, LoaderCallbacks, LoaderConfiguration, LoaderContext, LoaderStats } from 'hls.js';
import type { KeyAuthoriser } from './key-authoriser.js';

type LoaderClass = new (config: HlsConfig) => Loader<LoaderContext>;

export function keyAuthorisingLoader(Default: LoaderClass, authoriser: () => KeyAuthoriser | undefined): LoaderClass {
  return class KeyAuthorisingLoader implements Loader<LoaderContext> {
    context: LoaderContext | null = null;
    private inner: Loader<LoaderContext> | undefined;
    private readonly stop = new AbortController();
    private retryTimer: ReturnType<typeof setTimeout> | undefined;
    private callbacks: LoaderCallbacks<LoaderContext> | null = null;
    /** This loader signs and retries (a key, with an authoriser); otherwise it only hands over to hls.js's. */
    private authorising = false;
    /** hls.js's loader has a request out for us (its own callbacks will report an abort). */
    private inFlight = false;

    constructor(private readonly hlsConfig: HlsConfig) {}

    get stats(): LoaderStats {
      return this.ensureInner().stats;
    }

    load(context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>): void {
      this.context = context;
      this.callbacks = callbacks;
      const auth = context.type === 'key' ? authoriser() : undefined;
      if (!auth) return this.ensureInner().load(context, config, callbacks);
      this.authorising = true;
      void this.attempt(auth, context, config, callbacks, 1);
    }

    private ensureInner(): Loader<LoaderContext> {
      return (this.inner ??= new Default(this.hlsConfig));
    }

    private async attempt(auth: KeyAuthoriser, context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>, n: number): Promise<void> {
      let url: string | undefined;
      try {
        url = await auth.authorise(context.url, this.stop.signal);
      } catch {
        return; // aborted: abort() reported it
      }
      if (this.stop.signal.aborted) return;
      this.inner?.destroy();
      this.inner = new Default(this.hlsConfig);
      this.inFlight = true;
      const done = () => { this.inFlight = false; };
      this.inner.load({ ...context, url: url ?? context.url }, config, {
        ...callbacks,
        onSuccess: (response, stats, _c, details) => { done(); callbacks.onSuccess({ ...response, url: context.url }, stats, context, details); },
        onError: (error, _c, details, stats) => {
          done();
          const wait = this.stop.signal.aborted ? undefined : auth.retryAfter(error.code, n);
          if (wait === undefined) return callbacks.onError(error, context, details, stats);
          this.retryTimer = setTimeout(() => void this.attempt(auth, context, config, callbacks, n + 1), wait);
        },
        onTimeout: (stats, _c, details) => { done(); callbacks.onTimeout(stats, context, details); },
        onAbort: (stats, _c, details) => { done(); callbacks.onAbort?.(stats, context, details); },
      });
    }

    abort(): void {
      if (!this.authorising) return this.inner?.abort();
      if (this.stop.signal.aborted) return;
      this.stop.abort();
      clearTimeout(this.retryTimer);
      // In flight: hls.js's loader reports the abort. Waiting (for a signature or a retry): we do.
      if (this.inFlight) this.inner?.abort();
      else if (this.context) {
        const stats = this.ensureInner().stats;
        stats.aborted = true;
        this.callbacks?.onAbort?.(stats, this.context, null);
      }
    }

    destroy(): void {
      this.stop.abort();
      clearTimeout(this.retryTimer);
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
