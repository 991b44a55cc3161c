/**
 * The billing tick and every signed message of the payment protocol, in one canonical byte form
 * shared by the browser element and the reference server (docs/PROTOCOL.md §Signed messages).
 *
 * Browser-safe: no node: imports, no DOM beyond TextEncoder.
 */

/** One signed running total. All numbers are non-negative safe integers. */
export interface Tick {
  /** Server-issued at session start; `[A-Za-z0-9_-]{1,64}`. */
  sessionId: string;
  /** Strictly increasing per session, starts at 1. */
  seq: number;
  /** Cumulative seconds watched in the session, free ones included (v3). */
  seconds: number;
  /** Cumulative microAlgos; must equal `tickAmount(seconds, rate, freeSeconds)` of the session (v3). */
  microAlgos: number;
  /** Playback position in milliseconds (integer) when the tick was made. */
  mediaTime: number;
  /** Client wall clock, Unix milliseconds (integer). */
  clientTime: number;
  /** True on the tick that closes a stretch of playback (pause/end); sent to /session/pause. */
  final?: boolean;
}

/**
 * What a tick of `seconds` cumulative seconds signs (protocol v3): the seconds past the session's free ones
 * (`freeSeconds` of the start answer), at its rate. One rule for the element and the server.
 */
export function tickAmount(seconds: number, rateMicroAlgos: number, freeSeconds: number): number {
  return Math.max(0, seconds - freeSeconds) * rateMicroAlgos;
}

/** Fields signed to prove who the viewer is (read-only, no side effects). */
export interface WhoamiMessage {
  /** Client wall clock, Unix milliseconds; the server accepts ±5 minutes. */
  requestTime: number;
}

/** Fields signed to open a paid session. */
export interface StartMessage {
  /**
   * The payment API this start is meant for, as `apiIdentity()` writes it (the element's `api` URL): a
   * signature made for one deployment is refused by every other (docs/PROTOCOL.md §3).
   */
  api: string;
  contentId: string;
  rateMicroAlgos: number;
  /**
   * v3: the most this session may bill in all, microAlgos, enforced by the server (BUDGET_EXCEEDED);
   * `null` = no budget (the element's `budget` attribute absent). Signed as `null` or a decimal integer.
   */
  budgetMicroAlgos: number | null;
  requestTime: number;
  /** Random, 16–64 hex chars; a start signature is accepted once. */
  nonce: string;
}

/** Fields signed to revoke the signing session key at one payment API (sign-out). */
export interface RevokeMessage {
  /** The payment API the revocation is meant for (`apiIdentity`), as in a start. */
  api: string;
  requestTime: number;
  /** Random, 16–64 hex chars. */
  nonce: string;
}

export type MessageKind = 'tick' | 'whoami' | 'start' | 'revoke' | 'ad-tick' | 'key';

const encoder = new TextEncoder();

/**
 * `len ‖ "sippar-player/<kind>/v1"`, the same shape as the IC's `"\x0Aic-request"`: the first byte is the
 * length of the text, so these bytes can never be the start of an IC request or delegation signature.
 */
export function domainSeparator(kind: MessageKind, version = 1): Uint8Array {
  const text = encoder.encode(`sippar-player/${kind}/v${version}`);
  const out = new Uint8Array(text.length + 1);
  out[0] = text.length;
  out.set(text, 1);
  return out;
}

export const TICK_DOMAIN_SEPARATOR = domainSeparator('tick'); // "\x15sippar-player/tick/v1"
export const WHOAMI_DOMAIN_SEPARATOR = domainSeparator('whoami'); // "\x17sippar-player/whoami/v1"
/**
 * v3: the start message carries the session's budget (v2 named the API it is meant for, v1 neither;
 * neither is accepted any more).
 */
export const START_DOMAIN_SEPARATOR = domainSeparator('start', 3); // "\x16sippar-player/start/v3"
export const REVOKE_DOMAIN_SEPARATOR = domainSeparator('revoke'); // "\x17sippar-player/revoke/v1"

export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const CONTENT_ID_PATTERN = /^[A-Za-z0-9._:/-]{1,128}$/;
export const NONCE_PATTERN = /^[0-9a-f]{16,64}$/;
/** An API identity: http(s), at most 256 characters, none that JSON escapes (no quote, backslash, space or control). */
export const API_IDENTITY_PATTERN = /^https?:\/\/[!#-[\]-~]{1,248}$/;

/**
 * The identity of a payment API as signed messages name it: the absolute URL the client calls, as the URL
 * parser serialises it, without trailing slashes (what the element's `api` attribute resolves to). Both
 * sides compute it with this function, so `HTTP://Pay.Example.com/api/` and `http://pay.example.com/api` agree.
 * Throws TypeError on anything that is not an absolute http(s) URL.
 */
export function apiIdentity(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TypeError(`api "${url}" is not an absolute URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError(`api "${url}" is not http(s)`);
  const id = u.href.replace(/\/+$/, '');
  if (!API_IDENTITY_PATTERN.test(id)) throw new TypeError(`api "${url}" is too long or has characters JSON escapes`);
  return id;
}

export function isUint(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Throws TypeError naming the first bad field; returns the tick with only known fields. */
export function validateTick(input: unknown): Tick {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError('tick must be an object');
  const t = input as Record<string, unknown>;
  if (typeof t.sessionId !== 'string' || !SESSION_ID_PATTERN.test(t.sessionId)) throw new TypeError('tick.sessionId');
  for (const k of ['seq', 'seconds', 'microAlgos', 'mediaTime', 'clientTime'] as const) {
    if (!isUint(t[k])) throw new TypeError(`tick.${k} must be a non-negative safe integer`);
  }
  if ((t.seq as number) < 1) throw new TypeError('tick.seq must be ≥ 1');
  if (t.final !== undefined && typeof t.final !== 'boolean') throw new TypeError('tick.final must be boolean');
  const tick: Tick = {
    sessionId: t.sessionId,
    seq: t.seq as number,
    seconds: t.seconds as number,
    microAlgos: t.microAlgos as number,
    mediaTime: t.mediaTime as number,
    clientTime: t.clientTime as number,
  };
  if (t.final === true) tick.final = true;
  return tick;
}

/**
 * Canonical text: JSON with this exact key order, no whitespace, integers in decimal, `final` always
 * present as true/false. Every string field is restricted to characters JSON never escapes, so the text
 * is unique for a tick and any implementation can rebuild it by concatenation.
 */
export function canonicalTickJson(tick: Tick): string {
  const t = validateTick(tick);
  return (
    `{"v":1,"sessionId":"${t.sessionId}","seq":${t.seq},"seconds":${t.seconds},"microAlgos":${t.microAlgos}` +
    `,"mediaTime":${t.mediaTime},"clientTime":${t.clientTime},"final":${t.final === true}}`
  );
}

export function canonicalWhoamiJson(m: WhoamiMessage): string {
  if (!isUint(m.requestTime)) throw new TypeError('requestTime must be a non-negative safe integer');
  return `{"v":1,"requestTime":${m.requestTime}}`;
}

export function canonicalStartJson(m: StartMessage): string {
  if (typeof m.api !== 'string' || !API_IDENTITY_PATTERN.test(m.api)) throw new TypeError('api must be an http(s) URL without escapable characters');
  if (typeof m.contentId !== 'string' || !CONTENT_ID_PATTERN.test(m.contentId)) throw new TypeError('contentId');
  if (!isUint(m.rateMicroAlgos)) throw new TypeError('rateMicroAlgos must be a non-negative safe integer');
  if (m.budgetMicroAlgos !== null && !isUint(m.budgetMicroAlgos)) throw new TypeError('budgetMicroAlgos must be null or a non-negative safe integer');
  if (!isUint(m.requestTime)) throw new TypeError('requestTime must be a non-negative safe integer');
  if (typeof m.nonce !== 'string' || !NONCE_PATTERN.test(m.nonce)) throw new TypeError('nonce must be 16–64 lowercase hex');
  return (
    `{"v":3,"api":"${m.api}","contentId":"${m.contentId}","rateMicroAlgos":${m.rateMicroAlgos},"budgetMicroAlgos":${m.budgetMicroAlgos}` +
    `,"requestTime":${m.requestTime},"nonce":"${m.nonce}"}`
  );
}

export function canonicalRevokeJson(m: RevokeMessage): string {
  if (typeof m.api !== 'string' || !API_IDENTITY_PATTERN.test(m.api)) throw new TypeError('api must be an http(s) URL without escapable characters');
  if (!isUint(m.requestTime)) throw new TypeError('requestTime must be a non-negative safe integer');
  if (typeof m.nonce !== 'string' || !NONCE_PATTERN.test(m.nonce)) throw new TypeError('nonce must be 16–64 lowercase hex');
  return `{"v":1,"api":"${m.api}","requestTime":${m.requestTime},"nonce":"${m.nonce}"}`;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The exact bytes the session key signs for a tick: domain separator ‖ UTF-8(canonical JSON). */
export function tickSigningBytes(tick: Tick): Uint8Array {
  return concat(TICK_DOMAIN_SEPARATOR, encoder.encode(canonicalTickJson(tick)));
}

export function whoamiSigningBytes(m: WhoamiMessage): Uint8Array {
  return concat(WHOAMI_DOMAIN_SEPARATOR, encoder.encode(canonicalWhoamiJson(m)));
}

export function startSigningBytes(m: StartMessage): Uint8Array {
  return concat(START_DOMAIN_SEPARATOR, encoder.encode(canonicalStartJson(m)));
}

export function revokeSigningBytes(m: RevokeMessage): Uint8Array {
  return concat(REVOKE_DOMAIN_SEPARATOR, encoder.encode(canonicalRevokeJson(m)));
}

export function toHex(bytes: Uint8Array | ArrayBuffer): string {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = '';
  for (let i = 0; i < b.length; i++) s += b[i].toString(16).padStart(2, '0');
  return s;
}

/** Value of an ASCII hex digit by char code, -1 for anything else. */
const HEX_VALUE = /* @__PURE__ */ (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < 10; i++) t[48 + i] = i;
  for (let i = 0; i < 6; i++) t[65 + i] = t[97 + i] = 10 + i;
  return t;
})();

/** A table walk rather than parseInt per byte: the server decodes kilobytes of certificate hex per start. */
export function fromHex(hex: string): Uint8Array {
  if (typeof hex !== 'string' || hex.length % 2 !== 0) throw new TypeError('bad hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const a = hex.charCodeAt(2 * i);
    const b = hex.charCodeAt(2 * i + 1);
    const hi = a < 128 ? HEX_VALUE[a]! : -1;
    const lo = b < 128 ? HEX_VALUE[b]! : -1;
    if (hi < 0 || lo < 0) throw new TypeError('bad hex');
    out[i] = (hi << 4) | lo;
  }
  return out;
}
