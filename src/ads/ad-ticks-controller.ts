/**
 * AdTicksController: the adapter around the pure ad-tick machine (ad-tick-machine.ts). It reads what the
 * viewer sees of ads from the <video>'s `sipparAdBreak` store (written by playback, src/ads/ad-break.ts) and
 * the payment session (its id and signer) from the PaymentsController, turns them into machine events, and
 * carries out the machine's effects: sign with the session key, store, send, timers. It decides nothing.
 *
 * The agent that won a break is charged for the seconds signed here; the viewer is charged nothing for them.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { atom, type ReadableAtom } from 'nanostores';
import { signedAdTickRequest } from '../payments/ad-tick.js';
import { createApiClient } from '../payments/api-client.js';
import { backoffDelay } from '../payments/backoff.js';
import { systemClock, type OutboxClock } from '../payments/outbox.js';
import type { PaymentServices } from '../payments/payment-services.js';
import type { PaymentState } from '../payments/payments-store.js';
import type { SessionIdentity } from '../payments/signer.js';
import type { MediaWithAds, AdBreakStore } from './ad-break.js';
import { initialAdTickState, step, type AdLedger, type AdTickEffect, type AdTickEvent, type SignedAdTick, type UnsignedAdTick } from './ad-tick-machine.js';
import { adTickOwner, indexedDbAdTickStore, type AdTickStore } from './ad-tick-store.js';
import { sendAdTick, type AdTickApi } from './ad-tick-transport.js';

/** What the ad ticks have achieved, read-only (stories, tests, the page). */
export interface AdTicksStatus {
  /** The server's newest answer for the break acknowledged last. */
  acknowledged?: AdLedger;
  /** Breaks with a signed tick the server has not acknowledged yet. */
  unsent: number;
  /** A break's ticks the server refused for good, by the server's code. */
  refused?: { auctionId: string; code: string };
}

/** The payments side the ad ticks sign with (PaymentsController satisfies it). */
export interface AdTicksPayments {
  readonly store: ReadableAtom<PaymentState>;
  sessionSigner(): { api: string; identity: SessionIdentity } | undefined;
}

export interface AdTicksServices extends Pick<PaymentServices, 'clock'> {
  /** An API with `adTick` (api-client.ts); default: api-client on the session's API. */
  api?: unknown;
  keepaliveApi?: unknown;
  /** Default: the payments database's `ad-ticks` store (IndexedDB). */
  adTickStore?: AdTickStore;
}

export type AdTicksHost = ReactiveControllerHost & { readonly media: HTMLVideoElement | null };

const hasAdTick = (x: unknown): x is AdTickApi => typeof (x as Partial<AdTickApi> | undefined)?.adTick === 'function';

export class AdTicksController implements ReactiveController {
  readonly #status = atom<AdTicksStatus>({ unsent: 0 });
  readonly status: ReadableAtom<AdTicksStatus> = this.#status;
  private machine = initialAdTickState();
  private adBreak: AdBreakStore | undefined;
  private unwatch: Array<() => void> = [];
  private readonly unsubscribePayments: () => void;
  private readonly timers = new Map<string, unknown>();
  private saving: Promise<void> = Promise.resolve();
  private clients: { base: string; api: AdTickApi; keepalive: AdTickApi } | undefined;
  private defaultStore: AdTickStore | undefined;

  constructor(
    private readonly host: AdTicksHost,
    private readonly payments: AdTicksPayments,
    private readonly services: () => AdTicksServices = () => ({}),
  ) {
    host.addController(this);
    this.unsubscribePayments = payments.store.subscribe(() => this.syncSession());
  }

  hostConnected(): void {
    window.addEventListener('pagehide', this.onPageHide);
    window.addEventListener('online', this.onOnline);
    this.syncSession();
  }

  /** The <video> (or its ad store) may appear or change with any update: follow it. */
  hostUpdate(): void {
    const store = (this.host.media as MediaWithAds | null)?.sipparAdBreak;
    if (store === this.adBreak) return;
    for (const u of this.unwatch) u();
    this.adBreak = store;
    this.unwatch = store
      ? [
          store.state.subscribe((s) => { if (s.status === 'playing') this.dispatch({ type: 'playing', auctionId: s.auctionId, watchedSeconds: s.watchedSeconds }); }),
          store.ended.subscribe((e) => { if (e) this.dispatch({ type: 'ended', auctionId: e.auctionId, watchedSeconds: e.watchedSeconds }); }),
        ]
      : [];
  }

  /**
   * The player leaves the page (or moves): payments closes its session now, so a break on screen can no longer
   * be signed for; its pre-signed final goes out as on pagehide. The ad store stays followed (it holds this
   * controller, not the other way round): a break that ends later without a standby still sends what it holds.
   */
  hostDisconnected(): void {
    window.removeEventListener('pagehide', this.onPageHide);
    window.removeEventListener('online', this.onOnline);
    this.onPageHide();
  }

  /** For a composition that goes away for good (the unsent ticks stay stored for the next page load). */
  dispose(): void {
    this.hostDisconnected();
    for (const u of this.unwatch) u();
    this.unwatch = [];
    this.adBreak = undefined;
    this.unsubscribePayments();
    for (const h of this.timers.values()) this.clock.clearTimeout(h);
    this.timers.clear();
  }

  private readonly onOnline = (): void => this.dispatch({ type: 'kick' });

  /** The page goes away: the seconds watched until now, then what can still leave (keepalive). */
  private readonly onPageHide = (): void => {
    const s = this.adBreak?.state.get();
    if (s?.status === 'playing') this.dispatch({ type: 'playing', auctionId: s.auctionId, watchedSeconds: s.watchedSeconds });
    this.dispatch({ type: 'pagehide' });
  };

  private get clock(): OutboxClock {
    return this.services().clock ?? systemClock;
  }

  private get store(): AdTickStore {
    return this.services().adTickStore ?? (this.defaultStore ??= indexedDbAdTickStore());
  }

  private syncSession(): void {
    const signer = this.payments.sessionSigner();
    const owner = signer ? adTickOwner(signer.api, signer.identity.getPrincipal().toText()) : null;
    const sessionId = (owner && this.payments.store.get().sessionId) || null;
    if (owner !== this.machine.owner || sessionId !== this.machine.sessionId) this.dispatch({ type: 'session', sessionId, owner });
  }

  private dispatch(ev: AdTickEvent): void {
    const before = ev.type === 'answer' ? this.machine.breaks[ev.auctionId]?.acked : undefined;
    const [next, effects] = step(this.machine, ev, this.clock.now());
    this.machine = next;
    const acked = ev.type === 'answer' ? next.breaks[ev.auctionId]?.acked : undefined;
    this.publish(acked && JSON.stringify(acked) !== JSON.stringify(before) ? acked : undefined);
    for (const fx of effects) this.perform(fx);
  }

  private publish(acknowledged: AdLedger | undefined): void {
    const breaks = Object.values(this.machine.breaks);
    const prev = this.#status.get();
    const halted = breaks.find((b) => b.halted);
    const next: AdTicksStatus = {
      ...((acknowledged ?? prev.acknowledged) && { acknowledged: acknowledged ?? prev.acknowledged }),
      unsent: breaks.filter((b) => b.pending).length,
      ...(halted && { refused: { auctionId: halted.auctionId, code: halted.halted! } }),
    };
    if (JSON.stringify(next) !== JSON.stringify(prev)) this.#status.set(next);
  }

  private clientsFor(base: string): { api: AdTickApi; keepalive: AdTickApi } {
    const s = this.services();
    if (!this.clients || this.clients.base !== base) {
      this.clients = { base, api: createApiClient({ baseUrl: base }), keepalive: createApiClient({ baseUrl: base, keepalive: true }) };
    }
    const api = hasAdTick(s.api) ? s.api : this.clients.api;
    return { api, keepalive: hasAdTick(s.keepaliveApi) ? s.keepaliveApi : hasAdTick(s.api) ? s.api : this.clients.keepalive };
  }

  private perform(fx: AdTickEffect): void {
    switch (fx.type) {
      case 'load':
        void this.store.loadAll(fx.owner).catch(() => []).then((records) => this.dispatch({ type: 'loaded', owner: fx.owner, records }));
        return;
      case 'sign': return void this.sign(fx.epoch, fx.auctionId, [fx.tick]);
      case 'sign-standby': return void this.sign(fx.epoch, fx.auctionId, [fx.final, fx.next]);
      case 'persist': {
        const seq = fx.record.pending?.tick.seq ?? 0;
        // Chained: an older row can never land after a newer one; the tick goes out once its row is stored.
        this.saving = this.saving
          .then(() => this.store.save(fx.owner, fx.record))
          .then(() => this.dispatch({ type: 'persisted', auctionId: fx.record.auctionId, seq }), (e) => console.warn('sippar-player: ad ticks', e));
        return;
      }
      case 'send': {
        const api = this.apiOf(fx.signed.tick.sessionId, false);
        if (!api) return;
        void sendAdTick(api, fx.signed).then((outcome) => this.dispatch({ type: 'answer', auctionId: fx.signed.tick.auctionId, seq: fx.signed.tick.seq, outcome }));
        return;
      }
      case 'send-keepalive': {
        const api = this.apiOf(fx.signed.tick.sessionId, true);
        if (api) void sendAdTick(api, fx.signed);
        if (fx.note) this.store.noteSent(fx.owner, fx.signed);
        return;
      }
      case 'set-timer': {
        const key = `${fx.auctionId}:${fx.name}`;
        this.clock.clearTimeout(this.timers.get(key));
        const ms = fx.attempt ? backoffDelay(fx.attempt) : fx.ms;
        this.timers.set(key, this.clock.setTimeout(() => {
          this.timers.delete(key);
          this.dispatch({ type: 'timer', auctionId: fx.auctionId, name: fx.name });
        }, ms));
        return;
      }
      case 'clear-timer': {
        const key = `${fx.auctionId}:${fx.name}`;
        this.clock.clearTimeout(this.timers.get(key));
        this.timers.delete(key);
        return;
      }
    }
  }

  /** The API the break's ticks go to: the owner's (api|principal) API, known from the break's owner. */
  private apiOf(sessionId: string, keepalive: boolean): AdTickApi | undefined {
    const b = Object.values(this.machine.breaks).find((x) => x.sessionId === sessionId);
    const base = b ? b.owner.slice(0, b.owner.lastIndexOf('|')) : this.payments.sessionSigner()?.api;
    if (!base) return undefined;
    const c = this.clientsFor(base);
    return keepalive ? c.keepalive : c.api;
  }

  private async sign(epoch: number, auctionId: string, ticks: UnsignedAdTick[]): Promise<void> {
    // A session closed meanwhile (sign-out, another viewer): sign nothing for it.
    const identity = epoch === this.machine.epoch ? this.payments.sessionSigner()?.identity : undefined;
    let signed: SignedAdTick[] | null = null;
    if (identity) {
      const sign = (b: Uint8Array) => identity.sign(b);
      const clientTime = Date.now();
      signed = await Promise.all(ticks.map((t) => signedAdTickRequest(sign, { ...t, clientTime }))).catch(() => null);
    }
    this.dispatch({ type: 'signed', epoch, auctionId, ticks: signed });
  }
}
