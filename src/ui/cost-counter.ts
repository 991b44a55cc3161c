// The live cost counter in a corner of the picture (::part(counter)), and a polite live region that
// speaks on pause, end and budget changes only: a screen reader must not read a number every second.
import { css, html, nothing, type TemplateResult } from 'lit';
import type { MeterSnapshot } from '../metering/meter-store.js';
import { t } from '../i18n/locale.js';
import { formatTime } from '../i18n/format-time.js';
import { fill } from '../i18n/paid-messages.js';
import type { FiatHint } from '../config/player-config.js';
import type { AdBreakState } from '../ads/ad-break.js';
import { formatAmount, formatFiat } from './amounts.js';

export { formatAmount } from './amounts.js';

/** "Ad · you are not charged · <advertiser>" while an ad plays (the advertiser is text, never markup). */
export function adLabel(ad: AdBreakState, locale: string): string {
  if (ad.status !== 'playing') return '';
  return ad.advertiser ? fill(t(locale, 'counterAdBy'), { advertiser: ad.advertiser }) : t(locale, 'counterAd');
}

/** What the live region says; empty while playing, so it changes (and speaks) only on these moments. */
export function announcement(s: MeterSnapshot, locale: string, ad: AdBreakState = { status: 'none' }): string {
  // Said once as the ad starts (the text stays the same while it plays).
  if (ad.status === 'playing') return adLabel(ad, locale);
  const amount = formatAmount(s.totalMicroAlgos, locale);
  if (s.budgetState === 'reached') return fill(t(locale, 'announceBudget'), { amount });
  if (s.status === 'paused' || s.status === 'ended') {
    return fill(t(locale, s.status === 'ended' ? 'announceEnded' : 'announcePaused'), { time: formatTime(s.watchedSeconds, locale), amount });
  }
  if (s.budgetState === 'warning') return t(locale, 'announceWarning');
  return '';
}

/**
 * Before play: the price and the free preview. During the preview: how much of it is left (nothing is
 * billed). After it: billed time and billed money, apart from the preview. Paused or ended: the total.
 * During an ad (`ad` playing): that the viewer is not charged, by whom, and the ad's seconds left.
 */
export function costCounter(s: MeterSnapshot, locale: string, fiat: FiatHint | null = null, ad: AdBreakState = { status: 'none' }): TemplateResult | typeof nothing {
  if (!s.rateMicroAlgos) return nothing;
  const say = (key: Parameters<typeof t>[1], values: Record<string, string | number> = {}) => fill(t(locale, key), values);
  if (ad.status === 'playing') {
    const left = Math.ceil(Math.max(0, ad.durationSeconds - ad.watchedSeconds));
    const text = `${adLabel(ad, locale)}${left > 0 ? ` · ${say('counterAdLeft', { seconds: left })}` : ''}`;
    return html`<div part="counter ad-counter" class="counter" data-ad>${text}</div><span class="sr" aria-live="polite">${announcement(s, locale, ad)}</span>`;
  }
  const money = (micro: number) => [formatAmount(micro, locale), formatFiat(micro, fiat, locale)].filter(Boolean).join(' ');
  const inPreview = s.previewUsed < s.previewSeconds;
  const text =
    s.status === 'idle'
      ? `${say('counterRate', { amount: formatAmount(s.rateMicroAlgos, locale) })}${s.previewSeconds ? ` · ${say('counterFree', { seconds: s.previewSeconds })}` : ''}`
      : s.status === 'paused' || s.status === 'ended'
        ? say('counterTotal', { amount: money(s.totalMicroAlgos) })
        : inPreview
          ? say('counterPreviewLeft', { time: formatTime(s.previewUsed, locale), total: formatTime(s.previewSeconds, locale) })
          : say('counterBilled', { time: formatTime(s.billedSeconds, locale), amount: money(s.totalMicroAlgos) });
  return html`<div part="counter" class="counter" ?data-warning=${s.budgetState === 'warning' || s.budgetState === 'reached'}>${text}</div><span class="sr" aria-live="polite">${announcement(s, locale)}</span>`;
}

/**
 * @cssprop --sippar-counter-bg - Counter background.
 * @cssprop --sippar-counter-fg - Counter text colour.
 * @cssprop --sippar-counter-warning-bg - Counter background near or at the budget.
 * @cssprop --sippar-counter-ad-bg - Counter background while an ad plays (the viewer is not charged).
 */
// Written compact: Lit's css`` text reaches the bundle as it is, unminified.
export const costCounterStyles = css`.counter{position:absolute;top:8px;right:8px;padding:2px 8px;pointer-events:none;border-radius:var(--sippar-radius,4px);font-variant-numeric:tabular-nums;background:var(--sippar-counter-bg,#0009);color:var(--sippar-counter-fg,#fff)}.counter[data-warning]{background:var(--sippar-counter-warning-bg,#a15c00)}.counter[data-ad]{background:var(--sippar-counter-ad-bg,#1d4f91)}.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}`;
