/**
 * Request/response bodies and error codes of the payment API (docs/PROTOCOL.md). Shared by the browser
 * client (api-client.ts) and the reference server. Types only plus constants: browser-safe.
 */
import type { Tick } from './tick.js';
import type { AdAnalytics } from './ad-protocol.js';
import type { ApiErrorCode } from './protocol-errors.js';

export type { Tick } from './tick.js';

/** `DelegationChain.toJSON()` of @dfinity/identity: every byte string hex, expiration hex nanoseconds. */
export interface DelegationChainJson {
  /** DER SubjectPublicKeyInfo of the root (the user's key: II canister-signature key, or Ed25519 in dev). */
  publicKey: string;
  delegations: Array<{
    delegation: {
      /** DER SubjectPublicKeyInfo of the key this link delegates to. */
      pubkey: string;
      /** Unix nanoseconds, lowercase hex without 0x (bigint.toString(16)). */
      expiration: string;
      /** Optional canister principals (hex of principal bytes) the delegation is scoped to. */
      targets?: string[];
    };
    /** Signature by the previous key (root for the first link) — see PROTOCOL.md §Delegation chain. */
    signature: string;
  }>;
}

/** Proof of identity carried by /viewer and /session/start. */
export interface SignedIdentity {
  delegationChain: DelegationChainJson;
  /** DER SPKI of the session key: must equal the last delegation's pubkey. ECDSA P-256 or Ed25519. */
  sessionPublicKey: string;
  /** Session-key signature (hex) over the message's signing bytes. */
  signature: string;
}

// ---- POST /streaming/viewer
export interface ViewerRequest extends SignedIdentity {
  requestTime: number;
}
export interface ViewerResponse {
  principal: string;
  algorandAddress: string;
  balanceMicroAlgos: number;
}

// ---- POST /streaming/session/start
export interface SessionStartRequest extends SignedIdentity {
  /** The API this start is meant for, as signed (`apiIdentity` of the client's base URL; PROTOCOL.md §3). */
  api: string;
  contentId: string;
  rateMicroAlgos: number;
  /** v3, signed: the most this session may bill in all (µALGO), or null for no budget (PROTOCOL.md §3). */
  budgetMicroAlgos: number | null;
  requestTime: number;
  nonce: string;
}
export interface SessionLimits {
  /** Billed seconds may not run ahead of wall-clock seconds × this (playbackRate ceiling). */
  maxPlaybackRate: number;
  /** Seconds of allowance on top of the ceiling (clock skew, network delay). */
  slackSeconds: number;
  /** Largest accepted request body in bytes. */
  maxBodyBytes: number;
  /** Accepted |requestTime − server time| for signed whoami/start messages, ms. */
  maxClockSkewMs: number;
  /** Highest accepted rate, microAlgos per second. */
  maxRateMicroAlgos: number;
  /** Unix ms after which the delegation chain expires and ticks are refused (SESSION_EXPIRED). */
  expiresAt: number;
  /** Live sessions one viewer may hold at once; a start beyond is refused (TOO_MANY_SESSIONS). */
  maxSessions?: number;
}
export interface SessionStartResponse {
  sessionId: string;
  principal: string;
  algorandAddress: string;
  contentId: string;
  rateMicroAlgos: number;
  /** The signed budget the server holds this session to (null: none). */
  budgetMicroAlgos?: number | null;
  balanceMicroAlgos: number;
  /** Server time at start, Unix ms (the rate ceiling counts from here). */
  startedAt: number;
  /**
   * Seconds between a playing viewer's ticks (1…5; absent from older servers: 1). Each tick still carries
   * every whole second watched; pause, seek, end and pagehide send at once, whatever the interval.
   */
  tickIntervalSeconds?: number;
  limits: SessionLimits;
  /** v3: the catalog's free preview of this title, seconds per viewer. */
  previewSeconds: number;
  /**
   * v3: what this viewer has left of that preview, decided at start. Ticks sign every second watched in the
   * session; the server bills `rate × max(0, seconds − freeSeconds)`.
   */
  freeSeconds: number;
}

// ---- GET /streaming/content/:contentId (v3): the public price of a title
export interface ContentPrice {
  contentId: string;
  title: string;
  rateMicroAlgos: number;
  /** Free seconds per viewer per title, counted by the server across sessions, reloads and tabs. */
  previewSeconds: number;
  media?: { src: string };
  /**
   * The title has ad breaks (docs/ADS.md): how many it declares, and its playlist with them as HLS
   * Interstitials, relative to the API (`/streaming/ads/playlist/<contentId>.m3u8`): the `src` to play it with.
   */
  ads?: { breaks: number; playlist: string };
}

// ---- POST /streaming/session/revoke (sign-out)
export interface RevokeRequest extends SignedIdentity {
  /** The API this revocation is meant for, as signed (`apiIdentity`). */
  api: string;
  requestTime: number;
  nonce: string;
}
export interface RevokeResponse {
  revoked: true;
  principal: string;
  /** When the key was first revoked at this API, Unix ms (the same on a repeat). */
  revokedAt: number;
}

/**
 * The longest tick interval a server may announce: the billed total then trails playback by at most about
 * this many seconds. A client clamps what it is told into 1…this.
 */
export const MAX_TICK_INTERVAL_SECONDS = 5;

/** The interval a client follows, from what the start answer announced (absent, odd or hostile → within 1…5). */
export function tickIntervalOf(announced: unknown): number {
  return typeof announced === 'number' && Number.isFinite(announced) ? Math.min(MAX_TICK_INTERVAL_SECONDS, Math.max(1, Math.floor(announced))) : 1;
}

// ---- PUT /streaming/session/extend and POST /streaming/session/pause
export interface TickRequest {
  tick: Tick;
  /** Session-key signature (hex) over tickSigningBytes(tick). */
  signature: string;
  /**
   * Optional DER SPKI hex of the signing session key. When present and not the session's key the server
   * answers 403 NOT_SESSION_OWNER (instead of 401 BAD_SIGNATURE), which tells a client it used the wrong session.
   */
  sessionPublicKey?: string;
}
/** What the ledger holds for the session after this request (the same answer for a repeated tick). */
export interface TickResponse {
  sessionId: string;
  /** Highest accepted seq. */
  seq: number;
  /** Billed (settled-in-ledger) cumulative seconds. */
  seconds: number;
  /** Billed cumulative microAlgos. */
  microAlgos: number;
  balanceMicroAlgos: number;
  status: SessionStatus;
  /** Only on /session/pause: the settlement record written for this pause. */
  settlement?: Settlement;
}
export interface Settlement {
  id: number;
  sessionId: string;
  /** Seconds and microAlgos settled by this pause (since the previous settlement). */
  seconds: number;
  microAlgos: number;
  /** Session totals at the time of settlement. */
  totalSeconds: number;
  totalMicroAlgos: number;
  createdAt: number;
}

export type SessionStatus = 'active' | 'paused' | 'exhausted';

// ---- GET /streaming/session/analytics
export interface SessionAnalytics {
  sessionId: string;
  contentId: string;
  principal: string;
  rateMicroAlgos: number;
  billedSeconds: number;
  microAlgos: number;
  ticks: number;
  settlements: number;
  status: SessionStatus;
  startedAt: number;
  lastTickAt: number | null;
}
export interface TotalsAnalytics {
  /** Absent for platform-wide totals. */
  contentId?: string;
  sessions: number;
  viewers: number;
  watchSeconds: number;
  microAlgos: number;
  ticks: number;
  /** Sessions with status active and a tick (or start) in the last 30 s. */
  liveSessions: number;
  /** microAlgos settled by pauses (the gross the platform can move on chain). */
  settledMicroAlgos: number;
  /** The platform's fee out of settled microAlgos (platformFeeBps of each settlement). */
  earningsMicroAlgos: number;
}
/** `ads`: the ad figures (docs/ADS.md §Dashboards), present on servers that run ads. */
export type AnalyticsResponse = { session: SessionAnalytics } | { totals: TotalsAnalytics; ads?: AdAnalytics };

// ---- POST /streaming/dev/credit (development mode only)
export interface DevCreditRequest {
  principal: string;
  microAlgos: number;
}
export interface DevCreditResponse {
  principal: string;
  algorandAddress: string;
  balanceMicroAlgos: number;
}

// ---- Errors (the codes and their HTTP statuses: protocol-errors.ts)
export { ERROR_CODES, ERROR_STATUS, type ApiErrorCode } from './protocol-errors.js';

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string };
  /**
   * On tick errors (402 INSUFFICIENT_FUNDS, 409, 429…), what the ledger holds for the session after the
   * request: on 402 the affordable whole seconds were charged and are included here.
   */
  ledger?: TickResponse;
  /** On PRICE_MISMATCH: the title's current public price. */
  price?: ContentPrice;
}


export const API_PATHS = {
  viewer: '/streaming/viewer',
  start: '/streaming/session/start',
  extend: '/streaming/session/extend',
  pause: '/streaming/session/pause',
  revoke: '/streaming/session/revoke',
  analytics: '/streaming/session/analytics',
  devCredit: '/streaming/dev/credit',
  /** v3: `GET content + contentId` (public price). */
  content: '/streaming/content/',
  /** v3: `PUT`/`DELETE adminContent + contentId`, `GET adminContentList` (admin token). */
  adminContent: '/streaming/admin/content/',
  adminContentList: '/streaming/admin/content',
} as const;

// ---- GET /streaming/keys/:contentId/:index?api&session&t&n&sig (key-request.ts): 16 bytes, application/octet-stream
/** The body of a 402 KEY_NOT_PAID: what the viewer holds and may hold, in media milliseconds. */
export interface KeyRefusal {
  contentId: string;
  index: number;
  /** Media ms of keys the viewer may hold now: max(0, Σ billed − clear) + lead. */
  allowanceMs: number;
  /** What holding this key as well would take. */
  neededMs: number;
}
