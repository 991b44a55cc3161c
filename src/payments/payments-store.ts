/** The payment state of one player, as a nanostores atom (UI, events and apps subscribe to it). */
import { atom, type WritableAtom } from 'nanostores';

/**
 * - idle: nothing to pay (free video, not signed in, not played yet)
 * - starting: opening (or resuming) the session
 * - active: ticks are acknowledged
 * - grace: the API does not answer; playback goes on until `graceEndsAt`
 * - paused-unreachable: grace spent; playback paused until the API answers again
 * - insufficient-funds: the server refused to bill further (402); playback paused
 * - elsewhere: another tab of this viewer is playing this video (Web Lock); this one is paused
 * - error: the server refused the session or a tick for good (expired sign-in, rejected signature…)
 * - budget: the server refused a tick past the budget the session was started with (BUDGET_EXCEEDED);
 *   a larger budget (the overlay's Continue, or the page's `budget`) opens a new session
 */
export type PaymentStatus = 'idle' | 'starting' | 'active' | 'grace' | 'paused-unreachable' | 'insufficient-funds' | 'elsewhere' | 'error' | 'budget';

export interface PaymentState {
  status: PaymentStatus;
  sessionId?: string;
  /** Totals the server's ledger acknowledged (billed). */
  acknowledged: { seq: number; seconds: number; microAlgos: number };
  balanceMicroAlgos?: number;
  /** Unix ms at which playback pauses if the API stays unreachable (status 'grace'). */
  graceEndsAt?: number;
  error?: { code: string; message: string; fatal: boolean };
  /**
   * v3, once a session is open: its free seconds (the server's, decided at start) and how many of them were
   * used before this page's meter session joined it (earlier page loads). The meter shows the rest as preview.
   */
  preview?: { freeSeconds: number; usedBefore: number };
}

export const initialPaymentState = (): PaymentState => ({ status: 'idle', acknowledged: { seq: 0, seconds: 0, microAlgos: 0 } });

export const createPaymentStore = (): WritableAtom<PaymentState> => atom<PaymentState>(initialPaymentState());
