/**
 * A media-key request (docs/PROTOCOL.md §Encrypted media): `GET /streaming/keys/:contentId/:index` with the
 * viewer's session-key signature in the query string. Shared by the player (which signs) and the reference
 * server (which checks). Browser-safe: no node: imports.
 *
 * In the query string rather than a header: a custom header makes every cross-origin key request
 * "non-simple", and the preflight is cached per URL, so each new key would cost an OPTIONS round trip
 * first. A signed query is a simple GET. It is single-use (nonce) and short-lived, so the URL leaking
 * into a log gives nothing away.
 */
import { API_IDENTITY_PATTERN, CONTENT_ID_PATTERN, NONCE_PATTERN, SESSION_ID_PATTERN, domainSeparator, isUint } from './tick.js';

/** Every key route starts with this; the rest is `<contentId>/<index>` (the content id may hold slashes). */
export const KEY_PATH_PREFIX = '/streaming/keys/';
/** Key indexes: decimal, no leading zeros, at most 6 digits (a key every 6 s covers 69 days). */
export const KEY_INDEX_PATTERN = /^(0|[1-9][0-9]{0,5})$/;

/** The fields the session key signs for one key request. */
export interface KeyRequestMessage {
  /** The payment API the request is meant for, as `apiIdentity()` writes it. */
  api: string;
  sessionId: string;
  contentId: string;
  index: number;
  /** Client wall clock, Unix ms; the server accepts a short window (±30 s by default). */
  requestTime: number;
  /** Random, 16–64 lowercase hex; each is accepted once. */
  nonce: string;
}

export const KEY_DOMAIN_SEPARATOR = domainSeparator('key'); // "\x14sippar-player/key/v1"

/** Query parameter names, in the order the player writes them. */
export const KEY_QUERY = { api: 'api', sessionId: 'session', requestTime: 't', nonce: 'n', signature: 'sig' } as const;

export function canonicalKeyRequestJson(m: KeyRequestMessage): string {
  if (typeof m.api !== 'string' || !API_IDENTITY_PATTERN.test(m.api)) throw new TypeError('api');
  if (typeof m.sessionId !== 'string' || !SESSION_ID_PATTERN.test(m.sessionId)) throw new TypeError('sessionId');
  if (typeof m.contentId !== 'string' || !CONTENT_ID_PATTERN.test(m.contentId)) throw new TypeError('contentId');
  if (!isUint(m.index) || !KEY_INDEX_PATTERN.test(String(m.index))) throw new TypeError('index');
  if (!isUint(m.requestTime)) throw new TypeError('requestTime');
  if (typeof m.nonce !== 'string' || !NONCE_PATTERN.test(m.nonce)) throw new TypeError('nonce');
  return `{"v":1,"api":"${m.api}","sessionId":"${m.sessionId}","contentId":"${m.contentId}","index":${m.index},"requestTime":${m.requestTime},"nonce":"${m.nonce}"}`;
}

/** The exact bytes the session key signs: domain separator ‖ UTF-8(canonical JSON). */
export function keyRequestSigningBytes(m: KeyRequestMessage): Uint8Array {
  const text = new TextEncoder().encode(canonicalKeyRequestJson(m));
  const out = new Uint8Array(KEY_DOMAIN_SEPARATOR.length + text.length);
  out.set(KEY_DOMAIN_SEPARATOR, 0);
  out.set(text, KEY_DOMAIN_SEPARATOR.length);
  return out;
}

/**
 * The content id and key index of a key route's path, exactly as sent (no decoding: every character a
 * content id may hold is one a URL path carries as is); undefined for any other path.
 */
export function parseKeyPath(path: string): { contentId: string; index: number } | undefined {
  if (!path.startsWith(KEY_PATH_PREFIX)) return undefined;
  const rest = path.slice(KEY_PATH_PREFIX.length);
  const slash = rest.lastIndexOf('/');
  if (slash < 0) return undefined;
  const contentId = rest.slice(0, slash);
  const index = rest.slice(slash + 1);
  if (!CONTENT_ID_PATTERN.test(contentId) || !KEY_INDEX_PATTERN.test(index)) return undefined;
  return { contentId, index: Number(index) };
}
