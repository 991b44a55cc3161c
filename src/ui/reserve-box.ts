/**
 * The box a player takes before its definition arrives, so the page does not jump when it does
 * (CLS 0): the same display and aspect ratio as the defined element's :host rule. A constructed
 * stylesheet, which a strict CSP (style-src 'self') accepts. Pages that import the ES module
 * without the loader can copy RESERVE_BOX_CSS into their own stylesheet.
 */
export const RESERVE_BOX_CSS = 'sippar-player:not(:defined){display:block;aspect-ratio:16/9;background:#000}';

export function reserveBoxes(doc: Document = document): void {
  if (typeof CSSStyleSheet === 'undefined' || !('adoptedStyleSheets' in doc)) return;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(RESERVE_BOX_CSS);
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
}
