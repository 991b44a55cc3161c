import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ReadableAtom } from 'nanostores';
import { Meter } from './meter.js';
import type { MediaWithAds } from '../ads/ad-break.js';
import { createMeterStore, type MeterSnapshot, type MeterTick, type PlayStatus } from './meter-store.js';

/** What the meter needs from its element: the inner media element. */
export interface MeterHost extends ReactiveControllerHost, HTMLElement {
  readonly media: HTMLMediaElement | null;
}

/** The meter's part of the player's configuration (config/player-config.ts parses it). */
export interface MeterSettings {
  src: string;
  rateMicroAlgos: number;
  budgetMicroAlgos: number | null;
  previewSeconds: number;
  /** A price attribute was refused: nothing is counted as billable. */
  invalid: boolean;
  /**
   * v3: the free seconds the server left this viewer in the open payment session, for this meter session
   * (null: no session yet, `previewSeconds` — the catalog's — applies). Changes it without a new meter session.
   */
  freeLeft?: number | null;
}

/** The next step of the money path: payments, called directly (never through a DOM event). */
export interface MeterListener {
  /**
   * Cumulative seconds of meter session `session` (a new session counts from zero again), free preview
   * seconds included (protocol v3: ticks sign every second watched; the server decides which are free).
   */
  credited(session: string, seconds: number, mediaTime: number): void;
  /** Playback started (true) or stopped: paused, ended (false). */
  playing(playing: boolean): void;
  /** A seek began: seconds credited so far should be sent now (payments may batch them otherwise). */
  seeking?(): void;
}

const MEDIA_EVENTS = [
  'play', 'playing', 'pause', 'waiting', 'seeking', 'seeked', 'ended', 'ratechange', 'timeupdate', 'error', 'emptied',
];
const HAVE_FUTURE_DATA = 3;
let sessions = 0;

/**
 * Attaches the pure Meter to the host's media element: every media event, every visibility change
 * and one timer wake-up per second while playing (none otherwise) becomes a sample. The timer is
 * only a backstop for tabs where timeupdate is rare; the meter credits by the media clock, so a
 * timer throttled to once a minute in a hidden tab still yields every second.
 *
 * It only counts: it never plays or pauses the media (the play policy reads its store).
 */
export class MeterController implements ReactiveController {
  readonly #store = createMeterStore();
  /** Read-only: `player.meter.store.subscribe(s => …)`. Kept across sessions. */
  readonly store: ReadableAtom<MeterSnapshot> = this.#store;
  meter!: Meter;
  listener: MeterListener | null = null;
  /** What one "continue" adds at the budget: the budget the session started with. */
  budgetStep: number | null = null;
  private media: HTMLMediaElement | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private started = false;
  private invalid = false;
  private playingNow = false;
  private sessionKey?: string;
  private sessionId = '';
  private budget?: number | null;
  private freeLeft?: number | null;
  /** Seconds of this meter session handed to payments so far (free and billed). */
  private creditedSeconds = 0;
  private unlisten?: () => void;

  constructor(
    private readonly host: MeterHost,
    private readonly settings: () => MeterSettings,
    private readonly now: () => number = () => performance.now(),
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.onEvent);
    this.unlisten = this.#store.listen(() => this.host.requestUpdate());
    // Back after a DOM move: listen to the media again without waiting for a render.
    if (this.meter) this.hostUpdated();
  }

  hostUpdate(): void {
    const c = this.settings();
    // A new video, price or preview is a new session. Not `emptied`: hls.js fires it on the same video
    // when it re-attaches media to recover, and a reset there would zero the total and the budget.
    const key = `${c.src}|${c.rateMicroAlgos}|${c.previewSeconds}|${c.invalid}`;
    if (key === this.sessionKey) {
      // The server's preview arrived or changed: the session and its counts go on.
      if ((c.freeLeft ?? null) !== (this.freeLeft ?? null)) {
        this.freeLeft = c.freeLeft ?? null;
        const before = this.meter.state;
        this.publish(before, this.meter.setPreview(this.freeLeft ?? c.previewSeconds));
      }
      // Only the cap changed (the page raised or lowered it): the session, its seq and totals go on.
      if (c.budgetMicroAlgos !== this.budget) {
        this.budget = this.budgetStep = c.budgetMicroAlgos;
        const before = this.meter.state;
        this.publish(before, this.meter.setBudget(c.budgetMicroAlgos));
      }
      return;
    }
    // Close the old session first: the seconds it completed go out under it, not under the new one.
    if (this.meter) this.sample();
    this.sessionKey = key;
    this.sessionId = `m${++sessions}`;
    this.creditedSeconds = 0;
    this.freeLeft = c.freeLeft ?? null;
    this.budget = this.budgetStep = c.budgetMicroAlgos;
    this.invalid = c.invalid;
    this.meter = new Meter({
      now: this.now,
      rateMicroAlgos: c.invalid ? 0 : c.rateMicroAlgos,
      budgetMicroAlgos: c.invalid ? null : c.budgetMicroAlgos,
      previewSeconds: c.freeLeft ?? c.previewSeconds,
      store: this.#store,
    });
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

  /** Takes a sample now (the page is going away: what was watched until this instant counts). */
  sampleNow(): void {
    if (this.meter) this.sample();
  }

  /** The overlay's "continue": add the original budget again (the play policy then lets playback resume). */
  continueWithMoreBudget(): void {
    if (this.budgetStep == null) return;
    const before = this.meter.state;
    this.publish(before, this.meter.raiseBudget(this.budgetStep));
  }

  private detach(): void {
    for (const type of MEDIA_EVENTS) this.media?.removeEventListener(type, this.onEvent);
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readonly onEvent = (event: Event): void => {
    if (!this.media) return;
    if (event.type === 'play') this.started = true;
    this.sample(event.type === 'waiting' ? 'waiting' : undefined);
  };

  /** `ad`: the media is an ad's (playback/hls-ads.ts), whose end is not the title's: the title resumes next. */
  private statusOf(media: HTMLMediaElement | null, ad: boolean): PlayStatus {
    if (!media || this.invalid) return this.invalid ? 'error' : 'idle';
    if (media.error) return 'error';
    if (media.ended) return ad ? 'waiting' : 'ended';
    if (media.seeking) return 'seeking';
    if (media.paused) return this.started ? 'paused' : 'idle';
    return media.readyState < HAVE_FUTURE_DATA ? 'waiting' : 'playing';
  }

  private sample(force?: PlayStatus): void {
    const media = this.media;
    const before = this.meter.state;
    // Playback's ad-break store (playback/hls-ads.ts): during an ad the media clock is the ad's.
    const ad = (media as MediaWithAds | null)?.sipparAdBreak?.state.get().status === 'playing';
    this.publish(before, this.meter.sample({
      mediaTime: media?.currentTime ?? 0,
      playbackRate: media?.playbackRate ?? 1,
      status: force ?? this.statusOf(media, ad),
      ad,
    }));
  }

  /** Seconds to payments (directly) and out as events; the timer only while playing. */
  private publish(before: MeterSnapshot, ticks: MeterTick[]): void {
    // Every whole second watched goes to payments, the free ones too: the server counts the preview.
    const s = this.meter.state;
    const accounted = s.rateMicroAlgos > 0 ? s.previewUsed + s.billedSeconds : 0;
    if (accounted > this.creditedSeconds) {
      this.creditedSeconds = accounted;
      this.listener?.credited(this.sessionId, accounted, ticks.at(-1)?.mediaTime ?? this.media?.currentTime ?? 0);
    }
    // Outputs only: a page may listen; nothing in the player reads them back.
    for (const tick of ticks) this.host.dispatchEvent(new CustomEvent('sippar-tick', { detail: tick, bubbles: true, composed: true }));
    const after = this.report(before);
    if (after.status === 'seeking' && before.status !== 'seeking') this.listener?.seeking?.();
    this.reportPlaying(after.status);
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

  /** Waiting and seeking keep the state they interrupt; playing starts it; paused, ended and idle stop it. */
  private reportPlaying(status: PlayStatus): void {
    const playing = status === 'playing' ? true : status === 'waiting' || status === 'seeking' ? this.playingNow : false;
    if (playing === this.playingNow) return;
    this.playingNow = playing;
    this.listener?.playing(playing);
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
