// Over the picture when the session's budget is spent: the meter has paused playback; the viewer may
// continue by adding the same budget again (::part(budget), ::part(budget-button)).
import { html, nothing, type TemplateResult } from 'lit';
import type { MeterSnapshot } from '../metering/meter-store.js';
import { formatAmount } from './cost-counter.js';

export function budgetOverlay(s: MeterSnapshot, step: number | null, locale: string, onContinue: () => void): TemplateResult | typeof nothing {
  if (s.budgetState !== 'reached') return nothing;
  return html`<div part="overlay budget" class="overlay" role="dialog" aria-label="Budget reached"><p>Budget of ${formatAmount(s.budgetMicroAlgos ?? 0, locale)} reached</p><button part="button budget-button" @click=${onContinue}>Continue: +${formatAmount(step ?? s.budgetMicroAlgos ?? 0, locale)}</button></div>`;
}
