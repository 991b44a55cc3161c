// The HTTP surface a hostile client sees: exact paths, malformed HTTP, oversized bodies, request limits,
// platform tokens. Every refusal is JSON with a stable code and writes nothing.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { bearerMatches } from '../../../server/tokens.js';
import { credit, makeTick, makeViewer, raw, refused, signTick, signedStartRequest, startHarness, startSession, type Harness } from './harness.js';
import { randomNonce } from '../../../src/payments/api-client.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * Sends raw bytes (in pieces, `gapMs` apart) and reads the whole answer until the server closes or `idleMs`
 * passes. Like a browser uploading, it reads the answer only once it has sent everything.
 */
function rawHttp(url: string, pieces: string[], gapMs = 0, idleMs = 500): Promise<string> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve) => {
    const s = connect(Number(port), hostname);
    let out = '';
    let idle: NodeJS.Timeout;
    const finish = () => {
      s.destroy();
      resolve(out);
    };
    const bump = () => {
      clearTimeout(idle);
      idle = setTimeout(finish, idleMs);
    };
    s.on('data', (d) => {
      out += d.toString('utf8');
      bump();
    });
    s.on('close', () => {
      clearTimeout(idle);
      resolve(out);
    });
    s.on('error', () => undefined);
    s.pause();
    s.on('connect', async () => {
      for (const p of pieces) {
        if (s.destroyed) break;
        s.write(p);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
      s.resume();
      bump();
    });
  });
}

const jsonOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));

describe('routing on the raw path', () => {
  it('only the exact path reaches a handler: doubled slashes, backslashes, dot segments and encodings are 404 JSON', async () => {
    h = await startHarness();
    for (const target of ['//evil.example/streaming/session/extend', '/\\evil.example/streaming/session/extend', '/streaming\\session\\extend', '/streaming/public/%2e%2e/session/extend', '/streaming/public/../session/extend', '/streaming/session/extend/', '/streaming/session/%65xtend', '/STREAMING/session/extend']) {
      const answer = await rawHttp(h.url, [`PUT ${target} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}`]);
      expect(answer.split('\r\n')[0], target).toBe('HTTP/1.1 404 Not Found');
      expect(jsonOf(answer).error.code, target).toBe('NOT_FOUND');
    }
    // The exact path is served (here: refused for its empty body, past routing).
    const ok = await rawHttp(h.url, ['PUT /streaming/session/extend HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}']);
    expect(jsonOf(ok).error.code).toBe('BAD_REQUEST');
  });
});

describe('malformed HTTP and oversized bodies', () => {
  it('answers malformed requests with a JSON BAD_HTTP', async () => {
    h = await startHarness();
    for (const junk of ['GARBAGE\r\n\r\n', 'PUT /streaming/session/extend HTTP/1.1\r\nbad header line\r\n\r\n', 'POST /streaming/viewer HTTP/1.1\r\nhost: x\r\ncontent-length: abc\r\n\r\n']) {
      const answer = await rawHttp(h.url, [junk]);
      expect(answer.split('\r\n')[0], junk).toBe('HTTP/1.1 400 Bad Request');
      expect(jsonOf(answer).error.code, junk).toBe('BAD_HTTP');
    }
  });

  it('reads a streamed oversized body to its end before answering 413, so a client still sending gets the answer', async () => {
    h = await startHarness();
    const head = 'PUT /streaming/session/extend HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 40000\r\n\r\n';
    const chunks = [head, ...Array.from({ length: 20 }, () => 'x'.repeat(2_000))];
    const answer = await rawHttp(h.url, chunks, 5);
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
    expect(jsonOf(answer).error.code).toBe('BODY_TOO_LARGE');
    // A declared body beyond what the server drains is answered at once, and the connection closed.
    const huge = await rawHttp(h.url, ['PUT /streaming/session/extend HTTP/1.1\r\nhost: x\r\ncontent-length: 999999999\r\n\r\n']);
    expect(jsonOf(huge).error.code).toBe('BODY_TOO_LARGE');
  });
});

describe('request limits', () => {
  it('per client: 429 RATE_LIMITED as JSON with Retry-After once the bucket is empty; it refills with time', async () => {
    h = await startHarness({ rateLimits: { perClient: { perSecond: 1, burst: 3 }, perViewer: false } });
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await raw(h, 'GET', '/streaming/session/analytics')).status);
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    const limited = await raw(h, 'GET', '/streaming/session/analytics');
    expect(limited.json.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    h.clock.now += 2_000;
    expect((await raw(h, 'GET', '/streaming/session/analytics')).status).toBe(200);
  });

  it('per viewer: one session’s ticks are limited, another viewer’s are not, and a limited tick bills nothing', async () => {
    h = await startHarness({ rateLimits: { perClient: false, perViewer: { perSecond: 1, burst: 2 } } });
    const a = await makeViewer();
    const b = await makeViewer();
    await credit(h, a, 10_000);
    await credit(h, b, 10_000);
    const sa = await startSession(h, a);
    const sb = await startSession(h, b);
    h.clock.now += 10_000;
    // Starting took a token from each viewer's own bucket (by principal); ticks go by session.
    await h.api.extend(await signTick(a, makeTick(sa, 1, 1)));
    await h.api.extend(await signTick(a, makeTick(sa, 2, 2)));
    const e = await refused(h.api.extend(await signTick(a, makeTick(sa, 3, 3))), 'RATE_LIMITED', 429);
    expect(e.ledger).toBeUndefined();
    expect(await h.api.extend(await signTick(b, makeTick(sb, 1, 5)))).toMatchObject({ seconds: 5 });
    expect((await h.api.analytics({ sessionId: sa.sessionId })) as any).toMatchObject({ session: { billedSeconds: 2, ticks: 2 } });
  });
});

describe('platform tokens', () => {
  it('compares bearer tokens exactly (any configured token, nothing else)', () => {
    expect(bearerMatches('Bearer s3cret', ['s3cret'])).toBe(true);
    expect(bearerMatches('Bearer s3cret', [undefined, 'other', 's3cret'])).toBe(true);
    for (const bad of [undefined, '', 'Bearer s3cre', 'Bearer s3cretx', 'bearer s3cret', 's3cret', 'Bearer  s3cret']) expect(bearerMatches(bad, ['s3cret'])).toBe(false);
    expect(bearerMatches('Bearer ', [undefined])).toBe(false);
  });

  it('the admin token opens analytics, and credits outside development mode; without it crediting stays closed', async () => {
    h = await startHarness({ dev: false, adminToken: 'adm', analyticsToken: 'ana' });
    const v = await makeViewer();
    const post = (auth?: string) => raw(h!, 'POST', '/streaming/dev/credit', JSON.stringify({ principal: v.principal, microAlgos: 500 }), auth ? { authorization: auth } : {});
    expect((await post()).json.error.code).toBe('NOT_SESSION_OWNER');
    expect((await post('Bearer ana')).json.error.code).toBe('NOT_SESSION_OWNER');
    expect((await post('Bearer adm')).json).toMatchObject({ principal: v.principal, balanceMicroAlgos: 500 });
    expect((await raw(h, 'GET', '/streaming/session/analytics', undefined, { authorization: 'Bearer adm' })).status).toBe(200);
    expect((await raw(h, 'GET', '/streaming/session/analytics', undefined, { authorization: 'Bearer ana' })).status).toBe(200);
    expect((await raw(h, 'GET', '/streaming/session/analytics', undefined, { authorization: 'Bearer nope' })).status).toBe(403);
  });
});

describe('signed starts name their API', () => {
  it('a start signed for one deployment is refused by another (WRONG_API), before its signature; the same spelling normalised is accepted', async () => {
    h = await startHarness({ publicUrls: ['https://pay.a.example/api/'] });
    const v = await makeViewer();
    await credit(h, v, 10_000);
    const base = { contentId: 'film-1', rateMicroAlgos: 100, requestTime: h.clock.now };
    expect((await h.api.start(await signedStartRequest(v, { ...base, api: 'HTTPS://PAY.A.EXAMPLE/api', nonce: randomNonce() }))).sessionId).toBeTruthy();
    const forB = await signedStartRequest(v, { ...base, api: 'https://pay.b.example/api', nonce: randomNonce() });
    await refused(h.api.start(forB), 'WRONG_API', 401);
    // Relabelling the body does not help: the signature covers the API it was made for.
    await refused(h.api.start({ ...forB, api: 'https://pay.a.example/api' }), 'BAD_SIGNATURE', 401);
    await refused(h.api.start({ ...forB, api: 'not a url' }), 'BAD_REQUEST', 400);
    await refused(h.api.start({ ...forB, api: 'http://[' }), 'BAD_REQUEST', 400);
  });

  it('without public URLs: the listen URL, and loopback in development mode only', async () => {
    h = await startHarness({ dev: false });
    const v = await makeViewer();
    const base = { contentId: 'c', rateMicroAlgos: 0, requestTime: h.clock.now };
    // Production refuses the dev root anyway; the API check comes first, so the code says which failed.
    await refused(h.api.start(await signedStartRequest(v, { ...base, api: 'http://localhost:1', nonce: randomNonce() })), 'WRONG_API');
    await refused(h.api.start(await signedStartRequest(v, { ...base, api: h.url, nonce: randomNonce() })), 'UNTRUSTED_ROOT');
    await h.close();
    h = await startHarness();
    expect((await h.api.start(await signedStartRequest(v, { ...base, api: 'http://localhost:1', nonce: randomNonce() }))).rateMicroAlgos).toBe(0);
    await refused(h.api.start(await signedStartRequest(v, { ...base, api: 'https://pay.example', nonce: randomNonce() })), 'WRONG_API');
  });
});
