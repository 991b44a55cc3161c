// Over the picture when the session's budget is spent — the meter's cap reached, or the payment API refused
// a tick past the budget the session was signed with — playback is paused; the viewer may continue by
// adding the same budget again (::part(budget), ::part(budget-button)). The caller shows it for the play
// policy's `budget` blocker.
import { html, nothing, type TemplateResult } from 'lit';
import type { MeterSnapshot } from '../metering/meter-store.js';
import { formatAmount } from './amounts.js';
import { t } from '../i18n/locale.js';
import { fill } from '../i18n/paid-messages.js';

export function budgetOverlay(s: MeterSnapshot, step: number | null, locale: string, onContinue: () => void): TemplateResult | typeof nothing {
  if (s.budgetMicroAlgos == null) return nothing;
  const reached = fill(t(locale, 'budgetReached'), { amount: formatAmount(s.budgetMicroAlgos ?? 0, locale) });
  const more = fill(t(locale, 'budgetContinue'), { amount: formatAmount(step ?? s.budgetMicroAlgos ?? 0, locale) });
  return html`<div part="overlay budget" class="overlay" role="dialog" aria-label=${t(locale, 'budgetLabel')}><p>${reached}</p><button part="button budget-button" @click=${onContinue}>${more}</button></div>`;
}
