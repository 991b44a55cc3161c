// Sign-out at the payment API (src/identity/revoke.ts) against the reference server: the key is revoked;
// an API that does not answer is tried twice and never blocks the sign-out; a refusal is not retried.
import { DelegationChain, DelegationIdentity, ECDSAKeyIdentity, Ed25519KeyIdentity } from '@dfinity/identity';
import { afterEach, describe, expect, it } from 'vitest';
import { isKeyRevoked } from '../../../server/handlers/revoke.js';
import { revokeSessionKey } from '../../../src/identity/revoke.js';
import { startHarness, type Harness } from '../server/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function identity(expiresInMs = 3_600_000) {
  const root = Ed25519KeyIdentity.generate();
  const session = await ECDSAKeyIdentity.generate();
  const chain = await DelegationChain.create(root, session.getPublicKey(), new Date(Date.now() + expiresInMs));
  return { id: DelegationIdentity.fromDelegation(session, chain), der: new Uint8Array(session.getPublicKey().toDer()) };
}

describe('revokeSessionKey', () => {
  it('revokes the session key at the API (and says so again when it already was)', async () => {
    h = await startHarness();
    const { id, der } = await identity();
    expect(await revokeSessionKey(h.url, id)).toBe('revoked');
    expect(await isKeyRevoked({ ledger: h.server.ledger }, der)).toBe(true);
    expect(await revokeSessionKey(h.url, id)).toBe('revoked');
  });

  it('an unreachable API is tried twice, then given up: never throws, bounded in time', async () => {
    const { id } = await identity();
    let calls = 0;
    const down: typeof fetch = async () => {
      calls++;
      throw new TypeError('Failed to fetch');
    };
    const t0 = performance.now();
    expect(await revokeSessionKey('http://api.invalid', id, { fetch: down, retryDelayMs: 10 })).toBe('unreachable');
    expect(calls).toBe(2);
    expect(performance.now() - t0).toBeLessThan(5_000);
    const hang: typeof fetch = (_u, init) => new Promise((_r, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    expect(await revokeSessionKey('http://api.invalid', id, { fetch: hang, timeoutMs: 50, retryDelayMs: 10 })).toBe('unreachable');
  });

  it('a 503 is retried once and then succeeds; a refusal (another API) is not retried', async () => {
    h = await startHarness();
    const { id } = await identity();
    let calls = 0;
    const flaky: typeof fetch = async (url, init) => (++calls === 1 ? new Response(JSON.stringify({ error: { code: 'DATABASE_UNAVAILABLE', message: 'x' } }), { status: 503 }) : fetch(url, init));
    expect(await revokeSessionKey(h.url, id, { fetch: flaky, retryDelayMs: 10 })).toBe('revoked');
    expect(calls).toBe(2);
    const other = await identity();
    let refusedCalls = 0;
    const counting: typeof fetch = async (url, init) => (refusedCalls++, fetch(url, init));
    // Signed for a name this server does not answer to: WRONG_API, final.
    const wrong = h.url.replace('127.0.0.1', 'localhost.invalid');
    expect(await revokeSessionKey(wrong, other.id, { fetch: (u, i) => counting(String(u).replace('localhost.invalid', '127.0.0.1'), i), retryDelayMs: 10 })).toBe('refused');
    expect(refusedCalls).toBe(1);
  });
});
