import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { HlsSession, SessionOwner } from './hls-session.js';
import { SipparError, type SipparErrorCode } from '../errors.js';
import { MEDIA_EVENTS, type SipparErrorDetail } from '../events.js';
import { t } from '../i18n/locale.js';
import { browserEnv, chooseEngine, parseSrc, type Engine } from './engine.js';
import type { Prefetched } from './prefetch-store.js';
import { loadHlsParts, prefetch } from './hls-start.js';
import { nextTask } from './next-task.js';
import { loadDepth, prefetchSegments } from './preload-policy.js';
import { Timers } from './timers.js';

const TRACK_EVENTS = ['addtrack', 'removetrack', 'change'] as const;

export type PlaybackStatus = 'idle' | 'loading' | 'ready' | 'reconnecting' | 'error';

export interface PlaybackHost extends ReactiveControllerHost, HTMLElement {
  src: string;
  preload: string;
  autoplay: boolean;
  readonly media: HTMLVideoElement | null;
  readonly locale: string;
  /** A play request (a paid video's play policy may refuse it), not the media's own play(). */
  play(): Promise<void>;
}

/**
 * Owns the life of one source on the host's <video>: engine choice, lazy hls.js, recovery,
 * media-event re-dispatch and teardown. Each load bumps `generation`; callbacks from an older
 * generation (a late import, a destroyed hls.js instance) are ignored.
 */
export class PlaybackController implements ReactiveController, SessionOwner {
  status: PlaybackStatus = 'idle';
  error: SipparError | undefined;
  waiting = false;
  engine: Engine | undefined;

  private video: HTMLVideoElement | null = null;
  private session: HlsSession | undefined;
  private loadedSrc: string | undefined;
  private generation = 0;
  private abort: AbortController | undefined;
  readonly timers = new Timers();
  private teardownTimer: number | undefined;
  private noticeTimer: number | undefined;
  private notice: SipparError | undefined;
  private resume: { time: number; playing: boolean } | undefined;
  /** loading="lazy": cancels the viewport watch; `near` once the player came close enough. */
  private stopWatching: (() => void) | undefined;
  private watching = false;
  private near = false;

  constructor(private readonly host: PlaybackHost) {
    host.addController(this);
  }

  hostConnected(): void {
    // A DOM move reconnects before the deferred teardown runs: keep playing as if nothing happened.
    if (this.teardownTimer !== undefined) {
      this.timers.cancel(this.teardownTimer);
      this.teardownTimer = undefined;
    }
    // Torn down while away: render again so hostUpdated re-binds and reloads (resuming).
    this.host.requestUpdate();
  }

  hostUpdated(): void {
    const video = this.host.media;
    if (!video || !this.host.isConnected) return;
    if (video !== this.video) this.bind(video);
    if (this.host.src === this.loadedSrc) return;
    if (!this.near && this.host.getAttribute('loading')?.toLowerCase() === 'lazy') {
      if (!this.watching) this.watchViewport();
      return;
    }
    this.load();
  }

  hostDisconnected(): void {
    // Read now: once out of the document the browser pauses the video on its own.
    const v = this.video;
    const resume = v && this.loadedSrc ? { time: v.currentTime, playing: !v.paused } : undefined;
    this.teardownTimer = this.timers.afterFrames(() => {
      this.teardownTimer = undefined;
      this.resume = resume;
      this.unload();
      this.unbind();
      this.timers.clearAll();
    });
  }

  /** Starts over with the current src (the overlay's Retry button). */
  retry(): void {
    this.loadedSrc = undefined;
    this.load();
  }

  /** loading="lazy": load once the player nears the viewport (lazy-load.ts, a chunk of its own). */
  private watchViewport(): void {
    this.watching = true;
    void import('../lazy-load.js').then(({ whenNearViewport }) => {
      if (!this.watching || this.stopWatching) return;
      this.stopWatching = whenNearViewport(this.host, () => { this.near = true; this.host.requestUpdate(); });
    });
  }

  private bind(video: HTMLVideoElement): void {
    this.unbind();
    this.video = video;
    for (const type of MEDIA_EVENTS) video.addEventListener(type, this.onMediaEvent);
    for (const type of TRACK_EVENTS) video.textTracks.addEventListener(type, this.onTracks);
    globalThis.addEventListener('online', this.onOnline);
  }

  private unbind(): void {
    const video = this.video;
    if (!video) return;
    for (const type of MEDIA_EVENTS) video.removeEventListener(type, this.onMediaEvent);
    for (const type of TRACK_EVENTS) video.textTracks.removeEventListener(type, this.onTracks);
    globalThis.removeEventListener('online', this.onOnline);
    this.watching = false;
    this.stopWatching?.();
    this.stopWatching = undefined;
    this.video = null;
  }

  private load(): void {
    const video = this.video!;
    this.unload();
    const gen = this.generation;
    const src = this.host.src;
    this.loadedSrc = src;
    if (!src) return this.fail('SRC_MISSING');
    const url = parseSrc(src, document.baseURI);
    if (!url) return this.fail('SRC_INVALID');
    this.engine = chooseEngine(url, browserEnv(video));
    if (this.engine !== 'hls') {
      this.setStatus('loading');
      video.src = url.href;
      this.afterAttach();
      return;
    }
    // A reload after a DOM move resumes at once; otherwise preload decides (preload-policy.ts).
    const depth = this.resume ? 'buffer' : loadDepth(this.host.preload, this.host.autoplay);
    const href = url.href;
    if (depth === 'buffer') {
      this.setStatus('loading');
      void this.startHls(href, gen, prefetch(href, prefetchSegments(depth, this.host.getAttribute('rate')) ? 'segments' : 'manifest'));
      return;
    }
    // Until the viewer plays (controls, a click, player.play()): the manifest at most, no hls.js.
    const manifest = depth === 'manifest' ? prefetch(href, 'manifest') : undefined;
    void manifest?.then((m) => { if (gen === this.generation && m && m.status >= 400 && m.status < 500) this.fail('MANIFEST_NOT_FOUND'); });
    this.abort = new AbortController();
    const signal = this.abort.signal;
    video.addEventListener('play', () => {
      if (gen !== this.generation) return;
      // Paused on purpose meanwhile (the viewer, a sign-in gate): attaching must not resume it.
      let pausedSince = false;
      video.addEventListener('pause', () => { pausedSince = true; }, { once: true, signal });
      this.setStatus('loading');
      void this.startHls(href, gen, manifest ?? prefetch(href, 'manifest'), () => !pausedSince);
    }, { once: true, signal });
  }

  /** `wantsPlay`: started by a play() that attaching the source may cancel; says whether to ask again. */
  private async startHls(url: string, gen: number, manifest: Promise<Prefetched | undefined>, wantsPlay?: () => boolean): Promise<void> {
    let session: HlsSession;
    try {
      const { engine } = await loadHlsParts(manifest);
      if (gen !== this.generation) return;
      if (!engine) return this.fail('MANIFEST_NOT_FOUND');
      session = new engine.Session(this, engine.Hls, this.resume?.time ?? -1, true, engine.ads);
    } catch {
      if (gen === this.generation) this.fail('ENGINE_LOAD');
      return;
    }
    // new Hls() and its start (loadSource, attachMedia) in tasks of their own: together, a long task at 4× CPU.
    await nextTask();
    // Superseded while hls.js loaded (src changed, element removed): drop it unused.
    if (gen !== this.generation || !this.video) return session.destroy();
    this.session = session;
    // hls.js reads the manifest fetched here from memory instead of fetching it a second time.
    session.start(this.video, url, manifest);
    if (wantsPlay?.() && this.video.paused) this.video.play().catch(() => undefined);
    this.afterAttach();
  }

  /** SessionOwner: the hls.js session is retrying (true) or media flows again (false). */
  reconnecting(on: boolean): void {
    this.setStatus(on ? 'reconnecting' : 'ready');
  }

  private afterAttach(): void {
    const video = this.video!;
    if (this.resume) {
      const { time, playing } = this.resume;
      this.resume = undefined;
      const gen = this.generation;
      // Guarded: if another source replaced this one first, the old position must not leak into it.
      if (this.engine !== 'hls' && time) video.addEventListener('loadedmetadata', () => { if (gen === this.generation) video.currentTime = time; }, { once: true });
      if (playing) this.host.play().catch(() => undefined);
    }
  }

  private readonly onOnline = (): void => this.session?.online();

  private readonly onTracks = (): void => this.host.requestUpdate();

  private readonly onMediaEvent = (event: Event): void => {
    const type = event.type;
    if (type === 'waiting') this.waiting = true;
    else if (type === 'playing' || type === 'pause' || type === 'seeked' || type === 'canplay') this.waiting = false;
    if (type === 'loadeddata' && this.status === 'loading') this.setStatus('ready');
    if (type === 'error') this.onVideoError();
    // Not bubbling, as on <video>: a bubbling `error` would reach every window.onerror reporter.
    this.host.dispatchEvent(new Event(type));
    this.host.requestUpdate();
  };

  private onVideoError(): void {
    // With hls.js attached, its own ERROR event carries the better diagnosis.
    const err = this.video?.error;
    if (!err || this.session || this.engine === undefined) return;
    if (err.code === 2) return this.fail('NETWORK_ERROR');
    if (err.code === 3) return this.fail('MEDIA_DECODE');
    if (err.code !== 4) return;
    // <video> says "not supported" for a 404 too: ask the server before blaming the format.
    const gen = this.generation;
    const src = this.video!.currentSrc || this.video!.src;
    void fetch(src, { method: 'HEAD' })
      .then((res) => (res.status >= 400 ? 'MEDIA_NOT_FOUND' : 'MEDIA_UNSUPPORTED'), () => 'MEDIA_UNSUPPORTED' as const)
      .then((code) => { if (gen === this.generation) this.fail(code); });
  }

  /** A non-fatal problem: a notice over the picture for a few seconds, and a sippar-error event. */
  warn(code: SipparErrorCode): void {
    const message = t(this.host.locale, code);
    this.notice = new SipparError(code, message, false);
    this.timers.cancel(this.noticeTimer);
    this.noticeTimer = this.timers.after(5_000, () => { this.noticeTimer = undefined; this.host.requestUpdate(); });
    this.emit({ code, message, fatal: false });
    this.host.requestUpdate();
  }

  /** Shown while its timer runs; kept afterwards only to report a code once per load. */
  get activeNotice(): SipparError | undefined {
    return this.noticeTimer === undefined ? undefined : this.notice;
  }

  private emit(detail: SipparErrorDetail): void {
    this.host.dispatchEvent(new CustomEvent('sippar-error', { detail, bubbles: true, composed: true }));
  }

  fail(code: SipparErrorCode): void {
    const message = t(this.host.locale, code);
    this.error = new SipparError(code, message, true);
    this.setStatus('error');
    this.unload(false);
    this.emit({ code, message, fatal: true });
  }

  private setStatus(status: PlaybackStatus): void {
    this.status = status;
    if (status !== 'error') this.error = undefined;
    this.host.requestUpdate();
  }

  /**
   * Teardown in the order that frees everything: detach, destroy, then empty the <video> so it
   * drops its MediaSource/decoder. `clearStatus` is false when an error should stay on screen.
   */
  private unload(clearStatus = true): void {
    this.generation += 1;
    this.abort?.abort();
    this.abort = undefined;
    this.timers.cancel(this.noticeTimer);
    this.noticeTimer = undefined;
    this.notice = undefined;
    this.session?.destroy();
    this.session = undefined;
    const video = this.video;
    if (video && (video.hasAttribute('src') || video.currentSrc)) {
      video.removeAttribute('src');
      video.load();
    }
    this.engine = undefined;
    this.waiting = false;
    if (clearStatus) {
      this.loadedSrc = undefined;
      this.status = 'idle';
      this.error = undefined;
    }
  }
}

