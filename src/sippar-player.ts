import { ReactiveElement, type PropertyValues } from '@lit/reactive-element';
import { PlaybackController } from './playback/playback-controller.js';
import { loadLocale, messagesFor, pageLocale } from './i18n/locale.js';
import { LANDMARK_ATTRIBUTES, LandmarkLabel } from './landmark.js';
import { styles } from './ui/styles.js';
import { Shell } from './ui/shell.js';
import { controlsWanted } from './ui/chrome-timing.js';
import { isPaid } from './config/is-paid.js';
import { PlayerParts } from './player-parts.js';
import { nextTask } from './playback/next-task.js';
import { defineElement } from './define-timing.js';
import type { IdentityGate } from './identity/identity-gate.js';
import type { MeterController } from './metering/meter-controller.js';
import type { PaymentsController, PaymentServices } from './payments/payments-controller.js';

/**
 * A video player that plays HLS (hls.js, loaded only when needed) and plain files, and behaves
 * like a `<video>`: same properties, methods and events. With a `rate` it sells the video by the
 * second: Internet Identity sign-in, a live cost counter, signed ticks to a payment API.
 *
 * The element is a `region` landmark. Name it with `title` (or `aria-label`, `aria-labelledby`) so
 * that two players on a page are two distinct landmarks; without one it is called "Video player".
 *
 * @element sippar-player
 * @summary A web component that plays HLS and sells video by the second.
 *
 * @attr {string} src - Media URL: an HLS manifest (.m3u8) or a file the browser plays (MP4, WebM).
 * @attr {string} poster - Image shown before playback.
 * @attr {boolean} autoplay - Start when ready; browsers allow it when muted.
 * @attr {boolean} muted - Start muted.
 * @attr {boolean} loop - Restart at the end.
 * @attr {'none' | 'metadata' | 'auto'} preload - As on `<video>`: none fetches nothing before play; metadata (the default) the manifest only; auto buffers. autoplay implies auto.
 * @attr {'lazy' | 'eager'} loading - lazy: load nothing until the player nears the viewport.
 * @attr {string} rate - ALGO per second, a decimal string ("0.001"); absent or "0" is free. Invalid: `RATE_INVALID`. With `content-id`, the price the page expects: the payment API's catalog price is shown and billed, and a different one stops playback (`PRICE_MISMATCH`). Absent with `api` and `content-id`: priced by the catalog.
 * @attr {string} budget - ALGO one session may spend; pauses there with an overlay to continue. Invalid: `BUDGET_INVALID`.
 * @attr {string} preview-seconds - Free seconds before billing (whole number, at most 86400). Invalid: `PREVIEW_INVALID`.
 * @attr {boolean} pause-when-hidden - Pause while the tab is hidden instead of billing background playback.
 * @attr {string} content-id - What is sold (the payment session's content id, [A-Za-z0-9._:/-]{1,128}).
 * @attr {string} api - Payment API base URL (default: the page's origin).
 * @attr {string} grace-seconds - How long playback goes on while the payment API is unreachable (default 30).
 * @attr {string} identity-provider - Internet Identity URL (default https://identity.ic0.app; https, or http on localhost). Invalid: `IDP_URL_INVALID`.
 * @attr {string} derivation-origin - Origin the IdP derives the principal for (one principal across the sites that embed the player).
 * @attr {string} max-time-to-live - Seconds a sign-in lasts (default 8 h); at expiry playback pauses until the viewer signs in again.
 * @attr {string} topup-url - The platform's top-up page, opened by the player's "Top up" button (unless the page handles `sippar-topup-request`). Invalid: `TOPUP_URL_INVALID`.
 * @attr {string} fiat - A display hint: a currency and the price of one ALGO in it ("USD 0.18"); the counter adds "≈ $…". Invalid: `FIAT_INVALID`.
 * @attr {string} title - Names the player's region landmark (as aria-label does); give each player on a page its own.
 *
 * @fires {CustomEvent<SipparTickDetail>} sippar-tick - One billed second: {seq, seconds, microAlgos, totalMicroAlgos, mediaTime}; totals are cumulative.
 * @fires {CustomEvent<SipparMeterStateDetail>} sippar-meter-state - The meter's snapshot ({state, budget, watchedSeconds, previewUsed, billedSeconds, totalMicroAlgos, rateMicroAlgos, budgetMicroAlgos, lastTick}) on every change of playing status or budget state.
 * @fires {CustomEvent<SipparAuthStateDetail>} sippar-auth-state - {status, principal}: idle | restoring | signed-out | signing-in | blocked | failed | signed-in | expired.
 * @fires {CustomEvent<SipparPaymentStateDetail>} sippar-payment-state - {status, sessionId, acknowledged, balanceMicroAlgos, error} on each payment status change.
 * @fires {CustomEvent<SipparTopupRequestDetail>} sippar-topup-request - The viewer asked to top up ({reason: low-balance | insufficient-funds, balanceMicroAlgos, rateMicroAlgos, contentId, topupUrl, done()}); cancelable: preventDefault() keeps `topup-url` closed. Call `done()` once topped up: playback continues by itself.
 * @fires {CustomEvent<SipparErrorDetail>} sippar-error - {code, message, fatal}: a stable code and a message in the page's language.
 * @fires {Event} play - Re-dispatched from the inner `<video>`, not bubbling, like every media event below.
 * @fires {Event} playing - Playback started or resumed after buffering.
 * @fires {Event} pause - Paused.
 * @fires {Event} waiting - Stalled, waiting for data.
 * @fires {Event} seeking - A seek started.
 * @fires {Event} seeked - A seek finished.
 * @fires {Event} timeupdate - currentTime changed.
 * @fires {Event} ended - Reached the end.
 * @fires {Event} ratechange - playbackRate changed.
 * @fires {Event} volumechange - volume or muted changed.
 * @fires {Event} loadedmetadata - Duration and size known.
 * @fires {Event} loadeddata - The first frame is available.
 * @fires {Event} canplay - Enough data to start.
 * @fires {Event} durationchange - duration changed.
 * @fires {Event} error - The media failed (sippar-error tells why, with a code).
 * @fires {Event} progress - More media was downloaded.
 *
 * @slot - Page content over the picture, under the overlays and controls (a title, a logo).
 *
 * @csspart video - The inner `<video>`.
 * @csspart controls - The control bar.
 * @csspart button - Every button the player draws (controls, Retry, overlays' actions).
 * @csspart play-button - Play/pause.
 * @csspart mute-button - Mute/unmute.
 * @csspart captions-button - Captions on/off (only when the stream has subtitles).
 * @csspart pip-button - Picture-in-picture (in the bar; in the settings menu on a narrow player).
 * @csspart center-play - The large play button over a paused picture.
 * @csspart settings-button - Opens the settings menu (a player narrower than 480 px).
 * @csspart menu - The settings menu: speed, volume, picture-in-picture.
 * @csspart menu-item - An item of the settings menu.
 * @csspart fullscreen-button - Full screen.
 * @csspart retry-button - Retry, on the error overlay.
 * @csspart seek - The seek slider.
 * @csspart volume - The volume slider.
 * @csspart rate - The playback-rate menu.
 * @csspart time - Current time / duration.
 * @csspart overlay - Any overlay over the picture (error, loading, reconnecting, notice, budget).
 * @csspart error - The error overlay.
 * @csspart error-message - The error text.
 * @csspart loading - The loading overlay (spinner).
 * @csspart reconnecting - The overlay shown while the stream reconnects.
 * @csspart notice - A passing notice over the picture.
 * @csspart counter - The live cost counter.
 * @csspart ad-counter - The counter while an ad plays ("Ad · you are not charged · advertiser").
 * @csspart budget - The budget-reached overlay.
 * @csspart budget-button - Its button to continue.
 * @csspart login - The sign-in overlay (role=dialog) and the signed-in badge.
 * @csspart login-signed-in - The signed-in badge.
 * @csspart login-button - The sign-in button.
 * @csspart topup - The low-balance strip, shown before the balance runs out.
 * @csspart topup-button - Its "Top up" button (also in the 402 overlay).
 * @csspart payment - The payment overlay (402, unreachable, another tab).
 * @csspart payment-grace - The payment overlay while playback goes on in grace.
 * @csspart payment-button - The payment overlay's button.
 *
 * @cssprop [--sippar-accent] - Accent colour (sliders, focus ring, spinner, Retry).
 * @cssprop [--sippar-font] - Font family.
 * @cssprop [--sippar-radius] - Corner radius.
 * @cssprop [--sippar-controls-bg] - Control bar background colour.
 * @cssprop [--sippar-controls-fg] - Control bar text and icon colour.
 * @cssprop [--sippar-menu-bg] - Settings menu background colour.
 * @cssprop [--sippar-center-play-bg] - Centre play button background colour.
 * @cssprop [--sippar-counter-bg] - Cost counter background colour.
 * @cssprop [--sippar-counter-fg] - Cost counter text colour.
 * @cssprop [--sippar-counter-warning-bg] - Cost counter background colour near the budget.
 * @cssprop [--sippar-counter-ad-bg] - Cost counter background colour while an ad plays.
 * @cssprop [--sippar-login-background] - Sign-in overlay background colour.
 * @cssprop [--sippar-login-color] - Sign-in overlay text colour.
 * @cssprop [--sippar-login-accent] - Sign-in button colour.
 * @cssprop [--sippar-login-accent-text] - Sign-in button text colour.
 * @cssprop [--sippar-login-radius] - Sign-in button and badge corner radius.
 * @cssprop [--sippar-login-font] - Sign-in overlay font.
 * @cssprop [--sippar-login-error] - Sign-in error text colour.
 * @cssprop [--sippar-payment-background] - Payment overlay background colour (402, unreachable, another tab).
 * @cssprop [--sippar-payment-color] - Payment overlay text colour.
 */
export class SipparPlayer extends ReactiveElement {
  static override styles = styles;

  // Declared here rather than with decorators: the decorator helpers would sit in the first script.
  static override properties = {
    src: {}, poster: {}, autoplay: { type: Boolean }, muted: { type: Boolean }, loop: { type: Boolean }, preload: {},
    rate: { reflect: true }, budget: {}, previewSeconds: { attribute: 'preview-seconds', reflect: true },
    pauseWhenHidden: { type: Boolean, attribute: 'pause-when-hidden' },
  };

  src = ''; poster = ''; preload = 'metadata'; autoplay = false; muted = false; loop = false;
  /** ALGO per second as a decimal string ("0.001"); absent or "0" is free. */
  rate: string | null = null;
  /** ALGO one session may spend; playback pauses there until the viewer adds more. */
  budget: string | null = null;
  /** Free seconds before billing starts. */
  previewSeconds: string | null = null;
  /** Pause while the tab is hidden (a playing hidden tab is otherwise still billed). */
  pauseWhenHidden = false;

  /**
   * Playback: engine, hls.js, recovery, teardown. Other concerns add their controllers beside it.
   * @internal Left out of the published declarations, which would otherwise import hls.js's types
   * and make every consumer install hls.js (bundled, 32 MB) to type-check.
   */
  protected readonly playback = new PlaybackController(this);
  /** Replaceable payment services (Storybook, tests): `player.services = { api, auth, store, locks }`. See PaymentServices. */
  services: PaymentServices = {};
  /** The chunks loaded after the first script: the chrome, and a paid player's identity, meter and payments (player-parts.ts). */
  private readonly parts = new PlayerParts(this);
  /** The <video>, slot and spinner, in plain DOM (ui/shell.ts); the rest is drawn by the chrome chunk. */
  private shell?: Shell;

  /** The region landmark's name: the page's aria-label, aria-labelledby or title, else "Video player". */
  private readonly landmark = new LandmarkLabel(this);

  static override get observedAttributes(): string[] { return [...super.observedAttributes, ...LANDMARK_ATTRIBUTES]; }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (LANDMARK_ATTRIBUTES.includes(name)) this.landmark.sync(messagesFor(this.locale).player);
  }

  constructor() {
    super();
    this.addEventListener('keydown', this.onKeydown);
    // Keep `muted` true to the <video> when the user mutes through controls or keys.
    this.addEventListener('volumechange', () => { if (this.video) this.muted = this.video.muted; });
    this.addEventListener('fullscreenchange', () => this.requestUpdate());
  }

  /** Identity: Internet Identity sign-in for paid videos. Undefined on a free video and until the paid chunk has loaded (see `updateComplete`). */
  get identity(): IdentityGate | undefined { return this.parts.commerce?.identity; }
  /** Metering: per-second billing of watched content; `meter.store` is a nanostores atom. Paid videos only. */
  get meter(): MeterController | undefined { return this.parts.commerce?.meter; }
  /** Payments: signs each tick, keeps it in an IndexedDB outbox, sends it; `payments.store` is a nanostores atom. Paid videos only. */
  get payments(): PaymentsController | undefined { return this.parts.commerce?.payments; }

  /**
   * What stops a paid video from playing now, most important first (empty: nothing): `config`, `elsewhere`,
   * `sign-in`, `funds`, `unreachable`, `payment-error`, `budget`, `hidden`. Decided by one play policy.
   */
  get blockers(): readonly string[] { return this.parts.commerce?.blockers.get() ?? []; }

  /** The inner <video>, for controllers that observe playback (e.g. the meter). Null before first render. */
  get media(): HTMLVideoElement | null { return this.video; }
  private get video(): HTMLVideoElement | null { return this.shell?.video ?? null; }
  /** The page's language, which picks the UI strings. */
  get locale(): string { return pageLocale(this); }

  get currentTime(): number { return this.video?.currentTime ?? 0; }
  set currentTime(t: number) { void this.ready().then((v) => { v.currentTime = t; }); }
  get duration(): number { return this.video?.duration ?? NaN; }
  get paused(): boolean { return this.video?.paused ?? true; }
  get ended(): boolean { return this.video?.ended ?? false; }
  get volume(): number { return this.video?.volume ?? 1; }
  set volume(v: number) { void this.ready().then((el) => { el.volume = v; }); }
  get playbackRate(): number { return this.video?.playbackRate ?? 1; }
  set playbackRate(r: number) { void this.ready().then((v) => { v.playbackRate = r; }); }

  /** A request, like the controls' and the keys': on a paid video the play policy may refuse it (sign-in, budget…). */
  async play(): Promise<void> {
    // A play request is the viewer reaching for the player: a paid one needs its chunk to decide.
    if (isPaid(this.rate)) await this.parts.loadCommerce();
    const { commerce } = this.parts;
    if (commerce) return commerce.requestPlay();
    return (await this.ready()).play();
  }
  pause(): void { if (this.parts.commerce) this.parts.commerce.requestPause(); else this.video?.pause(); }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.hasAttribute('tabindex')) this.tabIndex = 0;
    if (!this.hasAttribute('role')) this.setAttribute('role', 'region');
    this.landmark.sync(messagesFor(this.locale).player);
    void loadLocale(this.locale).then(() => {
      this.landmark.sync(messagesFor(this.locale).player);
      this.requestUpdate();
    });
    if (isPaid(this.rate)) this.parts.awaitCommerceNeed();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.parts.stopWaiting();
  }

  protected override willUpdate(changed: PropertyValues): void {
    if ((changed.has('rate') && isPaid(this.rate)) || this.pricedByCatalog()) this.parts.awaitCommerceNeed();
  }

  /** No price on the page, but a payment API and a title: the platform's catalog prices it (protocol v3). */
  private pricedByCatalog(): boolean {
    return this.rate == null && this.hasAttribute('api') && this.hasAttribute('content-id');
  }

  /** Also waits for the chunks requested so far (player-parts.ts); a paid player asks for its chunk, as the page wants `meter`, `identity` or `payments`. */
  protected override async getUpdateComplete(): Promise<boolean> {
    if (isPaid(this.rate) || this.pricedByCatalog()) void this.parts.loadCommerce();
    let done = await super.getUpdateComplete();
    for (let wait = this.parts.pending(); wait; wait = this.parts.pending()) {
      await wait;
      done = await super.getUpdateComplete();
    }
    return done;
  }

  // The first render (the <video>, playback's start) a task after the upgrade's: two short tasks, not one long (next-task.ts).
  protected override scheduleUpdate(): void | Promise<unknown> { return this.hasUpdated ? super.scheduleUpdate() : nextTask().then(() => super.scheduleUpdate()); }
  protected override update(changed: PropertyValues): void {
    super.update(changed);
    const state = { muted: this.muted, autoplay: this.autoplay, loop: this.loop, preload: this.preload, poster: this.poster };
    // Made before controllers' hostUpdated runs, so playback and the meter attach on the very first update.
    if (this.shell) this.shell.sync(state);
    else this.shell = new Shell(this.renderRoot as ShadowRoot, state, () => (this.paused ? this.play().catch(() => undefined) : this.pause()));
    const { status, waiting } = this.playback;
    const m = messagesFor(this.locale);
    // An overlay with something to say brings the chrome at once; the loading spinner does not need it.
    if (status === 'error' || status === 'reconnecting' || this.playback.activeNotice) this.parts.loadChrome();
    const { chrome } = this.parts;
    this.shell.spin(!chrome && (status === 'loading' || waiting), m.loading);
    if (chrome) chrome.renderChrome(this, this.shell.video, this.playback, m, this.locale, this.renderCommerce());
  }

  protected override firstUpdated(changed: PropertyValues): void {
    super.firstUpdated(changed);
    // Controls load after the first render (after the first frame when the player starts on its own): see ui/chrome-timing.ts.
    void controlsWanted(this).then(() => this.parts.loadChrome());
  }

  /** The seam for selling video by the second: the paid-video chunk's overlays (commerce.ts), once it is loaded. */
  protected renderCommerce(): unknown { return this.parts.commerce?.render() ?? null; }

  private async ready(): Promise<HTMLVideoElement> {
    while (!this.video) await super.getUpdateComplete(); // not updateComplete, which asks for the paid chunk
    return this.video;
  }

  private readonly onKeydown = (event: KeyboardEvent): void => {
    if (this.video && this.parts.chrome?.handleKey(event, this, this.video)) event.preventDefault();
  };
}

void defineElement('sippar-player', SipparPlayer);

declare global {
  interface HTMLElementTagNameMap {
    'sippar-player': SipparPlayer;
  }
}
