/**
 * The reference payment API on plain node:http (no framework: a tick is one small JSON body, and the
 * fewer layers between socket and ledger, the lower the p99). `startServer` is what tests, benches and
 * other engineers' e2e suites use; server/main.ts is the CLI.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Principal } from '@dfinity/principal';
import {
  API_PATHS,
  type AnalyticsResponse,
  type DevCreditResponse,
  type SessionStartResponse,
  type ViewerResponse,
} from '../src/payments/protocol.js';
import {
  CONTENT_ID_PATTERN,
  NONCE_PATTERN,
  SESSION_ID_PATTERN,
  isUint,
  startSigningBytes,
  tickSigningBytes,
  toHex,
  validateTick,
  whoamiSigningBytes,
} from '../src/payments/tick.js';
import { algorandAddressOf } from './algorand-address.js';
import { auditRoutes, isTextAnswer } from './audit.js';
import { DEV_DEFAULT_ORIGINS, resolveOptions, type ResolvedOptions, type ServerOptions } from './config.js';
import { ApiError } from './errors.js';
import { Bounded, obj, readBody, send, sendText, signatureBytes } from './http-io.js';
import { applyTick, openSession, tickAnswer } from './ledger/ledger-service.js';
import { openStorage } from './ledger/open-storage.js';
import type { LedgerStorage } from './ledger/storage.js';
import { ledgerState } from './ledger/tick-rules.js';
import { signedRequestChecks } from './signed-requests.js';
import { parseSigningKey, verifySignature, type SigningKey } from './verify/keys.js';

export type { ServerOptions } from './config.js';

export interface RunningServer {
  url: string;
  port: number;
  /** The store behind the API (SqliteLedgerStorage unless one was passed in; its `db` is open for tests). */
  ledger: LedgerStorage;
  options: ResolvedOptions;
  close(): Promise<void>;
}

interface CachedSession {
  key: SigningKey;
  keyHex: string;
  expiresAt: number;
}

const LIVE_WINDOW_MS = 30_000;

/** `storage`: another LedgerStorage than SQLite at `options.db` (the in-memory one, PostgreSQL). */
export function createApp(options: ServerOptions = {}, storage?: LedgerStorage) {
  const o = resolveOptions(options);
  const ledger: LedgerStorage = storage ?? openStorage(o.db);
  const sessions = new Bounded<string, CachedSession>(100_000);
  const { verifyIdentity, checkRequestTime } = signedRequestChecks(o);

  const originAllowed = (origin: string) =>
    o.origins === '*' || o.origins.includes(origin) || (o.dev && options.origins === undefined && DEV_DEFAULT_ORIGINS.test(origin));

  async function viewer(body: unknown): Promise<ViewerResponse> {
    const b = obj(body);
    const requestTime = checkRequestTime(b.requestTime);
    const chain = await verifyIdentity(b, whoamiSigningBytes({ requestTime }));
    const algorandAddress = algorandAddressOf(chain.principal);
    const balanceMicroAlgos = await ledger.ensureViewer(chain.principal, algorandAddress, o.now());
    return { principal: chain.principal, algorandAddress, balanceMicroAlgos };
  }

  async function start(body: unknown): Promise<SessionStartResponse> {
    const b = obj(body);
    const { contentId, rateMicroAlgos, nonce } = b;
    if (typeof contentId !== 'string' || !CONTENT_ID_PATTERN.test(contentId)) throw new ApiError('BAD_REQUEST', 'contentId must match [A-Za-z0-9._:/-]{1,128}');
    if (!isUint(rateMicroAlgos) || rateMicroAlgos > o.maxRateMicroAlgos) throw new ApiError('BAD_REQUEST', `rateMicroAlgos must be an integer 0…${o.maxRateMicroAlgos}`);
    if (typeof nonce !== 'string' || !NONCE_PATTERN.test(nonce)) throw new ApiError('BAD_REQUEST', 'nonce must be 16–64 lowercase hex');
    const requestTime = checkRequestTime(b.requestTime);
    const message = startSigningBytes({ contentId, rateMicroAlgos, requestTime, nonce });
    const chain = await verifyIdentity(b, message);
    const now = o.now();
    if (chain.expiresAt <= now) throw new ApiError('DELEGATION_EXPIRED', 'delegation expired');
    const algorandAddress = algorandAddressOf(chain.principal);
    const sessionId = randomBytes(16).toString('base64url');
    const startHash = createHash('sha256').update(chain.sessionKey.der).update(message).digest();
    const balanceMicroAlgos = await openSession(
      ledger,
      { id: sessionId, principal: chain.principal, contentId, rate: rateMicroAlgos, sessionKey: chain.sessionKey.der, startHash, startedAt: now, expiresAt: chain.expiresAt },
      algorandAddress,
    );
    sessions.set(sessionId, { key: chain.sessionKey, keyHex: toHex(chain.sessionKey.der), expiresAt: chain.expiresAt });
    return {
      sessionId,
      principal: chain.principal,
      algorandAddress,
      contentId,
      rateMicroAlgos,
      balanceMicroAlgos,
      startedAt: now,
      limits: {
        maxPlaybackRate: o.maxPlaybackRate,
        slackSeconds: o.slackSeconds,
        maxBodyBytes: o.maxBodyBytes,
        maxClockSkewMs: o.maxClockSkewMs,
        maxRateMicroAlgos: o.maxRateMicroAlgos,
        expiresAt: chain.expiresAt,
      },
    };
  }

  async function cachedSession(id: string): Promise<CachedSession> {
    let c = sessions.get(id);
    if (!c) {
      const row = await ledger.sessionKey(id);
      if (!row) throw new ApiError('NOT_FOUND', 'unknown session');
      c = { key: parseSigningKey(row.sessionKey), keyHex: toHex(row.sessionKey), expiresAt: row.expiresAt };
      sessions.set(id, c);
    }
    return c;
  }

  async function tick(body: unknown, settle: boolean): Promise<{ status: number; body: unknown }> {
    const b = obj(body);
    let t;
    try {
      t = validateTick(b.tick);
    } catch (e) {
      throw new ApiError('BAD_REQUEST', (e as Error).message);
    }
    if (settle && t.final !== true) throw new ApiError('BAD_REQUEST', '/session/pause needs a tick with final: true');
    if (!settle && t.final === true) throw new ApiError('BAD_REQUEST', 'a final tick goes to /session/pause');
    const signature = signatureBytes(b.signature);
    const s = await cachedSession(t.sessionId);
    if (b.sessionPublicKey !== undefined && String(b.sessionPublicKey).toLowerCase() !== s.keyHex) {
      throw new ApiError('NOT_SESSION_OWNER', 'this session belongs to another session key');
    }
    const bytes = tickSigningBytes(t);
    if (!(await verifySignature(s.key, bytes, signature))) throw new ApiError('BAD_SIGNATURE', 'tick signature does not verify with the session key');
    const now = o.now();
    if (s.expiresAt <= now) {
      // With what it billed: the client owes the rest to its next session, no more, no less.
      const ctx = await ledger.loadTick(t.sessionId, t.seq);
      throw new ApiError('SESSION_EXPIRED', 'the delegation behind this session has expired; start a new session', ctx && ledgerState(ctx.session, ctx.balance));
    }
    const tickHash = createHash('sha256').update(bytes).digest();
    const out = await applyTick(
      ledger,
      { tick: t, tickHash, signature },
      { now, settle, maxPlaybackRate: o.maxPlaybackRate, slackSeconds: o.slackSeconds, platformFeeBps: o.platformFeeBps },
    );
    return tickAnswer(out, t.seconds);
  }

  async function analytics(url: URL, req: IncomingMessage): Promise<AnalyticsResponse> {
    if (o.analyticsToken !== undefined && req.headers.authorization !== `Bearer ${o.analyticsToken}`) {
      throw new ApiError('NOT_SESSION_OWNER', 'analytics needs the platform token');
    }
    const sessionId = url.searchParams.get('sessionId');
    if (sessionId !== null) {
      if (!SESSION_ID_PATTERN.test(sessionId)) throw new ApiError('BAD_REQUEST', 'bad sessionId');
      const session = await ledger.sessionAnalytics(sessionId);
      if (!session) throw new ApiError('NOT_FOUND', 'unknown session');
      return { session };
    }
    const contentId = url.searchParams.get('contentId') ?? undefined;
    if (contentId !== undefined && !CONTENT_ID_PATTERN.test(contentId)) throw new ApiError('BAD_REQUEST', 'bad contentId');
    return { totals: await ledger.totals(o.now(), LIVE_WINDOW_MS, contentId) };
  }

  async function devCredit(body: unknown): Promise<DevCreditResponse> {
    if (!o.dev) throw new ApiError('DEV_ONLY', 'dev endpoints exist only in development mode');
    const b = obj(body);
    if (typeof b.principal !== 'string') throw new ApiError('BAD_REQUEST', 'principal must be text');
    let principal: string;
    try {
      principal = Principal.fromText(b.principal).toText();
    } catch {
      throw new ApiError('BAD_REQUEST', 'principal is not a valid principal');
    }
    if (!isUint(b.microAlgos) || b.microAlgos === 0) throw new ApiError('BAD_REQUEST', 'microAlgos must be a positive integer');
    const amount = b.microAlgos;
    const algorandAddress = algorandAddressOf(principal);
    const balanceMicroAlgos = await ledger.credit(principal, algorandAddress, amount, o.now());
    return { principal, algorandAddress, balanceMicroAlgos };
  }

  type Route = { method: string; json: boolean; run: (body: unknown, url: URL, req: IncomingMessage) => Promise<{ status: number; body: unknown }> | { status: number; body: unknown } };
  const ok = (body: unknown) => ({ status: 200, body });
  const routes: Record<string, Route> = {
    [API_PATHS.viewer]: { method: 'POST', json: true, run: async (b) => ok(await viewer(b)) },
    [API_PATHS.start]: { method: 'POST', json: true, run: async (b) => ok(await start(b)) },
    [API_PATHS.extend]: { method: 'PUT', json: true, run: (b) => tick(b, false) },
    [API_PATHS.pause]: { method: 'POST', json: true, run: (b) => tick(b, true) },
    [API_PATHS.analytics]: { method: 'GET', json: false, run: async (_b, url, req) => ok(await analytics(url, req)) },
    [API_PATHS.devCredit]: { method: 'POST', json: true, run: async (b) => ok(await devCredit(b)) },
    ...auditRoutes(ledger, o),
  };

  function sendError(res: ServerResponse, e: unknown): void {
    if (e instanceof ApiError) {
      (res as ServerResponse & { code?: string }).code = e.code;
      send(res, e.status, e.body());
    } else {
      (res as ServerResponse & { code?: string }).code = 'INTERNAL';
      if (!o.quiet) o.log(JSON.stringify({ level: 'error', msg: String((e as Error)?.stack ?? e) }));
      send(res, 500, { error: { code: 'INTERNAL', message: 'internal error' } });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now();
    const origin = req.headers.origin;
    if (!o.quiet) {
      res.on('finish', () => {
        const code = (res as ServerResponse & { code?: string }).code;
        o.log(
          JSON.stringify({
            t: new Date().toISOString(),
            method: req.method,
            path: req.url,
            status: res.statusCode,
            ms: Math.round((performance.now() - t0) * 100) / 100,
            ...(code && { code }),
            ...(origin && { origin }),
          }),
        );
      });
    }
    try {
      if (origin !== undefined) {
        if (!originAllowed(origin)) throw new ApiError('ORIGIN_NOT_ALLOWED', `origin ${origin} is not allowed`);
        res.setHeader('access-control-allow-origin', origin);
        res.setHeader('vary', 'Origin');
      }
      const url = new URL(req.url ?? '/', 'http://api');
      const route = routes[url.pathname];
      if (req.method === 'OPTIONS' && route) {
        res.writeHead(204, {
          'access-control-allow-methods': `${route.method}, OPTIONS`,
          'access-control-allow-headers': 'content-type, authorization',
          'access-control-max-age': '600',
        });
        res.end();
        return;
      }
      if (!route) throw new ApiError('NOT_FOUND', `no route ${url.pathname}`);
      if (req.method !== route.method) throw new ApiError('METHOD_NOT_ALLOWED', `${url.pathname} takes ${route.method}`);
      let body: unknown;
      if (route.json) {
        const raw = await readBody(req, o.maxBodyBytes);
        if (raw === 'too-large') {
          res.setHeader('connection', 'close');
          return sendError(res, new ApiError('BODY_TOO_LARGE', `body exceeds ${o.maxBodyBytes} bytes`));
        }
        if (raw === null) return;
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new ApiError('BAD_JSON', 'body is not JSON');
        }
      }
      const out = await route.run(body, url, req);
      return isTextAnswer(out) ? sendText(res, out) : send(res, out.status, out.body);
    } catch (e) {
      if (!res.headersSent) sendError(res, e);
    }
  }

  return { handle, ledger, options: o };
}

export function startServer(options: ServerOptions = {}, storage?: LedgerStorage): Promise<RunningServer> {
  const app = createApp(options, storage);
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => void app.handle(req, res));
  server.headersTimeout = 66_000;
  server.maxHeadersCount = 64;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(app.options.port, app.options.host, () => {
      const { port } = server.address() as AddressInfo;
      const host = app.options.host.includes(':') ? `[${app.options.host}]` : app.options.host;
      resolve({
        url: `http://${host}:${port}`,
        port,
        ledger: app.ledger,
        options: app.options,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => void app.ledger.close().then(done));
            server.closeAllConnections();
          }),
      });
    });
  });
}
