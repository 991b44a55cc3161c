// The overlay for payment states that stop playback (402, payment API unreachable, another tab, a refused
// session) and a small strip during grace. A template function rendered in the player's shadow root.
import { css, html, nothing, type TemplateResult } from 'lit';
import type { PaymentState } from '../payments/payments-store.js';
import { t } from '../i18n/locale.js';
import { fill } from '../i18n/paid-messages.js';
import { formatAmount } from './amounts.js';

export interface PaymentOverlayProps {
  state: PaymentState;
  /** The page's language: every string below is localised. */
  locale: string;
  onRetry: () => void;
  onWatchHere: () => void;
  /** "Top up": the platform's own top-up (sippar-topup-request, topup-url). */
  onTopup?: () => void;
  now?: number;
}

export function paymentOverlay({ state, locale, onRetry, onWatchHere, onTopup, now = Date.now() }: PaymentOverlayProps): TemplateResult | typeof nothing {
  const { status, error } = state;
  const say = (key: string) => t(locale, key as never);
  if (status === 'grace') {
    const left = Math.max(0, Math.ceil(((state.graceEndsAt ?? now) - now) / 1000));
    return html`<div part="payment payment-grace" class="payment strip" role="status">${fill(say('paymentGrace'), { seconds: left })}</div>`;
  }
  const balance = state.balanceMicroAlgos !== undefined
    ? html`<p>${fill(say('paymentBalance'), { amount: formatAmount(state.balanceMicroAlgos, locale) })}</p>`
    : nothing;
  // The message from the code, in the page's language (the server's English text is for developers).
  const message = (fallback: string) => say(error?.code ?? fallback);
  const dialog = (code: string, title: string, message: string, button: TemplateResult) =>
    html`<div part="payment" class="payment" role="alertdialog" aria-labelledby="payment-title" aria-describedby="payment-message" data-code=${code}>
      <h2 id="payment-title">${title}</h2>
      <p id="payment-message">${message}</p>
      ${balance} ${button}
    </div>`;
  switch (status) {
    case 'insufficient-funds':
      return dialog('INSUFFICIENT_FUNDS', say('paymentFundsTitle'), message('INSUFFICIENT_FUNDS'),
        html`<button part="payment-button" @click=${onRetry}>${say('paymentFundsButton')}</button>${onTopup ? html`<button part="payment-button topup-button" @click=${onTopup}>${say('topupButton')}</button>` : nothing}`);
    case 'paused-unreachable':
      return dialog('PAYMENT_API_UNREACHABLE', say('paymentUnreachableTitle'), message('PAYMENT_API_UNREACHABLE'),
        html`<button part="payment-button" @click=${onRetry}>${say('paymentRetryNow')}</button>`);
    case 'elsewhere':
      return dialog('WATCHING_ELSEWHERE', say('paymentElsewhereTitle'), message('WATCHING_ELSEWHERE'),
        html`<button part="payment-button" @click=${onWatchHere}>${say('paymentWatchHere')}</button>`);
    case 'error':
      return dialog(error?.code ?? 'PAYMENT_REJECTED', say('paymentErrorTitle'), message('PAYMENT_REJECTED'),
        html`<button part="payment-button" @click=${onRetry}>${say('paymentTryAgain')}</button>`);
    default:
      return nothing;
  }
}

export const paymentOverlayStyles = css`
  .payment {
    position: absolute; inset: 0; display: grid; place-content: center; gap: .6em; padding: 1em; text-align: center;
    background: var(--sippar-payment-background, rgb(0 0 0 / .82)); color: var(--sippar-payment-color, #fff);
    font: var(--sippar-font, 1rem/1.4 system-ui, sans-serif); z-index: 3;
  }
  .payment.strip { inset: 0 0 auto 0; display: block; padding: .4em .8em; font-size: .85em; z-index: 3; }
  .payment h2 { margin: 0; font-size: 1.1em; }
  .payment p { margin: 0; }
  .payment button {
    font: inherit; cursor: pointer; padding: .5em 1em; border: 0; border-radius: var(--sippar-radius, .4em);
    background: var(--sippar-accent, #29abe2); color: #000; justify-self: center;
  }
  .payment button:focus-visible { outline: 2px solid #fff; outline-offset: 2px; }
`;
