/**
 * What an ad tick charges. Pure: (the break's hold, the tick, the clock) → writes. The agent pays the
 * clearing price for each second the viewer's session signed, but never for more seconds than the creative
 * lasts, than the hold covers, or than have passed since the asset list was served (a session cannot sign
 * a 30-second ad watched in 3 seconds). Totals are cumulative: a retried or late tick charges only what is
 * new, and a final tick (or the hold's expiry) gives the rest of the hold back to the agent.
 *
 * Money moves between three places only — the agent's balance, the hold, the charges — so that
 * balance + open holds + charges always equals what the agent was credited (docs/ADS.md §Money).
 */
import type { AdTick } from '../../src/payments/ad-tick.js';

export interface HoldState {
  auctionId: string;
  sessionId: string;
  priceMicroAlgosPerSecond: number;
  holdSeconds: number;
  creativeSeconds: number;
  /** What is still held (never below 0). */
  remaining: number;
  chargedSeconds: number;
  charged: number;
  seq: number;
  adSeconds: number;
  servedAt: number;
  expiresAt: number;
  closed: boolean;
}

export interface Split {
  creatorBps: number;
  platformBps: number;
  viewerBps: number;
}

export interface Shares {
  creator: number;
  platform: number;
  viewer: number;
}

export interface AdChargeWrites {
  /** The hold after the tick. */
  hold: HoldState;
  /** Taken from the hold and booked as a charge (≥ 0). */
  charge: number;
  shares: Shares;
  /** Given back from the hold to the agent's balance (≥ 0; only when the break closes). */
  release: number;
  billableSeconds: number;
}

export type AdTickRefusal = 'SEQ_OUT_OF_ORDER' | 'TOTALS_DECREASED' | 'AD_BREAK_CLOSED';

/** Splits `micro` by basis points; rounding dust goes to the platform, so the shares always sum to `micro`. */
export function splitCharge(micro: number, s: Split): Shares {
  const creator = Math.floor((micro * s.creatorBps) / 10_000);
  const viewer = Math.floor((micro * s.viewerBps) / 10_000);
  return { creator, viewer, platform: micro - creator - viewer };
}

/** Whole seconds between serving the asset list and `now`. */
export const secondsSinceServed = (h: HoldState, now: number) => Math.max(0, Math.floor((now - h.servedAt) / 1000));

export function decideAdTick(h: HoldState, t: AdTick, now: number, split: Split): AdChargeWrites | AdTickRefusal {
  if (h.closed) return 'AD_BREAK_CLOSED';
  if (t.seq <= h.seq) return 'SEQ_OUT_OF_ORDER';
  if (t.adSeconds < h.adSeconds) return 'TOTALS_DECREASED';
  const billableSeconds = Math.max(h.chargedSeconds, Math.min(t.adSeconds, h.creativeSeconds, h.holdSeconds, secondsSinceServed(h, now)));
  const charge = Math.min(h.remaining, (billableSeconds - h.chargedSeconds) * h.priceMicroAlgosPerSecond);
  let remaining = h.remaining - charge;
  const close = t.final === true;
  const release = close ? remaining : 0;
  remaining -= release;
  return {
    hold: { ...h, remaining, chargedSeconds: billableSeconds, charged: h.charged + charge, seq: t.seq, adSeconds: t.adSeconds, closed: close },
    charge,
    shares: splitCharge(charge, split),
    release,
    billableSeconds,
  };
}

/** An open hold past its expiry: everything still held goes back to the agent. */
export function expireHold(h: HoldState, now: number): { hold: HoldState; release: number } | undefined {
  if (h.closed || now < h.expiresAt) return undefined;
  return { hold: { ...h, remaining: 0, closed: true }, release: h.remaining };
}
