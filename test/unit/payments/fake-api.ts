/** Test doubles for the outbox: a virtual clock and an in-memory ledger that runs the server's own tick rules. */
import { MemoryLedgerStorage } from '../../../server/ledger/memory-storage.js';
import { decideTick } from '../../../server/ledger/tick-rules.js';
import { PaymentApiError } from '../../../src/payments/api-client.js';
import type { OutboxClock, OutboxRecord, OutboxStorage, SendOutcome, SignedTick } from '../../../src/payments/outbox.js';
import { ERROR_STATUS } from '../../../src/payments/protocol.js';
import { canonicalTickJson } from '../../../src/payments/tick.js';
import { classify } from '../../../src/payments/transport.js';

export class FakeClock implements OutboxClock {
  t = 0;
  private q: Array<{ at: number; id: number; fn: () => void }> = [];
  private next = 1;
  now() { return this.t; }
  setTimeout(fn: () => void, ms: number) { const id = this.next++; this.q.push({ at: this.t + Math.max(0, ms), id, fn }); return id; }
  clearTimeout(h: unknown) { this.q = this.q.filter((x) => x.id !== h); }
  pending() { return this.q.length; }
  async advance(ms: number) {
    const target = this.t + ms;
    for (;;) {
      await settle();
      this.q.sort((a, b) => a.at - b.at || a.id - b.id);
      const first = this.q[0];
      if (!first || first.at > target) break;
      this.q.shift();
      this.t = first.at;
      first.fn();
    }
    this.t = target;
    await settle();
  }
}

export const settle = () => new Promise<void>((r) => setImmediate(r));

export class MemoryStorage implements OutboxStorage {
  saved: OutboxRecord | undefined;
  async save(r: OutboxRecord) { await Promise.resolve(); this.saved = structuredClone(r); }
}

const VIEWER = 'fake-viewer';
const encoder = new TextEncoder();
// No clock here: a ceiling no tick reaches (the rate ceiling is the server tests' concern).
// The rate bucket's capacity is the slack: 10^9 s, which no run bills.
const UNBOUNDED = { now: Number.MAX_SAFE_INTEGER, maxPlaybackRate: 1, slackSeconds: 1e9, platformFeeBps: 1_000 };

/**
 * The server's ledger for one session: the server's own rules (server/ledger/tick-rules.ts) over the
 * in-memory store, answering as transport.ts would classify the server's answer.
 */
export class FakeLedger {
  readonly store = new MemoryLedgerStorage();
  /** Seqs written, in the order the ledger applied them (repeats and refusals excluded). */
  applied: number[] = [];
  /** `rate`, `budget`: the session's microAlgos per second and its signed budget, fixed at start as on the server; `freeSeconds`: its preview (v3). */
  constructor(readonly rate: number, readonly sessionId = 's1', readonly freeSeconds = 0, budget: number | null = null) {
    this.store.creditNow(VIEWER, 'ADDR', Number.MAX_SAFE_INTEGER);
    this.store.createSessionNow({ id: sessionId, principal: VIEWER, contentId: 'c', rate, budget, sessionKey: new Uint8Array(1), startHash: new Uint8Array(1), startedAt: 0, expiresAt: Number.MAX_SAFE_INTEGER, freeSeconds, splits: null });
  }
  private get session() { return this.store.loadTickNow(this.sessionId, 0)!.session; }
  get seq() { return this.session.seq; }
  /** Billed seconds (less than `claimed` after a 402). */
  get seconds() { return this.session.billedSeconds; }
  get microAlgos() { return this.session.billedMicro; }
  /** Signed (claimed) seconds. */
  get claimed() { return this.session.claimedSeconds; }
  get balance() { return this.store.viewers.get(VIEWER)!.balance; }
  set balance(v: number) { this.store.viewers.get(VIEWER)!.balance = v; }

  receive(st: SignedTick): SendOutcome {
    const t = st.tick;
    const ctx = this.store.loadTickNow(t.sessionId, t.seq);
    if (!ctx) return { ok: false, ...classify(new PaymentApiError(404, 'NOT_FOUND', 'unknown session')) };
    const input = { tick: t, tickHash: encoder.encode(canonicalTickJson(t)), signature: encoder.encode(st.signature) };
    const d = decideTick(ctx, input, { ...UNBOUNDED, settle: t.final === true });
    if (d.kind === 'refuse') return { ok: false, ...classify(new PaymentApiError(ERROR_STATUS[d.code], d.code, d.message, d.ledger)) };
    const answer = d.kind === 'repeat' ? { status: d.status, body: d.body } : { status: d.status, body: this.store.applyTickNow(d.writes) };
    if (d.kind === 'apply') this.applied.push(t.seq);
    if (answer.status === 200) return { ok: true, ledger: answer.body };
    return { ok: false, ...classify(new PaymentApiError(402, 'INSUFFICIENT_FUNDS', 'balance exhausted', answer.body)) };
  }
}
