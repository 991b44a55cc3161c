/** The payments machine's state, events and effects (payments-machine.ts is the transition function). */
import { tickAmount } from './tick.js';
import type { OutboxError, OutboxRecord, LedgerTotals } from './outbox.js';
import type { PaymentState } from './payments-store.js';
import type { Tick } from './tick.js';
export interface MachineConfig {
  api: string;
  contentId: string;
  rateMicroAlgos: number;
  graceSeconds: number;
  /**
   * The budget a new session is signed with (protocol v3; null = none): the meter's cap (the `budget`
   * attribute, raised by Continue). A change settles the open session and opens a new one with it.
   */
  budgetMicroAlgos: number | null;
}

export type LockState = 'none' | 'acquiring' | 'held' | 'denied';
export type SessionPhase = 'closed' | 'loading' | 'starting' | 'open';
export type Ledger = LedgerTotals & { balanceMicroAlgos?: number };

export interface MachineState {
  /** Null: nothing to pay (free video, or a configuration the element refused). */
  config: MachineConfig | null;
  /** A configuration waiting for the open session to be settled with a final tick. */
  nextConfig?: MachineConfig | null;
  /** The signed-in viewer's session key (hex DER); null while signed out or expired. */
  signer: string | null;
  lock: LockState;
  phase: SessionPhase;
  /** Bumped whenever the open session goes away: answers for an older epoch are ignored. */
  epoch: number;
  sessionId?: string;
  sessionRate: number;
  /** v3: free seconds of the open session (the server's `freeSeconds`): its ticks' first seconds cost nothing. */
  sessionFree: number;
  /** Whole seconds owed before a playing session signs its next tick (the API's announced interval). */
  tickInterval: number;
  /** The position jumped (seek): send what is owed now, whatever the interval. */
  flushNow: boolean;
  /** Totals of the newest signed tick: the base of the next one. */
  head: LedgerTotals;
  /** Highest seq used, standby reservations included. */
  reserved: number;
  /** head.seq the stored standby pair was signed for; null: none. */
  standbyFor: number | null;
  /** Whole seconds credited by the meter and not yet signed. */
  owed: number;
  /** Seconds in the tick being signed right now (0: no signature in flight). */
  signing: number;
  /** What is being signed now: one signature at a time. */
  signingKind: 'none' | 'tick' | 'standby';
  signingFinal: boolean;
  meterSession: string | null;
  meterSeen: number;
  mediaTimeMs: number;
  /** Credits of the new meter session while the old session is being settled (see nextConfig). */
  owedNext: number;
  /** The media plays (as the meter saw it): the tab lock is taken at once, not at the first billed second. */
  playing: boolean;
  wantFinal: boolean;
  /** A session closed with signed ticks the API has not acknowledged: reopen it to send them. */
  unsent: boolean;
  /**
   * The open session was signed with another budget than the configuration's: it signs nothing more, and
   * closes once the API acknowledged its ticks (its final one included); the next opens with the new budget.
   */
  reopen: boolean;
  lastFinal: boolean;
  /** pagehide came while a tick was being signed: send it with keepalive once signed. */
  leaving: boolean;
  failingSince: number | null;
  startAttempt: number;
  /** A start failed and its retry timer runs. */
  startWaiting: boolean;
  /**
   * Gated media asks for a key and only a session can sign for it: open one now, not at the first billed
   * second (which the media cannot reach without the key).
   */
  sessionWanted: boolean;
  /**
   * The API refused a start for good (TOO_MANY_SESSIONS, a revoked key, no funds…): no new start until the
   * viewer asks (Try again), signs in again or the configuration changes — not one per second meanwhile.
   */
  startRefused: boolean;
  store: PaymentState;
}

export type MachineEvent =
  | { type: 'configure'; config: MachineConfig | null }
  | { type: 'identity'; signer: string | null }
  | { type: 'credit'; meterSession: string; seconds: number; mediaTime: number }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'pagehide' }
  | { type: 'retry' }
  | { type: 'watch-here' }
  | { type: 'want-session' }
  | { type: 'lock'; held: boolean; steal: boolean }
  | { type: 'lock-lost' }
  /** `budgetMicroAlgos`: what the stored session was signed with (another than the configuration's: it is reopened only to send its unsent ticks). */
  | { type: 'loaded'; epoch: number; record: OutboxRecord | null; budgetMicroAlgos?: number | null }
  /** `budgetMicroAlgos`: what the start was signed with (the configuration may have moved on meanwhile). */
  | { type: 'started'; epoch: number; sessionId: string; rateMicroAlgos: number; balanceMicroAlgos: number; freeSeconds?: number; budgetMicroAlgos?: number | null; tickIntervalSeconds?: number }
  | { type: 'flush' }
  | { type: 'start-failed'; epoch: number; retryable: boolean; error: OutboxError; ledger?: Ledger }
  | { type: 'signed'; epoch: number; ok: boolean; purpose: 'tick' | 'standby' }
  | { type: 'ack'; epoch: number; ledger: Ledger }
  | { type: 'send-failed'; epoch: number; error: OutboxError; failingSince: number }
  | { type: 'halt'; epoch: number; error: OutboxError; ledger?: Ledger }
  | { type: 'timer'; name: TimerName };

export type TimerName = 'grace' | 'start-retry';
export type KeepaliveWhich = 'pending' | 'standby' | 'standby-next';

export type Effect =
  | { type: 'acquire-lock'; steal: boolean }
  | { type: 'drop-lock' }
  | { type: 'load-session'; epoch: number }
  | { type: 'start-session'; epoch: number }
  /** `budgetMicroAlgos`: the budget the session was signed with, stored beside it (not the configuration's). */
  | { type: 'open-outbox'; epoch: number; record: OutboxRecord; budgetMicroAlgos: number | null }
  | { type: 'sign-tick'; epoch: number; tick: Omit<Tick, 'clientTime'> }
  | { type: 'sign-standby'; epoch: number; final: Omit<Tick, 'clientTime'>; next: Omit<Tick, 'clientTime'> }
  | { type: 'send-keepalive'; which: KeepaliveWhich }
  | { type: 'kick-outbox' }
  | { type: 'close-outbox'; forget: boolean }
  | { type: 'set-timer'; name: TimerName; ms: number; attempt?: number }
  | { type: 'clear-timer'; name: TimerName }
  | { type: 'report-error'; code: string; message: string };

export const ZERO: LedgerTotals = { seq: 0, seconds: 0, microAlgos: 0 };

export function initialState(): MachineState {
  return {
    config: null, signer: null, lock: 'none', phase: 'closed', epoch: 0, sessionRate: 0, sessionFree: 0, tickInterval: 1, flushNow: false, head: { ...ZERO }, reserved: 0,
    standbyFor: null, owed: 0, signing: 0, signingKind: 'none', signingFinal: false, meterSession: null, meterSeen: 0, mediaTimeMs: 0, owedNext: 0,
    playing: false, wantFinal: false, unsent: false, reopen: false, lastFinal: false, leaving: false, failingSince: null, startAttempt: 0, startWaiting: false, startRefused: false,
    sessionWanted: false, store: { status: 'idle', acknowledged: { ...ZERO } },
  };
}

/** What a tick of the open session signs for `seconds` (protocol v3: its free seconds cost nothing). */
export const sessionAmount = (s: MachineState, seconds: number): number => tickAmount(seconds, s.sessionRate, s.sessionFree);
