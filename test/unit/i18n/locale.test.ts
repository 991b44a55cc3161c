import { describe, it, expect } from 'vitest';
import { messagesFor, t } from '../../../src/i18n/locale.js';
import { formatTime } from '../../../src/i18n/format-time.js';
import { catalogs } from '../../../src/i18n/messages.js';
import '../../../src/i18n/paid-messages.js';
import '../../../src/i18n/chrome-messages.js';
import '../../../src/i18n/fr.js';

describe('i18n', () => {
  it('has every English key in French', () => {
    expect(Object.keys(catalogs['fr']!).sort()).toEqual(Object.keys(catalogs['en']!).sort());
  });
  it('has the paid-video strings once the paid-video chunk has added them', () => {
    expect(t('en', 'INSUFFICIENT_FUNDS')).toMatch(/balance/);
    expect(t('fr', 'loginSignIn')).toBe('Se connecter avec Internet Identity');
  });
  it('picks the language from the locale and falls back to English', () => {
    expect(t('fr-CA', 'retry')).toBe('Réessayer');
    expect(messagesFor('de').retry).toBe('Retry');
  });
  it('formats time', () => {
    expect(formatTime(0, 'en')).toBe('0:00');
    expect(formatTime(65.9, 'en')).toBe('1:05');
    expect(formatTime(3725, 'en')).toBe('1:02:05');
    expect(formatTime(NaN, 'en')).toBe('0:00');
  });
});
