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
  /** Signed (claimed) seconds; `seconds` is what was billed (less after a 402). */
  claimed = 0;
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
    if (t.seconds < this.claimed) {
      return { ok: false, retryable: false, error: { code: 'PAYMENT_REJECTED', apiCode: 'TOTALS_DECREASED', message: 'dec', status: 409 }, ledger: ledger() };
    }
    // Like server/ledger.ts: charge the whole seconds the balance can pay, record the seq either way.
    const rate = t.seconds ? t.microAlgos / t.seconds : 0;
    const owed = t.seconds - this.seconds;
    const paid = rate === 0 ? owed : Math.min(owed, Math.floor(this.balance / rate));
    this.balance -= paid * rate;
    this.seq = t.seq; this.claimed = t.seconds; this.seconds += paid; this.microAlgos += paid * rate;
    this.applied.push(t.seq);
    this.byseq.set(t.seq, text);
    if (paid < owed) return { ok: false, retryable: false, error: { code: 'INSUFFICIENT_FUNDS', apiCode: 'INSUFFICIENT_FUNDS', message: 'funds', status: 402 }, ledger: ledger() };
    return { ok: true, ledger: ledger() };
  }
}
