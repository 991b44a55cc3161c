import { html, nothing } from 'lit';
import type { Messages } from '../i18n/messages.js';
import type { PlaybackController } from '../playback/playback-controller.js';

/**
 * What sits over the picture: the error with its Retry button, a passing notice, "Reconnecting…",
 * or the spinner.
 * Never a blank box: every non-playing state says something.
 */
export function renderStatusOverlay(playback: PlaybackController, m: Messages) {
  // Text from the code at render time, not the message kept at error time: a page's language may
  // arrive (loadLocale) after an early error such as a missing src.
  const say = (e: { code: string; message: string }) => (m as Record<string, string>)[e.code] ?? e.message;
  const { status, error } = playback;
  if (status === 'error' && error) {
    return html`<div class="overlay error" part="overlay error" role="alert" data-code=${error.code}>
      <p part="error-message">${say(error)}</p>
      <button part="button retry-button" @click=${() => playback.retry()}>${m.retry}</button>
    </div>`;
  }
  const notice = playback.activeNotice;
  if (notice) {
    return html`<div class="overlay quiet notice" part="overlay notice" role="status" data-code=${notice.code}><p>${say(notice)}</p></div>`;
  }
  if (status === 'reconnecting') {
    return html`<div class="overlay" part="overlay reconnecting" role="status"><span class="spinner"></span><p>${m.reconnecting}</p></div>`;
  }
  if (status === 'loading' || playback.waiting) {
    return html`<div class="overlay quiet" part="overlay loading" role="status" aria-label=${m.loading}><span class="spinner"></span></div>`;
  }
  return nothing;
}
