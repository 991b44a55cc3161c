import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startServer } from '../../../server/app.js';
import { createApiClient } from '../../../src/payments/api-client.js';
import { credit, makeTick, makeViewer, raw, refused, signTick, signedViewerRequest, startHarness, startSession, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('HTTP surface', () => {
  it('refuses bodies over the limit with 413 BODY_TOO_LARGE (declared or streamed)', async () => {
    h = await startHarness();
    const big = JSON.stringify({ pad: 'x'.repeat(17_000) });
    const r = await raw(h, 'PUT', '/streaming/session/extend', big);
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe('BODY_TOO_LARGE');
    // Chunked (no content-length): the limit holds while streaming.
    const res = await fetch(h.url + '/streaming/session/extend', {
      method: 'PUT',
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 20; i++) c.enqueue(new TextEncoder().encode('x'.repeat(1024)));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('refuses garbage JSON (BAD_JSON), non-objects, unknown paths (404) and wrong methods (405)', async () => {
    h = await startHarness();
    expect((await raw(h, 'PUT', '/streaming/session/extend', '{"tick":')).json.error.code).toBe('BAD_JSON');
    expect((await raw(h, 'PUT', '/streaming/session/extend', '[1,2]')).json.error.code).toBe('BAD_JSON');
    expect((await raw(h, 'PUT', '/streaming/session/extend', 'null')).status).toBe(400);
    expect((await raw(h, 'GET', '/nope')).json.error.code).toBe('NOT_FOUND');
    const m = await raw(h, 'GET', '/streaming/session/extend');
    expect([m.status, m.json.error.code]).toEqual([405, 'METHOD_NOT_ALLOWED']);
  });

  it('serves allow-listed origins with CORS headers and preflight; refuses others with 403 ORIGIN_NOT_ALLOWED', async () => {
    h = await startHarness({ origins: ['https://platform.example'] });
    const ok = await raw(h, 'GET', '/streaming/session/analytics', undefined, { origin: 'https://platform.example' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://platform.example');
    const pre = await fetch(h.url + '/streaming/session/extend', { method: 'OPTIONS', headers: { origin: 'https://platform.example', 'access-control-request-method': 'PUT' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toContain('PUT');
    const bad = await raw(h, 'PUT', '/streaming/session/extend', '{}', { origin: 'https://evil.example' });
    expect([bad.status, bad.json.error.code]).toEqual([403, 'ORIGIN_NOT_ALLOWED']);
    const badPre = await fetch(h.url + '/streaming/session/extend', { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(badPre.status).toBe(403);
    expect(badPre.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('dev mode without --origins allows localhost origins only', async () => {
    h = await startHarness();
    expect((await raw(h, 'GET', '/streaming/session/analytics', undefined, { origin: 'http://localhost:5173' })).status).toBe(200);
    expect((await raw(h, 'GET', '/streaming/session/analytics', undefined, { origin: 'https://localhost.evil.example' })).status).toBe(403);
  });

  it('analytics: per session, per content id and platform totals; optional bearer token', async () => {
    h = await startHarness({ analyticsToken: 'secret' });
    const a = await makeViewer();
    const b = await makeViewer();
    await credit(h, a, 10_000);
    await credit(h, b, 10_000);
    const sa = await startSession(h, a, 100, 'film-1');
    const sb = await startSession(h, b, 50, 'film-2');
    h.clock.now += 20_000;
    await h.api.extend(await signTick(a, makeTick(sa, 1, 10)));
    await h.api.extend(await signTick(b, makeTick(sb, 1, 4)));
    await h.api.pause(await signTick(a, makeTick(sa, 2, 12, { final: true })));
    await refused(h.api.analytics({}), 'NOT_SESSION_OWNER', 403);
    expect((await h.api.analytics({ sessionId: sa.sessionId }, 'secret')) as any).toMatchObject({
      session: { sessionId: sa.sessionId, contentId: 'film-1', principal: a.principal, billedSeconds: 12, microAlgos: 1_200, ticks: 2, settlements: 1, status: 'paused' },
    });
    expect(((await h.api.analytics({ contentId: 'film-2' }, 'secret')) as any).totals).toEqual({
      contentId: 'film-2', sessions: 1, viewers: 1, watchSeconds: 4, microAlgos: 200, ticks: 1, liveSessions: 1, settledMicroAlgos: 0, earningsMicroAlgos: 0,
    });
    expect(((await h.api.analytics({}, 'secret')) as any).totals).toEqual({
      sessions: 2, viewers: 2, watchSeconds: 16, microAlgos: 1_400, ticks: 3, liveSessions: 1, settledMicroAlgos: 1_200, earningsMicroAlgos: 120,
    });
    await refused(h.api.analytics({ sessionId: 'unknown' }, 'secret'), 'NOT_FOUND', 404);
  });

  it('persists the ledger across a restart with a file DB (sessions, ticks, balances, idempotence)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sippar-'));
    const db = join(dir, 'ledger.db');
    try {
      h = await startHarness({ db });
      const v = await makeViewer();
      await credit(h, v, 5_000);
      const s = await startSession(h, v, 100);
      h.clock.now += 30_000;
      const req = await signTick(v, makeTick(s, 1, 10));
      const first = await h.api.extend(req);
      const now = h.clock.now;
      await h.close();
      const server = await startServer({ dev: true, quiet: true, db, now: () => now + 10_000 });
      h = { server, url: server.url, api: createApiClient({ baseUrl: server.url }), clock: { now }, close: () => server.close() };
      expect(await h.api.extend(req)).toEqual(first); // the replay answer survived the restart
      expect(await h.api.extend(await signTick(v, makeTick(s, 2, 20)))).toMatchObject({ seconds: 20, balanceMicroAlgos: 3_000 });
      expect((await h.api.viewer(await signedViewerRequest(v, now))).balanceMicroAlgos).toBe(3_000);
    } finally {
      await h?.close();
      h = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('production mode with the II fixture: the trusted canister root passes the cheap checks (stops at the session key); an untrusted one is refused before any signature', async () => {
    const fx = JSON.parse(readFileSync(new URL('./fixtures/ii-canister-signature.json', import.meta.url), 'utf8'));
    const at = Number(BigInt(fx.expirationNs) / 1_000_000n) - 60_000;
    h = await startHarness({ dev: false, now: () => at, icRootKeyRawHex: fx.icRootPublicKeyRawHex, iiCanisterIds: [fx.iiCanisterId] });
    const body = { delegationChain: fx.delegationChain, sessionPublicKey: fx.delegationChain.delegations[0].delegation.pubkey, requestTime: at, signature: '00' };
    expect((await raw(h, 'POST', '/streaming/viewer', JSON.stringify(body))).json.error.code).toBe('SESSION_KEY_MISMATCH');
    await h.close();
    h = await startHarness({ dev: false, now: () => at }); // defaults: only mainnet II (rdmx6-…) may issue root keys
    expect((await raw(h, 'POST', '/streaming/viewer', JSON.stringify(body))).json.error.code).toBe('UNTRUSTED_ROOT');
  });

  it('logs one JSON line per request', async () => {
    const lines: string[] = [];
    const server = await startServer({ dev: true, db: ':memory:', log: (l) => lines.push(l) });
    try {
      await createApiClient({ baseUrl: server.url }).analytics({});
      await fetch(server.url + '/nope'); // a path the client has no call for
      // A line is written when its response finishes, which may be after the client has read it.
      await vi.waitFor(() => expect(lines).toHaveLength(2), { timeout: 10_000 });
      const parsed = lines.map((l) => JSON.parse(l));
      expect(parsed[0]).toMatchObject({ method: 'GET', path: '/streaming/session/analytics', status: 200 });
      expect(parsed[1]).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      expect(typeof parsed[0].ms).toBe('number');
    } finally {
      await server.close();
    }
  });
});
