import type Hls from 'hls.js';
import type { SipparErrorCode } from '../errors.js';
import { codeForHlsError } from './hls-errors.js';
import { handoverLoader } from './handover-loader.js';
import type { MediaWithKeys } from './key-authoriser.js';
import { keyAuthorisingLoader } from './key-loader.js';
import type * as HlsAds from './hls-ads.js';
import type { MediaWithAds } from '../ads/ad-break.js';
import { offer, type Prefetched } from './prefetch-store.js';
import { MediaRecovery } from './media-recovery.js';
import { NetworkRecovery } from './network-recovery.js';
import { playbackDebug } from './debug.js';
import type { Timers } from './timers.js';

/** What a session reports back to the PlaybackController. */
export interface SessionOwner {
  readonly timers: Timers;
  fail(code: SipparErrorCode): void;
  warn(code: SipparErrorCode): void;
  reconnecting(on: boolean): void;
}

interface HlsErrorData {
  type: string;
  details: string;
  fatal: boolean;
  response?: { code?: number };
  networkDetails?: { status?: number };
}

/**
 * One hls.js instance on one <video>, with its recovery. Lives in a lazy chunk that loads beside
 * hls.js, so a page playing MP4 (or nothing yet) never pays for it. After destroy(), every late
 * hls.js callback is ignored.
 */
export class HlsSession {
  private destroyed = false;
  private retryTimer: number | undefined;
  private warned = false;
  private readonly network = new NetworkRecovery(() => performance.now());
  private readonly media = new MediaRecovery(() => performance.now());

  private readonly hls: Hls;
  private url = '';
  private video: MediaWithAds | undefined;
  /** Stops writing the <video>'s ad-break store (a break on screen ends as `left`). */
  private stopAds: (() => void) | undefined;
  /** Once hls.js has opened its MediaSource on the <video>: asset lists wait for it (asset-list-loader.ts). */
  private markAttached!: () => void;
  private readonly attached = new Promise<void>((resolve) => (this.markAttached = resolve));

  /** `ads`: the ad-break wiring (hls-ads.ts), given for a title with breaks (hls-start.ts). */
  constructor(private readonly owner: SessionOwner, HlsClass: typeof Hls, startPosition: number, private readonly autoStartLoad: boolean, private readonly ads?: typeof HlsAds) {
    const Default = HlsClass.DefaultConfig.loader;
    this.hls = new HlsClass({
      // hls.js's worker is a blob: URL, which a strict CSP (worker-src falls back to script-src
      // 'self') refuses; fMP4 needs little transmuxing, so the main thread is fine.
      enableWorker: false,
      startPosition,
      autoStartLoad,
      // Load the first segment as soon as its playlist is parsed instead of waiting for the
      // MediaSource to open and the next 100 ms tick: it is usually in memory already (prefetch.ts).
      startFragPrefetch: true,
      // The full build (captions, ad breaks) would give its metadata text track a `data:` source, which a strict
      // CSP's media-src refuses; the player reads no timed metadata (breaks come from the interstitials controller).
      enableDateRangeMetadataCues: false,
      enableEmsgMetadataCues: false,
      enableID3MetadataCues: false,
      // Playlists and segments that were requested ahead (prefetch.ts) are answered from memory; keys of
      // gated media are signed by the paid player's authoriser, set on its <video> (key-authoriser.ts); ad
      // breaks' asset lists carry the paid player's session id (asset-list-loader.ts). The asset players of
      // breaks inherit this config, so their playlists and segments go through it too.
      loader: handoverLoader(keyAuthorisingLoader(
        ads ? ads.adSessionLoader(Default, () => this.video?.sipparAdSession, this.attached) : Default,
        () => (this.hls?.media as MediaWithKeys | null)?.sipparKeyAuthoriser,
      )),
    });
    playbackDebug.liveEngines += 1;
    // String event names: the Events enum lives in hls.js, which stays out of the main bundle.
    const on = this.hls.on.bind(this.hls) as unknown as (event: string, fn: (event: string, data: HlsErrorData) => void) => void;
    on('hlsError', (_e, data) => { if (!this.destroyed) this.onError(data); });
    on('hlsMediaAttached', () => this.markAttached());
    on('hlsFragBuffered', () => {
      if (this.destroyed || !this.network.recovering) return;
      this.network.reset();
      this.owner.reconnecting(false);
    });
  }

  /** `manifest`: the response already fetched for `url`, which hls.js then reads instead of fetching it again. */
  start(video: HTMLVideoElement, url: string, manifest?: Promise<Prefetched | undefined>): void {
    this.url = url;
    this.video = video;
    if (this.ads) this.stopAds = this.ads.watchAdBreaks(this.hls, video, this.ads.adBreakStoreOf(video));
    if (manifest) offer(url, manifest);
    // preload="none": hls.js fetches nothing until the viewer presses play.
    if (!this.autoStartLoad) video.addEventListener('play', this.onFirstPlay, { once: true });
    this.hls.loadSource(url);
    this.hls.attachMedia(video);
  }

  private readonly onFirstPlay = (): void => this.hls.startLoad();

  /** The browser says the network is back: retry now rather than at the end of the backoff. */
  online(): void {
    if (this.retryTimer === undefined) return;
    this.owner.timers.cancel(this.retryTimer);
    this.reconnect();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.owner.timers.cancel(this.retryTimer);
    this.hls.media?.removeEventListener('play', this.onFirstPlay);
    this.video?.removeEventListener('play', this.onFirstPlay);
    this.stopAds?.();
    // detach first so hls.js releases the MediaSource before it tears itself down.
    this.hls.detachMedia();
    this.hls.destroy();
    playbackDebug.liveEngines -= 1;
  }

  private onError(data: HlsErrorData): void {
    if (!data.fatal) {
      // hls.js skips a segment it cannot parse and plays on: say so, once, without stopping.
      if (!this.warned && codeForHlsError(data.type, data.details) === 'SEGMENT_DECODE') {
        this.warned = true;
        this.owner.warn('SEGMENT_DECODE');
      }
      return;
    }
    const status = data.response?.code ?? data.networkDetails?.status;
    const code = codeForHlsError(data.type, data.details, status);
    if (data.type === 'networkError' && code !== 'MANIFEST_NOT_FOUND') {
      const decision = this.network.onFatal(status);
      if (decision.action === 'give-up') {
        return this.owner.fail(typeof navigator !== 'undefined' && !navigator.onLine ? 'NETWORK_OFFLINE' : code);
      }
      this.owner.reconnecting(true);
      this.owner.timers.cancel(this.retryTimer);
      this.retryTimer = this.owner.timers.after(decision.delayMs, () => this.reconnect());
      return;
    }
    if (data.type === 'mediaError' && code !== 'CODEC_UNSUPPORTED') {
      const action = this.media.onFatal();
      if (action === 'give-up') return this.owner.fail(code);
      if (action === 'swap-and-recover') this.hls.swapAudioCodec();
      this.hls.recoverMediaError();
      return;
    }
    this.owner.fail(code);
  }

  private reconnect(): void {
    this.retryTimer = undefined;
    if (this.destroyed) return;
    // Without levels the manifest never arrived: load it again; else resume where we stand.
    if (!this.hls.levels?.length) this.hls.loadSource(this.url);
    else this.hls.startLoad(this.hls.media?.currentTime ?? -1);
  }
}
