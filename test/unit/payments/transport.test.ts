import { describe, it, expect } from 'vitest';
import { createPaymentApi, sendTick } from '../../../src/payments/transport.js';
import type { SignedTick } from '../../../src/payments/outbox.js';

const st: SignedTick = { tick: { sessionId: 's1', seq: 3, seconds: 3, microAlgos: 300, mediaTime: 3000, clientTime: 1 }, signature: 'ab' };
const ledger = { sessionId: 's1', seq: 3, seconds: 3, microAlgos: 300, balanceMicroAlgos: 700, status: 'active' };
const json = (status: number, body: unknown) => async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

async function outcome(fetchImpl: typeof fetch, timeoutMs = 1000) {
  return sendTick(createPaymentApi('http://api.test', { fetch: fetchImpl, timeoutMs }), st);
}

describe('sendTick', () => {
  it('acknowledges with the ledger on 200', async () => {
    expect(await outcome(json(200, ledger))).toEqual({ ok: true, ledger });
  });
  it('sends final ticks to /session/pause, others to /session/extend', async () => {
    const seen: string[] = [];
    const f: typeof fetch = async (url, init) => { seen.push(`${init?.method} ${String(url)}`); return new Response(JSON.stringify(ledger)); };
    const api = createPaymentApi('http://api.test', { fetch: f });
    await sendTick(api, st);
    await sendTick(api, { ...st, tick: { ...st.tick, final: true } });
    expect(seen).toEqual(['PUT http://api.test/streaming/session/extend', 'POST http://api.test/streaming/session/pause']);
  });
  it('retries a lost network as PAYMENT_API_UNREACHABLE', async () => {
    expect(await outcome(async () => { throw new TypeError('Failed to fetch'); })).toMatchObject({ ok: false, retryable: true, error: { code: 'PAYMENT_API_UNREACHABLE' } });
  });
  it('retries a slow answer as PAYMENT_API_TIMEOUT', async () => {
    const slow: typeof fetch = (_u, init) => new Promise((_r, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    expect(await outcome(slow, 50)).toMatchObject({ ok: false, retryable: true, error: { code: 'PAYMENT_API_TIMEOUT' } });
  });
  it('retries garbage as PAYMENT_API_INVALID_RESPONSE (non-JSON and wrong shape)', async () => {
    expect(await outcome(async () => new Response('<html>502 Bad Gateway</html>', { status: 200 }))).toMatchObject({ retryable: true, error: { code: 'PAYMENT_API_INVALID_RESPONSE' } });
    expect(await outcome(json(200, { hello: 1 }))).toMatchObject({ retryable: true, error: { code: 'PAYMENT_API_INVALID_RESPONSE' } });
  });
  it('retries 5xx and 429', async () => {
    expect(await outcome(json(503, { error: { code: 'INTERNAL', message: 'x' } }))).toMatchObject({ retryable: true });
    expect(await outcome(json(429, { error: { code: 'RATE_EXCEEDED', message: 'x' }, ledger: { ...ledger, seq: 2 } }))).toMatchObject({ retryable: true });
  });
  it('stops on 402 with the ledger (INSUFFICIENT_FUNDS)', async () => {
    expect(await outcome(json(402, { error: { code: 'INSUFFICIENT_FUNDS', message: 'x' }, ledger: { ...ledger, balanceMicroAlgos: 0 } }))).toMatchObject({
      ok: false, retryable: false, error: { code: 'INSUFFICIENT_FUNDS', status: 402 }, ledger: { seq: 3, balanceMicroAlgos: 0 },
    });
  });
  it('stops on the v3 refusals with their own codes, a 429 TOO_MANY_SESSIONS included (it is no outage)', async () => {
    expect(await outcome(json(409, { error: { code: 'BUDGET_EXCEEDED', message: 'x' }, ledger }))).toMatchObject({
      ok: false, retryable: false, error: { code: 'PAYMENT_BUDGET_EXCEEDED', apiCode: 'BUDGET_EXCEEDED' }, ledger: { seq: 3 },
    });
    expect(await outcome(json(429, { error: { code: 'TOO_MANY_SESSIONS', message: 'x' } }))).toMatchObject({ retryable: false, error: { code: 'PAYMENT_TOO_MANY_SESSIONS' } });
    expect(await outcome(json(401, { error: { code: 'KEY_REVOKED', message: 'x' }, ledger }))).toMatchObject({ retryable: false, error: { code: 'PAYMENT_KEY_REVOKED' } });
    expect(await outcome(json(503, { error: { code: 'DATABASE_UNAVAILABLE', message: 'x' } }))).toMatchObject({ retryable: true, error: { code: 'PAYMENT_API_UNREACHABLE' } });
  });
  it('stops on an expired session and on an unknown one', async () => {
    expect(await outcome(json(401, { error: { code: 'SESSION_EXPIRED', message: 'x' } }))).toMatchObject({ retryable: false, error: { code: 'PAYMENT_SESSION_EXPIRED' } });
    expect(await outcome(json(404, { error: { code: 'NOT_FOUND', message: 'x' } }))).toMatchObject({ retryable: false, error: { code: 'PAYMENT_SESSION_UNKNOWN' } });
  });
});
