// Over the picture when an attribute the price depends on was refused (RATE_INVALID, …): nothing plays,
// and the viewer reads why in the page's language (the page's developer gets the exact reason in the console).
import { html, nothing, type TemplateResult } from 'lit';
import { blockingError, priceError, type PlayerConfig } from '../config/player-config.js';
import { t } from '../i18n/locale.js';

export function configOverlay(config: PlayerConfig, locale: string): TemplateResult | typeof nothing {
  // The page's attributes first, then the catalog's refusal (PRICE_MISMATCH, UNKNOWN_CONTENT, …).
  const e = blockingError(config) ?? priceError(config);
  if (!e) return nothing;
  return html`<div class="overlay error" part="overlay error" role="alert" data-code=${e.code}>
    <p part="error-message">${t(locale, 'configTitle')}. ${t(locale, e.code)}</p>
  </div>`;
}
