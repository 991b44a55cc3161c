import { IC_MAINNET_ROOT_KEY_RAW_HEX, II_MAINNET_CANISTER_ID } from './verify/canister-signature.js';
import { MAX_RATE_MICRO } from '../src/metering/money.js';

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
  maxRateMicroAlgos?: number;
  platformFeeBps?: number;
  /** If set, GET /streaming/session/analytics needs `Authorization: Bearer <token>`. */
  analyticsToken?: string;
  /** Where log lines go (default process.stdout). */
  log?: (line: string) => void;
}

export type ResolvedOptions = Required<Omit<ServerOptions, 'analyticsToken' | 'log'>> & Pick<ServerOptions, 'analyticsToken'> & { log: (line: string) => void };

/** Localhost on any port: what the demo page, dev servers and tests use. */
export const DEV_DEFAULT_ORIGINS = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

export function resolveOptions(o: ServerOptions): ResolvedOptions {
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
    slackSeconds: o.slackSeconds ?? 5,
    maxClockSkewMs: o.maxClockSkewMs ?? 5 * 60_000,
    // The element's own ceiling (money.ts): one rule for both sides.
    maxRateMicroAlgos: o.maxRateMicroAlgos ?? MAX_RATE_MICRO,
    platformFeeBps: o.platformFeeBps ?? 1_000,
    analyticsToken: o.analyticsToken,
    log: o.log ?? ((line) => process.stdout.write(line + '\n')),
  };
}
