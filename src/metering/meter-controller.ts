import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { Meter } from './meter.js';
import { createMeterStore, type MeterSnapshot, type MeterTick, type PlayStatus } from './meter-store.js';
import { MeterConfigError, parseBudget, parsePreviewSeconds, parseRate } from './money.js';
import { t } from '../i18n/locale.js';

/** What the meter needs from its element: the attributes and the inner media element. */
export interface MeterHost extends ReactiveControllerHost, HTMLElement {
  readonly media: HTMLMediaElement | null;
  src?: string;
  rate?: string | null;
  budget?: string | null;
  previewSeconds?: string | number | null;
  pauseWhenHidden?: boolean;
  readonly locale?: string;
}

const MEDIA_EVENTS = [
  'play', 'playing', 'pause', 'waiting', 'seeking', 'seeked', 'ended', 'ratechange', 'timeupdate', 'error', 'emptied',
];
const HAVE_FUTURE_DATA = 3;

/**
 * Attaches the pure Meter to the host's media element: every media event, every visibility change
 * and one timer wake-up per second while playing (none otherwise) becomes a sample. The timer is
 * only a backstop for tabs where timeupdate is rare; the meter credits by the media clock, so a
 * timer throttled to once a minute in a hidden tab still yields every second.
 */
export class MeterController implements ReactiveController {
  /** Subscribe from anywhere: `player.meter.store.subscribe(s => …)`. Kept across sessions. */
  readonly store = createMeterStore();
  meter!: Meter;
  error: MeterConfigError | null = null;
  /** What one "continue" adds at the budget: the budget the session started with. */
  budgetStep: number | null = null;
  private media: HTMLMediaElement | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private started = false;
  private pausedWhenHidden = false;
  private session?: string;
  private budgetText?: string | null;
  private unlisten?: () => void;

  constructor(
    private readonly host: MeterHost,
    private readonly now: () => number = () => performance.now(),
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.onEvent);
    this.unlisten = this.store.listen(() => this.host.requestUpdate());
    // Back after a DOM move: listen to the media again without waiting for a render.
    if (this.meter) this.hostUpdated();
  }

  hostUpdate(): void {
    const { src, rate, budget, previewSeconds } = this.host;
    // A new video, price or preview is a new session. Not `emptied`: hls.js fires it on the same video
    // when it re-attaches media to recover, and a reset there would zero the total and the budget.
    const session = `${src}|${rate}|${previewSeconds}`;
    if (session === this.session && budget === this.budgetText) return;
    const sameSession = session === this.session && !this.error;
    this.session = session;
    this.budgetText = budget;
    try {
      this.budgetStep = parseBudget(budget);
      if (sameSession) {
        // Only the cap changed (the page raised or lowered it): the session, its seq and totals go on.
        const before = this.meter.state;
        this.publish(before, this.meter.setBudget(this.budgetStep));
        return;
      }
      this.meter = new Meter({
        now: this.now,
        rateMicroAlgos: parseRate(rate),
        budgetMicroAlgos: this.budgetStep,
        previewSeconds: parsePreviewSeconds(previewSeconds == null ? null : String(previewSeconds)),
        store: this.store,
      });
      this.error = null;
    } catch (e) {
      if (!(e instanceof MeterConfigError)) throw e;
      // Refuse to play at a price we cannot read: nothing is billed and play() is undone at once.
      this.error = e;
      this.meter = new Meter({ now: this.now, store: this.store });
      this.media?.pause();
      // The event carries the localised sentence; the page's developer gets the exact reason.
      console.warn(`sippar-player: ${e.message}`);
      const detail = { code: e.code, message: t(this.host.locale ?? 'en', e.code), fatal: true };
      this.host.dispatchEvent(new CustomEvent('sippar-error', { detail, bubbles: true, composed: true }));
    }
    this.started = false;
    this.sample();
  }

  hostUpdated(): void {
    const media = this.host.media;
    if (media === this.media) return;
    this.detach();
    this.media = media;
    for (const type of MEDIA_EVENTS) media?.addEventListener(type, this.onEvent);
    this.sample();
  }

  hostDisconnected(): void {
    // Removed from the page: close the running interval, then count nothing more.
    if (this.meter) this.sample('idle');
    this.detach();
    this.media = null;
    document.removeEventListener('visibilitychange', this.onEvent);
    this.unlisten?.();
  }

  /** The overlay's "continue": add the original budget again and resume. */
  continueWithMoreBudget(): void {
    if (this.budgetStep == null) return;
    const before = this.meter.state;
    this.publish(before, this.meter.raiseBudget(this.budgetStep));
    void this.media?.play().catch(() => undefined);
  }

  private detach(): void {
    for (const type of MEDIA_EVENTS) this.media?.removeEventListener(type, this.onEvent);
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readonly onEvent = (event: Event): void => {
    const media = this.media;
    if (!media) return;
    const { type } = event;
    if (type === 'play') {
      this.started = true;
      if (this.error || this.meter.state.budgetState === 'reached') media.pause();
    }
    if (type === 'visibilitychange' && this.host.pauseWhenHidden) {
      // Pause in the background, and resume on return only what this pause stopped.
      if (document.hidden && !media.paused) {
        this.pausedWhenHidden = true;
        media.pause();
      } else if (!document.hidden && this.pausedWhenHidden) {
        this.pausedWhenHidden = false;
        void media.play().catch(() => undefined);
      }
    }
    this.sample(type === 'waiting' ? 'waiting' : undefined);
  };

  private statusOf(media: HTMLMediaElement | null): PlayStatus {
    if (!media || this.error) return this.error ? 'error' : 'idle';
    if (media.error) return 'error';
    if (media.ended) return 'ended';
    if (media.seeking) return 'seeking';
    if (media.paused) return this.started ? 'paused' : 'idle';
    return media.readyState < HAVE_FUTURE_DATA ? 'waiting' : 'playing';
  }

  private sample(force?: PlayStatus): void {
    const media = this.media;
    const before = this.meter.state;
    this.publish(before, this.meter.sample({
      mediaTime: media?.currentTime ?? 0,
      playbackRate: media?.playbackRate ?? 1,
      status: force ?? this.statusOf(media),
    }));
  }

  /** Ticks and state changes out as events; pause at the budget; the timer only while playing. */
  private publish(before: MeterSnapshot, ticks: MeterTick[]): void {
    const media = this.media;
    for (const tick of ticks) this.host.dispatchEvent(new CustomEvent('sippar-tick', { detail: tick, bubbles: true, composed: true }));
    const after = this.report(before);
    if (after.budgetState === 'reached' && media && !media.paused) media.pause();
    if (after.status !== 'playing') {
      clearTimeout(this.timer);
      this.timer = undefined;
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.sample();
      }, 1000);
    }
  }

  /** `sippar-meter-state` on every change of status or budget state. */
  private report(before: MeterSnapshot): MeterSnapshot {
    const s = this.meter.state;
    if (s.status !== before.status || s.budgetState !== before.budgetState) {
      const detail = { state: s.status, budget: s.budgetState, ...s };
      this.host.dispatchEvent(new CustomEvent('sippar-meter-state', { detail, bubbles: true, composed: true }));
    }
    return s;
  }
}
