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

const language = (locale: string) => locale.toLowerCase().split('-')[0]!;

/** The table for a locale; until loadLocale() has brought its strings, they read in English. */
export function messagesFor(locale: string): Messages {
  return catalogs[language(locale)] ?? catalogs['en']!;
}

const loaders: Record<string, () => Promise<unknown>> = { fr: () => import('./fr.js') };
const loading: Record<string, Promise<unknown>> = {};

/** Brings a language's player strings; resolves at once for English or a language without a table. */
export function loadLocale(locale: string): Promise<unknown> {
  const lang = language(locale);
  const load = loaders[lang];
  return load ? (loading[lang] ??= load()) : Promise.resolve();
}

/** A code that no table knows yet (a concern added it to errors.ts only) reads as itself, not "undefined". */
export function t(locale: string, key: MessageKey | SipparErrorCode): string {
  return (messagesFor(locale) as Record<string, string>)[key] ?? catalogs['en']![key as MessageKey] ?? key;
}
