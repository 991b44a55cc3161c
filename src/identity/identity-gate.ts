// The element's glue for identity: reads the identity attributes from the host, shows the login overlay
// when a paid video (rate > 0) has used its free preview, and holds playback paused until the viewer is
// signed in (and again when the sign-in expires). One field and one render call in the element.
import type { ReactiveController, ReactiveElement } from 'lit';
import { IdentityController } from './identity-controller.js';
import { loginOverlay, loginOverlayStyles } from '../ui/login-overlay.js';
import { adoptStyles } from '../ui/adopt-styles.js';
import { messagesFor, pageLocale } from '../i18n/locale.js';

type Host = ReactiveElement & { readonly media?: HTMLVideoElement | null };

export interface IdentityGateOptions {
  /** How long to wait for the identity provider's window to say it is ready. */
  readyTimeoutMs?: number;
  /** Whether the free preview is used up. The element passes the meter's count of preview seconds watched,
   *  so the gate and the bill agree; without it, the playback position decides. */
  previewSpent?: () => boolean;
  /** An identity injected by the page (`player.services.auth`, tests and Storybook) replaces the sign-in. */
  injectedAuth?: () => { readonly identity: unknown } | undefined;
}

export class IdentityGate implements ReactiveController {
  readonly controller: IdentityController;
  #media: HTMLVideoElement | null = null;

  constructor(private readonly host: Host, private readonly options: IdentityGateOptions = {}) {
    this.controller = new IdentityController(host, () => ({
      identityProvider: host.getAttribute('identity-provider'),
      derivationOrigin: host.getAttribute('derivation-origin'),
      maxTimeToLive: host.getAttribute('max-time-to-live'),
      api: host.getAttribute('api') || location.origin,
    }), options.readyTimeoutMs);
    host.addController(this);
  }

  /** ALGO per second from the `rate` attribute; absent, "0" or nonsense = free. */
  get rate(): number {
    const r = Number(this.host.getAttribute('rate') ?? 0);
    return Number.isFinite(r) && r > 0 ? r : 0;
  }

  get previewSeconds(): number {
    const p = Number(this.host.getAttribute('preview-seconds') ?? 0);
    return Number.isFinite(p) && p > 0 ? p : 0;
  }

  /** True when the viewer must sign in before playback may go on (and be charged). */
  get blocking(): boolean {
    if (this.rate === 0 || this.canCharge) return false;
    const { previewSpent } = this.options;
    return previewSpent ? previewSpent() : (this.#media?.currentTime ?? 0) >= this.previewSeconds;
  }

  /** Signed in (or an identity injected through `player.services.auth`) with nothing standing in the way. */
  get canCharge(): boolean {
    const injected = this.options.injectedAuth?.();
    return injected ? !!injected.identity : this.controller.canCharge;
  }

  hostConnected(): void {
    // Adopt the overlay's styles here so the element's own `styles` need no edit.
    adoptStyles(this.host, [loginOverlayStyles]);
    if (this.rate > 0) void this.controller.prepare();
  }

  hostUpdated(): void {
    const media = this.host.media ?? this.host.renderRoot?.querySelector('video') ?? null;
    if (media !== this.#media) {
      this.#media?.removeEventListener('timeupdate', this.#enforce);
      this.#media?.removeEventListener('play', this.#enforce);
      this.#media = media;
      media?.addEventListener('timeupdate', this.#enforce);
      media?.addEventListener('play', this.#enforce);
    }
    this.#enforce();
  }

  hostDisconnected(): void {
    this.#media?.removeEventListener('timeupdate', this.#enforce);
    this.#media?.removeEventListener('play', this.#enforce);
    this.#media = null;
  }

  #enforce = (): void => {
    const wasBlocking = this.host.hasAttribute('data-login-required');
    const blocking = this.blocking;
    if (blocking) {
      if (this.rate > 0) void this.controller.prepare();
      if (this.#media && !this.#media.paused) this.#media.pause();
    }
    if (blocking !== wasBlocking) {
      this.host.toggleAttribute('data-login-required', blocking);
      this.host.requestUpdate();
    }
  };

  render(): unknown {
    const state = this.controller.state.get();
    // The signed-in badge only on paid videos; the dialog only once the preview is used up.
    if (this.rate === 0 || (!this.blocking && state.status !== 'signed-in')) return null;
    return loginOverlay({
      state,
      rate: this.host.getAttribute('rate') ?? '',
      m: messagesFor(pageLocale(this.host)),
      onSignIn: () => void this.controller.signIn(),
      onSignOut: () => void this.controller.signOut(),
    });
  }
}
