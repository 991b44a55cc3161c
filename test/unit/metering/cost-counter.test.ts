import { describe, it, expect } from 'vitest';
import '../../../src/i18n/paid-messages.js';
import { adLabel, announcement, formatAmount } from '../../../src/ui/cost-counter.js';
import type { AdBreakState } from '../../../src/ads/ad-break.js';
import { emptySnapshot, type MeterSnapshot } from '../../../src/metering/meter-store.js';

const snap = (o: Partial<MeterSnapshot>): MeterSnapshot => ({ ...emptySnapshot(1000, 10_000), ...o });

describe('cost counter text', () => {
  it('formats microAlgos as ALGO in the page locale', () => {
    expect(formatAmount(1000, 'en')).toBe('0.001 ALGO');
    expect(formatAmount(1_234_567, 'en')).toBe('1.234567 ALGO');
    // Three decimals at least, so amounts side by side line up (#13: consistent formatting).
    expect(formatAmount(1_500_000, 'fr')).toBe('1,500 ALGO');
    expect(formatAmount(1_000_000_000, 'de')).toBe('1.000,000 ALGO');
  });
  it('announces on pause, end and budget only, never while playing', () => {
    expect(announcement(snap({ status: 'playing', totalMicroAlgos: 5000, watchedSeconds: 5 }), 'en')).toBe('');
    expect(announcement(snap({ status: 'paused', totalMicroAlgos: 5000, watchedSeconds: 65 }), 'en')).toBe('Paused. 1:05 watched, 0.005 ALGO');
    expect(announcement(snap({ status: 'ended', totalMicroAlgos: 5000, watchedSeconds: 5 }), 'en')).toBe('Ended. 0:05 watched, 0.005 ALGO');
    expect(announcement(snap({ status: 'playing', budgetState: 'warning', totalMicroAlgos: 9000 }), 'en')).toBe('Budget almost spent');
    expect(announcement(snap({ status: 'paused', budgetState: 'reached', totalMicroAlgos: 10_000 }), 'en')).toBe('Budget reached: 0.010 ALGO spent');
  });
  it('during an ad: the viewer is not charged, by whom (as given), said once as it starts', () => {
    const ad: AdBreakState = { status: 'playing', breakId: 'sippar-break-0', auctionId: 'auc_1', advertiser: 'Acme <b>&', durationSeconds: 6, watchedSeconds: 2 };
    expect(adLabel(ad, 'en')).toBe('Ad · you are not charged · Acme <b>&');
    expect(adLabel(ad, 'fr')).toBe('Publicité · rien ne vous est facturé · Acme <b>&');
    expect(adLabel({ ...ad, advertiser: '' }, 'en')).toBe('Ad · you are not charged');
    expect(adLabel({ ...ad, advertiser: '{seconds}' }, 'en')).toBe('Ad · you are not charged · {seconds}');
    expect(announcement(snap({ status: 'playing' }), 'en', ad)).toBe('Ad · you are not charged · Acme <b>&');
    expect(adLabel({ status: 'none' }, 'en')).toBe('');
  });
});
