import { atom, type WritableAtom } from 'nanostores';

/** What the media element is doing, as far as billing cares. */
export type PlayStatus = 'idle' | 'playing' | 'paused' | 'waiting' | 'seeking' | 'ended' | 'error';
/** `none`: no budget; `warning`: ≥ 90 % spent; `reached`: the next second would pass it. */
export type BudgetState = 'none' | 'ok' | 'warning' | 'reached';

/** One completed billed second. `seconds`/`totalMicroAlgos` are cumulative, so a lost tick is healed by the next. */
export interface MeterTick {
  /** 1, 2, 3… per session. */
  seq: number;
  /** Cumulative billed seconds (equals seq). */
  seconds: number;
  /** This second's price: the rate. */
  microAlgos: number;
  /** Cumulative: seconds × rate. */
  totalMicroAlgos: number;
  /** Media position (seconds) where this second was completed. */
  mediaTime: number;
}

export interface MeterSnapshot {
  status: PlayStatus;
  budgetState: BudgetState;
  rateMicroAlgos: number;
  budgetMicroAlgos: number | null;
  /** Configured free seconds, and how many of them were watched. */
  previewSeconds: number;
  previewUsed: number;
  /** Whole content seconds watched (preview included). */
  watchedSeconds: number;
  billedSeconds: number;
  totalMicroAlgos: number;
  lastTick: MeterTick | null;
}

export type MeterStore = WritableAtom<MeterSnapshot>;

export const emptySnapshot = (rateMicroAlgos = 0, budgetMicroAlgos: number | null = null, previewSeconds = 0): MeterSnapshot => ({
  status: 'idle',
  budgetState: budgetMicroAlgos == null ? 'none' : 'ok',
  rateMicroAlgos,
  budgetMicroAlgos,
  previewSeconds,
  previewUsed: 0,
  watchedSeconds: 0,
  billedSeconds: 0,
  totalMicroAlgos: 0,
  lastTick: null,
});

/**
 * One atom per player (a page may hold several). Written at most once per watched second or state
 * change, never per timeupdate, so subscribers (the counter, an app's UI, payments) stay cheap.
 */
export const createMeterStore = (init = emptySnapshot()): MeterStore => atom<MeterSnapshot>(init);
