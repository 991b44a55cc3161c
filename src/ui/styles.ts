import { css } from '@lit/reactive-element';

/**
 * Base styles (host, picture, overlay box, spinner), in the initial script; the control bar's and the
 * error and notice overlays' own rules load with the chrome (controls-styles.ts). Themable through custom properties (--sippar-accent, --sippar-controls-bg, --sippar-controls-fg,
 * --sippar-font, --sippar-radius) and ::part. Shipped as a constructed stylesheet, so a strict
 * CSP (style-src 'self') accepts it.
 */
export const styles = css`
  :host {
    display: block;
    position: relative;
    background: #000;
    color: var(--sippar-controls-fg, #fff);
    font: 13px/1.3 var(--sippar-font, system-ui, sans-serif);
    border-radius: var(--sippar-radius, 0);
    overflow: hidden;
    aspect-ratio: 16 / 9;
  }
  :host(:focus-visible) { outline: 2px solid var(--sippar-accent, #4af); outline-offset: 2px; }
  slot { position: absolute; inset: 0; display: block; pointer-events: none; }
  ::slotted(*) { pointer-events: auto; }
  video { display: block; width: 100%; height: 100%; object-fit: contain; }
  .overlay {
    position: absolute; inset: 0; display: flex; flex-direction: column; gap: 12px;
    align-items: center; justify-content: center; text-align: center; padding: 16px;
    background: rgb(0 0 0 / 0.7);
  }
  .overlay.quiet { background: none; pointer-events: none; }
  .overlay[hidden] { display: none; }
  .overlay p { margin: 0; max-width: 36em; }
  .spinner {
    width: 36px; height: 36px; border-radius: 50%;
    border: 3px solid rgb(255 255 255 / 0.3); border-top-color: var(--sippar-accent, #4af);
    animation: spin 0.9s linear infinite;
  }
  @keyframes spin { to { transform: rotate(1turn); } }
  @media (prefers-reduced-motion: reduce) {
    .spinner { animation-duration: 3s; }
  }
`;
