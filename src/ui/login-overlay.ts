// The sign-in overlay over a paid video whose free preview is used up, and the signed-in badge.
// A template function, not an element: it renders inside the player's shadow root (::part(login)).
import { css, html, nothing, type TemplateResult } from 'lit';
import { ref } from 'lit/directives/ref.js';
import type { IdentityState } from '../identity/identity-controller.js';
import type { Messages } from '../i18n/messages.js';

export interface LoginOverlayProps {
  state: IdentityState;
  /** ALGO per second, as the `rate` attribute says it. */
  rate: string;
  /** The page's language catalogue (messagesFor(pageLocale(host))). */
  m: Messages;
  onSignIn: () => void;
  onSignOut: () => void;
  /** The viewer's balance, formatted ("Balance 1.250 ALGO"), shown in the signed-in badge. */
  balance?: string;
}

/** `abcde-…-xyz`: first and last group of a principal's text form. */
export function shortPrincipal(text: string): string {
  const groups = text.split('-');
  return groups.length < 3 ? text : `${groups[0]}-…-${groups[groups.length - 1]}`;
}

// A stable callback: Lit calls it once per new button, so focus moves into the dialog once. The button stays
// focusable while busy (aria-disabled, not disabled): a disabled button cannot take that focus.
const focusIn = (el?: Element) => el && queueMicrotask(() => (el as HTMLElement).focus()); // after Lit inserts the fragment

export function loginOverlay({ state, rate, m, onSignIn, onSignOut, balance }: LoginOverlayProps): TemplateResult | typeof nothing {
  const { status, error } = state;
  if (status === 'idle') return nothing;
  if (status === 'signed-in') {
    return html`<div part="login login-signed-in" class="login badge" role="status" aria-label=${m.loginSignedIn}>
      <span title=${state.principal ?? ''}>${shortPrincipal(state.principal ?? '')}</span>
      ${state.algorandAddress
        ? html`<span class="address" title=${state.algorandAddress}>${state.algorandAddress.slice(0, 6)}…${state.algorandAddress.slice(-4)}</span>`
        : nothing}
      ${balance ? html`<span class="balance">${balance}</span>` : nothing}
      ${error ? html`<span class="error" role="alert" title=${error.message}>${(m as Record<string, string>)[error.code] ?? error.message}</span>` : nothing}
      <button part="login-button" @click=${onSignOut}>${m.loginSignOut}</button>
    </div>`;
  }
  const message = {
    restoring: m.loginRestoring,
    'signed-out': '',
    'signing-in': m.loginSigningIn,
    blocked: m.POPUP_BLOCKED,
    failed: m.loginFailed.replace('{reason}', error?.message ?? ''),
    expired: m.SESSION_EXPIRED,
  }[status];
  const busy = status === 'restoring' || status === 'signing-in';
  return html`<div part="login" class="login" role="dialog" aria-modal="true" aria-labelledby="login-title" aria-describedby="login-message">
    <h2 id="login-title">${m.loginTitle.replace('{rate}', rate)}</h2>
    <p id="login-message" role=${status === 'failed' || status === 'blocked' ? 'alert' : 'status'}>${message}</p>
    <button part="login-button" ${ref(focusIn)} aria-disabled=${busy ? 'true' : 'false'} aria-busy=${busy ? 'true' : 'false'}
      @click=${() => busy || onSignIn()}>
      ${status === 'failed' || status === 'blocked' || status === 'expired' ? m.loginRetry : m.loginSignIn}
    </button>
  </div>`;
}

export const loginOverlayStyles = css`
  .login {
    position: absolute; inset: 0; display: grid; place-content: center; gap: .75em; padding: 1em; text-align: center;
    background: var(--sippar-login-background, rgb(0 0 0 / .8)); color: var(--sippar-login-color, #fff);
    font: var(--sippar-login-font, 1rem/1.4 system-ui, sans-serif); z-index: 2;
  }
  .login h2 { margin: 0; font-size: 1.1em; }
  .login p { margin: 0; min-height: 1.4em; }
  .login button {
    font: inherit; cursor: pointer; padding: .5em 1em; border: 0; border-radius: var(--sippar-login-radius, .4em);
    background: var(--sippar-login-accent, #29abe2); color: var(--sippar-login-accent-text, #000);
  }
  .login button[aria-disabled='true'] { opacity: .6; cursor: progress; }
  .login button:focus-visible { outline: 2px solid var(--sippar-login-color, #fff); outline-offset: 2px; }
  .login.badge {
    inset: .5em auto auto .5em; display: flex; align-items: center; gap: .5em; padding: .25em .5em;
    font-size: .8em; border-radius: var(--sippar-login-radius, .4em); place-content: initial;
  }
  .login.badge button { padding: .2em .6em; white-space: nowrap; }
  .login .error { color: var(--sippar-login-error, #ff8a80); }
`;
