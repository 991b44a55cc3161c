// 402 answers carry an x402 v2 PAYMENT-REQUIRED header beside the JSON body (PROTOCOL.md §6).
import { afterEach, describe, expect, it } from 'vitest';
import { ALGORAND_MAINNET_CAIP2 } from '../../../server/config.js';
import { topUpAmount } from '../../../server/x402.js';
import { credit, makeTick, makeViewer, raw, signTick, signedStartRequest, startHarness, startSession, type Harness } from './harness.js';
import { randomNonce } from '../../../src/payments/api-client.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const decode = (header: string | null) => JSON.parse(Buffer.from(header!, 'base64').toString('utf8'));

describe('x402 PAYMENT-REQUIRED', () => {
  it('asks for what is owed plus the top-up, less the balance, and never less than one second', () => {
    expect(topUpAmount({ rateMicroAlgos: 100, balanceMicroAlgos: 40, owedMicroAlgos: 0 }, 600)).toBe(59_960);
    expect(topUpAmount({ rateMicroAlgos: 100, balanceMicroAlgos: 40, owedMicroAlgos: 300 }, 600)).toBe(60_260);
    expect(topUpAmount({ rateMicroAlgos: 100, balanceMicroAlgos: 1_000_000, owedMicroAlgos: 0 }, 600)).toBe(100);
    expect(topUpAmount({ rateMicroAlgos: 0, balanceMicroAlgos: 0, owedMicroAlgos: 0 }, 600)).toBe(1);
  });

  it('a start the balance cannot pay: 402 JSON as before, and the header says how to pay (ALGO to the deposit address)', async () => {
    h = await startHarness({ payTo: 'PLATFORMDEPOSITADDRESS', topUpSeconds: 60 });
    const v = await makeViewer();
    await credit(h, v, 30);
    const body = await signedStartRequest(v, { api: h.url, contentId: 'film-1', rateMicroAlgos: 100, requestTime: h.clock.now, nonce: randomNonce() });
    const r = await raw(h, 'POST', '/streaming/session/start', JSON.stringify(body), { origin: 'http://localhost:5173' });
    expect([r.status, r.json.error.code]).toEqual([402, 'INSUFFICIENT_FUNDS']);
    expect(r.headers.get('access-control-expose-headers')).toContain('payment-required');
    const pr = decode(r.headers.get('payment-required'));
    expect(pr).toMatchObject({
      x402Version: 2,
      resource: { url: h.url + '/streaming/session/start', mimeType: 'application/json' },
      accepts: [{ scheme: 'exact', network: ALGORAND_MAINNET_CAIP2, amount: String(100 * 60 - 30), asset: '0', payTo: 'PLATFORMDEPOSITADDRESS', maxTimeoutSeconds: 600 }],
    });
    expect(pr.accepts[0].extra).toMatchObject({ name: 'ALGO', decimals: 6, principal: v.principal, note: `sippar:${v.principal}` });
    expect(pr.accepts[0].extra.account).toMatch(/^[A-Z2-7]{58}$/);
  });

  it('a tick the balance pays only in part: the 402 carries the ledger and a header for what is still owed; a 200 has no header', async () => {
    h = await startHarness();
    const v = await makeViewer();
    await credit(h, v, 1_000);
    const s = await startSession(h, v, 100);
    h.clock.now += 30_000;
    const ok = await raw(h, 'PUT', '/streaming/session/extend', JSON.stringify(await signTick(v, makeTick(s, 1, 4))));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('payment-required')).toBeNull();
    const r = await raw(h, 'PUT', '/streaming/session/extend', JSON.stringify(await signTick(v, makeTick(s, 2, 15))));
    expect([r.status, r.json.error.code, r.json.ledger.seconds]).toEqual([402, 'INSUFFICIENT_FUNDS', 10]);
    const pr = decode(r.headers.get('payment-required'));
    // 5 s owed (500) + 600 s top-up (60 000) − 0 left.
    expect(pr.accepts[0]).toMatchObject({ amount: '60500', payTo: pr.accepts[0].extra.account });
    expect(pr.resource.url).toBe(h.url + '/streaming/session/extend');
  });
});
