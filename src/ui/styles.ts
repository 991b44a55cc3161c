import { css } from 'lit';

/**
 * Themable through custom properties (--sippar-accent, --sippar-controls-bg, --sippar-controls-fg,
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
  video { display: block; width: 100%; height: 100%; object-fit: contain; }
  .overlay {
    position: absolute; inset: 0; display: flex; flex-direction: column; gap: 12px;
    align-items: center; justify-content: center; text-align: center; padding: 16px;
    background: rgb(0 0 0 / 0.7);
  }
  .overlay.quiet { background: none; pointer-events: none; }
  .overlay p { margin: 0; max-width: 36em; }
  .notice { justify-content: flex-start; }
  .notice p { background: rgb(0 0 0 / 0.75); padding: 6px 10px; border-radius: 4px; }
  .spinner {
    width: 36px; height: 36px; border-radius: 50%;
    border: 3px solid rgb(255 255 255 / 0.3); border-top-color: var(--sippar-accent, #4af);
    animation: spin 0.9s linear infinite;
  }
  @keyframes spin { to { transform: rotate(1turn); } }
  .controls {
    position: absolute; left: 0; right: 0; bottom: 0; padding: 4px 8px;
    background: var(--sippar-controls-bg, linear-gradient(transparent, rgb(0 0 0 / 0.75)));
    transition: opacity 0.3s;
  }
  :host(:not(:hover):not(:focus-within)) .controls[data-playing] { opacity: 0; }
  .bar { display: flex; align-items: center; gap: 4px; }
  .spacer { flex: 1; }
  .time { font-variant-numeric: tabular-nums; padding: 0 6px; white-space: nowrap; }
  button, select {
    color: inherit; font: inherit; background: none; border: 0; border-radius: 4px;
    padding: 4px; cursor: pointer;
  }
  button { width: 32px; height: 32px; }
  select option { color: #000; }
  svg { width: 24px; height: 24px; fill: currentColor; display: block; }
  .error button { width: auto; padding: 6px 16px; background: var(--sippar-accent, #4af); color: #000; }
  button:focus-visible, select:focus-visible, input:focus-visible {
    outline: 2px solid var(--sippar-accent, #4af); outline-offset: 1px;
  }
  input[type='range'] { accent-color: var(--sippar-accent, #4af); margin: 0; }
  .volume { width: 70px; }
  .seek { position: relative; height: 16px; display: flex; align-items: center; }
  .seek input { width: 100%; position: relative; background: transparent; }
  .buffer { position: absolute; left: 0; top: 6px; width: 100%; height: 4px; }
  .buffered { fill: rgb(255 255 255 / 0.35); }
  @media (prefers-reduced-motion: reduce) {
    .spinner { animation-duration: 3s; }
    .controls { transition: none; }
  }
`;
