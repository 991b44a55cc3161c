// Every combination of what can block a paid video, against one table of expectations.
import { describe, it, expect } from 'vitest';
import { atom } from 'nanostores';
import { BLOCKER_ORDER, blockersOf, createPlayPolicy, decide, type Blocker, type PolicyInputs } from '../../../src/policy/play-policy.js';
import type { PaymentStatus } from '../../../src/payments/payments-store.js';

const PAYMENTS: PaymentStatus[] = ['idle', 'starting', 'active', 'grace', 'paused-unreachable', 'insufficient-funds', 'elsewhere', 'error', 'budget'];
const PAYMENT_BLOCKER: Partial<Record<PaymentStatus, Blocker>> = {
  'paused-unreachable': 'unreachable', 'insufficient-funds': 'funds', elsewhere: 'elsewhere', error: 'payment-error',
  // The server refused a tick past the session's signed budget: the same blocker (and overlay) as the meter's cap.
  budget: 'budget',
};

function* combinations(): Generator<PolicyInputs> {
  const bools = [false, true];
  for (const configInvalid of bools) for (const priceRefused of bools) for (const paid of bools) for (const previewSpent of bools) for (const canCharge of bools)
    for (const payment of PAYMENTS) for (const budgetReached of bools) for (const hidden of bools) for (const pauseWhenHidden of bools)
      yield { configInvalid, priceRefused, paid, previewSpent, canCharge, payment, budgetReached, hidden, pauseWhenHidden };
}

/** The table, written out: each blocker and the one condition that raises it. */
function expected(i: PolicyInputs): Blocker[] {
  const out = new Set<Blocker>();
  if (i.configInvalid) out.add('config');
  if (i.priceRefused) out.add('price');
  if (i.paid && i.previewSpent && !i.canCharge) out.add('sign-in');
  const p = PAYMENT_BLOCKER[i.payment];
  if (i.paid && p) out.add(p);
  if (i.budgetReached) out.add('budget');
  if (i.hidden && i.pauseWhenHidden) out.add('hidden');
  return BLOCKER_ORDER.filter((b) => out.has(b));
}

describe('play policy', () => {
  it('lists exactly the blockers of every combination (2,304), most important first', () => {
    let n = 0;
    for (const i of combinations()) {
      expect(blockersOf(i), JSON.stringify(i)).toEqual(expected(i));
      n++;
    }
    expect(n).toBe(2 ** 8 * PAYMENTS.length);
  });

  it('a free video is never held by payments or sign-in, only by an invalid price, the catalog, the budget or a hidden tab', () => {
    for (const i of combinations()) {
      if (i.paid) continue;
      for (const b of blockersOf(i)) expect(['config', 'price', 'budget', 'hidden']).toContain(b);
    }
  });

  it('orders the overlays: configuration, the catalog’s price, another tab, sign-in, funds, the API, a refusal, the budget, a hidden tab', () => {
    expect(BLOCKER_ORDER).toEqual(['config', 'price', 'elsewhere', 'sign-in', 'funds', 'unreachable', 'payment-error', 'budget', 'hidden']);
    const all: PolicyInputs = { configInvalid: true, priceRefused: true, paid: true, previewSpent: true, canCharge: false, payment: 'elsewhere', budgetReached: true, hidden: true, pauseWhenHidden: true };
    expect(blockersOf(all)).toEqual(['config', 'price', 'elsewhere', 'sign-in', 'budget', 'hidden']);
  });

  it('decides: pause a playing media while anything blocks; play only what was wanted once nothing does', () => {
    for (const blocked of [[], ['budget']] as Blocker[][]) for (const wantPlay of [false, true]) for (const paused of [false, true]) {
      const action = decide(blocked, wantPlay, paused);
      if (blocked.length) expect(action).toBe(paused ? null : 'pause');
      else expect(action).toBe(wantPlay && paused ? 'play' : null);
    }
  });

  it('as a store: recomputes on every input change and keeps the same list while nothing changed', () => {
    const inputs = atom<PolicyInputs>({ configInvalid: false, paid: true, previewSpent: false, canCharge: false, payment: 'idle', budgetReached: false, hidden: false, pauseWhenHidden: false });
    const policy = createPlayPolicy(inputs);
    const seen: (readonly Blocker[])[] = [];
    const stop = policy.subscribe((b) => seen.push(b));
    inputs.set({ ...inputs.get(), previewSpent: true });
    inputs.set({ ...inputs.get(), hidden: true }); // pauseWhenHidden is off: nothing new
    inputs.set({ ...inputs.get(), canCharge: true });
    stop();
    expect(seen).toEqual([[], ['sign-in'], []]);
  });
});
