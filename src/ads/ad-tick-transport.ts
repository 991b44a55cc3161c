/**
 * The ad-tick machine's view of the payment API: one signed ad tick in, one SendOutcome out. Retried later:
 * no answer, a timeout, garbage, 5xx, 408 and 429 (as billing ticks, transport.ts). Anything else the
 * server refused for good, with where the break stands (`adLedger`) when it said.
 */
import { PaymentApiError, type ApiClient } from '../payments/api-client.js';
import { isUint } from '../payments/tick.js';
import type { AdLedger, SendOutcome, SignedAdTick } from './ad-tick-state.js';

export type AdTickApi = Pick<ApiClient, 'adTick'>;

export function isAdLedger(v: unknown): v is AdLedger {
  const r = v as AdLedger;
  return typeof r === 'object' && r !== null && typeof r.auctionId === 'string' && isUint(r.seq) && isUint(r.adSeconds) &&
    isUint(r.chargedSeconds) && isUint(r.chargedMicroAlgos) && typeof r.closed === 'boolean';
}

export function classifyAdTickError(e: unknown): Extract<SendOutcome, { ok: false }> {
  if (!(e instanceof PaymentApiError) || e.kind !== 'http') return { ok: false, retryable: true, code: 'PAYMENT_API_UNREACHABLE' };
  const ledger = isAdLedger(e.adLedger) ? e.adLedger : undefined;
  const retryable = e.status === 429 || e.status === 408 || e.status >= 500;
  return { ok: false, retryable, code: e.code, ...(ledger && { ledger }) };
}

export async function sendAdTick(api: AdTickApi, st: SignedAdTick): Promise<SendOutcome> {
  try {
    const res = await api.adTick({ tick: st.tick, signature: st.signature });
    if (!isAdLedger(res) || res.auctionId !== st.tick.auctionId) return { ok: false, retryable: true, code: 'PAYMENT_API_INVALID_RESPONSE' };
    return { ok: true, ledger: res };
  } catch (e) {
    return classifyAdTickError(e);
  }
}
