/**
 * The ledger's rules (docs/PROTOCOL.md §5), once, for every store: a pure function of what the store
 * loaded (session, balance, the tick already held under this seq) and the verified tick, returning the
 * writes to make and the answer, or a typed refusal. No I/O, no Node imports: the server, the in-memory
 * store of stories and unit fakes, and the property tests all import this file.
 *
 * Writes are phrased so that any database can apply them safely without re-reading:
 * - the session update carries the new totals and is guarded by `expectSeq` (`… WHERE seq = expectSeq`):
 *   if another tick moved the session since the load, nothing is written and the caller decides again;
 * - the debit is relative (`balance − microAlgos`) and guarded by `balance ≥ microAlgos`, so a concurrent
 *   debit of another session of the same viewer can never drive the balance below zero;
 * - the tick row is unique on (session, seq): a second writer of the same seq fails instead of doubling.
 * A store that cannot apply a guard throws WriteConflict (storage.ts) and changes nothing.
 */
import type { ApiErrorCode, SessionStatus, Settlement, Tick, TickResponse } from '../../src/payments/protocol.js';
import { tickAmount } from '../../src/payments/tick.js';
import { defaultSplits, platformShare, splitAmounts, type Split, type SplitAmount } from '../catalog/catalog-rules.js';

/** What a store holds for one session (the money fields only; keys and analytics stay in the store). */
export interface SessionState {
  id: string;
  principal: string;
  contentId: string;
  /** microAlgos per second, fixed at start. */
  rate: number;
  /** Server time at start, Unix ms: the rate ceiling counts from here. */
  startedAt: number;
  status: SessionStatus;
  /** Highest accepted seq (0 before the first tick). */
  seq: number;
  /**
   * v3: the free seconds this session got at start (what the viewer had left of the title's preview).
   * A tick's `seconds` counts every second watched; the first `freeSeconds` of them cost nothing.
   */
  freeSeconds: number;
  /** The title's revenue splits at start (null: a session from before v3, split by `platformFeeBps`). */
  splits: Split[] | null;
  /** Seconds the viewer signed for; billed seconds may lag after a 402. */
  claimedSeconds: number;
  /** Seconds accepted, free ones included: `billedMicro = rate × max(0, billedSeconds − freeSeconds)`. */
  billedSeconds: number;
  billedMicro: number;
  settledSeconds: number;
  settledMicro: number;
  /** v3: the most the session may bill in all (µALGO), signed at start; null = no budget. */
  budget: number | null;
  /** Server time of the last accepted tick (the start before any): the rate bucket was last filled then. */
  lastActivity: number;
  /**
   * The sliding rate ceiling's token bucket at `lastActivity`, in milliseconds of content the session may
   * still bill at once; null = full (a new session, or one stored before v3).
   */
  rateTokensMs: number | null;
}

/** The tick a store already accepted under (session, seq), with the answer it gave. */
export interface StoredTick {
  tickHash: Uint8Array;
  httpStatus: number;
  answer: TickResponse;
}

/** Everything the rules need, loaded by the store in one go. */
export interface TickContext {
  session: SessionState;
  /** The viewer's balance, microAlgos. */
  balance: number;
  stored?: StoredTick;
  /**
   * Tick rows the session holds. Optional: a store that does not report it gets no bound on ticks that
   * change nothing (IDLE_TICKS_EXCEEDED below).
   */
  ticks?: number;
  /** The session key was revoked (sign-out): every new tick is refused KEY_REVOKED. */
  revoked?: boolean;
}

/**
 * Ticks that change nothing (no new signed second, nothing charged, nothing settled) are stored only while
 * the session holds fewer than 2 rows per signed second plus this many. A second can be signed only as wall
 * time passes (the rate ceiling), so a session's rows stay bounded by its age; honest clients send such
 * ticks only when pausing within a second of resuming.
 */
export const IDLE_TICK_ALLOWANCE = 100;

/** A tick whose signature the server verified, with its hash (identity for idempotence) and signature. */
export interface VerifiedTick {
  tick: Tick;
  tickHash: Uint8Array;
  signature: Uint8Array;
}

export interface TickLimits {
  /** Server time, Unix ms. */
  now: number;
  maxPlaybackRate: number;
  slackSeconds: number;
  /** The platform's share of each settlement of a session without splits (before v3), basis points. */
  platformFeeBps: number;
  /** /session/pause: settle the billed total and mark the session paused. */
  settle: boolean;
}

export interface TickWrites {
  sessionId: string;
  /** Guard: apply only while the stored session's seq is still this (optimistic concurrency). */
  expectSeq: number;
  /** New session values (the tick count goes up by one). */
  session: Pick<SessionState, 'seq' | 'claimedSeconds' | 'billedSeconds' | 'billedMicro' | 'settledSeconds' | 'settledMicro' | 'status'> & {
    lastActivity: number;
    rateTokensMs: number;
  };
  /** `balance −= microAlgos` where `balance ≥ microAlgos`; absent when nothing is charged. */
  debit?: { principal: string; microAlgos: number };
  /** A settlement record and the content's earnings, on pause. Its id is the store's to assign. */
  settlement?: Omit<Settlement, 'id'> & { seq: number; contentId: string; platformFee: number; splits: SplitAmount[] };
  /** The tick row, unique on (sessionId, tick.seq), with the answer replayed to a repeat. */
  tick: VerifiedTick & { charged: number; httpStatus: 200 | 402; receivedAt: number };
  /** The answer; `settlement.id` is 0 until the store assigns it (see `answerWithSettlementId`). */
  answer: TickResponse;
}

export type TickRefusalCode = Extract<
  ApiErrorCode,
  'SEQ_OUT_OF_ORDER' | 'AMOUNT_MISMATCH' | 'TOTALS_DECREASED' | 'RATE_EXCEEDED' | 'IDLE_TICKS_EXCEEDED' | 'BUDGET_EXCEEDED' | 'KEY_REVOKED'
>;

export type TickDecision =
  /** The very same tick again: the stored answer, nothing written. */
  | { kind: 'repeat'; status: number; body: TickResponse }
  /** Refused: nothing written; `ledger` is what the store holds. */
  | { kind: 'refuse'; code: TickRefusalCode; message: string; ledger: TickResponse }
  /** Accepted: write `writes` atomically, then answer `status` (402 = partial charge, the rest owed). */
  | { kind: 'apply'; status: 200 | 402; writes: TickWrites };

/** What the ledger holds for a session, as a TickResponse. */
export function ledgerState(s: SessionState, balance: number): TickResponse {
  return { sessionId: s.id, seq: s.seq, seconds: s.billedSeconds, microAlgos: s.billedMicro, balanceMicroAlgos: balance, status: s.status };
}

/**
 * The sliding rate ceiling: a token bucket per session holding at most `slackSeconds` of content, refilled
 * at `maxPlaybackRate` content-seconds per second of server time. Billing takes from it, so over any
 * window of W seconds a session bills at most W × maxPlaybackRate + slackSeconds, however long it stayed
 * idle before. Integer milliseconds, refill rounded down: the bound never loosens by rounding.
 */
export function rateTokensAt(s: Pick<SessionState, 'lastActivity' | 'rateTokensMs'>, r: Pick<TickLimits, 'now' | 'maxPlaybackRate' | 'slackSeconds'>): number {
  const capacity = r.slackSeconds * 1000;
  if (s.rateTokensMs === null) return capacity;
  // A clock that moved back (another process, NTP) refills nothing.
  const refill = Math.floor(Math.max(0, r.now - s.lastActivity) * r.maxPlaybackRate);
  return Math.min(capacity, s.rateTokensMs + refill);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Module level, not a closure made by every call: tsx's keepNames (esbuild) wraps each named closure in a
// defineProperty call, on the path every tick takes.
function refusal(s: SessionState, balance: number, code: TickRefusalCode, message: string): TickDecision {
  return { kind: 'refuse', code, message, ledger: ledgerState(s, balance) };
}

export function decideTick(ctx: TickContext, input: VerifiedTick, r: TickLimits): TickDecision {
  const { session: s, balance, stored } = ctx;
  const t = input.tick;
  if (stored) {
    // Idempotent: the very same signed tick gets the very same answer; another tick under a used seq is refused.
    if (sameBytes(stored.tickHash, input.tickHash)) return { kind: 'repeat', status: stored.httpStatus, body: stored.answer };
    return refusal(s, balance, 'SEQ_OUT_OF_ORDER', `seq ${t.seq} was already used by a different tick`);
  }
  if (ctx.revoked) return refusal(s, balance, 'KEY_REVOKED', 'the session key was revoked (signed out); sign in again');
  if (t.seq <= s.seq) return refusal(s, balance, 'SEQ_OUT_OF_ORDER', `seq ${t.seq} ≤ last accepted ${s.seq}`);
  if (t.microAlgos !== tickAmount(t.seconds, s.rate, s.freeSeconds)) {
    return refusal(s, balance, 'AMOUNT_MISMATCH', `microAlgos ${t.microAlgos} ≠ max(0, seconds ${t.seconds} − free ${s.freeSeconds}) × rate ${s.rate}`);
  }
  if (t.seconds < s.claimedSeconds) return refusal(s, balance, 'TOTALS_DECREASED', `seconds ${t.seconds} < ${s.claimedSeconds} already signed`);
  const ceiling = Math.floor(((r.now - s.startedAt) / 1000) * r.maxPlaybackRate) + r.slackSeconds;
  if (t.seconds > ceiling) {
    return refusal(s, balance, 'RATE_EXCEEDED', `seconds ${t.seconds} > ceiling ${ceiling} (elapsed × ${r.maxPlaybackRate} + ${r.slackSeconds})`);
  }

  // Free seconds first (they need no balance), then whole paid seconds.
  const freeNow = Math.max(0, Math.min(t.seconds, s.freeSeconds) - s.billedSeconds);
  const owedSeconds = t.seconds - s.billedSeconds - freeNow;
  // The budget bounds what the session's signed seconds would bill in all, whether billed now or later.
  const wouldBill = s.billedMicro + owedSeconds * s.rate;
  if (s.budget !== null && wouldBill > s.budget) {
    return refusal(s, balance, 'BUDGET_EXCEEDED', `seconds ${t.seconds} would bill ${wouldBill} µALGO, past this session's budget of ${s.budget} µALGO`);
  }
  // Accept what the sliding ceiling allows now (free seconds count: it bounds seconds watched per second of
  // wall time); signed seconds beyond it are billed by later ticks as it refills (like seconds owed after a
  // 402). Of the paid ones, whole seconds the balance pays; the rest stays owed.
  const tokens = rateTokensAt(s, r);
  const allowed = Math.floor(tokens / 1000);
  const freeAccepted = Math.min(freeNow, allowed);
  const allowedPaid = Math.min(owedSeconds, allowed - freeAccepted);
  const paidSeconds = s.rate === 0 ? allowedPaid : Math.min(allowedPaid, Math.floor(balance / s.rate));
  const charged = paidSeconds * s.rate;
  const exhausted = paidSeconds < allowedPaid;
  const billedSeconds = s.billedSeconds + freeAccepted + paidSeconds;
  const billedMicro = s.billedMicro + charged;

  let settlement: TickWrites['settlement'];
  if (r.settle) {
    const micro = billedMicro - s.settledMicro;
    const splits = splitAmounts(micro, s.splits ?? defaultSplits(r.platformFeeBps));
    settlement = {
      sessionId: s.id,
      seq: t.seq,
      contentId: s.contentId,
      seconds: billedSeconds - s.settledSeconds,
      microAlgos: micro,
      totalSeconds: billedSeconds,
      totalMicroAlgos: billedMicro,
      platformFee: platformShare(splits),
      splits,
      createdAt: r.now,
    };
  }
  const idle = t.seconds === s.claimedSeconds && freeAccepted + paidSeconds === 0 && (!settlement || settlement.seconds === 0);
  if (idle && ctx.ticks !== undefined && ctx.ticks >= 2 * s.claimedSeconds + IDLE_TICK_ALLOWANCE) {
    return refusal(s, balance, 'IDLE_TICKS_EXCEEDED', `this session holds ${ctx.ticks} ticks; one that bills nothing more waits until a new second is signed`);
  }
  const status: SessionStatus = exhausted ? 'exhausted' : r.settle ? 'paused' : 'active';
  const httpStatus = exhausted ? 402 : 200;
  const answer: TickResponse = {
    sessionId: s.id,
    seq: t.seq,
    seconds: billedSeconds,
    microAlgos: billedMicro,
    balanceMicroAlgos: balance - charged,
    status,
    ...(settlement && { settlement: publicSettlement(settlement, 0) }),
  };
  const writes: TickWrites = {
    sessionId: s.id,
    expectSeq: s.seq,
    session: {
      seq: t.seq,
      claimedSeconds: t.seconds,
      billedSeconds,
      billedMicro,
      settledSeconds: settlement ? billedSeconds : s.settledSeconds,
      settledMicro: settlement ? billedMicro : s.settledMicro,
      status,
      // Never back (another process's clock behind this one's): the bucket must not refill the same time twice.
      lastActivity: Math.max(r.now, s.lastActivity),
      rateTokensMs: tokens - (freeAccepted + paidSeconds) * 1000,
    },
    ...(charged > 0 && { debit: { principal: s.principal, microAlgos: charged } }),
    ...(settlement && { settlement }),
    tick: { ...input, charged, httpStatus, receivedAt: r.now },
    answer,
  };
  return { kind: 'apply', status: httpStatus, writes };
}

function publicSettlement(s: NonNullable<TickWrites['settlement']>, id: number): Settlement {
  const { sessionId, seconds, microAlgos, totalSeconds, totalMicroAlgos, createdAt } = s;
  return { id, sessionId, seconds, microAlgos, totalSeconds, totalMicroAlgos, createdAt };
}

/** The answer with the settlement id the store assigned (unchanged when there is no settlement). */
export function answerWithSettlementId(answer: TickResponse, id: number | undefined): TickResponse {
  return answer.settlement && id !== undefined ? { ...answer, settlement: { ...answer.settlement, id } } : answer;
}

/**
 * A session is live while it is not settled (no final tick since its last one), its delegation has not
 * expired, its key is not revoked, and it started or ticked within `liveWindowMs`: a viewer holds at most
 * `maxSessions` of them (TOO_MANY_SESSIONS). A crashed tab's session stops counting after the window.
 */
export function decideSessionLimit(live: number, maxSessions: number): { ok: true } | { ok: false; code: 'TOO_MANY_SESSIONS'; message: string } {
  if (live >= maxSessions) {
    return { ok: false, code: 'TOO_MANY_SESSIONS', message: `this viewer already has ${live} live sessions (at most ${maxSessions}); pause one, or wait for it to end` };
  }
  return { ok: true };
}

/** What a store needs to count a viewer's live sessions at start (see decideSessionLimit). */
export interface SessionLimit {
  maxSessions: number;
  now: number;
  liveWindowMs: number;
}

/**
 * Session start: a paid session needs a balance that pays at least one second, unless it starts with free
 * seconds of the title's preview (v3: those are watched first, and a 402 comes when they run out).
 */
export function decideStart(balance: number, rateMicroAlgos: number, freeSeconds = 0): { ok: true } | { ok: false; code: 'INSUFFICIENT_FUNDS'; message: string } {
  if (rateMicroAlgos > 0 && freeSeconds === 0 && balance < rateMicroAlgos) {
    return { ok: false, code: 'INSUFFICIENT_FUNDS', message: `balance ${balance} µALGO cannot pay one second at ${rateMicroAlgos} µALGO/s` };
  }
  return { ok: true };
}
