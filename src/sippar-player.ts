import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { PlaybackController } from './playback/playback-controller.js';
import { loadLocale, messagesFor, pageLocale } from './i18n/locale.js';
import { renderStatusOverlay } from './ui/overlays.js';
import { styles } from './ui/styles.js';
import { controlsWanted } from './ui/chrome-timing.js';
import type { Commerce } from './commerce.js';
import type { IdentityGate } from './identity/identity-gate.js';
import type { MeterController } from './metering/meter-controller.js';
import type { PaymentsController, PaymentServices } from './payments/payments-controller.js';

/**
 * A video player that plays HLS (hls.js, loaded only when needed) and plain files, and behaves
 * like a <video>: same properties, methods and events.
 *
 * @element sippar-player
 * @attr src - Media URL: an HLS manifest (.m3u8) or a file the browser plays (MP4, WebM).
 * @attr poster - Image shown before playback.
 * @attr autoplay - Start when ready; browsers allow it when muted.
 * @attr muted - Start muted.
 * @attr loop - Restart at the end.
 * @attr preload - none | metadata (default: the manifest only) | auto (buffers), as on <video>; autoplay implies auto.
 * @attr loading - lazy: load nothing until the player nears the viewport.
 * @attr rate - ALGO per second, a decimal string ("0.001"); absent or "0" is free. Invalid: RATE_INVALID.
 * @attr budget - ALGO one session may spend; pauses there with an overlay to continue. Invalid: BUDGET_INVALID.
 * @attr preview-seconds - Free seconds before billing (whole number). Invalid: PREVIEW_INVALID.
 * @attr pause-when-hidden - Pause while the tab is hidden instead of billing background playback.
 * @attr content-id - What is sold (the payment session's content id, [A-Za-z0-9._:/-]{1,128}).
 * @attr api - Payment API base URL (default: the page's origin).
 * @attr grace-seconds - How long playback goes on while the payment API is unreachable (default 30).
 * @attr identity-provider - Internet Identity URL (default https://identity.ic0.app; https, or http on localhost). Invalid: IDP_URL_INVALID.
 * @attr derivation-origin - Origin the IdP derives the principal for (one principal across the sites that embed the player).
 * @attr max-time-to-live - Seconds a sign-in lasts (default 8 h); at expiry playback pauses until the viewer signs in again.
 * @fires sippar-payment-state - {status, sessionId, acknowledged, balanceMicroAlgos, error} on each status change.
 * @csspart payment - The payment overlay (402, unreachable, another tab); also payment-grace, payment-button.
 * @fires sippar-tick - {seq, seconds, microAlgos, totalMicroAlgos, mediaTime} for every billed second.
 * @fires sippar-meter-state - {state, budget, ...the meter snapshot (watchedSeconds, previewUsed, billedSeconds,
 *   totalMicroAlgos, rateMicroAlgos, budgetMicroAlgos, lastTick)} on every change of playing status or budget state.
 * @fires sippar-auth-state - {status, principal}: idle | restoring | signed-out | signing-in | blocked | failed | signed-in | expired.
 * @fires sippar-error - {code, message, fatal}: a stable code and a localised message.
 * @fires play - and every standard media event: playing, pause, waiting, seeking, seeked,
 *   timeupdate, ended, ratechange, volumechange, loadedmetadata, loadeddata, canplay,
 *   durationchange, error, progress, re-dispatched from the host.
 * @slot - Page content over the picture, under the overlays and controls (a title, a logo).
 * @csspart video - The inner <video>.
 * @csspart controls - The control bar.
 * @csspart button - Every control button (also play-button, mute-button, captions-button,
 *   pip-button, fullscreen-button, retry-button).
 * @csspart play-button - Play/pause.
 * @csspart seek - The seek slider.
 * @csspart volume - The volume slider.
 * @csspart rate - The playback-rate menu.
 * @csspart time - Current time / duration.
 * @csspart overlay - Any overlay over the picture (also error, loading, reconnecting).
 * @csspart error - The error overlay.
 * @csspart error-message - The error text.
 * @csspart counter - The live cost counter.
 * @csspart budget - The budget-reached overlay (also budget-button).
 * @csspart login - The sign-in overlay (role=dialog) and the signed-in badge (also login-signed-in, login-button).
 * @cssprop --sippar-login-background - Sign-in overlay background.
 * @cssprop --sippar-login-color - Sign-in overlay text colour.
 * @cssprop --sippar-login-accent - Sign-in button colour.
 * @cssprop --sippar-login-accent-text - Sign-in button text colour.
 * @cssprop --sippar-login-radius - Sign-in button and badge corner radius.
 * @cssprop --sippar-accent - Accent colour (sliders, focus ring, spinner, Retry).
 * @cssprop --sippar-controls-bg - Control bar background.
 * @cssprop --sippar-controls-fg - Text and icon colour.
 * @cssprop --sippar-font - Font family.
 * @cssprop --sippar-radius - Corner radius.
 * @cssprop --sippar-counter-bg - Cost counter background.
 * @cssprop --sippar-counter-fg - Cost counter text colour.
 * @cssprop --sippar-counter-warning-bg - Cost counter background near the budget.
 * @cssprop --sippar-login-font - Sign-in overlay font.
 * @cssprop --sippar-login-error - Sign-in error text colour.
 * @cssprop --sippar-payment-background - Payment overlay background (402, unreachable, another tab).
 * @cssprop --sippar-payment-color - Payment overlay text colour.
 */
export class SipparPlayer extends LitElement {
  static override styles = styles;

  @property() src = '';
  @property() poster = '';
  @property({ type: Boolean }) autoplay = false;
  @property({ type: Boolean }) muted = false;
  @property({ type: Boolean }) loop = false;
  @property() preload = 'metadata';
  /** ALGO per second as a decimal string ("0.001"); absent or "0" is free. */
  @property({ reflect: true }) rate: string | null = null;
  /** ALGO one session may spend; playback pauses there until the viewer adds more. */
  @property() budget: string | null = null;
  /** Free seconds before billing starts. */
  @property({ attribute: 'preview-seconds', reflect: true }) previewSeconds: string | null = null;
  /** Pause while the tab is hidden (a playing hidden tab is otherwise still billed). */
  @property({ type: Boolean, attribute: 'pause-when-hidden' }) pauseWhenHidden = false;

  /** Playback: engine, hls.js, recovery, teardown. Other concerns add their controllers beside it. */
  protected readonly playback = new PlaybackController(this);
  /** Replaceable payment services (Storybook, tests): `player.services = { api, auth, store, locks }`. See PaymentServices. */
  services: PaymentServices = {};
  /** Identity, meter and payments: loaded with the first `rate` above zero (see commerce.ts). */
  private commerce?: Commerce;
  private commerceLoading?: Promise<void>;
  private video: HTMLVideoElement | null = null;
  private chrome: typeof import('./ui/chrome.js') | undefined;

  constructor() {
    super();
    this.addEventListener('keydown', this.onKeydown);
    // Keep `muted` true to the <video> when the user mutes through controls or keys.
    this.addEventListener('volumechange', () => { if (this.video) this.muted = this.video.muted; });
    this.addEventListener('fullscreenchange', () => this.requestUpdate());
  }

  /** Identity: Internet Identity sign-in for paid videos. Undefined on a free video and until `updateComplete`. */
  get identity(): IdentityGate | undefined { return this.commerce?.identity; }
  /** Metering: per-second billing of watched content; `meter.store` is a nanostores atom. Paid videos only. */
  get meter(): MeterController | undefined { return this.commerce?.meter; }
  /** Payments: signs each tick, keeps it in an IndexedDB outbox, sends it; `payments.store` is a nanostores atom. Paid videos only. */
  get payments(): PaymentsController | undefined { return this.commerce?.payments; }

  /** The inner <video>, for controllers that observe playback (e.g. the meter). Null before first render. */
  get media(): HTMLVideoElement | null {
    return this.video;
  }

  /** The page's language, which picks the UI strings. */
  get locale(): string {
    return pageLocale(this);
  }

  get currentTime(): number { return this.video?.currentTime ?? 0; }
  set currentTime(t: number) { void this.ready().then((v) => { v.currentTime = t; }); }
  get duration(): number { return this.video?.duration ?? NaN; }
  get paused(): boolean { return this.video?.paused ?? true; }
  get ended(): boolean { return this.video?.ended ?? false; }
  get volume(): number { return this.video?.volume ?? 1; }
  set volume(v: number) { void this.ready().then((el) => { el.volume = v; }); }
  get playbackRate(): number { return this.video?.playbackRate ?? 1; }
  set playbackRate(r: number) { void this.ready().then((v) => { v.playbackRate = r; }); }

  async play(): Promise<void> { return (await this.ready()).play(); }
  pause(): void { this.video?.pause(); }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.hasAttribute('tabindex')) this.tabIndex = 0;
    if (!this.hasAttribute('role')) this.setAttribute('role', 'region');
    const label = !this.hasAttribute('aria-label');
    if (label) this.setAttribute('aria-label', messagesFor(this.locale).player);
    void loadLocale(this.locale).then(() => {
      if (label) this.setAttribute('aria-label', messagesFor(this.locale).player);
      this.requestUpdate();
    });
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('rate') && isPaid(this.rate)) this.loadCommerce();
  }

  /** Also waits for the paid-video chunk when `rate` asks for it, so `meter`, `identity` and `payments` exist after it. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const done = await super.getUpdateComplete();
    if (!this.commerceLoading) return done;
    await this.commerceLoading;
    return super.getUpdateComplete();
  }

  private loadCommerce(): void {
    this.commerceLoading ??= import('./commerce.js').then(({ Commerce }) => {
      this.commerce = new Commerce(this);
      this.requestUpdate();
    });
  }

  protected override update(changed: PropertyValues): void {
    super.update(changed);
    // Known before controllers' hostUpdated runs (it precedes firstUpdated), so playback and the
    // meter attach on the very first update instead of waiting for another render.
    this.video ??= this.renderRoot.querySelector('video');
  }

  protected override firstUpdated(changed: PropertyValues): void {
    super.firstUpdated(changed);
    // Controls load after the first render (after the first frame when the player starts on its own): see ui/chrome-timing.ts.
    void controlsWanted(this).then(() => import('./ui/chrome.js')).then((chrome) => {
      const root = this.renderRoot as ShadowRoot;
      const sheet = chrome.controlsStyles.styleSheet;
      if (sheet) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      this.chrome = chrome;
      this.requestUpdate();
    });
  }

  override render() {
    const m = messagesFor(this.locale);
    const video = this.video;
    return html`
      <video part="video" playsinline .muted=${this.muted} ?autoplay=${this.autoplay} ?loop=${this.loop}
        preload=${this.preload} poster=${this.poster || nothing}
        @click=${() => video && (video.paused ? video.play().catch(() => undefined) : video.pause())}></video>
      <slot></slot>
      ${renderStatusOverlay(this.playback, m)}
      ${this.renderCommerce()}
      ${video && this.chrome ? this.chrome.renderControls(this, video, m, this.locale) : nothing}
    `;
  }

  /** The seam for selling video by the second: the paid-video chunk's overlays (commerce.ts), once it is loaded. */
  protected renderCommerce(): unknown {
    return this.commerce ? this.commerce.render() : nothing;
  }

  private async ready(): Promise<HTMLVideoElement> {
    if (!this.video) await this.updateComplete;
    return this.video!;
  }

  private readonly onKeydown = (event: KeyboardEvent): void => {
    if (this.video && this.chrome?.handleKey(event, this, this.video)) event.preventDefault();
  };
}

/** A price above zero: "0", "0.000" and an absent rate are free. A malformed one loads commerce, which reports RATE_INVALID. */
function isPaid(rate: string | null): boolean {
  return rate != null && rate.trim() !== '' && !/^\s*0*(\.0*)?\s*$/.test(rate);
}

if (globalThis.customElements && !customElements.get('sippar-player')) customElements.define('sippar-player', SipparPlayer);

declare global {
  interface HTMLElementTagNameMap {
    'sippar-player': SipparPlayer;
  }
}
