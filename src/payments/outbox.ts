/**
 * The outbox: signed ticks on their way to the payment API. Never loses a durable tick, never doubles one.
 *
 * Why it can be this small: ticks carry cumulative totals, so the newest tick settles every one before it.
 * The outbox therefore keeps one record per session — the last acknowledged totals and the newest
 * unacknowledged signed tick — and sends one request at a time, so the server sees seqs in order.
 *
 * Invariants (checked by test/unit/payments/outbox.property.test.ts):
 *  - a tick reaches the network only after it is in storage, so after a reload the next seq and totals
 *    continue from what the server may have seen (no seq reused with other totals, nothing billed twice);
 *  - a retry re-sends the same signed bytes for the same (session, seq): the server answers it idempotently;
 *  - an answer only ever moves `acked` forward.
 *
 * Pure: storage, transport, clock and randomness are injected; no DOM, no network.
 */
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { recordHead, type LedgerTotals, type OutboxClock, type OutboxError, type OutboxEvent, type OutboxRecord, type OutboxStorage, type SendOutcome, type SignedTick } from './outbox-record.js';

export * from './outbox-record.js';

export interface OutboxOptions {
  record: OutboxRecord;
  storage: OutboxStorage;
  send(tick: SignedTick): Promise<SendOutcome>;
  clock: OutboxClock;
  random?: () => number;
  backoff?: BackoffOptions;
  onEvent?(e: OutboxEvent): void;
}

export class Outbox {
  private rec: OutboxRecord;
  private inFlight: SignedTick | null = null;
  private timer: unknown = undefined;
  private attempt = 0;
  private failingSinceAt: number | null = null;
  private halted: OutboxError | null = null;
  private disposed = false;
  private saving: Promise<void> = Promise.resolve();
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly opts: OutboxOptions) {
    this.rec = structuredClone(opts.record);
  }

  get record(): OutboxRecord {
    return structuredClone(this.rec);
  }
  get sessionId(): string {
    return this.rec.sessionId;
  }
  head(): LedgerTotals {
    return recordHead(this.rec);
  }
  /** Clock time of the first failure of the current streak, or null while the API answers. */
  get failingSince(): number | null {
    return this.failingSinceAt;
  }
  get haltedBy(): OutboxError | null {
    return this.halted;
  }
  /** True when nothing is owed to the server. */
  get drained(): boolean {
    return this.rec.pending === null;
  }

  /**
   * Store a newer signed tick, then send it. Resolves once it is durable (not when acknowledged).
   * Throws on a seq that does not move forward: that would reuse a seq with other totals.
   */
  async enqueue(st: SignedTick): Promise<void> {
    if (this.disposed) throw new Error('outbox disposed');
    if (st.tick.sessionId !== this.rec.sessionId) throw new Error('tick for another session');
    const head = this.head();
    if (st.tick.seq <= head.seq) throw new Error(`seq ${st.tick.seq} does not follow ${head.seq}`);
    if (st.tick.seconds < head.seconds || st.tick.microAlgos < head.microAlgos) throw new Error('totals decreased');
    this.rec.pending = structuredClone(st);
    this.rec.signed = { seq: st.tick.seq, seconds: st.tick.seconds, microAlgos: st.tick.microAlgos };
    this.rec.standby = null; // its totals are now behind; the caller signs a new pair
    this.rec.standbyNext = null;
    await this.persist();
    this.pump();
  }

  /**
   * Stores a standby final tick (see OutboxRecord.standby). It must follow the head with the same totals;
   * it is not sent by the outbox, only read back by whoever handles `pagehide`.
   */
  async setStandby(st: SignedTick, next?: SignedTick): Promise<void> {
    if (this.disposed) return;
    const head = this.head();
    if (st.tick.seq !== head.seq + 1 || st.tick.seconds !== head.seconds || st.tick.final !== true) throw new Error('standby must be a final tick just above the head');
    if (next && (next.tick.seq !== st.tick.seq || next.tick.seconds !== head.seconds + 1 || next.tick.final !== true)) throw new Error('standbyNext must be the standby plus one second');
    this.rec.standby = structuredClone(st);
    this.rec.standbyNext = next ? structuredClone(next) : null;
    await this.persist();
  }

  /** Retry now (e.g. on `online`, or the viewer pressed "retry"), skipping the backoff wait. Clears a halt. */
  kick(): void {
    this.halted = null;
    if (this.timer !== undefined) {
      this.opts.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.pump();
  }

  /** Resolves once nothing is pending or the outbox halted / was disposed. */
  idle(): Promise<void> {
    // The record is cleared before its write lands: also wait for the writes already queued.
    if (this.drained || this.halted || this.disposed) return this.saving;
    return new Promise<void>((r) => this.idleWaiters.push(r)).then(() => this.saving);
  }

  /** Waits for pending storage writes. */
  flushStorage(): Promise<void> {
    return this.saving;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.opts.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.wakeIdle();
  }

  private persist(): Promise<void> {
    const snapshot = structuredClone(this.rec);
    // Writes are chained so an older snapshot can never land after a newer one.
    this.saving = this.saving.then(() => this.opts.storage.save(snapshot)).catch(() => undefined);
    return this.saving;
  }

  private wakeIdle(): void {
    if (!(this.drained || this.halted || this.disposed)) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }

  private pump(): void {
    if (this.disposed || this.halted || this.inFlight || this.timer !== undefined) return;
    const st = this.rec.pending;
    if (!st) return this.wakeIdle();
    this.inFlight = st;
    void this.sendOne(st);
  }

  private async sendOne(st: SignedTick): Promise<void> {
    let out: SendOutcome;
    try {
      out = await this.opts.send(st);
    } catch (e) {
      out = { ok: false, retryable: true, error: { code: 'PAYMENT_API_UNREACHABLE', message: String((e as Error)?.message ?? e) } };
    }
    this.inFlight = null;
    if (this.disposed) return;
    const ledger = out.ledger;
    // Settled when the server answered OK, or answered an error whose ledger is at or past this seq
    // (409 for a seq it already holds, e.g. after a keepalive copy; 402 after charging what was affordable).
    const settled = out.ok || (ledger !== undefined && ledger.seq >= st.tick.seq);
    if (settled) {
      this.applyLedger(ledger!);
      // Only the tick sent (or an older one) is settled; a newer one enqueued meanwhile stays pending.
      if (this.rec.pending && this.rec.pending.tick.seq <= st.tick.seq) this.rec.pending = null;
      this.attempt = 0;
      this.failingSinceAt = null;
      await this.persist();
      if (this.disposed) return;
      this.opts.onEvent?.({ type: 'ack', ledger: ledger!, final: st.tick.final === true });
      if (!out.ok && out.error.code === 'INSUFFICIENT_FUNDS') return this.halt(out.error, ledger);
      this.wakeIdle();
      return this.pump();
    }
    if (out.ok) return; // unreachable: ok implies settled
    if (out.retryable) {
      this.attempt += 1;
      this.failingSinceAt ??= this.opts.clock.now();
      const delayMs = backoffDelay(this.attempt, this.opts.random ?? Math.random, this.opts.backoff);
      this.timer = this.opts.clock.setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, delayMs);
      this.opts.onEvent?.({ type: 'retry', error: out.error, attempt: this.attempt, delayMs, failingSince: this.failingSinceAt });
      return;
    }
    if (ledger) {
      this.applyLedger(ledger);
      await this.persist();
    }
    this.halt(out.error, ledger);
  }

  private halt(error: OutboxError, ledger?: LedgerTotals & { balanceMicroAlgos?: number }): void {
    this.halted = error;
    this.opts.onEvent?.({ type: 'halt', error, ledger });
    this.wakeIdle();
  }

  private applyLedger(l: LedgerTotals): void {
    if (!this.rec.acked || l.seq > this.rec.acked.seq) this.rec.acked = { seq: l.seq, seconds: l.seconds, microAlgos: l.microAlgos };
  }
}
