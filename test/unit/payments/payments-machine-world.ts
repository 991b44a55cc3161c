/**
 * A small world around the pure payments machine, for property tests: it carries out the machine's
 * effects the way payments-controller.ts does (one async effect at a time, answers later), with a tab
 * lock another tab may take, a payment API that may be up, down, out of funds or forget the session,
 * a clock and timers. It records every signed tick, so the properties can be checked on the record.
 */
import { initialState, step, type Effect, type MachineConfig, type MachineEvent, type MachineState } from '../../../src/payments/payments-machine.js';
import type { OutboxRecord } from '../../../src/payments/outbox.js';
import type { Tick } from '../../../src/payments/tick.js';
import { blockersOf, decide } from '../../../src/policy/play-policy.js';
import { freeSecondsAtStart } from '../../../server/catalog/catalog-rules.js';
import { FakeLedger } from './fake-api.js';

/** `full`: the viewer already holds its live sessions elsewhere: every start is refused TOO_MANY_SESSIONS. */
export type ApiMode = 'up' | 'down' | 'funds' | 'forget' | 'full';
/** `stored`: the controller put it in the outbox (a tick signed for a session closed meanwhile is dropped). */
export type SignedRecord = { tick: Omit<Tick, 'clientTime'>; purpose: 'tick' | 'standby' | 'standby-next'; lockHeld: boolean; otherTabHolds: boolean; stored: boolean };

export const CONFIG: MachineConfig = { api: 'https://api', contentId: 'film', rateMicroAlgos: 1000, graceSeconds: 30, budgetMicroAlgos: null };
/** The title's free preview, held by the server per viewer (protocol v3): every session gets what is left of it. */
export const PREVIEW_SECONDS = 3;

export class World {
  s: MachineState = initialState();
  now = 0;
  api: ApiMode = 'up';
  otherTab = false;
  /** What the play policy and its governor do with the media. */
  mediaPaused = true;
  wantPlay = false;
  playedWhileBlocked = 0;
  /** Sessions started while the server's budget refusal stood (none may be: a new session is a new budget). */
  startedOverBudget = 0;
  /** Starts refused for good since the viewer last asked again (retry, sign-in, configuration): at most one. */
  refusedStartsInARow = 0;
  maxRefusedStartsInARow = 0;
  readonly signed: SignedRecord[] = [];
  /** Every tick that went into the outbox or out at pagehide, in order: what the server may see. */
  readonly outgoing: Array<{ sessionId: string; seconds: number; final: boolean }> = [];
  /** The stored outbox record (IndexedDB), one key. */
  stored: OutboxRecord | null = null;
  /** The server per session: its own tick rules (server/ledger/tick-rules.ts) over an in-memory store. */
  private readonly servers = new Map<string, { ledger: FakeLedger; final: boolean }>();
  /** The free seconds the server gave each session at its start (catalog-rules.ts freeSecondsAtStart). */
  readonly freeAtStart = new Map<string, number>();
  /** Sessions the server said it no longer knows: their signed heads were never all billed. */
  readonly forgotten = new Set<string>();
  /** Sessions whose newest tick the server refused past their signed budget (BUDGET_EXCEEDED). */
  readonly overBudget = new Set<string>();
  /** The budget each session was signed with, as the server holds it. */
  private readonly budgets = new Map<string, number | null>();
  /** The budget the stored record's session was signed with (the row's label, as storedRow writes it). */
  private storedBudget: number | null = null;
  private queue: Effect[] = [];
  private timers = new Map<string, number>();
  private outboxOpen = false;
  private pendingSend: { tick: Omit<Tick, 'clientTime'> } | null = null;
  private sessions = 0;
  credited = 0;
  private meterSeconds = 0;
  /** What the API announces at start (PROTOCOL.md: tickIntervalSeconds). */
  constructor(readonly tickInterval = 1) {}

  dispatch(ev: MachineEvent): void {
    // The viewer asking again (Try again, signing in, Watch here after another tab) or a new configuration may start again.
    if (ev.type === 'retry' || ev.type === 'identity' || ev.type === 'configure' || ev.type === 'watch-here') this.refusedStartsInARow = 0;
    const [next, fx] = step(this.s, ev, this.now);
    this.s = next;
    for (const e of fx) this.perform(e);
    this.govern();
  }

  /** The governor: never plays while a blocker stands; pauses at once when one appears. */
  private govern(): void {
    const blockers = blockersOf({
      configInvalid: false, paid: true, previewSpent: true, canCharge: this.s.signer !== null, payment: this.s.store.status,
      budgetReached: false, hidden: false, pauseWhenHidden: false,
    });
    const action = decide(blockers, this.wantPlay, this.mediaPaused);
    if (action === 'pause') this.mediaPaused = true;
    if (action === 'play') {
      if (blockers.length > 0) this.playedWhileBlocked++;
      this.mediaPaused = false;
    }
  }

  // ---- the outside world

  play(): void { this.wantPlay = true; this.govern(); if (!this.mediaPaused) this.dispatch({ type: 'play' }); }
  pause(): void { this.wantPlay = false; this.mediaPaused = true; this.dispatch({ type: 'pause' }); }
  /** One more whole second watched (only while the media plays, as the meter would count it). */
  watch(): void {
    if (this.mediaPaused) return;
    this.meterSeconds += 1;
    if (this.s.store.status !== 'elsewhere' && this.s.config) this.credited += 1;
    this.dispatch({ type: 'credit', meterSession: 'm1', seconds: this.meterSeconds, mediaTime: this.meterSeconds });
  }
  stealLock(): void {
    if (this.s.lock !== 'held') return;
    this.otherTab = true;
    this.dispatch({ type: 'lock-lost' });
  }
  otherTabLeaves(): void { this.otherTab = false; }
  /** The page or the budget overlay's Continue sets another budget (null: none). */
  setBudget(budgetMicroAlgos: number | null): void {
    this.dispatch({ type: 'configure', config: { ...CONFIG, budgetMicroAlgos } });
  }
  advance(ms: number): void {
    this.now += ms;
    for (const [name, at] of [...this.timers]) {
      if (at <= this.now) {
        this.timers.delete(name);
        this.dispatch({ type: 'timer', name: name as 'grace' | 'start-retry' });
      }
    }
  }

  /** Carries out the oldest waiting effect (the controller's serial queue) or the in-flight send. */
  runOne(): boolean {
    const fx = this.queue.shift();
    if (fx) return this.performAsync(fx), true;
    if (this.pendingSend && this.outboxOpen) return this.send(), true;
    return false;
  }

  drain(maxSteps = 500): void {
    for (let i = 0; i < maxSteps; i++) {
      if (!this.runOne()) {
        if (this.timers.size === 0) return;
        this.advance(Math.min(...this.timers.values()) - this.now);
      }
    }
  }

  // ---- effects

  private perform(fx: Effect): void {
    switch (fx.type) {
      case 'set-timer': this.timers.set(fx.name, this.now + (fx.attempt ? 1000 : fx.ms)); return;
      case 'clear-timer': this.timers.delete(fx.name); return;
      case 'close-outbox':
        this.outboxOpen = false;
        this.pendingSend = null;
        if (fx.forget) this.stored = null;
        return;
      case 'kick-outbox': return;
      // At once, as the controller: a pagehide right after the session opened finds its outbox.
      case 'open-outbox':
        if (fx.epoch !== this.s.epoch) return;
        this.outboxOpen = true;
        this.stored = structuredClone(fx.record);
        this.storedBudget = fx.budgetMicroAlgos;
        this.pendingSend = fx.record.pending ? { tick: fx.record.pending.tick } : null;
        return;

      case 'drop-lock': return;
      case 'report-error': return;
      case 'send-keepalive': {
        const st = fx.which === 'pending' ? this.stored?.pending : fx.which === 'standby' ? this.stored?.standby : this.stored?.standbyNext;
        // A keepalive request meets the same API as any other (down: lost; forgetting: refused).
        if (st && this.api !== 'down' && this.api !== 'forget') this.receive(st.tick);
        if (st && fx.which !== 'pending') {
          // As the controller: a standby sent also goes into the outbox, in case the page lives on (bfcache).
          this.outgoing.push({ sessionId: st.tick.sessionId, seconds: st.tick.seconds, final: true });
          this.stored = { ...this.stored!, signed: { seq: st.tick.seq, seconds: st.tick.seconds, microAlgos: st.tick.microAlgos }, pending: st, standby: null, standbyNext: null };
          if (this.outboxOpen) this.pendingSend = { tick: st.tick };
        }
        return;
      }
      default: this.queue.push(fx);
    }
  }

  private performAsync(fx: Effect): void {
    switch (fx.type) {
      case 'acquire-lock':
        if (fx.steal) this.otherTab = false;
        return this.dispatch({ type: 'lock', held: !this.otherTab, steal: fx.steal });
      case 'load-session': {
        // As session-effects.ts: a stored session resumes under the budget it was signed with; under another,
        // only to send its unsent ticks (reopen).
        const reopen = !!this.stored && this.storedBudget !== (this.s.config?.budgetMicroAlgos ?? null);
        const usable = this.stored && (!reopen || this.stored.pending !== null);
        return this.dispatch({ type: 'loaded', epoch: fx.epoch, record: usable ? structuredClone(this.stored) : null, ...(usable && { budgetMicroAlgos: this.storedBudget }) });
      }
      case 'start-session':
        if (this.api === 'down') return this.dispatch({ type: 'start-failed', epoch: fx.epoch, retryable: true, error: { code: 'PAYMENT_API_UNREACHABLE', message: 'down' } });
        if (this.api === 'full') {
          // Only a refusal the machine takes in counts: one for a session already closed (sign-out, another
          // tab) is dropped by its epoch, and the next start is not a retry of it.
          if (fx.epoch === this.s.epoch) this.maxRefusedStartsInARow = Math.max(this.maxRefusedStartsInARow, ++this.refusedStartsInARow);
          return this.dispatch({ type: 'start-failed', epoch: fx.epoch, retryable: false, error: { code: 'PAYMENT_TOO_MANY_SESSIONS', message: 'full' } });
        }
        this.sessions += 1;
        {
          if (this.s.store.status === 'budget') this.startedOverBudget++;
          const id = `s${this.sessions}`;
          this.budgets.set(id, this.s.config?.budgetMicroAlgos ?? null);
          // The server's rule, over what its ledger holds of this viewer's earlier sessions of the title.
          const free = freeSecondsAtStart(PREVIEW_SECONDS, [...this.freeAtStart].map(([sid, f]) => ({ freeSeconds: f, billedSeconds: this.servers.get(sid)?.ledger.seconds ?? 0 })));
          this.freeAtStart.set(id, free);
          return this.dispatch({ type: 'started', epoch: fx.epoch, sessionId: id, rateMicroAlgos: 1000, balanceMicroAlgos: 1e9, freeSeconds: free, budgetMicroAlgos: this.budgets.get(id)!, tickIntervalSeconds: this.tickInterval });
        }
      case 'sign-tick': {
        // As the controller: an effect of a session closed meanwhile is not signed at all.
        if (fx.epoch !== this.s.epoch) return this.dispatch({ type: 'signed', epoch: fx.epoch, ok: true, purpose: 'tick' });
        const stored = this.outboxOpen && fx.epoch === this.s.epoch && !!this.stored;
        this.signed.push({ tick: fx.tick, purpose: 'tick', lockHeld: this.s.lock === 'held', otherTabHolds: this.otherTab, stored });
        if (stored) this.outgoing.push({ sessionId: fx.tick.sessionId, seconds: fx.tick.seconds, final: fx.tick.final === true });
        if (stored) {
          const st = { tick: { ...fx.tick, clientTime: 0 }, signature: '' };
          this.stored = { ...this.stored, signed: { seq: fx.tick.seq, seconds: fx.tick.seconds, microAlgos: fx.tick.microAlgos }, pending: st, standby: null, standbyNext: null } as OutboxRecord;
          this.pendingSend = { tick: fx.tick };
        }
        return this.dispatch({ type: 'signed', epoch: fx.epoch, ok: true, purpose: 'tick' });
      }
      case 'sign-standby': {
        if (fx.epoch !== this.s.epoch) return this.dispatch({ type: 'signed', epoch: fx.epoch, ok: true, purpose: 'standby' });
        const stored = this.outboxOpen && fx.epoch === this.s.epoch && !!this.stored;
        this.signed.push({ tick: fx.final, purpose: 'standby', lockHeld: this.s.lock === 'held', otherTabHolds: this.otherTab, stored });
        if (stored) {
          this.stored = { ...this.stored, standby: { tick: { ...fx.final, clientTime: 0 }, signature: '' }, standbyNext: { tick: { ...fx.next, clientTime: 0 }, signature: '' } } as OutboxRecord;
        }
        return this.dispatch({ type: 'signed', epoch: fx.epoch, ok: true, purpose: 'standby' });
      }
    }
  }

  /** What the server billed per session, and whether the newest tick it applied was final. */
  get ledger(): Map<string, { seq: number; seconds: number; microAlgos: number; final: boolean }> {
    return new Map([...this.servers].map(([id, s]) => [id, { seq: s.ledger.seq, seconds: s.ledger.seconds, microAlgos: s.ledger.microAlgos, final: s.final }]));
  }

  /**
   * The server's own rules decide: a seq once, a repeat answered the same, cumulative totals, the signed
   * budget. Answers the budget refusal, the one refusal an honest client meets (its budget moved).
   */
  private receive(t: Omit<Tick, 'clientTime'>): { error: { code: 'PAYMENT_BUDGET_EXCEEDED'; message: string }; ledger: { seq: number; seconds: number; microAlgos: number; balanceMicroAlgos: number } } | undefined {
    if (this.forgotten.has(t.sessionId)) return;
    let server = this.servers.get(t.sessionId);
    if (!server) this.servers.set(t.sessionId, (server = { ledger: new FakeLedger(CONFIG.rateMicroAlgos, t.sessionId, this.freeAtStart.get(t.sessionId) ?? 0, this.budgets.get(t.sessionId) ?? null), final: false }));
    const before = server.ledger.seq;
    const out = server.ledger.receive({ tick: { ...t, clientTime: 0 }, signature: `${t.seq}` });
    if (!out.ok && out.error.code === 'PAYMENT_BUDGET_EXCEEDED') {
      this.overBudget.add(t.sessionId);
      return { error: { code: 'PAYMENT_BUDGET_EXCEEDED', message: 'budget' }, ledger: { ...out.ledger!, balanceMicroAlgos: 1e9 } };
    }
    if (!out.ok && out.error.apiCode !== 'SEQ_OUT_OF_ORDER') throw new Error(`the server refused ${JSON.stringify(t)}: ${out.error.apiCode}`);
    if (server.ledger.seq > before) server.final = t.final === true;
    return undefined;
  }

  private send(): void {
    const t = this.pendingSend!.tick;
    const epoch = this.s.epoch;
    if (this.api === 'down') return this.dispatch({ type: 'send-failed', epoch, error: { code: 'PAYMENT_API_UNREACHABLE', message: 'down' }, failingSince: this.now });
    if (this.api === 'forget') {
      this.pendingSend = null;
      // The session expired on the server: it keeps what it billed, says so, and refuses anything more.
      this.forgotten.add(t.sessionId);
      const l = this.ledger.get(t.sessionId) ?? { seq: 0, seconds: 0, microAlgos: 0 };
      const ledger = { seq: l.seq, seconds: l.seconds, microAlgos: l.microAlgos, balanceMicroAlgos: 1e9 };
      return this.dispatch({ type: 'halt', epoch, error: { code: 'PAYMENT_SESSION_EXPIRED', message: 'expired' }, ledger });
    }
    const refused = this.receive(t);
    this.pendingSend = null;
    if (refused) return this.dispatch({ type: 'halt', epoch, ...refused });
    const l = this.ledger.get(t.sessionId)!;
    // As the outbox: the record keeps what the server acknowledged, and drops the tick it settled.
    if (this.stored?.sessionId === t.sessionId) {
      this.stored = { ...this.stored, acked: { seq: l.seq, seconds: l.seconds, microAlgos: l.microAlgos } };
      if (this.stored.pending && this.stored.pending.tick.seq <= t.seq) this.stored = { ...this.stored, pending: null };
    }
    const ledger = { seq: l.seq, seconds: l.seconds, microAlgos: l.microAlgos, balanceMicroAlgos: this.api === 'funds' ? 0 : 1e9 };
    this.dispatch({ type: 'ack', epoch, ledger });
    if (this.api === 'funds') this.dispatch({ type: 'halt', epoch, error: { code: 'INSUFFICIENT_FUNDS', message: 'funds' }, ledger });
  }
}
