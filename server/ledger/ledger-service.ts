/**
 * Runs the ledger rules against any LedgerStorage: load → decide (tick-rules.ts) → apply, deciding again
 * when another writer got there first. Browser-safe like the rules: stories and unit fakes use it with the
 * in-memory store.
 */
import type { ApiErrorBody, TickResponse } from '../../src/payments/protocol.js';
import { ApiError } from '../errors.js';
import type { LedgerStorage, NewSession } from './storage.js';
import { WriteConflict } from './storage.js';
import { decideStart, decideTick, type SessionLimit, type TickLimits, type VerifiedTick } from './tick-rules.js';

export interface TickOutcome {
  /** 200, or 402 when the balance paid only part (the answer is then the ledger of the 402 body). */
  status: number;
  body: TickResponse;
}

/**
 * A conflict means another writer committed a tick of this session or a debit of this viewer, so retries
 * always make progress; the cap only stops a store that conflicts for no reason.
 */
const MAX_ATTEMPTS = 64;

/**
 * Ticks of one session run one after another within this process (a lane per session and store), as one
 * SQLite batch used to run them in order: a burst of a session's ticks is applied in arrival order
 * instead of racing on the session's seq guard. The guards remain for what a lane cannot see: other
 * processes on a shared database, and other sessions of the same viewer.
 */
const lanes = new WeakMap<LedgerStorage, Map<string, Promise<unknown>>>();

function inLane<T>(storage: LedgerStorage, key: string, run: () => Promise<T>): Promise<T> {
  let m = lanes.get(storage);
  if (!m) lanes.set(storage, (m = new Map()));
  const next = (m.get(key) ?? Promise.resolve()).then(run, run);
  const tail = next.then(
    () => undefined,
    () => undefined,
  );
  m.set(key, tail);
  void tail.then(() => {
    if (m.get(key) === tail) m.delete(key);
  });
  return next;
}

/** Applies one verified tick; throws ApiError on a refusal (nothing written) or an unknown session. */
export function applyTick(storage: LedgerStorage, input: VerifiedTick, limits: TickLimits): Promise<TickOutcome> {
  return inLane(storage, input.tick.sessionId, () => decideAndApply(storage, input, limits));
}

/** Load → decide → apply, deciding again when a guard of the store did not hold. */
export async function decideAndApply(storage: LedgerStorage, input: VerifiedTick, limits: TickLimits): Promise<TickOutcome> {
  for (let attempt = 1; ; attempt++) {
    const ctx = await storage.loadTick(input.tick.sessionId, input.tick.seq);
    if (!ctx) throw new ApiError('NOT_FOUND', 'unknown session');
    const d = decideTick(ctx, input, limits);
    if (d.kind === 'repeat') return { status: d.status, body: d.body };
    if (d.kind === 'refuse') throw new ApiError(d.code, d.message, d.ledger);
    try {
      return { status: d.status, body: await storage.applyTick(d.writes) };
    } catch (e) {
      if (!(e instanceof WriteConflict) || attempt >= MAX_ATTEMPTS) throw e;
    }
  }
}

/** The HTTP answer to an applied tick: 200 with the ledger, or 402 INSUFFICIENT_FUNDS carrying it (PROTOCOL.md §5). */
export function tickAnswer(out: TickOutcome, signedSeconds: number): { status: number; body: TickResponse | ApiErrorBody } {
  if (out.status !== 402) return out;
  const message = `balance exhausted: ${out.body.seconds} s billed, the rest of ${signedSeconds} s stays owed`;
  return { status: 402, body: { error: { code: 'INSUFFICIENT_FUNDS', message }, ledger: out.body } };
}

/**
 * Opens a session when the viewer's balance pays its first second and, with `limit`, the viewer holds fewer
 * live sessions than allowed (TOO_MANY_SESSIONS); answers that balance.
 */
export async function openSession(storage: LedgerStorage, s: NewSession, algorandAddress: string, limit?: SessionLimit): Promise<number> {
  const balance = await storage.ensureViewer(s.principal, algorandAddress, s.startedAt);
  const ok = decideStart(balance, s.rate, s.freeSeconds);
  if (!ok.ok) throw new ApiError(ok.code, ok.message);
  await storage.createSession(s, limit);
  return balance;
}
