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
import { loadCatalog, titleRules } from './catalog/catalog-file.js';
import { createContext } from './handlers/context.js';
import { isTextAnswer } from './audit.js';
import { clientAddress, clientErrorAnswer, readBody, send, sendText } from './http-io.js';
import { isDatabaseUnavailable } from './ledger/db-errors.js';
import { openStorage } from './ledger/open-storage.js';
import { loadMediaKeys, loadMediaKeysFile } from './media-keys.js';
import type { LedgerStorage } from './ledger/storage.js';
import { RateLimiter } from './rate-limit.js';
import { matchRoute } from './routes.js';
import { createBlsPool, type BlsPool } from './verify/bls-pool.js';
import { createTickVerifier } from './verify/tick-verifier.js';
import { attachAds } from './ads/ad-routes.js';
import { createAds } from './ads/ads-setup.js';
import { verifyCanisterSignature } from './verify/canister-signature.js';

export type { ServerOptions } from './config.js';

export interface RunningServer {
  url: string;
  port: number;
  /** The store behind the API (SqliteLedgerStorage unless one was passed in; its `db` is open for tests). */
  ledger: LedgerStorage;
  options: ResolvedOptions;
  /** Resolves once the catalog given in the options is stored. */
  catalogReady: Promise<void>;
  /** Canister-signature checks queued and running on the workers, and answers cached. */
  blsStats(): { queued: number; running: number; cached: number };
  /** Tick signature checks: workers running, checks awaiting an answer, batches posted, checks done on the event loop. */
  tickVerifyStats(): { workers: number; waiting: number; batches: number; onThisThread: number };
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
  // The catalog is checked here, before anything listens (a bad title throws CatalogError), then stored.
  const titles = o.catalog === undefined ? [] : loadCatalog(o.catalog, titleRules(o));
  const catalogReady = (async () => {
    for (const t of titles) {
      await ledger.putTitle(t, o.now());
      // A packaged title's secret keys (package-media writes `keys` beside its catalog entry).
      if (t.keys !== undefined) await loadMediaKeys(ledger, t.contentId, t.keys);
    }
  })();
  catalogReady.catch(() => {}); // reported by the first request that awaits it
  // Its worker starts with the first tick's batch.
  const tickVerifier = createTickVerifier(o.tickVerify);
  const ctx = createContext(o, ledger, bls, tickVerifier, () => listenUrl, catalogReady);
  const ads = createAds(o, ledger);
  attachAds(ctx, ads.context);
  const perClient = new RateLimiter(o.rateLimits.perClient, o.now, 'client');

  const originAllowed = (origin: string) =>
    o.origins === '*' || o.origins.includes(origin) || (o.dev && options.origins === undefined && DEV_DEFAULT_ORIGINS.test(origin));

  function sendError(res: Logged, e: unknown): void {
    if (e instanceof ApiError) {
      res.code = e.code;
      send(res, e.status, e.body(), e.headers);
    } else if (isDatabaseUnavailable(e)) {
      // The request changed nothing it reported; the client resends after Retry-After (ticks are idempotent).
      res.code = 'DATABASE_UNAVAILABLE';
      if (!o.quiet) o.log(JSON.stringify({ level: 'warn', msg: `database unavailable: ${String((e as Error)?.message ?? e)}` }));
      send(res, 503, { error: { code: 'DATABASE_UNAVAILABLE', message: 'the ledger database is unavailable; retry shortly' } }, { 'retry-after': '2' });
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
      perClient.take(clientAddress(req, o.trustProxy));
      if (origin !== undefined) {
        if (!originAllowed(origin)) throw new ApiError('ORIGIN_NOT_ALLOWED', `origin ${origin} is not allowed`);
        res.setHeader('access-control-allow-origin', origin);
        res.setHeader('vary', 'Origin');
        res.setHeader('access-control-expose-headers', 'payment-required, retry-after');
      }
      const match = matchRoute(req.url, req.method);
      if (req.method === 'OPTIONS' && match) {
        res.writeHead(204, {
          'access-control-allow-methods': `${match.methods.join(', ')}, OPTIONS`,
          'access-control-allow-headers': 'content-type, authorization',
          'access-control-max-age': '600',
        });
        res.end();
        return;
      }
      if (!match) throw new ApiError('NOT_FOUND', 'no such path (paths match exactly, as sent)');
      const { route, query } = match;
      if (req.method !== route.method) throw new ApiError('METHOD_NOT_ALLOWED', `${match.path} takes ${match.methods.join(' or ')}`);
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
      const out = await route.run(ctx, body, query, req, match.id);
      if (isTextAnswer(out)) sendText(res, out);
      else send(res, out.status, out.body, out.headers);
    } catch (e) {
      if (!res.headersSent) sendError(res, e);
    }
  }

  return {
    handle,
    ledger,
    catalogReady,
    options: o,
    bls,
    tickVerifier,
    ads,
    /** Called once listening: the URL a start may name when no public URLs are configured. */
    listening(url: string) {
      listenUrl = url;
    },
  };
}

export async function startServer(options: ServerOptions = {}, storage?: LedgerStorage): Promise<RunningServer> {
  const app = createApp(options, storage);
  // The catalog and gated titles' keys (--media-keys, the catalog's `keys`) are in the ledger before the first request.
  try {
    for (const file of app.options.mediaKeys ?? []) await loadMediaKeysFile(app.ledger, file);
    await app.catalogReady;
  } catch (e) {
    await app.ledger.close();
    throw e;
  }
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
        catalogReady: app.catalogReady,
        options: app.options,
        blsStats: () => app.bls.stats(),
        tickVerifyStats: () => app.tickVerifier.stats(),
        close: () =>
          new Promise<void>((done) => {
            server.close(() => void app.bls.close().then(() => app.tickVerifier.close()).then(() => app.ads.close()).then(() => app.ledger.close()).then(done));
            server.closeAllConnections();
          }),
      });
    });
  });
}
