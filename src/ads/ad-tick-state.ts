/**
 * The ad-tick machine's state, events and effects (ad-tick-machine.ts is the transition function), and the
 * one record per break that survives a reload (ad-tick-store.ts keeps it). Types and small pure helpers.
 */
import type { AdTickResponse } from '../payments/ad-protocol.js';
import type { AdTick } from '../payments/ad-tick.js';

export interface SignedAdTick {
  tick: AdTick;
  /** Session-key signature over adTickSigningBytes(tick), hex. */
  signature: string;
}

/** Where the server says the break stands (an answer, or the `adLedger` of a refusal). */
export type AdLedger = AdTickResponse;

/** What is kept of one break between page loads: enough to continue its seq and adSeconds, and to send what is owed. */
export interface AdTickRecord {
  auctionId: string;
  /** The payment session the break was served to: its key signs the break's ticks. */
  sessionId: string;
  /** Highest seq used, the standby's included (it may have left with a closing page, unrecorded). */
  reserved: number;
  /** The newest tick signed: the base of the next one (never signed lower, never under a used seq). */
  signed: { seq: number; adSeconds: number; final: boolean };
  /** Newest signed tick not yet acknowledged (null: nothing owed). */
  pending: SignedAdTick | null;
  acked: AdLedger | null;
  /** A final tick with the signed adSeconds under seq `reserved`, for pagehide; and its twin one second more. */
  standby: SignedAdTick | null;
  standbyNext: SignedAdTick | null;
  /** The server settled the break (final acknowledged, or AD_BREAK_CLOSED): nothing more is signed or sent. */
  closed: boolean;
}

export interface BreakState extends AdTickRecord {
  /** Whose storage the break is kept in (api|principal). */
  owner: string;
  /** adSeconds signed before this page load: this load's watched seconds count on top (an ad replayed after a reload). */
  base: number;
  /** Whole seconds of the ad watched in this page load (the playback store's, floored). */
  watched: number;
  /** The break ended for the viewer: its final tick is owed. */
  ended: boolean;
  signing: 'none' | 'tick' | 'standby';
  /** seq of the newest pending tick known to be in storage: only such a tick may be sent (store before send). */
  durable: number;
  /** seq of the request in flight (null: none). */
  inFlight: number | null;
  /** Failed sends in a row (backoff); a retry timer runs while `waiting`. */
  attempt: number;
  waiting: boolean;
  /** Clock of the last tick signed: while the ad plays, at most one a second. */
  lastSignAt: number | null;
  /** A 'tick' timer runs: a second is owed but the last tick was signed less than a second ago. */
  throttled: boolean;
  /** The last signature failed: the next is asked for a second later, not at once. */
  signFailed: boolean;
  /** The server refused for good (4xx): the code; nothing more is sent for this break in this page load. */
  halted: string | null;
}

export interface AdTickState {
  /** Bumped when the payment session (or its signer) changes: signatures asked for before are dropped. */
  epoch: number;
  /** The open payment session that may sign, or null (signed out, no session yet). */
  sessionId: string | null;
  /** Whose stored breaks apply (api|principal), or null. */
  owner: string | null;
  /** The owner's stored breaks have been read: nothing is signed before (a reload must not reuse a seq). */
  loaded: boolean;
  breaks: Record<string, BreakState>;
}

export type SendOutcome =
  | { ok: true; ledger: AdLedger }
  | { ok: false; retryable: boolean; code: string; ledger?: AdLedger };

export type AdTickEvent =
  | { type: 'session'; sessionId: string | null; owner: string | null }
  | { type: 'loaded'; owner: string; records: AdTickRecord[] }
  | { type: 'playing'; auctionId: string; watchedSeconds: number }
  | { type: 'ended'; auctionId: string; watchedSeconds: number }
  | { type: 'signed'; epoch: number; auctionId: string; ticks: SignedAdTick[] | null }
  | { type: 'persisted'; auctionId: string; seq: number }
  | { type: 'answer'; auctionId: string; seq: number; outcome: SendOutcome }
  | { type: 'timer'; auctionId: string; name: AdTimer }
  | { type: 'pagehide' }
  /** `online`, or the viewer's retry: failed sends go again now. */
  | { type: 'kick' };

export type AdTimer = 'retry' | 'tick';
export type UnsignedAdTick = Omit<AdTick, 'clientTime'>;

export type AdTickEffect =
  | { type: 'load'; owner: string }
  | { type: 'sign'; epoch: number; auctionId: string; tick: UnsignedAdTick }
  /** The standby pair: a final tick with the signed adSeconds, and its twin one second more, under one seq. */
  | { type: 'sign-standby'; epoch: number; auctionId: string; final: UnsignedAdTick; next: UnsignedAdTick }
  | { type: 'persist'; owner: string; record: AdTickRecord }
  | { type: 'send'; signed: SignedAdTick }
  /** pagehide: fire with keepalive; `note`: record it synchronously (a standby never stored as signed). */
  | { type: 'send-keepalive'; owner: string; signed: SignedAdTick; note: boolean }
  | { type: 'set-timer'; auctionId: string; name: AdTimer; ms: number; attempt?: number }
  | { type: 'clear-timer'; auctionId: string; name: AdTimer };

export const initialAdTickState = (): AdTickState => ({ epoch: 0, sessionId: null, owner: null, loaded: false, breaks: {} });

export function newRecord(auctionId: string, sessionId: string): AdTickRecord {
  return { auctionId, sessionId, reserved: 0, signed: { seq: 0, adSeconds: 0, final: false }, pending: null, acked: null, standby: null, standbyNext: null, closed: false };
}

/** The stored part of a break. */
export function recordOf(b: BreakState): AdTickRecord {
  const { auctionId, sessionId, reserved, signed, pending, acked, standby, standbyNext, closed } = b;
  return structuredClone({ auctionId, sessionId, reserved, signed, pending, acked, standby, standbyNext, closed });
}

/** A break as this page load takes it up: its stored record, this load's seconds counting on top of it. */
export function breakOf(r: AdTickRecord, owner: string, watched = 0): BreakState {
  return {
    // A stored standby pair is never sent by a later page: the one that closed may have sent either twin
    // (its note lost), and the other under the same seq would be refused. Its seq stays used (`reserved`).
    ...structuredClone(r), standby: null, standbyNext: null, owner, base: r.signed.adSeconds, watched, ended: false, signing: 'none',
    durable: r.pending?.tick.seq ?? 0, inFlight: null, attempt: 0, waiting: false, lastSignAt: null, throttled: false, signFailed: false, halted: null,
  };
}

/** The stored standby pair still stands for the newest signed tick: pagehide may send it. */
export const standbyUsable = (r: AdTickRecord): boolean =>
  !!r.standby && !!r.standbyNext && !r.signed.final && r.standby.tick.seq > r.signed.seq && r.standby.tick.adSeconds === r.signed.adSeconds;

/**
 * A tick sent while the page went away, noted synchronously (ad-tick-store.ts): a standby, or a tick whose
 * row had not landed yet. It is the break's newest signed tick (its final one, for a standby), owed until
 * acknowledged.
 */
export function withSentNote(r: AdTickRecord, sent: SignedAdTick | undefined): AdTickRecord {
  if (!sent || sent.tick.auctionId !== r.auctionId || sent.tick.seq <= r.signed.seq) return r;
  const t = sent.tick;
  return { ...r, reserved: Math.max(r.reserved, t.seq), signed: { seq: t.seq, adSeconds: t.adSeconds, final: t.final === true }, pending: sent, standby: null, standbyNext: null };
}
