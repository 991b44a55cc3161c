/**
 * The payment API's error codes and the HTTP status of each (docs/PROTOCOL.md §6): one list for the
 * browser client, the reference server and the tests. Stable codes; the messages beside them are not.
 */
import { AD_ERROR_STATUS, type AdErrorCode } from './ad-protocol.js';

export const ERROR_CODES = [
  'BAD_JSON', // body is not JSON or not an object
  'BAD_REQUEST', // a field is missing or malformed
  'BODY_TOO_LARGE', // 413
  'ORIGIN_NOT_ALLOWED', // 403
  'NOT_FOUND', // 404 unknown path or session
  'METHOD_NOT_ALLOWED', // 405
  'BAD_DELEGATION', // a chain link's signature does not verify, or the chain is malformed
  'DELEGATION_EXPIRED', // a link's expiration is in the past
  'WRONG_TARGET', // a link is scoped to targets that do not include this server
  'UNTRUSTED_ROOT', // root key type not accepted in this mode (e.g. Ed25519 in production)
  'BAD_SIGNATURE', // the session-key signature over the message does not verify
  'SESSION_KEY_MISMATCH', // sessionPublicKey is not the chain's last delegated key
  'STALE_REQUEST', // requestTime outside the accepted clock skew
  'REPLAYED', // a start message (nonce) already used
  'SEQ_OUT_OF_ORDER', // seq ≤ last accepted seq with a different tick
  'TOTALS_DECREASED', // seconds or microAlgos lower than the ledger holds
  'RATE_EXCEEDED', // billed seconds ahead of wall time × maxPlaybackRate + slack
  'AMOUNT_MISMATCH', // microAlgos ≠ seconds × rate
  'NOT_SESSION_OWNER', // the tick names another session key than the session's (or analytics without the token)
  'SESSION_EXPIRED', // the session's delegation has expired
  'INSUFFICIENT_FUNDS', // 402
  'DEV_ONLY', // 404: dev endpoint in production mode
  'IDLE_TICKS_EXCEEDED', // 429: the session holds its share of ticks that bill nothing; wait for a new second
  'WRONG_API', // 401: a signed start names another payment API than this one
  'RATE_LIMITED', // 429: too many requests from this client or viewer (Retry-After)
  'BUSY', // 503: the signature-check queue or the ledger's queue of ticks is full (Retry-After)
  'BAD_HTTP', // 400: a request the HTTP parser could not read
  'UNKNOWN_CONTENT', // 404: the catalog sells no title under this content id
  'PRICE_MISMATCH', // 409: a start signed for another rate than the catalog's (the body carries the price)
  'UNKNOWN_KEY', // 404: no such media key (content id and index)
  'WRONG_CONTENT', // 403: a key request signed with a session of another title
  'KEY_NOT_PAID', // 402: the key's media lies past what the viewer's sessions of the title paid for, plus the lead
  'INTERNAL', // 500
  'BUDGET_EXCEEDED', // 409: the tick would bill past the budget signed at start (ledger unchanged)
  'TOO_MANY_SESSIONS', // 429: the viewer already holds --max-sessions live sessions
  'KEY_REVOKED', // 401: the session key was revoked (sign-out); sign in again
  'DATABASE_UNAVAILABLE', // 503: the ledger's database cannot be reached (Retry-After)
] as const;
export type ApiErrorCode = (typeof ERROR_CODES)[number] | AdErrorCode;

/** HTTP status per error code (PROTOCOL.md §Errors). */
export const ERROR_STATUS: Record<ApiErrorCode, number> = {
  ...AD_ERROR_STATUS,
  BAD_JSON: 400,
  BAD_REQUEST: 400,
  BODY_TOO_LARGE: 413,
  ORIGIN_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  BAD_DELEGATION: 401,
  DELEGATION_EXPIRED: 401,
  WRONG_TARGET: 401,
  UNTRUSTED_ROOT: 401,
  BAD_SIGNATURE: 401,
  SESSION_KEY_MISMATCH: 401,
  STALE_REQUEST: 401,
  REPLAYED: 409,
  SEQ_OUT_OF_ORDER: 409,
  TOTALS_DECREASED: 409,
  RATE_EXCEEDED: 429,
  AMOUNT_MISMATCH: 422,
  NOT_SESSION_OWNER: 403,
  SESSION_EXPIRED: 401,
  INSUFFICIENT_FUNDS: 402,
  DEV_ONLY: 404,
  IDLE_TICKS_EXCEEDED: 429,
  WRONG_API: 401,
  RATE_LIMITED: 429,
  BUSY: 503,
  BAD_HTTP: 400,
  UNKNOWN_CONTENT: 404,
  PRICE_MISMATCH: 409,
  UNKNOWN_KEY: 404,
  WRONG_CONTENT: 403,
  KEY_NOT_PAID: 402,
  INTERNAL: 500,
  BUDGET_EXCEEDED: 409,
  TOO_MANY_SESSIONS: 429,
  KEY_REVOKED: 401,
  DATABASE_UNAVAILABLE: 503,
};
