/**
 * The reference payment API on plain node:http (no framework: a tick is one small JSON body, and the
 * fewer layers between socket and ledger, the lower the p99). This file is the HTTP pipeline — per-client
 * limit, CORS, exact routing, bounded body, JSON answers — and the server's life cycle. Routes are in
 * routes.ts, handlers in handlers/ (identity.ts: viewer and start; ticks.ts: extend and pause;
 * platform.ts: analytics and credit). `startServer` is what tests, benches and e2e suites use;
 * server/main.ts is the CLI.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DEV_DEFAULT_ORIGINS, resolveOptions, type ResolvedOptions, type ServerOptions } from './config.js';
import { ApiError } from './errors.js';
import { createContext } from './handlers/context.js';
import { isTextAnswer } from './audit.js';
import { clientErrorAnswer, readBody, send, sendText } from './http-io.js';
import { openStorage } from './ledger/open-storage.js';
import type { LedgerStorage } from './ledger/storage.js';
import { RateLimiter } from './rate-limit.js';
import { matchRoute } from './routes.js';
import { createBlsPool, type BlsPool } from './verify/bls-pool.js';
import { verifyCanisterSignature } from './verify/canister-signature.js';

export type { ServerOptions } from './config.js';

export interface RunningServer {
  url: string;
  port: number;
  /** The store behind the API (SqliteLedgerStorage unless one was passed in; its `db` is open for tests). */
  ledger: LedgerStorage;
  options: ResolvedOptions;
  /** Canister-signature checks queued and running on the workers, and answers cached. */
  blsStats(): { queued: number; running: number; cached: number };
  close(): Promise<void>;
}

type Logged = ServerResponse & { code?: string };

/** `storage`: another LedgerStorage than SQLite at `options.db` (the in-memory one, PostgreSQL). */
export function createApp(options: ServerOptions = {}, storage?: LedgerStorage) {
  const o = resolveOptions(options);
  const ledger: LedgerStorage = storage ?? openStorage(o.db, o.groupCommitMs);
  // Workers start on the first canister-signature chain (never in development with Ed25519 roots).
  let pool: BlsPool | undefined;
  const bls: BlsPool = {
    // workers: 0 checks on the event loop, as before the pool: for benches that measure the difference.
    verify: (c) => (o.bls.workers === 0 ? verifyCanisterSignature(c) : (pool ??= createBlsPool({ ...o.bls, now: o.now })).verify(c)),
    full: () => pool?.full() ?? false,
    stats: () => pool?.stats() ?? { queued: 0, running: 0, cached: 0 },
    close: async () => pool?.close(),
  };
  let listenUrl = `http://${o.host}:${o.port}`;
  const ctx = createContext(o, ledger, bls, () => listenUrl);
  const perClient = new RateLimiter(o.rateLimits.perClient, o.now, 'client');

  const originAllowed = (origin: string) =>
    o.origins === '*' || o.origins.includes(origin) || (o.dev && options.origins === undefined && DEV_DEFAULT_ORIGINS.test(origin));

  function sendError(res: Logged, e: unknown): void {
    if (e instanceof ApiError) {
      res.code = e.code;
      send(res, e.status, e.body(), e.headers);
    } else {
      res.code = 'INTERNAL';
      if (!o.quiet) o.log(JSON.stringify({ level: 'error', msg: String((e as Error)?.stack ?? e) }));
      send(res, 500, { error: { code: 'INTERNAL', message: 'internal error' } });
    }
  }

  async function handle(req: IncomingMessage, res: Logged): Promise<void> {
    const t0 = performance.now();
    const origin = req.headers.origin;
    if (!o.quiet) {
      res.on('finish', () => {
        o.log(
          JSON.stringify({
            t: new Date().toISOString(),
            method: req.method,
            path: req.url,
            status: res.statusCode,
            ms: Math.round((performance.now() - t0) * 100) / 100,
            ...(res.code && { code: res.code }),
            ...(origin && { origin }),
          }),
        );
      });
    }
    try {
      perClient.take(req.socket.remoteAddress ?? '');
      if (origin !== undefined) {
        if (!originAllowed(origin)) throw new ApiError('ORIGIN_NOT_ALLOWED', `origin ${origin} is not allowed`);
        res.setHeader('access-control-allow-origin', origin);
        res.setHeader('vary', 'Origin');
        res.setHeader('access-control-expose-headers', 'payment-required, retry-after');
      }
      const match = matchRoute(req.url);
      if (req.method === 'OPTIONS' && match) {
        res.writeHead(204, {
          'access-control-allow-methods': `${match.route.method}, OPTIONS`,
          'access-control-allow-headers': 'content-type, authorization',
          'access-control-max-age': '600',
        });
        res.end();
        return;
      }
      if (!match) throw new ApiError('NOT_FOUND', 'no such path (paths match exactly, as sent)');
      const { route, query } = match;
      if (req.method !== route.method) throw new ApiError('METHOD_NOT_ALLOWED', `${match.path} takes ${route.method}`);
      let body: unknown;
      if (route.json) {
        const raw = await readBody(req, o.maxBodyBytes, o.maxDrainBytes);
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
      const out = await route.run(ctx, body, query, req);
      if (isTextAnswer(out)) sendText(res, out);
      else send(res, out.status, out.body, out.headers);
    } catch (e) {
      if (!res.headersSent) sendError(res, e);
    }
  }

  return {
    handle,
    ledger,
    options: o,
    bls,
    /** Called once listening: the URL a start may name when no public URLs are configured. */
    listening(url: string) {
      listenUrl = url;
    },
  };
}

export function startServer(options: ServerOptions = {}, storage?: LedgerStorage): Promise<RunningServer> {
  const app = createApp(options, storage);
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => void app.handle(req, res));
  server.headersTimeout = 66_000;
  server.maxHeadersCount = 64;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (socket.writable && err.code !== 'ECONNRESET') socket.end(clientErrorAnswer(err));
    else socket.destroy();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(app.options.port, app.options.host, () => {
      const { port } = server.address() as AddressInfo;
      const host = app.options.host.includes(':') ? `[${app.options.host}]` : app.options.host;
      const url = `http://${host}:${port}`;
      app.listening(url);
      resolve({
        url,
        port,
        ledger: app.ledger,
        options: app.options,
        blsStats: () => app.bls.stats(),
        close: () =>
          new Promise<void>((done) => {
            server.close(() => void app.bls.close().then(() => app.ledger.close()).then(done));
            server.closeAllConnections();
          }),
      });
    });
  });
}
