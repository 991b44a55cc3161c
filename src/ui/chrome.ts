/**
 * The lazy half of the UI, everything drawn with Lit templates: the status overlays (error, notice,
 * reconnecting, loading), a paid video's overlays (handed in by the element) and the control bar with
 * its styles, icons and keyboard shortcuts. The element imports it after its first render, or after
 * the first frame when the player starts on its own (chrome-timing.ts), or at once when an overlay has
 * something to say; until then the picture, poster and spinner work without it (shell.ts). lit-html
 * comes with this chunk, not with the first script.
 */
import { html, render } from 'lit';
import '../i18n/chrome-messages.js';
import type { Messages } from '../i18n/messages.js';
import type { PlaybackController } from '../playback/playback-controller.js';
import { renderControls, type ControlsHost } from './controls.js';
import { renderStatusOverlay } from './overlays.js';
export { controlsStyles } from './controls-styles.js';
export { handleKey } from './keyboard.js';

export interface ChromeHost extends ControlsHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/** Renders after the shell's nodes, in this order (later ones on top): status overlay, paid UI, controls. */
export function renderChrome(host: ChromeHost, video: HTMLVideoElement, playback: PlaybackController, m: Messages, locale: string, paid: unknown): void {
  render(html`${renderStatusOverlay(playback, m)}${paid}${renderControls(host, video, m, locale)}`, host.renderRoot, { host });
}
