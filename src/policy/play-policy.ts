/**
 * The one place that says whether a paid video may play: a list of what blocks playback, most important
 * first. Controls only *request* play or pause; the governor (play-governor.ts) grants or refuses from
 * this list, and the overlays render its first entry. Pure, with a nanostores `computed` over the stores
 * of identity, meter, payments and configuration.
 */
import { computed, type ReadableAtom } from 'nanostores';
import type { PaymentStatus } from '../payments/payments-store.js';

/**
 * - config: an attribute the price depends on is invalid: nothing may play (RATE_INVALID, …)
 * - price: the platform's catalog does not sell this title at the page's price, or not at all (PRICE_MISMATCH,
 *   UNKNOWN_CONTENT, PRICE_UNAVAILABLE): nothing plays rather than charging another price
 * - elsewhere: this viewer plays the video in another tab (WATCHING_ELSEWHERE)
 * - sign-in: the free preview is used up and nobody who can pay is signed in
 * - funds: the payment API refused to bill further (402)
 * - unreachable: the payment API has not answered for longer than the grace period
 * - payment-error: the payment API refused the session or a tick for good
 * - budget: the next second would pass the viewer's budget, or the server refused one past the budget the
 *   session was signed with (payment status `budget`)
 * - hidden: the tab is hidden and the page asked for `pause-when-hidden`
 */
export type Blocker = 'config' | 'price' | 'elsewhere' | 'sign-in' | 'funds' | 'unreachable' | 'payment-error' | 'budget' | 'hidden';

export const BLOCKER_ORDER: readonly Blocker[] = ['config', 'price', 'elsewhere', 'sign-in', 'funds', 'unreachable', 'payment-error', 'budget', 'hidden'];

export interface PolicyInputs {
  /** A price attribute is invalid. */
  configInvalid: boolean;
  /** The catalog refused the page's price or title (optional: pages without a catalog never set it). */
  priceRefused?: boolean;
  /** The video is sold (rate above zero). */
  paid: boolean;
  /** The meter has counted the whole free preview as watched. */
  previewSpent: boolean;
  /** Someone who can pay is signed in (or injected through `player.services.auth`). */
  canCharge: boolean;
  payment: PaymentStatus;
  budgetReached: boolean;
  hidden: boolean;
  pauseWhenHidden: boolean;
}

export function blockersOf(i: PolicyInputs): Blocker[] {
  const on: Record<Blocker, boolean> = {
    config: i.configInvalid,
    price: i.priceRefused === true,
    elsewhere: i.paid && i.payment === 'elsewhere',
    'sign-in': i.paid && i.previewSpent && !i.canCharge,
    funds: i.paid && i.payment === 'insufficient-funds',
    unreachable: i.paid && i.payment === 'paused-unreachable',
    'payment-error': i.paid && i.payment === 'error',
    budget: i.budgetReached || (i.paid && i.payment === 'budget'),
    hidden: i.hidden && i.pauseWhenHidden,
  };
  return BLOCKER_ORDER.filter((b) => on[b]);
}

/** What the governor does to the media now: play it, pause it, or leave it. */
export function decide(blockers: readonly Blocker[], wantPlay: boolean, paused: boolean): 'play' | 'pause' | null {
  if (blockers.length > 0) return paused ? null : 'pause';
  return wantPlay && paused ? 'play' : null;
}

export function createPlayPolicy(inputs: ReadableAtom<PolicyInputs>): ReadableAtom<readonly Blocker[]> {
  let last: readonly Blocker[] = [];
  // The same array while nothing changed, so subscribers see a change only when the list changes.
  return computed(inputs, (i) => {
    const next = blockersOf(i);
    if (next.length !== last.length || next.some((b, k) => b !== last[k])) last = next;
    return last;
  });
}
