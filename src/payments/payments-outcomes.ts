/** The payments machine's outcomes: opening and closing a session, configuration, grace, refusals. */
import type { OutboxError, OutboxRecord } from './outbox.js';
import type { PaymentStatus } from './payments-store.js';
import { ZERO, type Effect, type Ledger, type MachineConfig, type MachineState } from './payments-machine-state.js';

/** Statuses that hold playback and that only the viewer (or the API coming back) lifts. */
const STOPPED: ReadonlySet<PaymentStatus> = new Set(['paused-unreachable', 'insufficient-funds', 'elsewhere', 'error', 'budget']);

/** `budget`: what the session was signed with; another than the configuration's makes it one to reopen. */
export function openSession(s: MachineState, record: OutboxRecord, fx: Effect[], budget: number | null): void {
  s.phase = 'open';
  s.unsent = false;
  s.sessionWanted = false;
  s.sessionId = record.sessionId;
  s.sessionRate = record.rateMicroAlgos;
  s.sessionFree = record.freeSeconds ?? 0;
  const a = record.acked ?? ZERO;
  const signedHead = a.seq > record.signed.seq ? { seq: a.seq, seconds: Math.max(a.seconds, record.signed.seconds), microAlgos: Math.max(a.microAlgos, record.signed.microAlgos) } : { ...record.signed };
  s.head = signedHead;
  s.reserved = Math.max(signedHead.seq, record.standby?.tick.seq ?? 0);
  s.standbyFor = record.standby && record.standby.tick.seconds === signedHead.seconds && record.standbyNext ? signedHead.seq : null;
  s.lastFinal = record.pending?.tick.final === true;
  s.store.sessionId = record.sessionId;
  s.store.acknowledged = { seq: a.seq, seconds: a.seconds, microAlgos: a.microAlgos };
  // Seconds of the session this meter session did not credit (earlier page loads): their free ones are used.
  const fromThisMeter = Math.max(0, s.meterSeen - s.owed);
  s.store.preview = { freeSeconds: s.sessionFree, usedBefore: Math.min(s.sessionFree, Math.max(0, signedHead.seconds - fromThisMeter)) };
  if (s.store.status !== 'insufficient-funds' && s.store.status !== 'error') setStatus(s, 'active');
  delete s.store.graceEndsAt;
  if (s.store.status === 'active') delete s.store.error;
  fx.push({ type: 'clear-timer', name: 'grace' });
  fx.push({ type: 'open-outbox', epoch: s.epoch, record, budgetMicroAlgos: budget });
  if (budget !== (s.config?.budgetMicroAlgos ?? null)) s.reopen = true;
}

export function closeSession(s: MachineState, fx: Effect[], forget: boolean): void {
  // Signed but not acknowledged: still in storage, sent when the session is reopened (unless forgotten).
  // (Closing a session that was still loading keeps what an earlier close left unsent.)
  if (forget) s.unsent = false;
  else if (s.phase === 'open' && s.head.seq > s.store.acknowledged.seq) s.unsent = true;
  // Forgotten by the server (unknown, expired): what it never acknowledged was never billed, so it is owed
  // again, to the next session.
  if (forget && s.phase === 'open') s.owed += Math.max(0, s.head.seconds - s.store.acknowledged.seconds);
  // Nothing of this session is waiting on the API any more: the next attempt finds out afresh.
  if (s.store.status === 'starting' || s.store.status === 'grace' || s.store.status === 'paused-unreachable') {
    s.store.status = 'idle';
    delete s.store.graceEndsAt;
    delete s.store.error;
    s.failingSince = null;
    fx.push({ type: 'clear-timer', name: 'grace' });
  }
  s.phase = 'closed';
  s.reopen = false;
  s.epoch += 1;
  // A tick being signed for this session will not be stored (its epoch is over): its seconds are owed again.
  s.owed += s.signing;
  s.signing = 0;
  s.signingKind = 'none';
  s.leaving = false;
  s.standbyFor = null;
  s.head = { ...ZERO };
  s.reserved = 0;
  s.lastFinal = false;
  delete s.sessionId;
  fx.push({ type: 'close-outbox', forget });
}

/** A settlement can be signed now or soon: the session is open in this tab for a signed-in viewer. */
export function canSign(s: MachineState): boolean {
  return s.phase === 'open' && !!s.signer && s.lock === 'held';
}

export function applyConfig(s: MachineState, config: MachineConfig | null, fx: Effect[]): void {
  const carried = s.nextConfig !== undefined ? s.owedNext : 0;
  delete s.nextConfig;
  s.owedNext = 0;
  const key = (c: MachineConfig | null) => (c ? `${c.api}|${c.contentId}|${c.rateMicroAlgos}` : '');
  if (key(s.config) === key(config) && config && s.config && config.budgetMicroAlgos !== s.config.budgetMicroAlgos) {
    // Same sale, another budget: the open session was settled under the old one (configure waits for its
    // final tick); the next opens with the new budget, and the seconds owed go on to it.
    if (s.phase !== 'closed') s.reopen = true;
    s.startRefused = false;
    if (s.store.status === 'budget') {
      setStatus(s, 'idle');
      delete s.store.error;
    }
  } else if (key(s.config) !== key(config)) {
    s.sessionWanted = false;
    if (s.phase !== 'closed') closeSession(s, fx, false);
    if (s.lock !== 'none') fx.push({ type: 'drop-lock' });
    s.lock = 'none';
    // Seconds owed before any session opened belong to the old price and content: not billed under the new
    // ones. Seconds the new meter session credited while the old one was settled are the new one's.
    s.owed = carried;
    s.wantFinal = false;
    s.startAttempt = 0;
    s.startWaiting = false;
    s.startRefused = false;
    s.failingSince = null;
    fx.push({ type: 'clear-timer', name: 'start-retry' }, { type: 'clear-timer', name: 'grace' });
    s.store = { status: 'idle', acknowledged: { ...ZERO }, ...(s.store.balanceMicroAlgos !== undefined && { balanceMicroAlgos: s.store.balanceMicroAlgos }) };
  }
  s.config = config;
}

export function sameConfig(a: MachineConfig | null, b: MachineConfig | null): boolean {
  return (
    a === b ||
    (!!a && !!b && a.api === b.api && a.contentId === b.contentId && a.rateMicroAlgos === b.rateMicroAlgos && a.graceSeconds === b.graceSeconds && a.budgetMicroAlgos === b.budgetMicroAlgos)
  );
}

export function acknowledge(s: MachineState, l: Ledger): void {
  if (l.seq >= s.store.acknowledged.seq) s.store.acknowledged = { seq: l.seq, seconds: l.seconds, microAlgos: l.microAlgos };
  if (l.balanceMicroAlgos !== undefined) s.store.balanceMicroAlgos = l.balanceMicroAlgos;
}

/** Grace: playback goes on for `graceSeconds` after the first failure, then pauses with PAYMENT_API_UNREACHABLE. */
export function unreachable(s: MachineState, fx: Effect[], since: number, error: OutboxError, now: number): void {
  s.failingSince = since;
  if (STOPPED.has(s.store.status)) return;
  const graceEndsAt = since + (s.config?.graceSeconds ?? 0) * 1000;
  if (graceEndsAt <= now) return pauseUnreachable(s, fx);
  if (s.store.status === 'grace') return;
  s.store.status = 'grace';
  s.store.graceEndsAt = graceEndsAt;
  s.store.error = { code: error.code, message: error.message, fatal: false };
  fx.push({ type: 'set-timer', name: 'grace', ms: graceEndsAt - now });
}

export function pauseUnreachable(s: MachineState, fx: Effect[]): void {
  delete s.store.graceEndsAt;
  fail(s, fx, 'paused-unreachable', 'PAYMENT_API_UNREACHABLE', 'The payment service cannot be reached. Playback resumes when it is back.');
}

export function halt(s: MachineState, fx: Effect[], error: OutboxError, ledger?: Ledger): void {
  if (ledger) acknowledge(s, ledger);
  if (error.code === 'INSUFFICIENT_FUNDS') return fail(s, fx, 'insufficient-funds', 'INSUFFICIENT_FUNDS', error.message);
  // The session's signed budget is spent: it bills no more. What it did not bill is owed to the session a
  // larger budget opens (the budget blocker's Continue, or the page's `budget`).
  if (error.code === 'PAYMENT_BUDGET_EXCEEDED') {
    // A session of an older budget (being reopened) met its own limit: the current budget is the next one's.
    const stale = s.reopen;
    if (s.phase !== 'closed') closeSession(s, fx, true);
    return stale ? undefined : fail(s, fx, 'budget', error.code, error.message);
  }
  // The server no longer knows this session, or its key was revoked (signed out elsewhere): forget it; the
  // next second starts a fresh one (with a new key, after signing in again).
  const gone = error.code === 'PAYMENT_SESSION_UNKNOWN' || error.code === 'PAYMENT_SESSION_EXPIRED' || error.code === 'PAYMENT_KEY_REVOKED';
  if (gone && s.phase !== 'closed') closeSession(s, fx, true);
  fail(s, fx, 'error', error.code, error.message);
}

export function elsewhere(s: MachineState, fx: Effect[], message: string): void {
  fail(s, fx, 'elsewhere', 'WATCHING_ELSEWHERE', message);
}

export function fail(s: MachineState, fx: Effect[], status: PaymentStatus, code: string, message: string): void {
  setStatus(s, status);
  s.store.error = { code, message, fatal: false };
  fx.push({ type: 'report-error', code, message });
}

export function setStatus(s: MachineState, status: PaymentStatus): void {
  s.store.status = status;
}
