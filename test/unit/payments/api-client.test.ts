// The one API client against a real local node:http server misbehaving in each way a payment API can:
// every failure comes back as a PaymentApiError whose `kind` was decided where it happened.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, PaymentApiError } from '../../../src/payments/api-client.js';
import { classify, createPaymentApi, sendTick } from '../../../src/payments/transport.js';
import type { TickRequest } from '../../../src/payments/protocol.js';

const tick: TickRequest = { tick: { sessionId: 's1', seq: 1, seconds: 1, microAlgos: 10, mediaTime: 0, clientTime: 0 }, signature: 'ab' };
const ledger = { sessionId: 's1', seq: 1, seconds: 0, microAlgos: 0, balanceMicroAlgos: 5, status: 'exhausted' };

/** What the server does, per test (the path is always /streaming/session/extend). */
let behave: (req: IncomingMessage, res: ServerResponse) => void = () => {};
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => req.resume().on('end', () => behave(req, res)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function failure(p: Promise<unknown>): Promise<PaymentApiError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(PaymentApiError);
  return e as PaymentApiError;
}

const client = (timeoutMs = 2_000, url = base) => createApiClient({ baseUrl: url, timeoutMs });

describe('api-client error kinds (real node:http server)', () => {
  it('http: a JSON refusal keeps the status, the server code and the ledger', async () => {
    behave = (_q, res) => res.writeHead(402, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'INSUFFICIENT_FUNDS', message: 'broke' }, ledger }));
    const e = await failure(client().extend(tick));
    expect([e.kind, e.status, e.code, e.message]).toEqual(['http', 402, 'INSUFFICIENT_FUNDS', 'broke']);
    expect(e.ledger).toEqual(ledger);
    expect(classify(e)).toMatchObject({ retryable: false, error: { code: 'INSUFFICIENT_FUNDS', status: 402 }, ledger });
  });

  it('http: a JSON error without a code is INTERNAL with its status', async () => {
    behave = (_q, res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{}');
    const e = await failure(client().extend(tick));
    expect([e.kind, e.status, e.code]).toEqual(['http', 500, 'INTERNAL']);
  });

  it('bad-json: an HTML page (even with 200) or a truncated body, with the real status', async () => {
    behave = (_q, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>502 Bad Gateway</html>');
    expect(await failure(client().extend(tick))).toMatchObject({ kind: 'bad-json', status: 200 });
    behave = (_q, res) => res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":{"co');
    const e = await failure(client().extend(tick));
    expect([e.kind, e.status]).toEqual(['bad-json', 502]);
    expect(classify(e)).toMatchObject({ retryable: true, error: { code: 'PAYMENT_API_INVALID_RESPONSE' } });
  });

  it('timeout: no answer at all, or headers and then a body that never ends', async () => {
    behave = () => {}; // never answers
    const e = await failure(client(150).extend(tick));
    expect([e.kind, e.status]).toEqual(['timeout', 0]);
    expect(classify(e).error.code).toBe('PAYMENT_API_TIMEOUT');
    behave = (_q, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.write('{"sessionId":'); };
    expect(await failure(client(150).extend(tick))).toMatchObject({ kind: 'timeout', status: 0 });
  });

  it('network: a refused connection, and a connection the server drops', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r)); // nothing listens there any more: connect is refused
    const e = await failure(client(2_000, `http://127.0.0.1:${port}`).extend(tick));
    expect([e.kind, e.status, e.code]).toEqual(['network', 0, 'NETWORK']);
    expect(classify(e)).toMatchObject({ retryable: true, error: { code: 'PAYMENT_API_UNREACHABLE' } });
    behave = (req) => req.socket.destroy();
    expect(await failure(client().extend(tick))).toMatchObject({ kind: 'network', status: 0 });
  });

  it("network: the caller's own abort is not a timeout", async () => {
    behave = () => {};
    const ac = new AbortController();
    const p = client(5_000).viewer({ delegationChain: { publicKey: '', delegations: [] }, sessionPublicKey: '', signature: '', requestTime: 0 }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    expect(await failure(p)).toMatchObject({ kind: 'network', message: 'aborted by the caller' });
  });

  it('sendTick over the wire: 200 with a ledger acknowledges, the same client the server tests use', async () => {
    const ok = { ...ledger, seconds: 1, microAlgos: 10, status: 'active' };
    behave = (req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.method === 'PUT' ? ok : {}));
    expect(await sendTick(createPaymentApi(base), tick)).toEqual({ ok: true, ledger: ok });
  });
});
