/** What every handler of the payment API shares: options, the ledger, caches, checks and limits. */
import { apiIdentity } from '../../src/payments/tick.js';
import type { ResolvedOptions } from '../config.js';
import { Bounded } from '../http-io.js';
import type { LedgerStorage } from '../ledger/storage.js';
import { NonceWindow } from '../nonce-window.js';
import { RateLimiter } from '../rate-limit.js';
import { signedRequestChecks } from '../signed-requests.js';
import type { BlsPool } from '../verify/bls-pool.js';
import type { SigningKey } from '../verify/keys.js';
import type { TickVerifier } from '../verify/tick-verifier.js';

export interface CachedSession {
  key: SigningKey;
  keyHex: string;
  expiresAt: number;
  /** Whose session of what: read by key requests, loaded on their first use. */
  owner?: { principal: string; contentId: string };
}

export interface AppContext {
  o: ResolvedOptions;
  ledger: LedgerStorage;
  checks: ReturnType<typeof signedRequestChecks>;
  sessions: Bounded<string, CachedSession>;
  perViewer: RateLimiter;
  /** Tick signature checks, batched to a worker thread (or on the event loop with 0 workers). */
  tickVerifier: TickVerifier;
  /** Nonces of signed key requests within their time window (handlers/keys.ts). */
  keyNonces: NonceWindow;
  /** Verified ticks waiting for their transaction (bounded by `o.maxPendingTicks`). */
  pendingTicks: number;
  /** True when a signed start naming `api` is meant for this server. */
  acceptsApi(api: string): boolean;
  /** This API's own base URL (for x402 resource URLs): the first public URL, else the listen URL. */
  baseUrl(): string;
  /** Resolves once the catalog given at start is stored (catalog handlers and starts wait for it). */
  catalogReady: Promise<void>;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function createContext(
  o: ResolvedOptions,
  ledger: LedgerStorage,
  bls: BlsPool | undefined,
  tickVerifier: TickVerifier,
  listenUrl: () => string,
  catalogReady: Promise<void>,
): AppContext {
  const configured = o.publicUrls?.map(apiIdentity);
  return {
    o,
    ledger,
    checks: signedRequestChecks(o, bls),
    sessions: new Bounded<string, CachedSession>(100_000),
    perViewer: new RateLimiter(o.rateLimits.perViewer, o.now, 'viewer'),
    tickVerifier,
    keyNonces: new NonceWindow(),
    pendingTicks: 0,
    acceptsApi(api) {
      if (configured) return configured.includes(api);
      if (api === apiIdentity(listenUrl())) return true;
      // Development on one machine: the page, its proxy and the API all live on loopback.
      return o.dev && LOOPBACK.has(new URL(api).hostname);
    },
    baseUrl: () => configured?.[0] ?? apiIdentity(listenUrl()),
    catalogReady,
  };
}
