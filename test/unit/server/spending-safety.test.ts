// Spending safety (protocol v3, issue #10 item 4): the budget signed at start, the limit of live sessions
// per viewer, revocation at sign-out. Every refusal is JSON with a stable code and changes nothing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../server/app.js';
import { isKeyRevoked } from '../../../server/handlers/revoke.js';
import { createApiClient, randomNonce, signedRevokeRequest } from '../../../src/payments/api-client.js';
import type { SessionStartResponse } from '../../../src/payments/protocol.js';
import { postgresUrl } from '../../support/postgres-store.js';
import { credit, makeTick, makeViewer, raw, refused, signTick, signedStartRequest, signedViewerRequest, startHarness, startSession, type Harness, type Viewer } from './harness.js';

let h: Harness | undefined;
const extra: RunningServer[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  await Promise.all(extra.splice(0).map((s) => s.close()));
});

const startWith = async (hh: Harness, v: Viewer, budgetMicroAlgos: number | null, rateMicroAlgos = 100): Promise<SessionStartResponse> =>
  hh.api.start(await signedStartRequest(v, { api: hh.url, contentId: 'film-1', rateMicroAlgos, budgetMicroAlgos, requestTime: hh.clock.now, nonce: randomNonce() }));
const revokeReq = (hh: Harness, v: Viewer, api = hh.url) => signedRevokeRequest(v, { api, requestTime: hh.clock.now, nonce: randomNonce() });
const analytics = async (hh: Harness, id: string) => ((await hh.api.analytics({ sessionId: id })) as any).session;
const balance = async (hh: Harness, v: Viewer) => (await hh.api.viewer(await signedViewerRequest(v, hh.clock.now))).balanceMicroAlgos;

/** A database that outlives one server: an SQLite file, or a PostgreSQL schema of its own. */
const durableDb = () => (process.env.SIPPAR_TEST_DB === 'postgres' ? postgresUrl() : join(mkdtempSync(join(tmpdir(), 'sippar-safety-')), 'ledger.db'));

describe('a budget signed at start (v3)', () => {
  it('bills up to the budget; a tick past it is refused BUDGET_EXCEEDED with the ledger, and changes nothing', async () => {
    h = await startHarness();
    const v = await makeViewer();
    await credit(h, v, 100_000);
    const s = await startWith(h, v, 1_050); // 10.5 s at 100 µALGO/s: ten whole seconds
    expect(s.budgetMicroAlgos).toBe(1_050);
    h.clock.now += 60_000;
    expect(await h.api.extend(await signTick(v, makeTick(s, 1, 10)))).toMatchObject({ seconds: 10, microAlgos: 1_000 });
    const before = { session: await analytics(h, s.sessionId), balance: await balance(h, v) };
    const e = await refused(h.api.extend(await signTick(v, makeTick(s, 2, 11))), 'BUDGET_EXCEEDED', 409);
    expect(e.ledger).toMatchObject({ sessionId: s.sessionId, seq: 1, seconds: 10, microAlgos: 1_000 });
    await refused(h.api.pause(await signTick(v, makeTick(s, 3, 11, { final: true }))), 'BUDGET_EXCEEDED', 409);
    expect({ session: await analytics(h, s.sessionId), balance: await balance(h, v) }).toEqual(before);
    // The final tick at the budget itself settles.
    expect(await h.api.pause(await signTick(v, makeTick(s, 4, 10, { final: true })))).toMatchObject({ status: 'paused', settlement: { microAlgos: 1_000 } });
  });

  it('null is no budget; the budget is signed (changing it breaks the signature) and required (BAD_REQUEST)', async () => {
    h = await startHarness();
    const v = await makeViewer();
    await credit(h, v, 1_000_000);
    const s = await startWith(h, v, null);
    expect(s.budgetMicroAlgos).toBeNull();
    h.clock.now += 600_000;
    for (let i = 1; i <= 4; i++) {
      h.clock.now += 50_000;
      expect((await h.api.extend(await signTick(v, makeTick(s, i, i * 90)))).seconds).toBe(i * 90);
    }
    const req = await signedStartRequest(v, { api: h.url, contentId: 'film-1', rateMicroAlgos: 100, budgetMicroAlgos: 500, requestTime: h.clock.now, nonce: randomNonce() });
    await refused(h.api.start({ ...req, budgetMicroAlgos: 5_000 }), 'BAD_SIGNATURE', 401);
    await refused(h.api.start({ ...req, budgetMicroAlgos: null }), 'BAD_SIGNATURE', 401);
    const { budgetMicroAlgos: _b, ...without } = req;
    expect((await raw(h, 'POST', '/streaming/session/start', JSON.stringify(without))).json.error.code).toBe('BAD_REQUEST');
    expect((await raw(h, 'POST', '/streaming/session/start', JSON.stringify({ ...req, budgetMicroAlgos: -1 }))).json.error.code).toBe('BAD_REQUEST');
    expect((await startWith(h, v, 0)).budgetMicroAlgos).toBe(0); // 0: only seconds that bill nothing
  });
});

describe('live sessions per viewer (--max-sessions)', () => {
  it('refuses a start beyond the limit with TOO_MANY_SESSIONS (429 JSON, Retry-After); settled, stale, expired and revoked sessions do not count', async () => {
    h = await startHarness({ maxSessions: 2, liveWindowMs: 120_000 });
    const v = await makeViewer();
    await credit(h, v, 100_000);
    const a = await startSession(h, v);
    const b = await startSession(h, v);
    const res = await raw(h, 'POST', '/streaming/session/start', JSON.stringify(await signedStartRequest(v, { api: h.url, contentId: 'film-1', rateMicroAlgos: 100, requestTime: h.clock.now, nonce: randomNonce() })));
    expect(res.status).toBe(429);
    expect(res.json.error.code).toBe('TOO_MANY_SESSIONS');
    expect(res.headers.get('retry-after')).toBe('120');
    // Another viewer is not concerned.
    const w = await makeViewer();
    await credit(h, w, 1_000);
    await startSession(h, w);
    // A final tick settles a: it is no longer live.
    h.clock.now += 5_000;
    await h.api.pause(await signTick(v, makeTick(a, 1, 2, { final: true })));
    const c = await startSession(h, v);
    await refused(startSession(h, v), 'TOO_MANY_SESSIONS', 429);
    // b and c stay live while they tick within the window; silent past it, they stop counting.
    h.clock.now += 100_000;
    await h.api.extend(await signTick(v, makeTick(b, 1, 2)));
    h.clock.now += 30_000; // c silent for 130 s, b for 30 s
    const d = await startSession(h, v);
    await refused(startSession(h, v), 'TOO_MANY_SESSIONS', 429);
    expect(d.sessionId).not.toBe(c.sessionId);
  });

  it('two starts at once cannot both take the last place', async () => {
    h = await startHarness({ maxSessions: 1 });
    const v = await makeViewer();
    await credit(h, v, 100_000);
    const reqs = await Promise.all([0, 1, 2, 3].map(() => signedStartRequest(v, { api: h!.url, contentId: 'film-1', rateMicroAlgos: 100, requestTime: h!.clock.now, nonce: randomNonce() })));
    const out = await Promise.allSettled(reqs.map((r) => h!.api.start(r)));
    expect(out.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of out) if (o.status === 'rejected') expect((o.reason as { code: string }).code).toBe('TOO_MANY_SESSIONS');
  });
});

describe('POST /streaming/session/revoke (sign-out)', () => {
  it('revokes the signing session key: its ticks and starts are refused KEY_REVOKED, nothing changes; a replay answers the same', async () => {
    h = await startHarness();
    const v = await makeViewer();
    await credit(h, v, 100_000);
    const s = await startSession(h, v);
    h.clock.now += 10_000;
    await h.api.extend(await signTick(v, makeTick(s, 1, 3)));
    const req = await revokeReq(h, v);
    const r = await h.api.revoke(req);
    expect(r).toEqual({ revoked: true, principal: v.principal, revokedAt: h.clock.now });
    const before = { session: await analytics(h, s.sessionId), balance: await balance(h, v) };
    const e = await refused(h.api.extend(await signTick(v, makeTick(s, 2, 5))), 'KEY_REVOKED', 401);
    expect(e.ledger).toMatchObject({ seq: 1, seconds: 3 });
    await refused(h.api.pause(await signTick(v, makeTick(s, 3, 5, { final: true }))), 'KEY_REVOKED', 401);
    await refused(startSession(h, v), 'KEY_REVOKED', 401);
    expect({ session: await analytics(h, s.sessionId), balance: await balance(h, v) }).toEqual(before);
    // The very same tick as before answers as before (idempotent), and a replayed revocation changes nothing.
    h.clock.now += 1_000;
    expect(await h.api.revoke(req)).toEqual(r);
    expect(await isKeyRevoked({ ledger: h.server.ledger }, v.sessionPublicKey)).toBe(true);
    // The same principal signed in again (a new session key) watches on.
    const again = await makeViewer();
    expect(await isKeyRevoked({ ledger: h.server.ledger }, again.sessionPublicKey)).toBe(false);
  });

  it('refuses a revocation for another API (WRONG_API), a tampered one (BAD_SIGNATURE), a stale one (STALE_REQUEST); none revokes', async () => {
    h = await startHarness({ publicUrls: ['https://pay.example.com'] });
    const v = await makeViewer();
    await refused(h.api.revoke(await revokeReq(h, v, 'https://other.example.com')), 'WRONG_API', 401);
    const ok = await revokeReq(h, v, 'https://pay.example.com');
    await refused(h.api.revoke({ ...ok, nonce: randomNonce() }), 'BAD_SIGNATURE', 401);
    h.clock.now += 10 * 60_000;
    await refused(h.api.revoke(ok), 'STALE_REQUEST', 401);
    expect(await isKeyRevoked({ ledger: h.server.ledger }, v.sessionPublicKey)).toBe(false);
  });

  it('a revoked session no longer counts as live', async () => {
    h = await startHarness({ maxSessions: 1 });
    const v = await makeViewer();
    await credit(h, v, 100_000);
    await startSession(h, v);
    await h.api.revoke(await revokeReq(h, v));
    const w = { ...(await makeViewer()) };
    // Same principal, new key: the root signs a new chain for it.
    const { DelegationChain, ECDSAKeyIdentity } = await import('@dfinity/identity');
    const session = await ECDSAKeyIdentity.generate();
    const chain = await DelegationChain.create(v.root, session.getPublicKey(), new Date(Date.now() + 3600_000));
    Object.assign(w, { principal: v.principal, session, sessionPublicKey: new Uint8Array(session.getPublicKey().toDer()), delegationChain: chain.toJSON(), sign: async (b: Uint8Array) => new Uint8Array(await session.sign(b)) });
    expect((await startSession(h, w)).principal).toBe(v.principal);
  });

  it('holds after a restart and in every API process on the same database', async () => {
    const db = durableDb();
    h = await startHarness({ db });
    const v = await makeViewer();
    await credit(h, v, 100_000);
    const s = await startSession(h, v);
    // A second process on the same database, started before the revocation.
    const other = await startServer({ dev: true, quiet: true, db, now: () => h!.clock.now });
    extra.push(other);
    h.clock.now += 10_000;
    await h.api.revoke(await revokeReq(h, v));
    const otherApi = createApiClient({ baseUrl: other.url });
    await refused(otherApi.extend(await signTick(v, makeTick(s, 1, 2))), 'KEY_REVOKED', 401);
    await h.close();
    const clock = h.clock;
    const restarted = await startServer({ dev: true, quiet: true, db, now: () => clock.now });
    h = { server: restarted, url: restarted.url, api: createApiClient({ baseUrl: restarted.url }), clock, close: () => restarted.close() };
    await refused(h.api.extend(await signTick(v, makeTick(s, 2, 3))), 'KEY_REVOKED', 401);
  });
});
