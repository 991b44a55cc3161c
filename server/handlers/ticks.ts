/** PUT /streaming/session/extend and POST /streaming/session/pause: a signed tick against a known session. */
import { createHash } from 'node:crypto';
import { API_PATHS, type ApiErrorBody, type TickResponse } from '../../src/payments/protocol.js';
import { tickSigningBytes, toHex, validateTick } from '../../src/payments/tick.js';
import { algorandAddressOf } from '../algorand-address.js';
import { ApiError } from '../errors.js';
import { obj, signatureBytes } from '../http-io.js';
import { applyTick, tickAnswer } from '../ledger/ledger-service.js';
import { ledgerState } from '../ledger/tick-rules.js';
import { parseSigningKey } from '../verify/keys.js';
import { paymentRequiredHeader } from '../x402.js';
import type { AppContext, CachedSession } from './context.js';

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export async function cachedSession(c: AppContext, id: string): Promise<CachedSession> {
  let s = c.sessions.get(id);
  if (!s) {
    const row = await c.ledger.sessionKey(id);
    if (!row) throw new ApiError('NOT_FOUND', 'unknown session');
    s = { key: parseSigningKey(row.sessionKey), keyHex: toHex(row.sessionKey), expiresAt: row.expiresAt };
    c.sessions.set(id, s);
  }
  return s;
}

export async function tick(c: AppContext, body: unknown, settle: boolean): Promise<Answer> {
  const { o, ledger } = c;
  const b = obj(body);
  let t;
  try {
    t = validateTick(b.tick);
  } catch (e) {
    throw new ApiError('BAD_REQUEST', (e as Error).message);
  }
  if (settle && t.final !== true) throw new ApiError('BAD_REQUEST', '/session/pause needs a tick with final: true');
  if (!settle && t.final === true) throw new ApiError('BAD_REQUEST', 'a final tick goes to /session/pause');
  const signature = signatureBytes(b.signature);
  const s = await cachedSession(c, t.sessionId);
  // A session is one viewer's: its tick stream is the viewer's, limited before the signature check.
  c.perViewer.take(`session:${t.sessionId}`);
  if (b.sessionPublicKey !== undefined && String(b.sessionPublicKey).toLowerCase() !== s.keyHex) {
    throw new ApiError('NOT_SESSION_OWNER', 'this session belongs to another session key');
  }
  const bytes = tickSigningBytes(t);
  // On the verify worker when there is one (batched per event-loop turn); nothing below runs unless it verified.
  if (!(await c.tickVerifier.verify(s.key, bytes, signature))) throw new ApiError('BAD_SIGNATURE', 'tick signature does not verify with the session key');
  const now = o.now();
  if (s.expiresAt <= now) {
    // With what it billed: the client owes the rest to its next session, no more, no less.
    const ctx = await ledger.loadTick(t.sessionId, t.seq);
    throw new ApiError('SESSION_EXPIRED', 'the delegation behind this session has expired; start a new session', ctx && ledgerState(ctx.session, ctx.balance));
  }
  const tickHash = createHash('sha256').update(bytes).digest();
  // Past the bound, the store is behind by seconds already: say so now (the client resends its newest
  // cumulative tick after Retry-After) rather than let every answer wait.
  if (c.pendingTicks >= o.maxPendingTicks) throw new ApiError('BUSY', 'the ledger is busy; resend the newest tick shortly', undefined, { 'retry-after': '1' });
  c.pendingTicks++;
  let out;
  try {
    out = await applyTick(
      ledger,
      { tick: t, tickHash, signature },
      { now, settle, maxPlaybackRate: o.maxPlaybackRate, slackSeconds: o.slackSeconds, platformFeeBps: o.platformFeeBps },
    );
  } finally {
    c.pendingTicks--;
  }
  const answer: Answer = tickAnswer(out, t.seconds);
  if (answer.status === 402) answer.headers = await topUpHeader(c, (answer.body as ApiErrorBody).ledger!, settle);
  return answer;
}

/** The x402 header of a tick's 402: what the session still owes and a top-up at its rate. */
async function topUpHeader(c: AppContext, l: TickResponse, settle: boolean): Promise<Record<string, string>> {
  const ctx = await c.ledger.loadTick(l.sessionId, l.seq);
  if (!ctx) return {};
  const s = ctx.session;
  const owed = (s.claimedSeconds - s.billedSeconds) * s.rate;
  return paymentRequiredHeader(c.o, {
    resourceUrl: c.baseUrl() + (settle ? API_PATHS.pause : API_PATHS.extend),
    principal: s.principal,
    algorandAddress: algorandAddressOf(s.principal),
    rateMicroAlgos: s.rate,
    balanceMicroAlgos: ctx.balance,
    owedMicroAlgos: owed,
  });
}
