/**
 * The outbox's view of the payment API: one tick in, one SendOutcome out, every failure classified as
 * "retry later" or "stop", with the element's error codes. Built on api-client.ts, whose errors already
 * say what failed (`kind`); this module maps them to the element's codes and checks the answer's shape.
 */
import { createApiClient, PaymentApiError, type ApiClient } from './api-client.js';
import type { TickRequest, TickResponse } from './protocol.js';
import type { SipparErrorCode } from '../errors.js';
import { isUint } from './tick.js';
import type { OutboxError, SendOutcome, SignedTick } from './outbox.js';

/** The payment codes of errors.ts (one list of codes for the whole element). */
export type PaymentErrorCode = Extract<SipparErrorCode, `PAYMENT_${string}` | 'INSUFFICIENT_FUNDS'>;

/** The three calls payments make. `ApiClient` of api-client.ts satisfies it; Storybook can pass a fake. */
export type PaymentApi = Pick<ApiClient, 'start' | 'extend' | 'pause'>;

export function createPaymentApi(baseUrl: string, opts: { timeoutMs?: number; keepalive?: boolean; fetch?: typeof fetch } = {}): PaymentApi {
  return createApiClient({ baseUrl, timeoutMs: opts.timeoutMs ?? 10_000, fetch: opts.fetch, keepalive: opts.keepalive });
}

/** An error from api-client (or anything thrown) as an OutboxError plus whether to retry. */
export function classify(e: unknown): { retryable: boolean; error: OutboxError; ledger?: TickResponse } {
  if (e instanceof PaymentApiError) {
    const { status, code } = e;
    const base = { apiCode: code, status, message: e.message };
    if (e.kind === 'timeout') return { retryable: true, error: { ...base, code: 'PAYMENT_API_TIMEOUT' } };
    if (e.kind === 'network') return { retryable: true, error: { ...base, code: 'PAYMENT_API_UNREACHABLE' } };
    if (e.kind === 'bad-json') return { retryable: true, error: { ...base, code: 'PAYMENT_API_INVALID_RESPONSE' } };
    const ledger = isLedger(e.ledger) ? e.ledger : undefined;
    // v3 spending safety, by code before status: each has its own state and message (429 here is no outage).
    if (code === 'BUDGET_EXCEEDED') return { retryable: false, error: { ...base, code: 'PAYMENT_BUDGET_EXCEEDED' }, ledger };
    if (code === 'TOO_MANY_SESSIONS') return { retryable: false, error: { ...base, code: 'PAYMENT_TOO_MANY_SESSIONS' }, ledger };
    if (code === 'KEY_REVOKED') return { retryable: false, error: { ...base, code: 'PAYMENT_KEY_REVOKED' }, ledger };
    if (status === 402) return { retryable: false, error: { ...base, code: 'INSUFFICIENT_FUNDS' }, ledger };
    // 429 RATE_EXCEEDED: billed time ran ahead of the server's clock allowance; it catches up by waiting.
    if (status === 429 || status >= 500 || status === 408) return { retryable: true, error: { ...base, code: 'PAYMENT_API_UNREACHABLE' }, ledger };
    if (code === 'SESSION_EXPIRED' || code === 'DELEGATION_EXPIRED') return { retryable: false, error: { ...base, code: 'PAYMENT_SESSION_EXPIRED' }, ledger };
    if (status === 404) return { retryable: false, error: { ...base, code: 'PAYMENT_SESSION_UNKNOWN' }, ledger };
    return { retryable: false, error: { ...base, code: 'PAYMENT_REJECTED' }, ledger };
  }
  return { retryable: true, error: { code: 'PAYMENT_API_UNREACHABLE', message: String((e as Error)?.message ?? e) } };
}

export function isLedger(v: unknown): v is TickResponse {
  const r = v as TickResponse;
  return typeof r === 'object' && r !== null && typeof r.sessionId === 'string' && isUint(r.seq) && isUint(r.seconds) && isUint(r.microAlgos) && isUint(r.balanceMicroAlgos);
}

/** Sends one signed tick: final ticks to /session/pause (settles), others to /session/extend. */
export async function sendTick(api: PaymentApi, st: SignedTick): Promise<SendOutcome> {
  const req: TickRequest = { tick: st.tick, signature: st.signature };
  try {
    const res = await (st.tick.final ? api.pause(req) : api.extend(req));
    if (!isLedger(res) || res.sessionId !== st.tick.sessionId) {
      return { ok: false, retryable: true, error: { code: 'PAYMENT_API_INVALID_RESPONSE', message: 'the payment API answered a tick without a valid ledger' } };
    }
    return { ok: true, ledger: res };
  } catch (e) {
    const c = classify(e);
    return { ok: false, ...c };
  }
}
