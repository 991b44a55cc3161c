/**
 * PaymentsController: the adapter around the pure payments machine (payments-machine.ts). It turns calls
 * from the composition (credited seconds, play state, identity, configuration, pagehide) into machine
 * events and carries out the machine's effects: sign, store, send, lock, timers. It decides nothing.
 *
 * Seconds arrive by a direct call from the meter (commerce.ts), never from a DOM event: a `sippar-tick`
 * dispatched by anyone else bills nothing. It never touches the media: the play policy reads its store.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { atom, type ReadableAtom } from 'nanostores';
import { backoffDelay } from './backoff.js';
import { Outbox, type OutboxClock, type OutboxEvent, type OutboxRecord } from './outbox.js';
import { servicesResolver, type PaymentServices } from './payment-services.js';
import { initialState, step, type Effect, type MachineConfig, type MachineEvent, type TimerName } from './payments-machine.js';
import { initialPaymentState, type PaymentState } from './payments-store.js';
import { createKeyAuthoriser } from './key-authoriser.js';
import { createAdSessionProvider } from './ad-session.js';
import type { AdSessionProvider } from '../ads/ad-break.js';
import type { KeyAuthoriser } from '../playback/key-authoriser.js';
import { loadSession, startSession, storageKey, storedRow } from './session-effects.js';
import { signTick, type SessionIdentity } from './signer.js';
import { TabLock, lockName } from './tab-lock.js';
import { toHex, type Tick } from './tick.js';
import { sendTick } from './transport.js';

export type { PaymentAuth, PaymentServices } from './payment-services.js';

export type PaymentsConfig = MachineConfig;
export type PaymentsHost = ReactiveControllerHost & HTMLElement;

export class PaymentsController implements ReactiveController {
  readonly #store = atom<PaymentState>(initialPaymentState());
  /** Read-only: subscribe from anywhere (`player.payments.store.subscribe(...)`). */
  readonly store: ReadableAtom<PaymentState> = this.#store;
  private machine = initialState();
  private identity: SessionIdentity | undefined;
  private outbox: Outbox | null = null;
  private outboxEpoch = -1;
  /** The open outbox's storage key: the configuration may have moved on when it closes. */
  private outboxKey = '';
  private lock: TabLock | null = null;
  private expiresAt: number | undefined;
  private readonly timers = new Map<TimerName, unknown>();
  private work: Promise<void> = Promise.resolve();
  private readonly resolve = servicesResolver();

  constructor(
    private readonly host: PaymentsHost,
    private readonly services: () => PaymentServices = () => ({}),
    /** Localised text for an error code (the page's language). */
    private readonly say: (code: string) => string = (code) => code,
  ) {
    host.addController(this);
  }

  get state(): PaymentState {
    return this.#store.get();
  }

  // ---- inputs, from the composition

  configure(config: MachineConfig | null): void { this.dispatch({ type: 'configure', config }); }
  credited(meterSession: string, seconds: number, mediaTime: number): void { this.dispatch({ type: 'credit', meterSession, seconds, mediaTime }); }
  playing(playing: boolean): void { this.dispatch({ type: playing ? 'play' : 'pause' }); }
  pagehide(): void { this.dispatch({ type: 'pagehide' }); }
  /** The position jumped (seek): what is owed goes out now rather than at the next interval. */
  flush(): void { this.dispatch({ type: 'flush' }); }
  /** Retry now (overlay button, `online`); lifts a 402 or a refusal so the next tick asks the server. */
  retry(): void { this.dispatch({ type: 'retry' }); }
  /** "Watch here": take the video over from another tab. */
  watchHere(): void { this.dispatch({ type: 'watch-here' }); }

  setIdentity(identity: SessionIdentity | undefined): void {
    // Called on every host update: the same identity is the same signer, nothing to recompute.
    if (identity === this.identity) return;
    this.identity = identity;
    let signer: string | null = null;
    if (identity) {
      const last = identity.getDelegation().delegations.at(-1);
      signer = last ? `${identity.getPrincipal().toText()}|${toHex(last.delegation.pubkey)}` : null;
    }
    this.dispatch({ type: 'identity', signer });
  }

  /**
   * The API and the identity that sign for this player's session, or undefined while there is none; the open
   * session's id is the store's `sessionId`. Key requests (key-authoriser.ts) and ad ticks sign with them.
   */
  sessionSigner(): { api: string; identity: SessionIdentity } | undefined {
    return this.identity && this.machine.config ? { api: this.machine.config.api, identity: this.identity } : undefined;
  }

  /** Signs this player's key requests of gated media with the open session (key-authoriser.ts). */
  readonly keyAuthoriser: KeyAuthoriser = createKeyAuthoriser({
    store: this.store,
    signer: () => this.sessionSigner(),
    wantSession: () => this.dispatch({ type: 'want-session' }),
  });

  /** Whether an ad break's asset list may wait for a session (the element's identity and play policy say). */
  canWaitForAdSession: () => boolean = () => false;

  /** The session id that ad breaks' asset lists are asked with (ad-session.ts), set on the <video> by commerce. */
  readonly adSession: AdSessionProvider = createAdSessionProvider({
    store: this.store,
    canWait: () => this.canWaitForAdSession(),
    wantSession: () => this.dispatch({ type: 'want-session' }),
  });

  hostConnected(): void {
    window.addEventListener('online', this.onOnline);
  }

  hostDisconnected(): void {
    window.removeEventListener('online', this.onOnline);
    this.dispatch({ type: 'configure', config: null });
    for (const h of this.timers.values()) this.clock.clearTimeout(h);
    this.timers.clear();
  }

  private readonly onOnline = (): void => this.retry();

  private get clock(): OutboxClock {
    return this.deps().clock;
  }

  private deps() {
    return this.resolve(this.services(), this.machine.config?.api ?? '');
  }

  private dispatch(ev: MachineEvent): void {
    const before = this.machine.store;
    const [next, effects] = step(this.machine, ev, this.clock.now());
    this.machine = next;
    if (JSON.stringify(next.store) !== JSON.stringify(before)) this.publish(before.status);
    for (const fx of effects) this.perform(fx);
  }

  private publish(previous: PaymentState['status']): void {
    const state = this.machine.store;
    this.#store.set(state);
    this.host.requestUpdate();
    if (state.status !== previous) this.host.dispatchEvent(new CustomEvent('sippar-payment-state', { detail: state, bubbles: true, composed: true }));
  }

  /** Effects that must happen now (pagehide cannot wait) run at once; the others one after another. */
  private perform(fx: Effect): void {
    switch (fx.type) {
      case 'send-keepalive': return this.sendKeepalive(fx.which);
      // At once: a pagehide right after the session opened must find its outbox there.
      case 'open-outbox': return this.openOutbox(fx.epoch, fx.record, fx.budgetMicroAlgos);
      case 'kick-outbox': return this.outbox?.kick();
      case 'close-outbox': return this.closeOutbox(fx.forget);
      case 'drop-lock': this.lock?.drop(); this.lock = null; return;
      case 'set-timer': return this.setTimer(fx.name, fx.attempt ? backoffDelay(fx.attempt) : fx.ms);
      case 'clear-timer': this.clock.clearTimeout(this.timers.get(fx.name)); this.timers.delete(fx.name); return;
      case 'report-error': {
        const detail = { code: fx.code, message: this.say(fx.code), fatal: false };
        this.host.dispatchEvent(new CustomEvent('sippar-error', { detail, bubbles: true, composed: true }));
        return;
      }
      default:
        this.work = this.work.then(() => this.performAsync(fx)).catch((e) => console.warn('sippar-player: payments', e));
    }
  }

  private async performAsync(fx: Effect): Promise<void> {
    switch (fx.type) {
      case 'acquire-lock': {
        const lock = this.ensureLock();
        const held = lock ? await (fx.steal ? lock.steal() : lock.acquire()) : true;
        return this.dispatch({ type: 'lock', held, steal: fx.steal });
      }
      case 'load-session': return this.loadSession(fx.epoch);
      case 'start-session': return this.startSession(fx.epoch);
      case 'sign-tick': {
        // A session closed meanwhile (another tab took it, sign-out): sign nothing for it.
        if (fx.epoch !== this.machine.epoch) return;
        const signed = await this.sign(fx.tick);
        if (signed && this.outboxEpoch === fx.epoch) await this.outbox!.enqueue(signed);
        return this.dispatch({ type: 'signed', epoch: fx.epoch, ok: !!signed, purpose: 'tick' });
      }
      case 'sign-standby': {
        if (fx.epoch !== this.machine.epoch) return;
        const [a, b] = await Promise.all([this.sign(fx.final), this.sign(fx.next)]);
        if (a && b && this.outboxEpoch === fx.epoch) await this.outbox!.setStandby(a, b).catch(() => undefined);
        return this.dispatch({ type: 'signed', epoch: fx.epoch, ok: !!(a && b), purpose: 'standby' });
      }
    }
  }

  private async sign(tick: Omit<Tick, 'clientTime'>) {
    if (!this.identity) return null;
    return signTick(this.identity, { ...tick, clientTime: Date.now() }).catch(() => null);
  }

  private async loadSession(epoch: number): Promise<void> {
    const { identity, machine: { config } } = this;
    if (!identity || !config) return this.dispatch({ type: 'start-failed', epoch, retryable: false, error: { code: 'PAYMENT_REJECTED', message: 'signed out' } });
    const { event, expiresAt } = await loadSession(this.deps().store, config, identity, epoch);
    this.expiresAt = expiresAt;
    this.dispatch(event);
  }

  private async startSession(epoch: number): Promise<void> {
    const { identity, machine: { config } } = this;
    if (!identity || !config) return;
    const { event, expiresAt } = await startSession(this.deps().api, config, identity, epoch);
    this.expiresAt = expiresAt;
    this.dispatch(event);
  }

  private openOutbox(epoch: number, record: OutboxRecord, budget: number | null): void {
    const { identity, machine: { config } } = this;
    if (!identity || !config || epoch !== this.machine.epoch) return;
    const { store } = this.deps();
    const expiresAt = this.expiresAt;
    this.closeOutbox(false);
    const outbox = new Outbox({
      record,
      storage: { save: (r) => store.save(storedRow(r, config, identity, expiresAt, budget)) },
      send: (st) => sendTick(this.deps().api, st),
      clock: this.clock,
      onEvent: (ev) => this.onOutboxEvent(epoch, ev),
    });
    this.outbox = outbox;
    this.outboxEpoch = epoch;
    this.outboxKey = storageKey(config, identity);
    // A new session's row, written before any tick of it (IndexedDB commits transactions in order).
    if (record.signed.seq === 0 && !record.pending) void store.save(storedRow(record, config, identity, expiresAt, budget)).catch(() => undefined);
    if (record.pending) outbox.kick(); // owed from the last page load
  }

  private onOutboxEvent(epoch: number, ev: OutboxEvent): void {
    if (ev.type === 'ack') this.dispatch({ type: 'ack', epoch, ledger: ev.ledger });
    else if (ev.type === 'retry') this.dispatch({ type: 'send-failed', epoch, error: ev.error, failingSince: ev.failingSince });
    else this.dispatch({ type: 'halt', epoch, error: ev.error, ...(ev.ledger && { ledger: ev.ledger }) });
  }

  /** pagehide: fire a stored, signed tick with keepalive, and note it synchronously for the next load. */
  private sendKeepalive(which: 'pending' | 'standby' | 'standby-next'): void {
    const record = this.outbox?.record;
    const st = which === 'pending' ? record?.pending : which === 'standby' ? record?.standby : record?.standbyNext;
    if (!st || !this.identity) return;
    void sendTick(this.deps().keepaliveApi, st);
    if (which === 'pending') return;
    this.deps().store.noteSent(this.outboxKey, st.tick);
    // If the page lives on (bfcache, a cancelled navigation), the outbox sends it until acknowledged.
    void this.outbox!.enqueue(st).catch(() => undefined);
  }

  private closeOutbox(forget: boolean): void {
    const key = this.outbox ? this.outboxKey : undefined;
    this.outbox?.dispose();
    this.outbox = null;
    this.outboxEpoch = -1;
    if (forget && key) void this.deps().store.remove(key).catch(() => undefined);
  }

  private setTimer(name: TimerName, ms: number): void {
    this.clock.clearTimeout(this.timers.get(name));
    this.timers.set(name, this.clock.setTimeout(() => {
      this.timers.delete(name);
      this.dispatch({ type: 'timer', name });
    }, ms));
  }

  private ensureLock(): TabLock | null {
    const c = this.machine.config;
    if (!c || !this.identity) return null;
    const name = lockName(c.api, this.identity.getPrincipal().toText(), c.contentId);
    if (this.lock?.name === name) return this.lock;
    this.lock?.drop();
    const lock: TabLock = new TabLock(name, this.deps().locks, () => {
      if (this.lock === lock) this.dispatch({ type: 'lock-lost' });
    });
    return (this.lock = lock);
  }
}
