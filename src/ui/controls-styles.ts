import { css } from 'lit';

/**
 * The control bar's styles: adopted by the element when the lazy controls chunk arrives. Also the
 * hiding of what follows the controls (counter, signed-in badge: `data-controls-hidden` on the host,
 * set by controls-activity.ts). No comments inside: Lit's css`` text reaches the bundle as written.
 * - `[data-compact]` (a player narrower than COMPACT_WIDTH) or a coarse pointer: 44 px targets (WCAG 2.5.5).
 * - The signed-in badge, short of room: the address gives way first; the balance is what a viewer needs to read.
 * - The settings menu sits above the bar, inside the player however short it is (it scrolls if it must).
 * - On a narrow player the signed-in badge (top left) gives way to the counter (top right, ~160 px):
 *   its principal and address shorten with an ellipsis, its button stays whole.
 * - On a short player the sign-in dialog's text clears the counter's row at the top.
 */
export const controlsStyles = css`
  .error button {
    font: inherit; border: 0; border-radius: 4px; padding: 6px 16px; cursor: pointer;
    background: var(--sippar-accent, #4af); color: #000;
  }
  .error button:focus-visible { outline: 2px solid #fff; outline-offset: 2px; }
  .notice { justify-content: flex-start; }
  .notice p { background: rgb(0 0 0 / 0.75); padding: 6px 10px; border-radius: 4px; }
  .controls {
    position: absolute; left: 0; right: 0; bottom: 0; padding: 4px 8px;
    background: var(--sippar-controls-bg, linear-gradient(transparent, rgb(0 0 0 / 0.75)));
  }
  .controls, .center-play, [part~='counter'], [part~='login-signed-in'] { transition: opacity 0.3s; }
  :host([data-controls-hidden]) :is(.controls, .center-play, [part~='counter'], [part~='login-signed-in']) {
    opacity: 0; pointer-events: none;
  }
  .bar { display: flex; align-items: center; gap: 4px; }
  .spacer { flex: 1; }
  .time { font-variant-numeric: tabular-nums; padding: 0 6px; white-space: nowrap; }
  .controls button, .controls select, .menu button, .center-play {
    color: inherit; font: inherit; background: none; border: 0; border-radius: 4px;
    padding: 4px; cursor: pointer;
  }
  .controls button { width: 32px; height: 32px; flex: none; }
  select option { color: #000; }
  .bar svg, .menu svg { width: 24px; height: 24px; fill: currentColor; display: block; }
  button:focus-visible, select:focus-visible, input:focus-visible {
    outline: 2px solid var(--sippar-accent, #4af); outline-offset: 1px;
  }
  input[type='range'] { accent-color: var(--sippar-accent, #4af); margin: 0; }
  .volume { width: 70px; }
  .seek { position: relative; height: 16px; display: flex; align-items: center; }
  .seek input { width: 100%; height: 100%; position: relative; background: transparent; }
  .buffer { position: absolute; left: 0; top: calc(50% - 2px); width: 100%; height: 4px; }
  .buffered { fill: rgb(255 255 255 / 0.35); }

  .center-play {
    position: absolute; inset: 0; margin: auto; width: 64px; height: 64px; padding: 12px;
    border-radius: 50%; background: var(--sippar-center-play-bg, rgb(0 0 0 / 0.55));
  }
  .center-play svg { width: 40px; height: 40px; fill: currentColor; display: block; }
  .overlay:not(.quiet) ~ .center-play { display: none; }

  .controls[data-compact] .seek { height: 44px; }
  .controls[data-compact] button { width: 44px; height: 44px; padding: 10px; }
  .controls[data-compact] .bar { gap: 0; }
  .controls[data-compact] .time { padding: 0 4px; }
  @media (pointer: coarse) {
    .controls .seek { height: 44px; }
    .controls button { width: 44px; height: 44px; padding: 10px; }
  }
  .settings[aria-expanded='true'] svg { transform: rotate(30deg); }

  .menu {
    position: absolute; right: 8px; bottom: 52px; max-height: calc(100% - 60px); max-width: calc(100% - 16px);
    box-sizing: border-box; overflow: auto; padding: 4px; border-radius: 8px; z-index: 4;
    background: var(--sippar-menu-bg, rgb(20 20 20 / 0.92)); display: flex; flex-direction: column; gap: 2px;
  }
  .menu-row { display: flex; align-items: center; }
  .menu-label { width: 64px; flex: none; font-size: 11px; line-height: 1.2; padding-right: 4px; opacity: 0.8; }
  .menu button { min-width: 44px; height: 44px; padding: 0 4px; white-space: nowrap; font-variant-numeric: tabular-nums; }
  .menu [aria-checked='true'] { background: var(--sippar-accent, #4af); color: #000; }
  .menu .menu-wide { display: flex; align-items: center; gap: 8px; padding: 0 10px; }
  .menu button:hover { background: rgb(255 255 255 / 0.15); }
  .menu [aria-checked='true']:hover { background: var(--sippar-accent, #4af); }

  [part~='login-signed-in'] { max-width: calc(100% - 170px); box-sizing: border-box; }
  [part~='login-signed-in'] > span { min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  [part~='login-signed-in'] > button { flex: none; }
  [part~='login-signed-in'] > .address { flex-shrink: 8; }
  [part~='login-signed-in'] > .balance { flex-shrink: 0; }
  [part~='login'][role='dialog'] { padding-top: 40px; overflow: auto; }

  @media (prefers-reduced-motion: reduce) {
    .controls, .center-play, [part~='counter'], [part~='login-signed-in'] { transition: none; }
  }
`;
