// The overlay for payment states that stop playback (402, payment API unreachable, another tab, a refused
// session) and a small strip during grace. A template function rendered in the player's shadow root.
import { css, html, nothing, type TemplateResult } from 'lit';
import type { PaymentState } from '../payments/payments-store.js';
import { formatAlgo } from '../metering/money.js';

export interface PaymentOverlayProps {
  state: PaymentState;
  onRetry: () => void;
  onWatchHere: () => void;
  now?: number;
}

export function paymentOverlay({ state, onRetry, onWatchHere, now = Date.now() }: PaymentOverlayProps): TemplateResult | typeof nothing {
  const { status, error } = state;
  if (status === 'grace') {
    const left = Math.max(0, Math.ceil(((state.graceEndsAt ?? now) - now) / 1000));
    return html`<div part="payment payment-grace" class="payment strip" role="status">
      Reconnecting to the payment service… playback pauses in ${left} s if it stays unreachable.
    </div>`;
  }
  const balance = state.balanceMicroAlgos !== undefined ? html`<p>Balance: ${formatAlgo(state.balanceMicroAlgos)} ALGO</p>` : nothing;
  const dialog = (code: string, title: string, message: string, button: TemplateResult) =>
    html`<div part="payment" class="payment" role="alertdialog" aria-labelledby="payment-title" aria-describedby="payment-message" data-code=${code}>
      <h2 id="payment-title">${title}</h2>
      <p id="payment-message">${message}</p>
      ${balance} ${button}
    </div>`;
  switch (status) {
    case 'insufficient-funds':
      return dialog('INSUFFICIENT_FUNDS', 'Not enough funds', error?.message ?? 'Your balance does not cover more of this video.',
        html`<button part="payment-button" @click=${onRetry}>I topped up, continue</button>`);
    case 'paused-unreachable':
      return dialog('PAYMENT_API_UNREACHABLE', 'Payment service unreachable', error?.message ?? 'Playback resumes when the payment service is back.',
        html`<button part="payment-button" @click=${onRetry}>Retry now</button>`);
    case 'elsewhere':
      return dialog('WATCHING_ELSEWHERE', 'Playing in another tab', error?.message ?? 'This video is playing in another tab.',
        html`<button part="payment-button" @click=${onWatchHere}>Watch here</button>`);
    case 'error':
      return dialog(error?.code ?? 'PAYMENT_REJECTED', 'Payment problem', error?.message ?? 'The payment service refused this session.',
        html`<button part="payment-button" @click=${onRetry}>Try again</button>`);
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
