// A strip over the picture when the signed-in viewer's balance is low — before it runs out, not at the 402 —
// with a Top up button that asks the platform (`sippar-topup-request`, and `topup-url` when the page gives one).
import { css, html, nothing, type TemplateResult } from 'lit';
import { t } from '../i18n/locale.js';
import { fill } from '../i18n/paid-messages.js';
import { formatAmount } from './amounts.js';

/** Low: it would not pay for as long as the free preview lasts (ten seconds at least). */
export function lowBalance(balanceMicroAlgos: number | undefined, rateMicroAlgos: number, previewSeconds: number): boolean {
  return balanceMicroAlgos !== undefined && rateMicroAlgos > 0 && balanceMicroAlgos < rateMicroAlgos * Math.max(previewSeconds, 10);
}

export function topupNotice(balanceMicroAlgos: number, rateMicroAlgos: number, locale: string, onTopup: () => void): TemplateResult | typeof nothing {
  const message = fill(t(locale, 'topupMessage'), { amount: formatAmount(balanceMicroAlgos, locale), seconds: Math.floor(balanceMicroAlgos / rateMicroAlgos) });
  return html`<div part="topup" class="topup" role="status"><strong>${t(locale, 'topupTitle')}</strong> <span>${message}</span>
    <button part="button topup-button" @click=${onTopup}>${t(locale, 'topupButton')}</button></div>`;
}

export const topupNoticeStyles = css`.topup{position:absolute;inset:auto .5em 3.5em .5em;display:flex;flex-wrap:wrap;align-items:center;gap:.5em;padding:.4em .8em;border-radius:var(--sippar-radius,.4em);background:var(--sippar-payment-background,#000c);color:var(--sippar-payment-color,#fff);font:var(--sippar-font,.85rem/1.4 system-ui,sans-serif);z-index:2}.topup button{font:inherit;cursor:pointer;padding:.3em .8em;border:0;border-radius:var(--sippar-radius,.4em);background:var(--sippar-accent,#29abe2);color:#000}`;
