import { IC_MAINNET_ROOT_KEY_RAW_HEX, II_MAINNET_CANISTER_ID } from './verify/canister-signature.js';
import { MAX_RATE_MICRO } from '../src/metering/money.js';
import type { AdsServerOptions } from './ads/ads-setup.js';
import { DEFAULT_KEY_LEAD_SECONDS } from './ledger/key-release-rules.js';
import { MAX_TICK_INTERVAL_SECONDS } from '../src/payments/protocol.js';

export { MAX_TICK_INTERVAL_SECONDS };

export interface ServerOptions {
  port?: number;
  host?: string;
  /** SQLite file path, ':memory:', or a postgres:// URL (PostgreSQL: any number of API processes on one database). */
  db?: string;
  /** Development mode: trusts Ed25519 root keys and opens POST /streaming/dev/credit. */
  dev?: boolean;
  /** Allowed browser origins ('*' = any). Requests without an Origin header (non-browser) are always served. */
  origins?: readonly string[] | '*';
  /** No request log lines. */
  quiet?: boolean;
  /** Clock, Unix ms (tests inject one). */
  now?: () => number;
  /** Raw 96-byte IC root key, hex (default: mainnet). */
  icRootKeyRawHex?: string;
  /** Canisters trusted to issue root keys (default: II on mainnet). */
  iiCanisterIds?: readonly string[];
  /** Canister principals a targeted delegation must name for this server to accept it. */
  acceptedTargets?: readonly string[];
  maxBodyBytes?: number;
  maxPlaybackRate?: number;
  slackSeconds?: number;
  maxClockSkewMs?: number;
  /**
   * Gated media: seconds of keys a viewer may hold past what their sessions of a title were billed, beyond
   * the unencrypted opening (default 30; key-release-rules.ts).
   */
  keyLeadSeconds?: number;
  /** Accepted |requestTime − server time| of a signed key request, ms (default 30 000): its nonce is remembered that long. */
  keyRequestSkewMs?: number;
  /** Keys files of packaged titles (`npm run package-media`) loaded into the ledger at start. */
  mediaKeys?: readonly string[];
  maxRateMicroAlgos?: number;
  platformFeeBps?: number;
  /** If set, GET /streaming/session/analytics needs `Authorization: Bearer <token>` (this or the admin token). */
  analyticsToken?: string;
  /**
   * The platform's own token: analytics, and POST /streaming/dev/credit outside development mode (a platform
   * crediting a deposit it received). Compared in constant time, like the analytics token.
   */
  adminToken?: string;
  /**
   * The identities (base URLs, see `apiIdentity`) under which clients reach this API; a signed start naming
   * another is refused (WRONG_API). Default: the URL the server listens on, plus in development mode any
   * http(s) URL on localhost, 127.0.0.1 or [::1]. Behind a proxy or on a public name, set it.
   */
  publicUrls?: readonly string[];
  /** x402: the Algorand address deposits go to (default: the viewer's ledger address, see PROTOCOL.md §5). */
  payTo?: string;
  /** x402: CAIP-2 network of the deposit (default Algorand mainnet). */
  algorandNetwork?: string;
  /** x402: the top-up a 402 asks for covers this many seconds at the session's rate (default 600). */
  topUpSeconds?: number;
  /** Token buckets per client address and per viewer; `false` turns one off. */
  rateLimits?: { perClient?: RateLimit | false; perViewer?: RateLimit | false };
  /**
   * Canister-signature (BLS) checks off the main thread: workers (default 1; 0 = on the event loop, only
   * for benches comparing) and queued checks beyond which 503 BUSY (default 32).
   */
  bls?: { workers?: number; maxQueue?: number };
  /**
   * Tick signature checks off the event loop, in one batch per turn (verify/tick-verifier.ts): workers
   * (default 2: on 2 cores two held p99 under 100 ms at 10 000 viewers more often than one, docs/SCALING.md;
   * 0 = on the event loop) and checks waiting for their answer beyond which a tick is answered 503 BUSY
   * (default 20 000).
   */
  tickVerify?: { workers?: number; maxQueue?: number };
  /**
   * Seconds between a playing viewer's ticks, announced in the start answer (default 1). Billing stays per
   * second (a tick is a cumulative total); a longer interval divides the API's requests by it, and the
   * billed total then runs up to this many seconds behind playback (pause, seek, end and pagehide still
   * send at once). 1…5: PROTOCOL.md bounds the lag at 5 s.
   */
  tickIntervalSeconds?: number;
  /**
   * Verified ticks waiting for their transaction beyond which a tick is answered 503 BUSY with Retry-After
   * (default 20 000): an overloaded API says so at once instead of letting every answer wait.
   */
  maxPendingTicks?: number;
  /**
   * SQLite: a transaction collects the ticks (and other writes) of this many ms (default 0: of one
   * event-loop turn, which under load already holds many). No answer is sent before its commit.
   */
  groupCommitMs?: number;
  /** A body over the limit is read and dropped up to this many bytes before the 413 (then the socket closes). */
  maxDrainBytes?: number;
  /**
   * v3: the price catalog loaded at start, a JSON file path (`--catalog`, SIPPAR_CATALOG) or its contents
   * `{ titles: [...] }`. Its titles are stored in the ledger (replacing titles of the same content id); titles
   * added through the admin API stay. Without a catalog, nothing is sold until the admin API adds titles.
   */
  catalog?: string | { titles: unknown[] };
  /** Where log lines go (default process.stdout). */
  log?: (line: string) => void;
  /** Ad breaks and agents' bids (docs/ADS.md): the titles' ad settings and where the ads tables live. */
  ads?: AdsServerOptions;
  /** Live sessions one viewer may hold at once (default 3); a start beyond is refused TOO_MANY_SESSIONS. */
  maxSessions?: number;
  /** A session that neither started nor ticked for this long no longer counts as live (default 120 000 ms). */
  liveWindowMs?: number;
  /**
   * Behind one reverse proxy: the per-client limit keys on the last address of X-Forwarded-For (the one the
   * proxy appended) instead of the socket's. Off by default: a client could otherwise name any address.
   */
  trustProxy?: boolean;
}

/** A token bucket: `perSecond` refill, up to `burst` requests at once. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

type OptionalKeys = 'analyticsToken' | 'adminToken' | 'publicUrls' | 'payTo' | 'log' | 'rateLimits' | 'bls' | 'tickVerify' | 'catalog' | 'ads' | 'mediaKeys';
export type ResolvedOptions = Required<Omit<ServerOptions, OptionalKeys>> &
  Pick<ServerOptions, 'analyticsToken' | 'adminToken' | 'publicUrls' | 'payTo' | 'catalog' | 'ads' | 'mediaKeys'> & {
    log: (line: string) => void;
    rateLimits: { perClient: RateLimit | false; perViewer: RateLimit | false };
    bls: { workers: number; maxQueue: number };
    tickVerify: { workers: number; maxQueue: number };
  };

/** Algorand mainnet as CAIP-2 (`algorand:` + base64 genesis hash), as @x402/avm names it. */
export const ALGORAND_MAINNET_CAIP2 = 'algorand:wGHE2Pwdvd7S12BL5FaOP20EGYesN73ktiC1qzkkit8=';
/**
 * An honest viewer sends about one tick a second and a start now and then; a platform's own server (no
 * Origin, one address) sends more. Generous enough for both, small enough that one client cannot queue
 * more canister-signature checks than the workers do in a few seconds.
 */
export const DEFAULT_RATE_LIMITS = { perClient: { perSecond: 100, burst: 200 }, perViewer: { perSecond: 10, burst: 20 } } as const;

/** Localhost on any port: what the demo page, dev servers and tests use. */
export const DEV_DEFAULT_ORIGINS = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

export function resolveOptions(o: ServerOptions): ResolvedOptions {
  const interval = o.tickIntervalSeconds ?? 1;
  if (!Number.isInteger(interval) || interval < 1 || interval > MAX_TICK_INTERVAL_SECONDS) {
    throw new RangeError(`tickIntervalSeconds must be an integer 1…${MAX_TICK_INTERVAL_SECONDS}`);
  }
  return {
    port: o.port ?? 0,
    host: o.host ?? '127.0.0.1',
    db: o.db ?? ':memory:',
    dev: o.dev ?? false,
    origins: o.origins ?? [],
    quiet: o.quiet ?? false,
    now: o.now ?? Date.now,
    icRootKeyRawHex: o.icRootKeyRawHex ?? IC_MAINNET_ROOT_KEY_RAW_HEX,
    iiCanisterIds: o.iiCanisterIds ?? [II_MAINNET_CANISTER_ID],
    acceptedTargets: o.acceptedTargets ?? [],
    maxBodyBytes: o.maxBodyBytes ?? 16 * 1024,
    maxPlaybackRate: o.maxPlaybackRate ?? 2,
    // The rate bucket's capacity (tick-rules.ts): a hidden tab's timers run once a minute, so an honest
    // tick may carry a minute of playback; 90 s holds it with room, and bounds an idle session's burst.
    slackSeconds: o.slackSeconds ?? 90,
    maxClockSkewMs: o.maxClockSkewMs ?? 5 * 60_000,
    keyLeadSeconds: o.keyLeadSeconds ?? DEFAULT_KEY_LEAD_SECONDS,
    keyRequestSkewMs: o.keyRequestSkewMs ?? 30_000,
    mediaKeys: o.mediaKeys,
    // The element's own ceiling (money.ts): one rule for both sides.
    maxRateMicroAlgos: o.maxRateMicroAlgos ?? MAX_RATE_MICRO,
    platformFeeBps: o.platformFeeBps ?? 1_000,
    analyticsToken: o.analyticsToken,
    adminToken: o.adminToken,
    publicUrls: o.publicUrls,
    payTo: o.payTo,
    catalog: o.catalog,
    algorandNetwork: o.algorandNetwork ?? ALGORAND_MAINNET_CAIP2,
    topUpSeconds: o.topUpSeconds ?? 600,
    rateLimits: {
      perClient: o.rateLimits?.perClient ?? DEFAULT_RATE_LIMITS.perClient,
      perViewer: o.rateLimits?.perViewer ?? DEFAULT_RATE_LIMITS.perViewer,
    },
    bls: { workers: o.bls?.workers ?? 1, maxQueue: o.bls?.maxQueue ?? 32 },
    tickVerify: { workers: o.tickVerify?.workers ?? 2, maxQueue: o.tickVerify?.maxQueue ?? 20_000 },
    maxDrainBytes: o.maxDrainBytes ?? 1024 * 1024,
    tickIntervalSeconds: interval,
    maxPendingTicks: o.maxPendingTicks ?? 20_000,
    groupCommitMs: o.groupCommitMs ?? 0,
    log: o.log ?? ((line) => process.stdout.write(line + '\n')),
    ads: o.ads,
    maxSessions: o.maxSessions ?? 3,
    // A hidden tab ticks once a minute: two minutes keep its session live between ticks.
    liveWindowMs: o.liveWindowMs ?? 120_000,
    trustProxy: o.trustProxy ?? false,
  };
}
