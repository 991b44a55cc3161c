import { createMeterStore, emptySnapshot, type MeterSnapshot, type MeterStore, type MeterTick, type PlayStatus } from './meter-store.js';

/** What a media element looks like at one instant. */
export interface MeterSample {
  mediaTime: number;
  playbackRate: number;
  status: PlayStatus;
  /**
   * An ad is on screen (ads/ad-break.ts `playing`): the media clock is the ad's, and the viewer pays nothing
   * for it. An interval with an ad at either end credits no content seconds.
   */
  ad?: boolean;
}

export interface MeterOptions {
  /** Wall clock in ms (performance.now in the browser, a fake in tests). */
  now: () => number;
  rateMicroAlgos?: number;
  budgetMicroAlgos?: number | null;
  previewSeconds?: number;
  store?: MeterStore;
}

/** Media may run a little ahead of the wall clock (clock drift, rate changed mid-interval). */
const SLACK = 0.05;
/** Media advance past the wall-clock allowance by more than this is a jump, not watching. */
const JUMP_SECONDS = 1;
/** Wall-clock allowance (content seconds) that may carry from one interval to the next. */
const CARRY_SECONDS = 1;
const US = 1_000_000;

/**
 * The pure per-second meter. Feed it a sample on every media event and timer wake-up; it credits the
 * content time that advanced over an interval that started while really playing,
 *   min(Δmedia, allowance),  allowance = Δwall × rate × (1 + slack) + ≤ 1 s carried over,
 * only when 0 < Δmedia ≤ allowance + 1 s (more is a jump),
 * and turns each completed whole second into a tick. Crediting by the media clock rather than by
 * counting callbacks means a timer that fires 60 s late yields 60 ticks, none lost or doubled.
 *
 * A sample whose status is `seeking` carries the seek target, so its interval is discarded: the time
 * watched since the previous sample (≤ 1 s, a timeupdate is ~250 ms) is lost rather than guessed.
 * So is an interval that begins or ends in an ad (`ad`): the ad's seconds are never content seconds, and the
 * content seconds on either side of it (the fraction of a sample interval next to it aside) still count.
 */
export class Meter {
  readonly store: MeterStore;
  private last: (MeterSample & { wall: number }) | null = null;
  /** Watched content in integer microseconds: exact sums, no float drift over a long film. */
  private watchedUs = 0;
  private allowance = 0;

  constructor(private readonly opts: MeterOptions) {
    this.store = opts.store ?? createMeterStore();
    this.reset();
  }

  get state(): MeterSnapshot {
    return this.store.get();
  }

  /** New session (new src, new price): counts start again at zero. */
  reset(): void {
    const { rateMicroAlgos = 0, budgetMicroAlgos = null, previewSeconds = 0 } = this.opts;
    this.last = null;
    this.watchedUs = 0;
    this.allowance = 0;
    this.store.set(emptySnapshot(rateMicroAlgos, budgetMicroAlgos, previewSeconds));
  }

  sample(s: MeterSample): MeterTick[] {
    const wall = this.opts.now();
    const p = this.last;
    // An interval that starts while waiting (buffering) counts too: the media resumes before its `playing`
    // event fires, tens of ms later on a busy machine, and those ms were watched. The media clock does not
    // move while stalled, and its allowance is held to a second, so a stall itself is never billed.
    if (p && (p.status === 'playing' || p.status === 'waiting') && s.status !== 'seeking' && !p.ad && !s.ad) {
      const dMedia = s.mediaTime - p.mediaTime;
      this.allowance += (Math.max(0, wall - p.wall) / 1000) * Math.max(p.playbackRate, s.playbackRate) * (1 + SLACK);
      if (p.status === 'waiting') this.allowance = Math.min(this.allowance, CARRY_SECONDS);
      if (dMedia > 0 && dMedia <= this.allowance + JUMP_SECONDS) {
        const credit = Math.min(dMedia, this.allowance);
        this.allowance -= credit;
        // The 1e-6 µs nudge keeps 0.3 - 0.1 = 0.19999999999999998 from losing a microsecond each time.
        this.watchedUs += Math.floor(credit * US + 1e-6);
      }
      // Unused allowance carries a little: the media clock and the wall clock are read at slightly
      // different moments, and a sample that sees the wall move but not the media (or the reverse)
      // must not lose that time for good.
      this.allowance = Math.min(this.allowance, CARRY_SECONDS);
    } else {
      this.allowance = 0;
    }
    this.last = { ...s, wall };
    return this.settle(s);
  }

  /** Let the viewer spend `extraMicroAlgos` more this session (the overlay's "continue"). */
  raiseBudget(extraMicroAlgos: number): MeterTick[] {
    const { budgetMicroAlgos } = this.state;
    return budgetMicroAlgos == null || !(extraMicroAlgos > 0) ? [] : this.setBudget(budgetMicroAlgos + extraMicroAlgos);
  }

  /**
   * Free seconds of this meter session, as the server decided them once a payment session is open
   * (protocol v3): the preview left to this viewer, which may be less than the catalog's. The session and
   * its counts go on; seconds already watched past the new preview become billable.
   */
  setPreview(previewSeconds: number): MeterTick[] {
    if (previewSeconds === this.state.previewSeconds) return [];
    this.opts.previewSeconds = previewSeconds;
    this.store.set({ ...this.state, previewSeconds, previewUsed: Math.min(this.state.previewUsed, previewSeconds) });
    return this.last ? this.settle(this.last) : [];
  }

  /**
   * A new cap for this session (null: none); the session, its seq and totals go on. Returns the ticks
   * for seconds watched while the budget held them back (the second or so before a pause landed).
   */
  setBudget(budgetMicroAlgos: number | null): MeterTick[] {
    this.opts.budgetMicroAlgos = budgetMicroAlgos;
    this.store.set({ ...this.state, budgetMicroAlgos });
    return this.last ? this.settle(this.last) : [];
  }

  private settle(s: MeterSample): MeterTick[] {
    const st = this.state;
    const rate = st.rateMicroAlgos;
    const budget = st.budgetMicroAlgos;
    const watched = Math.floor(this.watchedUs / US);
    const previewUsed = Math.min(watched, st.previewSeconds);
    const billable = rate > 0 ? watched - previewUsed : 0;
    const ticks: MeterTick[] = [];
    let { billedSeconds: seq, totalMicroAlgos: total } = st;
    while (seq < billable && (budget == null || total + rate <= budget)) {
      seq++;
      total += rate;
      // In a catch-up of several seconds, each earlier second ended `behind` media seconds before this sample.
      const behind = (this.watchedUs - (st.previewSeconds + seq) * US) / US;
      ticks.push({ seq, seconds: seq, microAlgos: rate, totalMicroAlgos: total, mediaTime: Math.max(0, s.mediaTime - behind) });
    }
    const budgetState = budget == null ? 'none'
      : rate > 0 && total + rate > budget ? 'reached'
      : total * 10 >= budget * 9 ? 'warning' : 'ok';
    const status = s.status;
    if (
      status !== st.status || budgetState !== st.budgetState || watched !== st.watchedSeconds ||
      seq !== st.billedSeconds || previewUsed !== st.previewUsed
    ) {
      this.store.set({
        ...st, status, budgetState, watchedSeconds: watched, previewUsed, billedSeconds: seq, totalMicroAlgos: total,
        lastTick: ticks.length ? ticks[ticks.length - 1]! : st.lastTick,
      });
    }
    return ticks;
  }
}
