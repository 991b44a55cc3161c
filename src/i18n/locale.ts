import type { SipparErrorCode } from '../errors.js';
import { catalogs, type MessageKey, type Messages } from './messages.js';

/**
 * The page's language decides: the element's closest [lang], then <html lang>, then the browser.
 * Guarded for SSR, where neither document nor navigator exist.
 */
export function pageLocale(from?: Element): string {
  const tagged = from?.closest?.('[lang]')?.getAttribute('lang');
  const nav = typeof navigator === 'undefined' ? undefined : navigator.language;
  return tagged || nav || 'en';
}

export function messagesFor(locale: string): Messages {
  return catalogs[locale.toLowerCase().split('-')[0]!] ?? catalogs['en']!;
}

/** A code that no table knows yet (a concern added it to errors.ts only) reads as itself, not "undefined". */
export function t(locale: string, key: MessageKey | SipparErrorCode): string {
  return (messagesFor(locale) as Record<string, string>)[key] ?? catalogs['en']![key as MessageKey] ?? key;
}

/** m:ss or h:mm:ss, digits from Intl so locales with their own numerals show them. */
export function formatTime(seconds: number, locale: string): string {
  const s = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  const two = new Intl.NumberFormat(locale, { minimumIntegerDigits: 2 });
  const one = new Intl.NumberFormat(locale);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = two.format(s % 60);
  return h ? `${one.format(h)}:${two.format(m)}:${sec}` : `${one.format(m)}:${sec}`;
}
