// Forged canister signatures: checked on a worker (never the main thread), answers cached, a full queue
// refused at once with 503 BUSY; cheap checks refuse what they can before any worker is involved.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { hashOfMap, IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR } from '@dfinity/agent';
import { forgedCanisterStarts, type CanisterFixture } from '../../../server/bench/forged-canister.js';
import { createBlsPool } from '../../../server/verify/bls-pool.js';
import { fromHex } from '../../../src/payments/tick.js';
import { raw, startHarness, type Harness } from './harness.js';

const fx = JSON.parse(readFileSync(new URL('./fixtures/ii-canister-signature.json', import.meta.url), 'utf8')) as CanisterFixture;
const trusting = { dev: false, icRootKeyRawHex: fx.icRootPublicKeyRawHex, iiCanisterIds: [fx.iiCanisterId] };

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const post = (body: unknown) => raw(h!, 'POST', '/streaming/session/start', JSON.stringify(body));

describe('the worker pool', () => {
  it('verifies the real II fixture on the worker (true), a tampered one (false), answers a repeat from its cache, and refuses checks after close (BUSY)', async () => {
    const link = fx.delegationChain.delegations[0]!;
    const message = new Uint8Array([
      ...IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR,
      ...hashOfMap({ pubkey: fromHex(link.delegation.pubkey), expiration: BigInt('0x' + link.delegation.expiration) }),
    ]);
    const check = { publicKeyDer: fromHex(fx.delegationChain.publicKey), message, signature: fromHex(link.signature), icRootKeyRaw: fromHex(fx.icRootPublicKeyRawHex), allowedCanisters: [fx.iiCanisterId] };
    const pool = createBlsPool({ workers: 1, maxQueue: 4 });
    try {
      const [valid, tampered] = await Promise.all([pool.verify(check), pool.verify({ ...check, message: message.map((b, i) => (i === message.length - 1 ? b ^ 1 : b)) })]);
      expect([valid, tampered]).toEqual([true, false]);
      expect(pool.stats()).toEqual({ queued: 0, running: 0, cached: 2 });
      expect(await pool.verify(check)).toBe(true);
    } finally {
      await pool.close();
    }
    await expect(pool.verify(check)).rejects.toMatchObject({ code: 'BUSY', status: 503 });
  });
});

describe('canister-signature (BLS) checks', () => {
  it('run on a worker while the main thread keeps serving; a forged certificate is refused (BAD_DELEGATION) and its repeat answered from the cache', async () => {
    h = await startHarness(trusting);
    const forged = forgedCanisterStarts(fx, h.url, () => h!.clock.now)();
    let done = false;
    const pending = post(forged).finally(() => (done = true));
    // The check is handed to a worker: seen there, and the main thread answers meanwhile.
    while (!done && h.server.blsStats().running === 0) await new Promise((r) => setTimeout(r, 2));
    const sawWorker = !done;
    const other = await raw(h, 'GET', '/streaming/session/analytics');
    expect(other.status).toBe(200);
    const first = await pending;
    expect([first.status, first.json.error.code]).toEqual([401, 'BAD_DELEGATION']);
    expect(sawWorker).toBe(true);
    expect(h.server.blsStats().cached).toBe(1);
    const again = await post(forged);
    expect(again.json.error.code).toBe('BAD_DELEGATION');
    expect(h.server.blsStats()).toMatchObject({ queued: 0, running: 0 });
    // Nothing was written for either.
    expect(((await raw(h, 'GET', '/streaming/session/analytics')).json.totals.sessions)).toBe(0);
  });

  it('answers 503 BUSY (JSON, Retry-After) when the worker and its queue are full', async () => {
    h = await startHarness({ ...trusting, bls: { workers: 1, maxQueue: 1 } });
    const next = forgedCanisterStarts(fx, h.url, () => h!.clock.now);
    const answers = await Promise.all(Array.from({ length: 6 }, () => post(next())));
    const codes = answers.map((a) => a.json.error.code).sort();
    expect(codes.filter((c) => c === 'BUSY').length).toBeGreaterThanOrEqual(1);
    expect(codes.filter((c) => c === 'BAD_DELEGATION').length).toBeGreaterThanOrEqual(2); // one running, one queued
    const busy = answers.find((a) => a.json.error.code === 'BUSY')!;
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
  });

  it('refuses before any worker: an untrusted canister, an expired link, a bad session signature, a start for another API', async () => {
    h = await startHarness({ dev: false }); // only mainnet II is trusted
    const next = forgedCanisterStarts(fx, h.url, () => h!.clock.now);
    expect((await post(next())).json.error.code).toBe('UNTRUSTED_ROOT');
    await h.close();
    h = await startHarness(trusting);
    const f = forgedCanisterStarts(fx, h.url, () => h!.clock.now)();
    const expired = structuredClone(f);
    expired.delegationChain.delegations[0]!.delegation.expiration = (BigInt(h.clock.now - 1000) * 1_000_000n).toString(16);
    expect((await post(expired)).json.error.code).toBe('DELEGATION_EXPIRED');
    expect((await post({ ...f, signature: '00'.repeat(64) })).json.error.code).toBe('BAD_SIGNATURE');
    expect((await post({ ...f, api: 'https://other.example' })).json.error.code).toBe('WRONG_API');
    expect(h.server.blsStats()).toEqual({ queued: 0, running: 0, cached: 0 });
  });
});
