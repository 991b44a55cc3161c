/**
 * The ad ticks at work: the adapter around the pure ad-tick machine (ad-tick-machine.ts). It turns what the
 * viewer sees of ads (the <video>'s `sipparAdBreak` store, src/ads/ad-break.ts) and the payment session (its
 * id and signer, from the PaymentsController) into machine events, and carries out the machine's effects:
 * sign with the session key, store, send, timers. It decides nothing. Loaded by ad-ticks-controller.ts when a
 * player first shows an ad store (only titles with breaks have one).
 *
 * The agent that won a break is charged for the seconds signed here; the viewer is charged nothing for them.
 */
import type { WritableAtom } from 'nanostores';
import { signedAdTickRequest } from '../payments/ad-tick.js';
import { createApiClient } from '../payments/api-client.js';
import { backoffDelay } from '../payments/backoff.js';
import { systemClock, type OutboxClock } from '../payments/outbox.js';
import type { AdBreakStore } from './ad-break.js';
import { initialAdTickState, step, type AdLedger, type AdTickEffect, type AdTickEvent, type SignedAdTick, type UnsignedAdTick } from './ad-tick-machine.js';
import { adTickOwner, indexedDbAdTickStore, type AdTickStore } from './ad-tick-store.js';
import { sendAdTick, type AdTickApi } from './ad-tick-transport.js';
import type { AdTicksPayments, AdTicksServices, AdTicksStatus } from './ad-ticks-controller.js';

const hasAdTick = (x: unknown): x is AdTickApi => typeof (x as Partial<AdTickApi> | undefined)?.adTick === 'function';

export class AdTickEngine {
  private machine = initialAdTickState();
  private adBreak: AdBreakStore | undefined;
  private unwatch: Array<() => void> = [];
  private readonly unsubscribePayments: () => void;
  private readonly timers = new Map<string, unknown>();
  private saving: Promise<void> = Promise.resolve();
  private clients: { base: string; api: AdTickApi; keepalive: AdTickApi } | undefined;
  private defaultStore: AdTickStore | undefined;

  constructor(
    private readonly payments: AdTicksPayments,
    private readonly services: () => AdTicksServices,
    private readonly statusStore: WritableAtom<AdTicksStatus>,
  ) {
    this.unsubscribePayments = payments.store.subscribe(() => this.syncSession());
  }

  /** Follows a player's ad store (one per <video>, kept across sources). */
  follow(store: AdBreakStore | undefined): void {
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

  /** The network is back: failed sends go again now. */
  online(): void {
    this.dispatch({ type: 'kick' });
  }

  /** The page (or the player) goes away: the seconds watched until now, then what can still leave (keepalive). */
  pagehide(): void {
    const s = this.adBreak?.state.get();
    if (s?.status === 'playing') this.dispatch({ type: 'playing', auctionId: s.auctionId, watchedSeconds: s.watchedSeconds });
    this.dispatch({ type: 'pagehide' });
  }

  /** For a composition that goes away for good (the unsent ticks stay stored for the next page load). */
  dispose(): void {
    this.follow(undefined);
    this.unsubscribePayments();
    for (const h of this.timers.values()) this.clock.clearTimeout(h);
    this.timers.clear();
  }

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
    const prev = this.statusStore.get();
    const halted = breaks.find((b) => b.halted);
    const next: AdTicksStatus = {
      ...((acknowledged ?? prev.acknowledged) && { acknowledged: acknowledged ?? prev.acknowledged }),
      unsent: breaks.filter((b) => b.pending).length,
      ...(halted && { refused: { auctionId: halted.auctionId, code: halted.halted! } }),
    };
    if (JSON.stringify(next) !== JSON.stringify(prev)) this.statusStore.set(next);
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
