import type { CSSResult, ReactiveElement } from 'lit';

/**
 * Adds the styles of the paid-video overlays (counter, payment, login) to the element's shadow
 * root, once each: the element's static `styles` stay those of its first script. (The element adopts
 * the lazy controls' styles itself: importing this from the first script would cost it a chunk.)
 */
export function adoptStyles(host: ReactiveElement, styles: CSSResult[]): void {
  const root = host.renderRoot as ShadowRoot | undefined;
  if (!root?.adoptedStyleSheets) return;
  const sheets = styles.map((s) => s.styleSheet).filter((s): s is CSSStyleSheet => !!s && !root.adoptedStyleSheets.includes(s));
  if (sheets.length) root.adoptedStyleSheets = [...root.adoptedStyleSheets, ...sheets];
}
