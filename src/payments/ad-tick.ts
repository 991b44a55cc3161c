/**
 * The ad tick: the viewer's session key signs the cumulative ad seconds watched in one break, in the same
 * canonical form as the billing tick (tick.ts), under its own domain separator so that neither can pass
 * for the other. One copy for the player and the server. Browser-safe.
 */
import type { AdTickRequest } from './ad-protocol.js';
import { SESSION_ID_PATTERN, domainSeparator, isUint, toHex } from './tick.js';

export interface AdTick {
  sessionId: string;
  /** The `X-SIPPAR-AUCTION` of the break's asset list. */
  auctionId: string;
  /** Strictly increasing per break, starts at 1. */
  seq: number;
  /** Cumulative whole ad seconds watched in this break. */
  adSeconds: number;
  /** Client wall clock, Unix milliseconds. */
  clientTime: number;
  /** True on the tick that ends the break (ad ended, skipped, or the viewer left): the hold is settled. */
  final?: boolean;
}

export const AD_TICK_DOMAIN_SEPARATOR = domainSeparator('ad-tick'); // "\x18sippar-player/ad-tick/v1"
export const AUCTION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Throws TypeError naming the first bad field; returns the tick with only known fields. */
export function validateAdTick(input: unknown): AdTick {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError('ad tick must be an object');
  const t = input as Record<string, unknown>;
  if (typeof t.sessionId !== 'string' || !SESSION_ID_PATTERN.test(t.sessionId)) throw new TypeError('tick.sessionId');
  if (typeof t.auctionId !== 'string' || !AUCTION_ID_PATTERN.test(t.auctionId)) throw new TypeError('tick.auctionId');
  for (const k of ['seq', 'adSeconds', 'clientTime'] as const) {
    if (!isUint(t[k])) throw new TypeError(`tick.${k} must be a non-negative safe integer`);
  }
  if ((t.seq as number) < 1) throw new TypeError('tick.seq must be ≥ 1');
  if (t.final !== undefined && typeof t.final !== 'boolean') throw new TypeError('tick.final must be boolean');
  const tick: AdTick = { sessionId: t.sessionId, auctionId: t.auctionId, seq: t.seq as number, adSeconds: t.adSeconds as number, clientTime: t.clientTime as number };
  if (t.final === true) tick.final = true;
  return tick;
}

/** Canonical text: fixed key order, no whitespace, `final` always present (as canonicalTickJson). */
export function canonicalAdTickJson(tick: AdTick): string {
  const t = validateAdTick(tick);
  return (
    `{"v":1,"sessionId":"${t.sessionId}","auctionId":"${t.auctionId}","seq":${t.seq},"adSeconds":${t.adSeconds}` +
    `,"clientTime":${t.clientTime},"final":${t.final === true}}`
  );
}

const encoder = new TextEncoder();

/** The exact bytes the session key signs for an ad tick: domain separator ‖ UTF-8(canonical JSON). */
export function adTickSigningBytes(tick: AdTick): Uint8Array {
  const text = encoder.encode(canonicalAdTickJson(tick));
  const out = new Uint8Array(AD_TICK_DOMAIN_SEPARATOR.length + text.length);
  out.set(AD_TICK_DOMAIN_SEPARATOR, 0);
  out.set(text, AD_TICK_DOMAIN_SEPARATOR.length);
  return out;
}

/** The body of POST /streaming/ads/tick: `sign` is the session key's (as for billing ticks). */
export async function signedAdTickRequest(sign: (bytes: Uint8Array) => Promise<ArrayBuffer | Uint8Array>, tick: AdTick): Promise<AdTickRequest> {
  return { tick, signature: toHex(await sign(adTickSigningBytes(tick))) };
}
