// PaymentsController in Node with a fake host, a fake API and a virtual clock: the grace period
// (default 30 s), the pause with PAYMENT_API_UNREACHABLE, the resume on the first acknowledgement, and 402.
// Composed as commerce.ts composes it: seconds by direct call, and the play policy's governor on the media.
import { describe, it, expect, beforeAll } from 'vitest';
import { computed } from 'nanostores';
import { DelegationChain, DelegationIdentity, Ed25519KeyIdentity } from '@dfinity/identity';
import { PaymentsController, type PaymentsConfig } from '../../../src/payments/payments-controller.js';
import { createPlayPolicy } from '../../../src/policy/play-policy.js';
import { PlayGovernor } from '../../../src/policy/play-governor.js';
import { PaymentApiError } from '../../../src/payments/api-client.js';
import type { PaymentApi } from '../../../src/payments/transport.js';
import type { SessionStartResponse, TickRequest, TickResponse } from '../../../src/payments/protocol.js';
import { memoryStore } from '../../../src/payments/outbox-store.js';
import { FakeClock, settle } from './fake-api.js';

beforeAll(() => {
  (globalThis as { window?: EventTarget }).window ??= new EventTarget();
});

class FakeMedia extends EventTarget {
  paused = true;
  pause() { if (!this.paused) { this.paused = true; this.dispatchEvent(new Event('pause')); } }
  async play() { if (this.paused) { this.paused = false; this.dispatchEvent(new Event('play')); } }
}

class FakeHost extends EventTarget {
  readonly media = new FakeMedia();
  controllers: Array<{ hostConnected?(): void }> = [];
  payments?: PaymentsController;
  governor?: PlayGovernor;
  get paused() { return this.media.paused; }
  addController(c: { hostConnected?(): void }) { this.controllers.push(c); }
  removeController() {}
  requestUpdate() {}
  get updateComplete() { return Promise.resolve(true); }
  /** The viewer presses play: a request to the governor, which the policy may refuse. */
  async play() { await this.governor!.requestPlay(); this.payments!.playing(true); }
  /** What the meter hands payments once a second: cumulative seconds of its session. */
  tick(seconds: number) { this.payments!.credited('m1', seconds, seconds); }
}

async function identity() {
  const root = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(7));
  const session = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(9));
  const chain = await DelegationChain.create(root, session.getPublicKey(), new Date(Date.now() + 3_600_000));
  return DelegationIdentity.fromDelegation(session, chain);
}

function fakeApi() {
  const api = {
    down: false,
    balance: 1_000_000,
    seconds: 0,
    seq: 0,
    start: async (): Promise<SessionStartResponse> => {
      if (api.down) throw new PaymentApiError(0, 'NETWORK', 'Failed to fetch');
      return { sessionId: 'sess1', principal: 'p', algorandAddress: 'A', contentId: 'film', rateMicroAlgos: 1000, balanceMicroAlgos: api.balance, startedAt: 0, previewSeconds: 0, freeSeconds: 0,
        limits: { maxPlaybackRate: 2, slackSeconds: 5, maxBodyBytes: 16384, maxClockSkewMs: 300000, maxRateMicroAlgos: 1e6, expiresAt: Date.now() + 3_600_000 } };
    },
    extend: async (req: TickRequest): Promise<TickResponse> => {
      if (api.down) throw new PaymentApiError(0, 'NETWORK', 'Failed to fetch');
      const owed = req.tick.seconds - api.seconds;
      const paid = Math.min(owed, Math.floor(api.balance / 1000));
      api.balance -= paid * 1000; api.seconds += paid; api.seq = req.tick.seq;
      const ledger: TickResponse = { sessionId: 'sess1', seq: req.tick.seq, seconds: api.seconds, microAlgos: api.seconds * 1000, balanceMicroAlgos: api.balance, status: 'active' };
      if (paid < owed) throw new PaymentApiError(402, 'INSUFFICIENT_FUNDS', 'insufficient funds', { ...ledger, status: 'exhausted' });
      return ledger;
    },
    pause: async (req: TickRequest) => api.extend(req),
  };
  return api;
}

async function setup(config: Partial<PaymentsConfig> = {}) {
  const host = new FakeHost();
  const clock = new FakeClock();
  const api = fakeApi();
  const id = await identity();
  const c = new PaymentsController(host as never, () => ({ api: api as PaymentApi, store: memoryStore(), locks: null, clock }));
  host.payments = c;
  const inputs = computed(c.store, (p) => ({
    configInvalid: false, paid: true, previewSpent: true, canCharge: true, payment: p.status, budgetReached: false, hidden: false, pauseWhenHidden: false,
  }));
  host.governor = new PlayGovernor(host as never, createPlayPolicy(inputs));
  for (const ctl of host.controllers) ctl.hostConnected?.();
  c.configure({ api: 'http://api', contentId: 'film', rateMicroAlgos: 1000, graceSeconds: 30, budgetMicroAlgos: null, ...config } as PaymentsConfig);
  c.setIdentity(id);
  const codes: string[] = [];
  host.addEventListener('sippar-error', (e) => codes.push((e as CustomEvent).detail.code));
  return { host, clock, api, c, codes };
}

/** Let signing (WebCrypto) and the controller's chained work finish. */
const flush = async () => { for (let i = 0; i < 20; i++) await settle(); };

describe('PaymentsController', () => {
  it('bills meter ticks as cumulative session ticks', async () => {
    const { host, c, api } = await setup();
    await host.play();
    for (let s = 1; s <= 3; s++) { host.tick(s); await flush(); }
    expect(c.state).toMatchObject({ status: 'active', sessionId: 'sess1', acknowledged: { seconds: 3, microAlgos: 3000 } });
    expect(api.seconds).toBe(3);
  });

  it('plays on for grace-seconds (30 by default) while the API is down, then pauses with PAYMENT_API_UNREACHABLE; resumes on the first ack', async () => {
    const { host, c, api, clock, codes } = await setup();
    await host.play();
    host.tick(1); await flush();
    api.down = true;
    host.tick(2); await flush();
    expect(c.state.status).toBe('grace');
    expect(c.state.graceEndsAt).toBe(clock.now() + 30_000);
    await clock.advance(29_000); await flush();
    expect(host.paused).toBe(false);
    await clock.advance(1_000); await flush();
    expect(c.state.status).toBe('paused-unreachable');
    expect(host.paused).toBe(true);
    expect(codes).toContain('PAYMENT_API_UNREACHABLE');
    api.down = false;
    await clock.advance(30_000); await flush(); // the outbox's next backoff retry
    expect(c.state.status).toBe('active');
    expect(host.paused).toBe(false);
    expect(api.seconds).toBe(2);
  });

  it('BUDGET_EXCEEDED: pauses behind the budget blocker; a larger budget opens a new session signed with it, which bills the second held back', async () => {
    const { host, c, api, codes } = await setup({ budgetMicroAlgos: 2000 });
    const starts: Array<number | null> = [];
    const sessions = new Map<string, { budget: number | null; seconds: number; seq: number }>();
    api.start = async (req?: { budgetMicroAlgos: number | null }) => {
      const sessionId = `sess${starts.push(req!.budgetMicroAlgos)}`;
      sessions.set(sessionId, { budget: req!.budgetMicroAlgos, seconds: 0, seq: 0 });
      return { sessionId, principal: 'p', algorandAddress: 'A', contentId: 'film', rateMicroAlgos: 1000, balanceMicroAlgos: api.balance, startedAt: 0, previewSeconds: 0, freeSeconds: 0,
        limits: { maxPlaybackRate: 2, slackSeconds: 90, maxBodyBytes: 16384, maxClockSkewMs: 300000, maxRateMicroAlgos: 1e6, expiresAt: Date.now() + 3_600_000 } };
    };
    api.extend = async (req: TickRequest) => {
      const s = sessions.get(req.tick.sessionId)!;
      const ledger = (): TickResponse => ({ sessionId: req.tick.sessionId, seq: s.seq, seconds: s.seconds, microAlgos: s.seconds * 1000, balanceMicroAlgos: api.balance, status: 'active' });
      // As the server: the refusal carries what the ledger holds, and changes nothing.
      if (s.budget !== null && req.tick.seconds * 1000 > s.budget) throw new PaymentApiError(409, 'BUDGET_EXCEEDED', 'past the budget', ledger());
      s.seconds = req.tick.seconds;
      s.seq = req.tick.seq;
      return ledger();
    };
    await host.play();
    for (let s = 1; s <= 3; s++) { host.tick(s); await flush(); }
    await flush();
    expect(c.state).toMatchObject({ status: 'budget', error: { code: 'PAYMENT_BUDGET_EXCEEDED' } });
    expect(host.paused).toBe(true);
    expect(codes).toContain('PAYMENT_BUDGET_EXCEEDED');
    // The budget overlay's Continue (or the page) raises the budget: the status lifts, a new session opens.
    c.configure({ api: 'http://api', contentId: 'film', rateMicroAlgos: 1000, graceSeconds: 30, budgetMicroAlgos: 4000 });
    await flush();
    await flush();
    expect(starts).toEqual([2000, 4000]);
    expect(c.state).toMatchObject({ status: 'active', sessionId: 'sess2', acknowledged: { seconds: 1 } });
    expect([sessions.get('sess1')!.seconds, sessions.get('sess2')!.seconds]).toEqual([2, 1]); // 3 watched, 3 billed
  });

  it('402: pauses with INSUFFICIENT_FUNDS and the balance', async () => {
    const { host, c, api, codes } = await setup();
    api.balance = 2000;
    await host.play();
    for (let s = 1; s <= 3; s++) { host.tick(s); await flush(); }
    expect(c.state).toMatchObject({ status: 'insufficient-funds', balanceMicroAlgos: 0, acknowledged: { seconds: 2 } });
    expect(host.paused).toBe(true);
    expect(codes).toContain('INSUFFICIENT_FUNDS');
  });
});
