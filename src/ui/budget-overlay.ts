// Over the picture when the session's budget is spent: the meter has paused playback; the viewer may
// continue by adding the same budget again (::part(budget), ::part(budget-button)).
import { html, nothing, type TemplateResult } from 'lit';
import type { MeterSnapshot } from '../metering/meter-store.js';
import { formatAmount } from './amounts.js';
import { t } from '../i18n/locale.js';
import { fill } from '../i18n/paid-messages.js';

export function budgetOverlay(s: MeterSnapshot, step: number | null, locale: string, onContinue: () => void): TemplateResult | typeof nothing {
  if (s.budgetState !== 'reached') return nothing;
  const reached = fill(t(locale, 'budgetReached'), { amount: formatAmount(s.budgetMicroAlgos ?? 0, locale) });
  const more = fill(t(locale, 'budgetContinue'), { amount: formatAmount(step ?? s.budgetMicroAlgos ?? 0, locale) });
  return html`<div part="overlay budget" class="overlay" role="dialog" aria-label=${t(locale, 'budgetLabel')}><p>${reached}</p><button part="button budget-button" @click=${onContinue}>${more}</button></div>`;
}
