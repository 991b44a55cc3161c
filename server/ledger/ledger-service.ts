/**
 * Runs the ledger rules against any LedgerStorage: load → decide (tick-rules.ts) → apply, deciding again
 * when another writer got there first. Browser-safe like the rules: stories and unit fakes use it with the
 * in-memory store.
 */
import type { ApiErrorBody, TickResponse } from '../../src/payments/protocol.js';
import { ApiError } from '../errors.js';
import type { LedgerStorage, NewSession } from './storage.js';
import { WriteConflict } from './storage.js';
import { decideStart, decideTick, type TickLimits, type VerifiedTick } from './tick-rules.js';

export interface TickOutcome {
  /** 200, or 402 when the balance paid only part (the answer is then the ledger of the 402 body). */
  status: number;
  body: TickResponse;
}

/** Enough for any honest race: each retry means another tick of the same session or viewer committed. */
const MAX_ATTEMPTS = 16;

/** Applies one verified tick; throws ApiError on a refusal (nothing written) or an unknown session. */
export async function applyTick(storage: LedgerStorage, input: VerifiedTick, limits: TickLimits): Promise<TickOutcome> {
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

/** Opens a session when the viewer's balance pays its first second; answers that balance. */
export async function openSession(storage: LedgerStorage, s: NewSession, algorandAddress: string): Promise<number> {
  const balance = await storage.ensureViewer(s.principal, algorandAddress, s.startedAt);
  const ok = decideStart(balance, s.rate);
  if (!ok.ok) throw new ApiError(ok.code, ok.message);
  await storage.createSession(s);
  return balance;
}
