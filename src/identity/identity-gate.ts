// The element's glue for identity: the IdentityController with the parsed sign-in configuration, and
// the login overlay (the dialog when the play policy says a sign-in is needed, else the signed-in badge).
// It decides nothing about playback: the play policy reads `canCharge` and the identity store.
import type { ReactiveController, ReactiveElement } from 'lit';
import { IdentityController } from './identity-controller.js';
import { loginOverlay, loginOverlayStyles } from '../ui/login-overlay.js';
import { adoptStyles } from '../ui/adopt-styles.js';
import { messagesFor, pageLocale } from '../i18n/locale.js';
import { formatAlgo } from '../metering/money.js';
import type { PlayerConfig } from '../config/player-config.js';

export interface IdentityGateOptions {
  /** How long to wait for the identity provider's window to say it is ready. */
  readyTimeoutMs?: number;
  /** An identity injected by the page (`player.services.auth`, tests and Storybook) replaces the sign-in. */
  injectedAuth?: () => { readonly identity: unknown } | undefined;
}

export class IdentityGate implements ReactiveController {
  readonly controller: IdentityController;

  constructor(private readonly host: ReactiveElement, private readonly config: () => PlayerConfig, private readonly options: IdentityGateOptions = {}) {
    this.controller = new IdentityController(host, () => {
      const c = this.config();
      const e = c.errors.find((x) => x.code === 'IDP_URL_INVALID');
      return { login: c.login, api: c.api, ...(e && { loginError: { code: 'IDP_URL_INVALID' as const, message: e.message } }) };
    }, options.readyTimeoutMs);
    host.addController(this);
  }

  /** Signed in (or an identity injected through `player.services.auth`) with nothing standing in the way. */
  get canCharge(): boolean {
    const injected = this.options.injectedAuth?.();
    return injected ? !!injected.identity : this.controller.canCharge;
  }

  hostConnected(): void {
    // Adopt the overlay's styles here so the element's own `styles` need no edit.
    adoptStyles(this.host, [loginOverlayStyles]);
  }

  hostUpdate(): void {
    const c = this.config();
    const bad = c.errors.find((x) => x.code === 'IDP_URL_INVALID');
    // Reported when set, not when the viewer clicks (the composition sends the sippar-error event).
    if (bad) this.controller.refuse('IDP_URL_INVALID', bad.message);
    else this.controller.accept();
    if (c.rateMicroAlgos > 0) void this.controller.prepare();
  }

  /** `dialog`: the play policy's top blocker is the sign-in. The badge shows on paid videos once signed in. */
  render(dialog: boolean, balance?: string): unknown {
    const state = this.controller.state.get();
    const c = this.config();
    if (c.rateMicroAlgos === 0 || (!dialog && state.status !== 'signed-in')) return null;
    return loginOverlay({
      state,
      rate: formatAlgo(c.rateMicroAlgos),
      m: messagesFor(pageLocale(this.host)),
      onSignIn: () => void this.controller.signIn(),
      onSignOut: () => void this.controller.signOut(),
      ...(balance && { balance }),
    });
  }
}
