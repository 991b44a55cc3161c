// Time as the control bar and the cost counter show it; not in the first script (locale.ts is).
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
