// Signed agent requests: every forged, tampered, replayed, expired or out-of-budget request is refused
// with its JSON code and changes nothing; a retry under the same Idempotency-Key gets the same answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AD_PATHS } from '../../../../src/payments/ad-protocol.js';
import { toHex } from '../../../../src/payments/tick.js';
import { agentClient, makeAgentKey } from '../../../../server/ads/agent-client.js';
import { ADMIN, startAdsHarness, type Agent, type AdsHarness } from './ads-harness.js';

let h: AdsHarness;
let a: Agent;

beforeAll(async () => {
  h = await startAdsHarness();
  a = await h.agent('Acme', { fund: 100_000, price: 200 });
});
afterAll(() => h.close());

/** Sends `run`'s request and checks its refusal, and that no money or decision changed. */
async function refusedUnchanged(run: () => Promise<{ status: number; body: unknown }>, code: string, status: number) {
  const before = await h.snapshot();
  const res = await run();
  expect(res.status).toBe(status);
  expect((res.body as { error: { code: string } }).error.code).toBe(code);
  expect(await h.snapshot()).toBe(before);
}

const creativeBody = { uri: 'https://cdn.example/acme/2.m3u8', durationSeconds: 10 };

describe('signed agent requests', () => {
  it('registers Ed25519 and P-256 keys; the agent id follows from the key; a key registers once', async () => {
    const p = agentClient(h.url, makeAgentKey('p256'), () => h.clock.now);
    const reg = await p.register('P-256 Agency');
    expect(reg.status).toBe(201);
    expect(reg.body.agentId).toMatch(/^agt_[A-Za-z0-9_-]{22}$/);
    await refusedUnchanged(() => p.register('P-256 Agency'), 'AD_KEY_EXISTS', 409);
    const report = await p.request<{ balanceMicroAlgos: number }>('GET', AD_PATHS.agent);
    expect(report.status).toBe(200);
    expect(report.body.balanceMicroAlgos).toBe(0);
  });

  it('refuses a registration signed by another key than the one it registers', async () => {
    const mallory = agentClient(h.url, makeAgentKey(), () => h.clock.now);
    const victim = makeAgentKey();
    await refusedUnchanged(() => mallory.request('POST', AD_PATHS.agents, { name: 'Victim', publicKey: toHex(victim.publicKeyDer) }), 'AD_UNKNOWN_KEY', 401);
  });

  it('refuses requests without the signature headers', async () => {
    await refusedUnchanged(async () => {
      const res = await fetch(h.url + AD_PATHS.creatives, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(creativeBody) });
      return { status: res.status, body: await res.json() };
    }, 'AD_SIGNATURE_MISSING', 401);
  });

  it('refuses a body that is not the signed one (digest), and a re-digested body (signature)', async () => {
    const signed = a.client.sign('POST', AD_PATHS.creatives, creativeBody);
    const other = JSON.stringify({ ...creativeBody, durationSeconds: 1 });
    await refusedUnchanged(() => a.client.send('POST', AD_PATHS.creatives, { ...signed, body: other }), 'AD_BAD_DIGEST', 400);
    const { createHash } = await import('node:crypto');
    const digest = `sha-256=:${createHash('sha256').update(other).digest('base64')}:`;
    await refusedUnchanged(() => a.client.send('POST', AD_PATHS.creatives, { headers: { ...signed.headers, 'content-digest': digest }, body: other }), 'BAD_SIGNATURE', 401);
  });

  it('refuses a signature made for another path, and one by a key that is not the keyid’s', async () => {
    const forBids = a.client.sign('POST', AD_PATHS.bids, { bidId: a.bidId });
    await refusedUnchanged(() => a.client.send('POST', AD_PATHS.withdrawBid, forBids), 'BAD_SIGNATURE', 401);
    const mallory = agentClient(h.url, makeAgentKey(), () => h.clock.now);
    const forged = mallory.sign('POST', AD_PATHS.withdrawBid, { bidId: a.bidId });
    forged.headers['signature-input'] = forged.headers['signature-input']!.replace(/keyid="[^"]+"/, `keyid="${a.client.keyId}"`);
    await refusedUnchanged(() => a.client.send('POST', AD_PATHS.withdrawBid, forged), 'BAD_SIGNATURE', 401);
  });

  it('refuses an unknown key, and a request created too long ago or ahead', async () => {
    const stranger = agentClient(h.url, makeAgentKey(), () => h.clock.now);
    await refusedUnchanged(() => stranger.request('POST', AD_PATHS.creatives, creativeBody), 'AD_UNKNOWN_KEY', 401);
    const old = Math.floor(h.clock.now / 1000) - 301;
    await refusedUnchanged(() => a.client.request('POST', AD_PATHS.creatives, creativeBody, { created: old }), 'STALE_REQUEST', 401);
    await refusedUnchanged(() => a.client.request('POST', AD_PATHS.creatives, creativeBody, { created: old + 602 }), 'STALE_REQUEST', 401);
  });

  it('refuses a replayed request (same nonce), and the replay changes nothing', async () => {
    const signed = a.client.sign('POST', AD_PATHS.creatives, creativeBody);
    const first = await a.client.send('POST', AD_PATHS.creatives, signed);
    expect(first.status).toBe(201);
    await refusedUnchanged(() => a.client.send('POST', AD_PATHS.creatives, signed), 'REPLAYED', 409);
  });

  it('answers a retry (new signature, same Idempotency-Key) with the first answer, once', async () => {
    const idempotencyKey = 'retry-creative-0001';
    const first = await a.client.request('POST', AD_PATHS.creatives, creativeBody, { idempotencyKey });
    const before = await h.snapshot();
    const again = await a.client.request('POST', AD_PATHS.creatives, creativeBody, { idempotencyKey });
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await h.snapshot()).toBe(before);
    await refusedUnchanged(() => a.client.request('POST', AD_PATHS.creatives, { ...creativeBody, durationSeconds: 9 }, { idempotencyKey }), 'AD_IDEMPOTENCY_CONFLICT', 422);
  });

  it('refuses a bid the balance or the daily budget cannot pay one break of, and keeps that answer for its key', async () => {
    const poor = await h.agent('Poor', { fund: 1000 });
    const c = await poor.client.request<{ creativeId: string }>('POST', AD_PATHS.creatives, creativeBody);
    const bid = { creativeId: c.body.creativeId, microAlgosPerSecond: 101, maxSecondsPerBreak: 30, dailyBudgetMicroAlgos: 1e9 };
    await refusedUnchanged(() => poor.client.request('POST', AD_PATHS.bids, bid, { idempotencyKey: 'poor-bid-0001' }), 'AD_BUDGET_EXCEEDED', 402);
    await refusedUnchanged(() => poor.client.request('POST', AD_PATHS.bids, { ...bid, microAlgosPerSecond: 10, dailyBudgetMicroAlgos: 99 }), 'AD_BUDGET_EXCEEDED', 402);
    await poor.client.request('POST', AD_PATHS.devCredit, { microAlgos: 1e6 });
    // Same key after funding: the stored refusal (Idempotency-Keys name one attempt; a new attempt takes a new key).
    await refusedUnchanged(() => poor.client.request('POST', AD_PATHS.bids, bid, { idempotencyKey: 'poor-bid-0001' }), 'AD_BUDGET_EXCEEDED', 402);
    expect((await poor.client.request('POST', AD_PATHS.bids, bid)).status).toBe(201);
  });

  it('withdraws only the agent’s own bids', async () => {
    const other = await h.agent('Other', { fund: 100_000, price: 150 });
    await refusedUnchanged(() => other.client.request('POST', AD_PATHS.withdrawBid, { bidId: a.bidId }), 'NOT_FOUND', 404);
    const w = await other.client.request('POST', AD_PATHS.withdrawBid, { bidId: other.bidId });
    expect(w).toMatchObject({ status: 200, body: { bidId: other.bidId, active: false } });
  });

  it('admin credit needs the admin token and an Idempotency-Key, and credits once per key', async () => {
    const post = (auth: string | undefined, idem: string | undefined) =>
      fetch(h.url + AD_PATHS.adminCredit, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth && { authorization: auth }), ...(idem && { 'idempotency-key': idem }) },
        body: JSON.stringify({ agentId: a.agentId, microAlgos: 5000 }),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    await refusedUnchanged(() => post('Bearer wrong', 'admin-credit-0001'), 'NOT_SESSION_OWNER', 403);
    await refusedUnchanged(() => post(`Bearer ${ADMIN}`, undefined), 'AD_SIGNATURE_MISSING', 401);
    const first = await post(`Bearer ${ADMIN}`, 'admin-credit-0001');
    expect(first.status).toBe(200);
    const again = await post(`Bearer ${ADMIN}`, 'admin-credit-0001');
    expect(again.body).toEqual(first.body);
    const report = await a.client.request<{ creditedMicroAlgos: number }>('GET', AD_PATHS.agent);
    expect(report.body.creditedMicroAlgos).toBe(105_000);
  });
});
