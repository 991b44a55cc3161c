/**
 * What the outbox keeps and says: the one stored record per session, the signed ticks in it, the totals the
 * server confirmed, and the outcomes and events of a send. Types and two pure helpers, no behaviour.
 */
import type { Tick } from './tick.js';

export interface SignedTick {
  tick: Tick;
  /** Session-key signature over tickSigningBytes(tick), hex. */
  signature: string;
}

/** Ledger totals the server confirmed for the session. */
export interface LedgerTotals {
  seq: number;
  seconds: number;
  microAlgos: number;
}

/** The one stored record per (principal, content). */
export interface OutboxRecord {
  sessionId: string;
  /** Rate the session was opened at; a different rate needs a new session. */
  rateMicroAlgos: number;
  /**
   * v3: the free seconds the server gave the session at start (what the viewer had left of the title's
   * preview). Ticks sign every second watched; `microAlgos = tickAmount(seconds, rate, freeSeconds)`.
   * Absent in a record stored before v3: 0.
   */
  freeSeconds?: number;
  /** What the server's ledger last said (billed totals: below `signed` after a 402). */
  acked: LedgerTotals | null;
  /**
   * Totals of the newest tick ever signed for the session, acknowledged or not: the base of the next tick.
   * Not `acked`: after a 402 the ledger bills less than was signed, and signing less again is TOTALS_DECREASED.
   */
  signed: LedgerTotals;
  /** Newest signed tick not yet acknowledged (null: nothing owed). */
  pending: SignedTick | null;
  /**
   * A final tick signed ahead of need (seq just above `signed`, same totals), for `pagehide`: a page going
   * away cannot await a signature or a storage write, but it can fire a stored, signed request. Its seq
   * counts as used whether or not it is ever sent.
   */
  standby?: SignedTick | null;
  /**
   * Its twin: the same seq, one second more. pagehide sends it when the meter credited one second that
   * could not be signed in time, so a page that goes away is billed within a second of what it played.
   * Only one of the two is ever sent (the same seq twice with other totals is refused by the server).
   */
  standbyNext?: SignedTick | null;
}

export interface OutboxStorage {
  save(record: OutboxRecord): Promise<void>;
}

export interface OutboxError {
  /** SipparErrorCode for the element (PAYMENT_API_UNREACHABLE, INSUFFICIENT_FUNDS, …). */
  code: string;
  message: string;
  /** Server error code when the server answered. */
  apiCode?: string;
  status?: number;
}

/** What the transport says about one send. */
export type SendOutcome =
  | { ok: true; ledger: LedgerTotals & { balanceMicroAlgos?: number } }
  | {
      ok: false;
      /** Retry later with backoff (network, timeout, 5xx, garbage, 429), or stop (402, 401, 409…). */
      retryable: boolean;
      error: OutboxError;
      /** Ledger after the request when the server said (402 charges what is affordable; 409 shows where it is). */
      ledger?: LedgerTotals & { balanceMicroAlgos?: number };
    };

export interface OutboxClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export type OutboxEvent =
  | { type: 'ack'; ledger: LedgerTotals & { balanceMicroAlgos?: number }; final: boolean }
  | { type: 'retry'; error: OutboxError; attempt: number; delayMs: number; failingSince: number }
  | { type: 'halt'; error: OutboxError; ledger?: LedgerTotals & { balanceMicroAlgos?: number } };

export const systemClock: OutboxClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export function newRecord(sessionId: string, rateMicroAlgos: number): OutboxRecord {
  return { sessionId, rateMicroAlgos, acked: null, signed: { seq: 0, seconds: 0, microAlgos: 0 }, pending: null };
}

/** Latest totals the session is known to have reached (pending beats acked): the base for the next tick. */
export function recordHead(r: OutboxRecord): LedgerTotals {
  const head = signedHead(r);
  const sb = r.standby?.tick;
  return sb && sb.seq > head.seq ? { ...head, seq: sb.seq } : head;
}

function signedHead(r: OutboxRecord): LedgerTotals {
  const a = r.acked;
  // A ledger ahead of what this record signed (another tab of the same viewer wrote it) moves the base on.
  if (a && a.seq > r.signed.seq) return { seq: a.seq, seconds: Math.max(a.seconds, r.signed.seconds), microAlgos: Math.max(a.microAlgos, r.signed.microAlgos) };
  return { ...r.signed };
}
