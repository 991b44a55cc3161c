// Everything a paid video needs, in one chunk that the element imports only when `rate` is above zero:
// configuration, identity, the meter, payments, the play policy and their overlays. A free video never
// downloads it. This file only composes: the money path reads as one straight line,
//   media events → meter → payments machine → signer → outbox → API,
// with seconds handed from the meter to payments by a direct call, and one policy over the stores deciding
// whether the media may play.
import type { ReactiveController, ReactiveElement } from 'lit';
import { atom, computed, type ReadableAtom } from 'nanostores';
import './i18n/paid-messages.js';
import { blockingError, priceError, type PlayerConfig } from './config/player-config.js';
import { ConfigSource } from './config/config-source.js';
import type { CatalogLookup } from './config/catalog-price.js';
import { PriceSource } from './config/price-source.js';
import { IdentityGate } from './identity/identity-gate.js';
import { t } from './i18n/locale.js';
import type { SipparErrorCode } from './errors.js';
import { MeterController, type MeterHost } from './metering/meter-controller.js';
import type { MachineConfig } from './payments/payments-machine.js';
import { PaymentsController, type PaymentServices, type PaymentsHost } from './payments/payments-controller.js';
import type { SessionIdentity } from './payments/signer.js';
import { createPlayPolicy, type Blocker, type PolicyInputs } from './policy/play-policy.js';
import { PlayGovernor } from './policy/play-governor.js';
import { adoptStyles } from './ui/adopt-styles.js';
import { budgetOverlay } from './ui/budget-overlay.js';
import { configOverlay } from './ui/config-overlay.js';
import { costCounter, costCounterStyles } from './ui/cost-counter.js';
import { formatAmount } from './ui/amounts.js';
import { fill } from './i18n/paid-messages.js';
import { lowBalance, topupNotice, topupNoticeStyles } from './ui/topup-notice.js';
import { paymentOverlay, paymentOverlayStyles } from './ui/payment-overlay.js';
import type { MediaWithKeys } from './playback/key-authoriser.js';
import type { MediaWithAds } from './ads/ad-break.js';
import { AdTicksController } from './ads/ad-ticks-controller.js';

export type CommerceHost = ReactiveElement & MeterHost & PaymentsHost & {
  readonly media: HTMLVideoElement | null;
  readonly locale: string;
  services: PaymentServices;
  src?: string;
  rate?: string | null;
  budget?: string | null;
  previewSeconds?: string | null;
};

/**
 * The payments machine's configuration: null when nothing is to be paid (free, or refused attributes).
 * `budget`: what a new session is signed with, the meter's cap (the `budget` attribute, raised by Continue).
 */
export function paymentsConfigOf(c: PlayerConfig, budget: number | null = c.budgetMicroAlgos): MachineConfig | null {
  if (c.rateMicroAlgos === 0 || blockingError(c) || priceError(c)) return null;
  return { api: c.api, contentId: c.contentId, rateMicroAlgos: c.rateMicroAlgos, graceSeconds: c.graceSeconds, budgetMicroAlgos: budget };
}

export class Commerce implements ReactiveController {
  readonly config: ConfigSource;
  /** The catalog's price of this page's title (protocol v3), applied by `config`. */
  readonly price: PriceSource;
  readonly identity: IdentityGate;
  readonly meter: MeterController;
  readonly payments: PaymentsController;
  /** Ad seconds watched, signed by the payment session for the agent that won the break (ads/ad-ticks-controller.ts). */
  readonly adTicks: AdTicksController;
  readonly blockers: ReadableAtom<readonly Blocker[]>;
  readonly governor: PlayGovernor;
  private readonly hidden = atom(false);
  private readonly canCharge = atom(false);
  private reported = '';
  /** A top-up was asked for: the balance is looked up again when the viewer comes back to the page. */
  private awaitingTopup = false;
  private unsubscribe: Array<() => void> = [];

  constructor(private readonly host: CommerceHost) {
    adoptStyles(host, [costCounterStyles, paymentOverlayStyles, topupNoticeStyles]);
    // Order matters: controllers run in the order added, and each reads the configuration parsed first.
    const lookup = atom<CatalogLookup>({ status: 'off' });
    this.config = new ConfigSource(host, lookup);
    this.price = new PriceSource(host, () => this.config.raw, lookup, () => host.services);
    this.identity = new IdentityGate(host, () => this.config.value, { injectedAuth: () => host.services.auth });
    this.meter = new MeterController(host, () => {
      const c = this.config.value;
      const invalid = !!blockingError(c);
      // Once a payment session is open, the preview left is the server's (it counts it across page loads).
      const p = this.payments?.state.preview;
      const freeLeft = p ? Math.max(0, p.freeSeconds - p.usedBefore) : null;
      return { src: host.src ?? '', rateMicroAlgos: c.rateMicroAlgos, budgetMicroAlgos: c.budgetMicroAlgos, previewSeconds: c.previewSeconds, invalid: invalid || !!priceError(c), freeLeft };
    });
    this.payments = new PaymentsController(host, () => ({ auth: this.identity.controller, ...host.services }), (code) => t(host.locale, code as SipparErrorCode));
    this.adTicks = new AdTicksController(host, this.payments, () => host.services);
    this.meter.listener = {
      credited: (session, seconds, mediaTime) => this.payments.credited(session, seconds, mediaTime),
      playing: (playing) => this.payments.playing(playing),
      seeking: () => this.payments.flush(),
    };
    const inputs = computed(
      [this.config.store, this.canCharge, this.meter.store, this.payments.store, this.hidden],
      (c, canCharge, m, p, hidden): PolicyInputs => ({
        configInvalid: !!blockingError(c),
        priceRefused: !!priceError(c),
        paid: c.rateMicroAlgos > 0,
        previewSpent: m.previewUsed >= m.previewSeconds,
        canCharge,
        payment: p.status,
        budgetReached: m.budgetState === 'reached',
        hidden,
        pauseWhenHidden: c.pauseWhenHidden,
      }),
    );
    this.blockers = createPlayPolicy(inputs);
    this.governor = new PlayGovernor(host, this.blockers);
    // A break's asset list waits for a session only when one can come: signed in, or sign-in asked for now.
    this.payments.canWaitForAdSession = () => this.identity.canCharge || this.blockers.get()[0] === 'sign-in';
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.onVisibility);
    window.addEventListener('pagehide', this.onPageHide);
    window.addEventListener('focus', this.onReturn);
    this.onVisibility();
    // Back after a DOM move: payments closed its session on disconnect; the same sale goes on.
    this.payments.configure(this.paymentsConfig());
    this.unsubscribe = [
      this.identity.controller.state.subscribe(() => this.syncIdentity()),
      this.blockers.subscribe((b) => {
        this.host.toggleAttribute('data-login-required', b[0] === 'sign-in');
        this.host.requestUpdate();
      }),
    ];
  }

  /** After the meter's hostUpdate: a closed meter session's last seconds went out under the old configuration. */
  hostUpdate(): void {
    // Gated media: playback's key loader asks the <video> for this; payments signs (payments/key-authoriser.ts).
    const media = this.host.media as (MediaWithKeys & MediaWithAds) | null;
    if (media) media.sipparKeyAuthoriser = this.payments.keyAuthoriser;
    // Ad breaks: playback's asset-list loader asks for the session id (payments/ad-session.ts).
    if (media) media.sipparAdSession = this.payments.adSession;
    this.reportConfigErrors();
    this.payments.configure(this.paymentsConfig());
    this.syncIdentity();
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.onVisibility);
    window.removeEventListener('pagehide', this.onPageHide);
    window.removeEventListener('focus', this.onReturn);
    for (const u of this.unsubscribe) u();
  }

  private paymentsConfig(): MachineConfig | null {
    return paymentsConfigOf(this.config.value, this.meter.store.get().budgetMicroAlgos);
  }

  /** The element's play()/pause() and its controls come here: the policy grants or refuses. */
  requestPlay(): Promise<void> { return this.governor.requestPlay(); }
  requestPause(): void { this.governor.requestPause(); }

  /** The freshest balance known: the payment API's last answer, else the viewer lookup after sign-in. */
  get balanceMicroAlgos(): number | undefined {
    return this.payments.state.balanceMicroAlgos ?? this.identity.controller.state.get().balanceMicroAlgos;
  }

  /** In this order, later ones on top: cost counter, login overlay, top-up strip, budget, payment, configuration. */
  render(): unknown[] {
    const top = this.blockers.get()[0];
    const s = this.meter.store.get();
    const c = this.config.value;
    const locale = this.host.locale;
    const balance = this.balanceMicroAlgos;
    const payment = top === 'elsewhere' || top === 'funds' || top === 'unreachable' || top === 'payment-error' || this.payments.state.status === 'grace';
    const low = !top && this.canCharge.get() && lowBalance(balance, c.rateMicroAlgos, c.previewSeconds);
    return [
      costCounter(s, locale, c.fiat, (this.host.media as MediaWithAds | null)?.sipparAdBreak?.state.get()),
      this.identity.render(top === 'sign-in', balance === undefined ? undefined : fill(t(locale, 'badgeBalance'), { amount: formatAmount(balance, locale) })),
      low ? topupNotice(balance!, c.rateMicroAlgos, locale, () => this.requestTopup('low-balance')) : null,
      // The meter's own cap, or the server's refusal past the budget the session was signed with.
      top === 'budget' ? budgetOverlay(s, this.meter.budgetStep, locale, () => this.meter.continueWithMoreBudget()) : null,
      payment ? paymentOverlay({ state: this.payments.state, locale, onRetry: () => this.payments.retry(), onWatchHere: () => this.watchHere(), onTopup: () => this.requestTopup('insufficient-funds') }) : null,
      top === 'config' || top === 'price' ? configOverlay(c, locale) : null,
    ];
  }

  /**
   * The viewer pressed "Top up": the platform runs its own top-up. `sippar-topup-request` (cancelable) tells
   * the page; unless it calls preventDefault, a `topup-url` opens in a new window. When the top-up is done —
   * the page calls `event.detail.done()`, or the viewer comes back to this window — the balance is looked up
   * again and a payment stopped at 402 tries again, so playback continues by itself.
   */
  requestTopup(reason: 'low-balance' | 'insufficient-funds'): void {
    const c = this.config.value;
    const detail = { reason, balanceMicroAlgos: this.balanceMicroAlgos, rateMicroAlgos: c.rateMicroAlgos, contentId: c.contentId, topupUrl: c.topupUrl, done: () => this.afterTopup() };
    const event = new CustomEvent('sippar-topup-request', { detail, bubbles: true, composed: true, cancelable: true });
    this.awaitingTopup = true;
    if (this.host.dispatchEvent(event) && c.topupUrl) window.open(c.topupUrl, '_blank', 'noopener');
  }

  private afterTopup(): void {
    this.awaitingTopup = false;
    this.identity.controller.refreshViewer();
    if (this.payments.state.status === 'insufficient-funds') this.payments.retry();
  }

  private readonly onReturn = (): void => {
    if (this.awaitingTopup && !document.hidden) this.afterTopup();
  };

  private watchHere(): void {
    this.payments.watchHere();
    void this.governor.requestPlay().catch(() => undefined);
  }

  private syncIdentity(): void {
    const injected = this.host.services.auth;
    const identity = (injected ? injected.identity : this.identity.controller.identity) as SessionIdentity | undefined;
    this.canCharge.set(this.identity.canCharge);
    this.payments.setIdentity(identity);
  }

  /** Each refused attribute once, when it is set: an event with the localised sentence, the exact reason in the console. */
  private reportConfigErrors(): void {
    const errors = this.config.value.errors;
    const key = errors.map((e) => e.message).join('\n');
    if (key === this.reported) return;
    this.reported = key;
    for (const e of errors) {
      console.warn(`sippar-player: ${e.message}`);
      const detail = { code: e.code, message: t(this.host.locale, e.code), fatal: e.fatal };
      this.host.dispatchEvent(new CustomEvent('sippar-error', { detail, bubbles: true, composed: true }));
    }
  }

  private readonly onVisibility = (): void => {
    this.hidden.set(document.hidden);
    this.onReturn();
  };

  /** The page goes away: what was watched until now is counted, then payments sends what it can. */
  private readonly onPageHide = (): void => {
    this.meter.sampleNow();
    this.payments.pagehide();
  };
}
