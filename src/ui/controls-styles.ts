import { css } from 'lit';

/** The control bar's styles: adopted by the element when the lazy controls chunk arrives. */
export const controlsStyles = css`
  .controls {
    position: absolute; left: 0; right: 0; bottom: 0; padding: 4px 8px;
    background: var(--sippar-controls-bg, linear-gradient(transparent, rgb(0 0 0 / 0.75)));
    transition: opacity 0.3s;
  }
  :host(:not(:hover):not(:focus-within)) .controls[data-playing] { opacity: 0; }
  .bar { display: flex; align-items: center; gap: 4px; }
  .spacer { flex: 1; }
  .time { font-variant-numeric: tabular-nums; padding: 0 6px; white-space: nowrap; }
  .controls button, .controls select {
    color: inherit; font: inherit; background: none; border: 0; border-radius: 4px;
    padding: 4px; cursor: pointer;
  }
  .controls button { width: 32px; height: 32px; }
  select option { color: #000; }
  .bar svg { width: 24px; height: 24px; fill: currentColor; display: block; }
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
    .controls { transition: none; }
  }
`;
