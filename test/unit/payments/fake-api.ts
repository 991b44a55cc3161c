/** Test doubles for the outbox: a virtual clock and an in-memory ledger that follows docs/PROTOCOL.md's tick rules. */
import type { OutboxClock, OutboxRecord, OutboxStorage, SendOutcome, SignedTick } from '../../../src/payments/outbox.js';
import { canonicalTickJson } from '../../../src/payments/tick.js';

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

/** The server's ledger for one session: applies a seq once, answers repeats idempotently. */
export class FakeLedger {
  seq = 0; seconds = 0; microAlgos = 0;
  applied: number[] = [];
  byseq = new Map<number, string>();
  balance = Number.MAX_SAFE_INTEGER;
  receive(st: SignedTick): SendOutcome {
    const t = st.tick;
    const ledger = () => ({ seq: this.seq, seconds: this.seconds, microAlgos: this.microAlgos, balanceMicroAlgos: this.balance });
    const text = canonicalTickJson(t);
    if (t.seq <= this.seq) {
      if (this.byseq.get(t.seq) === text) return { ok: true, ledger: ledger() };
      return { ok: false, retryable: false, error: { code: 'PAYMENT_REJECTED', apiCode: 'SEQ_OUT_OF_ORDER', message: 'seq', status: 409 }, ledger: ledger() };
    }
    if (t.seconds < this.seconds || t.microAlgos < this.microAlgos) {
      return { ok: false, retryable: false, error: { code: 'PAYMENT_REJECTED', apiCode: 'TOTALS_DECREASED', message: 'dec', status: 409 }, ledger: ledger() };
    }
    const cost = t.microAlgos - this.microAlgos;
    if (cost > this.balance) {
      return { ok: false, retryable: false, error: { code: 'INSUFFICIENT_FUNDS', apiCode: 'INSUFFICIENT_FUNDS', message: 'funds', status: 402 }, ledger: ledger() };
    }
    this.balance -= cost;
    this.seq = t.seq; this.seconds = t.seconds; this.microAlgos = t.microAlgos;
    this.applied.push(t.seq);
    this.byseq.set(t.seq, text);
    return { ok: true, ledger: ledger() };
  }
}
