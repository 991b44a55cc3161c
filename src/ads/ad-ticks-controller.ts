/**
 * AdTicksController, created by commerce.ts: the viewer's session signs the ad seconds watched in each break
 * (docs/ADS.md §5) for the agent that won it. It waits for the <video>'s `sipparAdBreak` store — playback sets
 * one only for titles with breaks — then loads the ad-tick engine (ad-tick-engine.ts: the machine, its
 * storage and transport) and hands it the store, the page's comings and goings, and its status store. A paid
 * title without breaks never downloads that code.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { atom, type ReadableAtom } from 'nanostores';
import type { PaymentServices } from '../payments/payment-services.js';
import type { PaymentState } from '../payments/payments-store.js';
import type { SessionIdentity } from '../payments/signer.js';
import type { MediaWithAds } from './ad-break.js';
import type { AdTickEngine } from './ad-tick-engine.js';
import type { AdLedger } from './ad-tick-state.js';
import type { AdTickStore } from './ad-tick-store.js';

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

export class AdTicksController implements ReactiveController {
  readonly #status = atom<AdTicksStatus>({ unsent: 0 });
  readonly status: ReadableAtom<AdTicksStatus> = this.#status;
  private engine: AdTickEngine | undefined;
  private loading = false;

  constructor(
    private readonly host: AdTicksHost,
    private readonly payments: AdTicksPayments,
    private readonly services: () => AdTicksServices = () => ({}),
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('pagehide', this.onPageHide);
    window.addEventListener('online', this.onOnline);
  }

  /** The <video> (or its ad store) may appear or change with any update: follow it. */
  hostUpdate(): void {
    const store = (this.host.media as MediaWithAds | null)?.sipparAdBreak;
    if (this.engine) return this.engine.follow(store);
    if (!store || this.loading) return;
    this.loading = true;
    void import('./ad-tick-engine.js').then(({ AdTickEngine }) => {
      this.engine = new AdTickEngine(this.payments, this.services, this.#status);
      this.engine.follow((this.host.media as MediaWithAds | null)?.sipparAdBreak);
    }, (e) => {
      this.loading = false; // tried again at the next update
      console.warn('sippar-player: ad ticks', e);
    });
  }

  /**
   * The player leaves the page (or moves): payments closes its session now, so a break on screen can no longer
   * be signed for; its pre-signed final goes out as on pagehide. The ad store stays followed (it holds the
   * engine, not the other way round): a break that ends later without a standby still sends what it holds.
   */
  hostDisconnected(): void {
    window.removeEventListener('pagehide', this.onPageHide);
    window.removeEventListener('online', this.onOnline);
    this.engine?.pagehide();
  }

  /** For a composition that goes away for good (the unsent ticks stay stored for the next page load). */
  dispose(): void {
    this.hostDisconnected();
    this.engine?.dispose();
  }

  private readonly onOnline = (): void => this.engine?.online();
  private readonly onPageHide = (): void => this.engine?.pagehide();
}
