// sendAdTick over the real api-client (fetch answered here): what is retried, what stops, and the break's
// ledger a refusal carries.
import { describe, it, expect } from 'vitest';
import { createApiClient } from '../../../src/payments/api-client.js';
import { sendAdTick } from '../../../src/ads/ad-tick-transport.js';
import type { SignedAdTick } from '../../../src/ads/ad-tick-state.js';

const st: SignedAdTick = { tick: { sessionId: 's1', auctionId: 'auc1', seq: 3, adSeconds: 3, clientTime: 1 }, signature: 'ab' };
const ledger = { auctionId: 'auc1', seq: 3, adSeconds: 3, chargedSeconds: 3, chargedMicroAlgos: 1500, closed: false };
const json = (status: number, body: unknown) => async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const outcome = (f: typeof fetch, timeoutMs = 1000) => sendAdTick(createApiClient({ baseUrl: 'http://api.test', fetch: f, timeoutMs }), st);

describe('sendAdTick', () => {
  it('posts to /streaming/ads/tick and acknowledges with the break ledger', async () => {
    const seen: string[] = [];
    const f: typeof fetch = async (url, init) => { seen.push(`${init?.method} ${String(url)} ${String(init?.body)}`); return new Response(JSON.stringify(ledger)); };
    expect(await outcome(f)).toEqual({ ok: true, ledger });
    expect(seen).toEqual([`POST http://api.test/streaming/ads/tick ${JSON.stringify({ tick: st.tick, signature: 'ab' })}`]);
  });
  it('retries no answer, a timeout, garbage, another auction’s answer, 5xx, 408 and 429', async () => {
    expect(await outcome(async () => { throw new TypeError('Failed to fetch'); })).toMatchObject({ ok: false, retryable: true });
    const slow: typeof fetch = (_u, init) => new Promise((_r, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    expect(await outcome(slow, 30)).toMatchObject({ ok: false, retryable: true });
    expect(await outcome(async () => new Response('<html>bad gateway</html>'))).toMatchObject({ ok: false, retryable: true });
    expect(await outcome(json(200, { ...ledger, auctionId: 'other' }))).toMatchObject({ ok: false, retryable: true, code: 'PAYMENT_API_INVALID_RESPONSE' });
    for (const [status, code] of [[503, 'BUSY'], [500, 'INTERNAL'], [408, 'INTERNAL'], [429, 'RATE_LIMITED']] as const) {
      expect(await outcome(json(status, { error: { code, message: 'x' } }))).toMatchObject({ ok: false, retryable: true, code });
    }
  });
  it('stops on a refusal, with where the break stands when the server says', async () => {
    const closed = { ...ledger, seq: 4, closed: true };
    expect(await outcome(json(409, { error: { code: 'SEQ_OUT_OF_ORDER', message: 'x' }, adLedger: closed }))).toEqual({ ok: false, retryable: false, code: 'SEQ_OUT_OF_ORDER', ledger: closed });
    expect(await outcome(json(409, { error: { code: 'AD_BREAK_CLOSED', message: 'x' }, adLedger: closed }))).toEqual({ ok: false, retryable: false, code: 'AD_BREAK_CLOSED', ledger: closed });
    expect(await outcome(json(403, { error: { code: 'NOT_SESSION_OWNER', message: 'x' } }))).toEqual({ ok: false, retryable: false, code: 'NOT_SESSION_OWNER' });
    expect(await outcome(json(409, { error: { code: 'TOTALS_DECREASED', message: 'x' }, adLedger: { hello: 1 } }))).toEqual({ ok: false, retryable: false, code: 'TOTALS_DECREASED' });
  });
});
