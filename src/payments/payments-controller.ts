/**
 * PaymentsController: meter ticks → signer → outbox → payment API, as a Lit ReactiveController.
 *
 * It listens on its host for `sippar-tick` (MeterController), `play`, `pause` and `ended` (re-dispatched
 * media events), so it needs nothing from the other controllers but the signed-in identity, which comes
 * through `services().auth` like the API client — Storybook and tests replace both without a server:
 *
 *   player.services = { api: fakeApi, auth: { identity: myDelegationIdentity } };
 *
 * Session ticks continue the stored session: seq and totals go on from the stored head (outbox.ts), the
 * meter's own cumulative seconds are only used as deltas, so a reload, a new Meter (attribute change) or a
 * second tab taking over never restarts or doubles a total.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { WritableAtom } from 'nanostores';
import { randomNonce, signedStartRequest } from './api-client.js';
import { Outbox, newRecord, systemClock, type OutboxClock, type OutboxError, type OutboxEvent, type OutboxRecord } from './outbox.js';
import { indexedDbStore, sessionKey, type SessionStore, type StoredSession } from './outbox-store.js';
import { createPaymentStore, type PaymentState, type PaymentStatus } from './payments-store.js';
import { backoffDelay } from './backoff.js';
import { toHex } from './tick.js';
import { sessionSignerOf, signTick, type SessionIdentity } from './signer.js';
import { TabLock, defaultLocks, lockName, type LockManagerLike } from './tab-lock.js';
import { classify, createPaymentApi, sendTick, type PaymentApi } from './transport.js';

/** Who is paying. The element passes its IdentityController; tests pass an identity made in the page. */
export interface PaymentAuth {
  /** The signed-in DelegationIdentity, or undefined (signed out, expired). Read at each use. */
  readonly identity: SessionIdentity | undefined;
}

/** Everything payments talks to, injectable (`player.services = {...}`); each has a default. */
export interface PaymentServices {
  /** Payment API (start, extend, pause). Default: api-client on the `api` attribute, with timeouts. */
  api?: PaymentApi;
  /** Same API sending with fetch keepalive, for the tick sent on pagehide. Default: built from `api` attr; falls back to `api`. */
  keepaliveApi?: PaymentApi;
  auth?: PaymentAuth;
  /** Where the session survives reloads. Default: IndexedDB. */
  store?: SessionStore;
  /** Web Locks. Default: navigator.locks; null disables the one-tab rule. */
  locks?: LockManagerLike | null;
  clock?: OutboxClock;
}

export interface PaymentsConfig {
  /** Payment API base URL. */
  api: string;
  contentId: string;
  rateMicroAlgos: number;
  graceSeconds: number;
}

export interface PaymentsHost extends ReactiveControllerHost, HTMLElement {
  pause(): void;
  play(): Promise<void>;
}

interface MeterTickLike {
  seconds: number;
  mediaTime: number;
}

export class PaymentsController implements ReactiveController {
  readonly store: WritableAtom<PaymentState> = createPaymentStore();
  private outbox: Outbox | null = null;
  private meta: Omit<StoredSession, keyof OutboxRecord | 'updatedAt'> | null = null;
  private lock: TabLock | null = null;
  /** Whole seconds metered but not yet signed into a tick. */
  private owed = 0;
  private lastMeterSeconds = 0;
  private mediaTimeMs = 0;
  private wantFinal = false;
  private work: Promise<void> = Promise.resolve();
  private graceTimer: unknown;
  private startRetry: unknown;
  private startAttempt = 0;
  private startFailingSince: number | null = null;
  /** We paused playback (grace spent, 402): resume it when the reason goes away. */
  private pausedByUs = false;
  private lastStatus: PaymentStatus = 'idle';
  private defaults?: { api: string; client: PaymentApi; keepalive: PaymentApi; store: SessionStore };

  constructor(
    private readonly host: PaymentsHost,
    private readonly config: () => PaymentsConfig,
    private readonly services: () => PaymentServices = () => ({}),
  ) {
    host.addController(this);
  }

  get state(): PaymentState {
    return this.store.get();
  }

  /** Retry now (overlay button, `online`): the outbox skips its backoff; a 402 halt is lifted (after a top-up). */
  retry(): void {
    this.outbox?.kick();
    if (this.startRetry !== undefined) {
      this.clock.clearTimeout(this.startRetry);
      this.startRetry = undefined;
      this.schedule();
    }
    // After a top-up (402) or a refusal, play again: the next tick asks the server. After an outage, wait:
    // playback resumes on the first acknowledgement (onOutboxEvent), not on the button press.
    if (this.state.status === 'insufficient-funds' || this.state.status === 'error') {
      this.set({ status: this.outbox ? 'active' : 'idle', error: undefined });
      if (this.pausedByUs) this.resumePlayback();
    }
  }

  /** "Watch here": take the video over from another tab. */
  async watchHere(): Promise<void> {
    const lock = this.ensureLock();
    if (!lock || !(await lock.steal())) return;
    this.closeOutbox(); // reopen from storage: the other tab's last ticks are there
    this.set({ status: 'idle', error: undefined });
    await this.host.play().catch(() => undefined);
  }

  hostConnected(): void {
    this.host.addEventListener('sippar-tick', this.onTick as EventListener);
    this.host.addEventListener('play', this.onPlay);
    this.host.addEventListener('pause', this.onPause);
    this.host.addEventListener('ended', this.onPause);
    window.addEventListener('pagehide', this.onPageHide);
    window.addEventListener('online', this.onOnline);
    this.unlisten = this.store.listen(() => this.host.requestUpdate());
  }

  hostDisconnected(): void {
    this.host.removeEventListener('sippar-tick', this.onTick as EventListener);
    this.host.removeEventListener('play', this.onPlay);
    this.host.removeEventListener('pause', this.onPause);
    this.host.removeEventListener('ended', this.onPause);
    window.removeEventListener('pagehide', this.onPageHide);
    window.removeEventListener('online', this.onOnline);
    this.unlisten?.();
    this.clock.clearTimeout(this.graceTimer);
    if (this.startRetry !== undefined) this.clock.clearTimeout(this.startRetry);
    this.closeOutbox();
    this.lock?.drop();
    this.lock = null;
  }

  private unlisten?: () => void;

  private get clock(): OutboxClock {
    return this.services().clock ?? systemClock;
  }

  private deps() {
    const s = this.services();
    const { api } = this.config();
    if (!this.defaults || this.defaults.api !== api) {
      this.defaults = {
        api,
        client: createPaymentApi(api),
        keepalive: createPaymentApi(api, { keepalive: true }),
        store: this.defaults?.store ?? indexedDbStore(),
      };
    }
    return {
      api: s.api ?? this.defaults.client,
      keepaliveApi: s.keepaliveApi ?? (s.api ? s.api : this.defaults.keepalive),
      store: s.store ?? this.defaults.store,
      identity: s.auth?.identity,
      locks: s.locks === undefined ? defaultLocks() : (s.locks ?? undefined),
    };
  }

  private get paid(): boolean {
    const c = this.config();
    return c.rateMicroAlgos > 0 && c.contentId !== '';
  }

  // ---- inputs

  private onTick = (e: CustomEvent<MeterTickLike>): void => {
    const t = e.detail;
    // Cumulative per Meter; a new Meter (attribute change) starts again from 0.
    const delta = t.seconds >= this.lastMeterSeconds ? t.seconds - this.lastMeterSeconds : t.seconds;
    this.lastMeterSeconds = t.seconds;
    this.mediaTimeMs = Math.max(0, Math.round(t.mediaTime * 1000));
    if (!this.paid || delta <= 0 || this.state.status === 'elsewhere') return;
    this.owed += delta;
    this.schedule();
  };

  private onPlay = (): void => {
    if (!this.paid || !this.deps().identity) return;
    void this.ensureLock()?.acquire().then((ok) => {
      if (ok) {
        if (this.state.status === 'elsewhere') this.set({ status: 'idle' });
        return;
      }
      this.set({ status: 'elsewhere', error: { code: 'WATCHING_ELSEWHERE', message: 'This video is playing in another tab.', fatal: false } });
      this.host.pause();
    });
  };

  private onPause = (): void => {
    if (!this.paid || this.state.status === 'elsewhere' || (!this.outbox && this.owed === 0)) return;
    this.wantFinal = true;
    this.schedule();
  };

  private onOnline = (): void => this.retry();

  /**
   * The page goes away (reload, navigation, tab closed, bfcache). Nothing async is sure to finish now, so
   * the tick already stored is sent again with keepalive (the server answers a repeat idempotently), and a
   * final tick is attempted: stored first, then sent with keepalive; if the page dies before that, the
   * next load finds it in IndexedDB and sends it.
   */
  private onPageHide = (): void => {
    if (!this.outbox || this.state.status === 'elsewhere') return;
    const { pending, standby } = this.outbox.record;
    const api = this.deps().keepaliveApi;
    if (pending) void sendTick(api, pending);
    // The standby final tick has the newest stored totals and a seq above them: sent now, it settles the
    // session even if `pending` arrives after it (that one is then answered 409 and changes nothing).
    if (standby && this.owed === 0 && !this.lastWasFinal) void sendTick(api, standby);
    else {
      this.wantFinal = true;
      this.leaving = true;
      this.schedule();
    }
  };
  private leaving = false;
  private lastWasFinal = false;

  // ---- the one serialized job: open the session, sign what is owed

  private schedule(): void {
    this.work = this.work.then(() => this.advance()).catch((e) => this.fail('PAYMENT_REJECTED', String((e as Error)?.message ?? e)));
  }

  private async advance(): Promise<void> {
    if (!this.paid) return;
    const { identity } = this.deps();
    if (!identity) return; // the identity gate holds playback; owed seconds wait for the viewer to sign in
    if (this.lock && !this.lock.isHeld) return;
    if (!this.outbox && !(await this.openSession(identity))) return;
    const outbox = this.outbox!;
    // A pause right after a pause (pause + ended) has nothing new to settle: one final tick is enough.
    if (this.owed === 0 && !(this.wantFinal && outbox.head().seq > 0 && !this.lastWasFinal)) {
      this.wantFinal = false;
      return;
    }
    const head = outbox.head();
    const seconds = head.seconds + this.owed;
    const final = this.wantFinal;
    const signed = await signTick(identity, {
      sessionId: outbox.sessionId,
      seq: head.seq + 1,
      seconds,
      microAlgos: seconds * outbox.record.rateMicroAlgos,
      mediaTime: this.mediaTimeMs,
      clientTime: Date.now(),
      ...(final ? { final: true } : {}),
    });
    // The lock may have been stolen while signing: then the other tab owns the seq space.
    if (this.outbox !== outbox || (this.lock && !this.lock.isHeld)) return;
    this.owed -= seconds - head.seconds;
    this.wantFinal = false;
    this.lastWasFinal = final;
    await outbox.enqueue(signed);
    if (this.leaving) {
      this.leaving = false;
      void sendTick(this.deps().keepaliveApi, signed);
    }
    if (!final) await this.prepareStandby(identity, outbox);
  }

  /** Signs (ahead of need) the final tick pagehide will send: same totals as the head, next seq. */
  private async prepareStandby(identity: SessionIdentity, outbox: Outbox): Promise<void> {
    const head = outbox.head();
    const standby = await signTick(identity, {
      sessionId: outbox.sessionId,
      seq: head.seq + 1,
      seconds: head.seconds,
      microAlgos: head.microAlgos,
      mediaTime: this.mediaTimeMs,
      clientTime: Date.now(),
      final: true,
    });
    if (this.outbox !== outbox || (this.lock && !this.lock.isHeld)) return;
    await outbox.setStandby(standby).catch(() => undefined);
  }

  /** Resumes the stored session for (api, principal, content) or starts one. False: try again later. */
  private async openSession(identity: SessionIdentity): Promise<boolean> {
    const { api, contentId, rateMicroAlgos } = this.config();
    const deps = this.deps();
    const principal = identity.getPrincipal().toText();
    const key = sessionKey(api, principal, contentId);
    if (!this.lock || this.lock.name !== lockName(api, principal, contentId)) {
      const lock = this.ensureLock();
      if (lock && !(await lock.acquire())) {
        this.set({ status: 'elsewhere', error: { code: 'WATCHING_ELSEWHERE', message: 'This video is playing in another tab.', fatal: false } });
        this.host.pause();
        return false;
      }
    }
    const stored = await deps.store.load(key).catch(() => undefined);
    const signer = sessionSignerOf(identity);
    const sessionPublicKey = toHex(signer.sessionPublicKey);
    // Resume only what this session key can still sign for: same rate, same key (a new sign-in makes a new key), not expired.
    const usable =
      stored &&
      stored.rateMicroAlgos === rateMicroAlgos &&
      (stored.sessionPublicKey === undefined || stored.sessionPublicKey === sessionPublicKey) &&
      (stored.expiresAt === undefined || stored.expiresAt > Date.now());
    let record: OutboxRecord;
    let expiresAt: number | undefined;
    if (usable) {
      record = stored;
      expiresAt = stored.expiresAt;
    } else {
      if (this.state.status !== 'grace' && this.state.status !== 'paused-unreachable') this.set({ status: 'starting' });
      try {
        const req = await signedStartRequest(signer, { contentId, rateMicroAlgos, requestTime: Date.now(), nonce: randomNonce() });
        const res = await deps.api.start(req);
        record = newRecord(res.sessionId, res.rateMicroAlgos);
        expiresAt = res.limits?.expiresAt;
        this.set({ balanceMicroAlgos: res.balanceMicroAlgos });
      } catch (e) {
        const c = classify(e);
        if (c.retryable) {
          this.startFailingSince ??= this.clock.now();
          this.startAttempt += 1;
          this.onUnreachable(this.startFailingSince, c.error);
          if (this.startRetry === undefined) {
            this.startRetry = this.clock.setTimeout(() => {
              this.startRetry = undefined;
              this.schedule();
            }, backoffDelay(this.startAttempt));
          }
        } else this.onHalt(c.error, c.ledger);
        return false;
      }
      this.startAttempt = 0;
      this.startFailingSince = null;
    }
    this.meta = { key, api, principal, contentId, sessionPublicKey, ...(expiresAt !== undefined ? { expiresAt } : {}) };
    const meta = this.meta;
    const outbox = new Outbox({
      record,
      storage: { save: (r) => deps.store.save({ ...r, ...meta, updatedAt: Date.now() }) },
      send: (st) => sendTick(this.deps().api, st),
      clock: this.clock,
      onEvent: (ev) => this.onOutboxEvent(ev),
    });
    this.outbox = outbox;
    await outbox.flushStorage();
    if (!usable) await deps.store.save({ ...record, ...meta, updatedAt: Date.now() });
    const acked = record.acked ?? { seq: 0, seconds: 0, microAlgos: 0 };
    this.lastWasFinal = record.pending?.tick.final === true;
    this.set({ status: 'active', sessionId: record.sessionId, acknowledged: acked, graceEndsAt: undefined, error: undefined });
    this.clock.clearTimeout(this.graceTimer);
    if (this.pausedByUs) this.resumePlayback(); // the start had failed past grace-seconds
    if (record.pending) outbox.kick(); // owed from the last page load
    return true;
  }

  // ---- outcomes

  private onOutboxEvent(ev: OutboxEvent): void {
    if (ev.type === 'ack') {
      this.clock.clearTimeout(this.graceTimer);
      const l = ev.ledger;
      this.set({
        status: 'active',
        acknowledged: { seq: l.seq, seconds: l.seconds, microAlgos: l.microAlgos },
        ...(l.balanceMicroAlgos !== undefined ? { balanceMicroAlgos: l.balanceMicroAlgos } : {}),
        graceEndsAt: undefined,
        error: undefined,
      });
      if (this.pausedByUs) this.resumePlayback();
    } else if (ev.type === 'retry') this.onUnreachable(ev.failingSince, ev.error);
    else this.onHalt(ev.error, ev.ledger);
  }

  /** Grace: keep playing for `grace-seconds` after the first failure, then pause with PAYMENT_API_UNREACHABLE. */
  private onUnreachable(since: number, error: OutboxError): void {
    const s = this.state.status;
    if (s === 'paused-unreachable' || s === 'insufficient-funds' || s === 'elsewhere') return;
    const graceEndsAt = since + this.config().graceSeconds * 1000;
    const left = graceEndsAt - this.clock.now();
    if (left <= 0) return this.pauseUnreachable(error);
    if (s !== 'grace') {
      this.set({ status: 'grace', graceEndsAt, error: { code: error.code, message: error.message, fatal: false } });
      this.clock.clearTimeout(this.graceTimer);
      this.graceTimer = this.clock.setTimeout(() => {
        const failing = this.outbox?.failingSince ?? this.startFailingSince;
        if (this.state.status === 'grace' && failing !== null) this.pauseUnreachable(error);
      }, left);
    }
  }

  private pauseUnreachable(error: OutboxError): void {
    const code = error.code === 'PAYMENT_API_TIMEOUT' || error.code === 'PAYMENT_API_INVALID_RESPONSE' ? error.code : 'PAYMENT_API_UNREACHABLE';
    this.fail('PAYMENT_API_UNREACHABLE', `The payment service cannot be reached (${code}). Playback resumes when it is back.`, 'paused-unreachable');
    this.pausePlayback();
  }

  private onHalt(error: OutboxError, ledger?: { balanceMicroAlgos?: number; seq: number; seconds: number; microAlgos: number }): void {
    if (ledger) this.set({ acknowledged: { seq: ledger.seq, seconds: ledger.seconds, microAlgos: ledger.microAlgos }, ...(ledger.balanceMicroAlgos !== undefined ? { balanceMicroAlgos: ledger.balanceMicroAlgos } : {}) });
    if (error.code === 'INSUFFICIENT_FUNDS') {
      this.fail('INSUFFICIENT_FUNDS', 'Your balance does not cover more of this video. Top up to keep watching.', 'insufficient-funds');
      this.pausePlayback();
      return;
    }
    if (error.code === 'PAYMENT_SESSION_UNKNOWN' || error.code === 'PAYMENT_SESSION_EXPIRED') {
      // The server no longer knows this session: forget it; the next tick starts a fresh one.
      const key = this.meta?.key;
      this.closeOutbox();
      if (key) void this.deps().store.remove(key).catch(() => undefined);
    }
    this.fail(error.code, error.message, 'error');
    this.host.pause();
  }

  private pausePlayback(): void {
    this.pausedByUs = true;
    this.host.pause();
  }

  private resumePlayback(): void {
    this.pausedByUs = false;
    void this.host.play().catch(() => undefined);
  }

  private fail(code: string, message: string, status: PaymentStatus = 'error'): void {
    const error = { code, message, fatal: false };
    this.set({ status, error });
    this.host.dispatchEvent(new CustomEvent('sippar-error', { detail: error, bubbles: true, composed: true }));
  }

  private ensureLock(): TabLock | null {
    const { api, contentId } = this.config();
    const identity = this.deps().identity;
    if (!identity) return null;
    const name = lockName(api, identity.getPrincipal().toText(), contentId);
    if (this.lock?.name === name) return this.lock;
    this.lock?.drop();
    this.lock = new TabLock(name, this.deps().locks, () => this.onLockLost());
    return this.lock;
  }

  /** Another tab took over: stop at once, sign nothing more (that tab continues the seq from storage). */
  private onLockLost(): void {
    this.owed = 0;
    this.wantFinal = false;
    this.closeOutbox();
    this.set({ status: 'elsewhere', error: { code: 'WATCHING_ELSEWHERE', message: 'This video is now playing in another tab.', fatal: false } });
    this.host.pause();
  }

  private closeOutbox(): void {
    this.outbox?.dispose();
    this.outbox = null;
    this.meta = null;
  }

  private set(patch: Partial<PaymentState>): void {
    const next = { ...this.store.get(), ...patch };
    for (const k of Object.keys(patch) as Array<keyof PaymentState>) if (patch[k] === undefined) delete next[k];
    this.store.set(next);
    if (next.status !== this.lastStatus) {
      this.lastStatus = next.status;
      this.host.dispatchEvent(new CustomEvent('sippar-payment-state', { detail: next, bubbles: true, composed: true }));
    }
  }
}

/** Reads the payment attributes of a <sippar-player>: api, content-id (else a tidy src), rate, grace-seconds. */
export function paymentsConfigOf(host: HTMLElement & { src?: string; rate?: string | null }, parseRate: (t: string | null) => number): PaymentsConfig {
  let rateMicroAlgos = 0;
  try {
    rateMicroAlgos = parseRate(host.rate ?? host.getAttribute('rate'));
  } catch {
    rateMicroAlgos = 0; // RATE_INVALID is the meter's to report; nothing is billed
  }
  const grace = Number(host.getAttribute('grace-seconds') ?? 30);
  const src = (host.src ?? '').split(/[?#]/)[0];
  return {
    api: (host.getAttribute('api') || globalThis.location?.origin || '').replace(/\/+$/, ''),
    // The server accepts [A-Za-z0-9._:/-]{1,128}; a page should set content-id, src is only a fallback.
    contentId: host.getAttribute('content-id') || src.replace(/[^A-Za-z0-9._:/-]/g, '_').slice(-128),
    rateMicroAlgos,
    graceSeconds: Number.isFinite(grace) && grace >= 0 ? grace : 30,
  };
}
