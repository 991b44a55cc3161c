import { html, svg, nothing } from 'lit';
import type { Messages } from '../i18n/messages.js';
import { formatTime } from '../i18n/format-time.js';
import { icons } from './icons.js';
import { adOnScreen, captionTracks, captionsShowing, toggleCaptions, toggleFullscreen, togglePip, togglePlay, type PlayTarget } from './actions.js';
import { controlsActivity } from './controls-activity.js';
import { RATES, settingsButton, settingsMenu } from './settings-menu.js';

/** The host as the controls see it: play requests go to it; `blockers` (a paid video's) hide the centre button. */
export type ControlsHost = HTMLElement & PlayTarget & { readonly blockers?: readonly string[] };

/**
 * Buffered ranges as SVG rects under the seek slider. Not styled spans: Lit writes a style
 * attribute on first render, which a strict CSP (style-src without 'unsafe-inline') blocks.
 */
function buffered(video: HTMLVideoElement, duration: number) {
  const rects = [];
  for (let i = 0; i < video.buffered.length; i++) {
    const x = (video.buffered.start(i) / duration) * 100;
    const width = ((video.buffered.end(i) - video.buffered.start(i)) / duration) * 100;
    rects.push(svg`<rect class="buffered" x="${x}%" width="${width}%" height="100%" />`);
  }
  return html`<svg class="buffer" aria-hidden="true">${rects}</svg>`;
}

/**
 * The large play button over a paused picture. Not while a paid video's overlay says why it cannot play
 * (sign-in, funds…): that overlay has its own button. Focus moves to the host once it is gone.
 */
function centerPlay(host: ControlsHost, m: Messages) {
  if (host.blockers?.length) return nothing;
  const play = (e: Event) => {
    const hadFocus = host.shadowRoot?.activeElement === e.currentTarget;
    togglePlay(host);
    if (hadFocus) host.focus({ preventScroll: true });
  };
  return html`<button part="button center-play" class="center-play" aria-label=${m.play} @click=${play}>${icons.play}</button>`;
}

/** The control bar. Reads state straight from the <video>; the host re-renders on media events. */
export function renderControls(host: ControlsHost, video: HTMLVideoElement, m: Messages, locale: string) {
  const ui = controlsActivity(host);
  const { compact } = ui;
  const duration = Number.isFinite(video.duration) ? video.duration : 0;
  const playing = !video.paused && !video.ended;
  const muted = video.muted || video.volume === 0;
  const hasCaptions = captionTracks(video).length > 0;
  const captionsOn = hasCaptions && captionsShowing(video);
  const fullscreen = document.fullscreenElement === host;
  const fmt = new Intl.NumberFormat(locale);
  // During an ad the bar shows the ad's own timeline (the <video>'s, as hls.js's asset player sets it), unseekable.
  const ad = adOnScreen(video);
  return html`
    ${playing ? nothing : centerPlay(host, m)}
    <div class="controls" part="controls" ?data-playing=${playing} ?data-compact=${compact} ?data-ad=${ad}>
      <div class="seek">
        ${duration ? buffered(video, duration) : nothing}
        <input part="seek" type="range" min="0" max=${duration || 0} step="any" .value=${String(video.currentTime)} ?disabled=${ad}
          aria-label=${m.seek} aria-valuetext=${`${formatTime(video.currentTime, locale)} / ${formatTime(duration, locale)}`}
          @input=${(e: Event) => { video.currentTime = Number((e.target as HTMLInputElement).value); }} />
      </div>
      <div class="bar">
        <button part="button play-button" aria-label=${playing ? m.pause : m.play} @click=${() => togglePlay(host)}>
          ${playing ? icons.pause : icons.play}
        </button>
        <button part="button mute-button" aria-label=${muted ? m.unmute : m.mute} @click=${() => { video.muted = !muted; if (muted && video.volume === 0) video.volume = 1; }}>
          ${muted ? icons.muted : icons.volume}
        </button>
        ${compact
          ? nothing
          : html`<input part="volume" class="volume" type="range" min="0" max="1" step="0.05" .value=${String(muted ? 0 : video.volume)}
          aria-label=${m.volume} @input=${(e: Event) => { video.volume = Number((e.target as HTMLInputElement).value); video.muted = video.volume === 0; }} />`}
        <span part="time" class="time">${formatTime(video.currentTime, locale)} / ${formatTime(duration, locale)}</span>
        <span class="spacer"></span>
        ${compact
          ? nothing
          : html`<select part="rate" aria-label=${m.speed} @change=${(e: Event) => { video.playbackRate = Number((e.target as HTMLSelectElement).value); }}>
          ${RATES.map((r) => html`<option value=${r} ?selected=${r === video.playbackRate}>${fmt.format(r)}×</option>`)}
        </select>`}
        ${hasCaptions
          ? html`<button part="button captions-button" aria-pressed=${captionsOn ? 'true' : 'false'} aria-label=${captionsOn ? m.captionsOff : m.captionsOn} @click=${() => toggleCaptions(video)}>${icons.captions}</button>`
          : nothing}
        ${document.pictureInPictureEnabled && !compact
          ? html`<button part="button pip-button" aria-label=${m.pip} @click=${() => togglePip(video)}>${icons.pip}</button>`
          : nothing}
        ${compact ? settingsButton(ui, m) : nothing}
        <button part="button fullscreen-button" aria-label=${fullscreen ? m.exitFullscreen : m.fullscreen} @click=${() => toggleFullscreen(host, video)}>
          ${fullscreen ? icons.exitFullscreen : icons.fullscreen}
        </button>
      </div>
    </div>
    ${compact && ui.menuOpen ? settingsMenu(ui, video, m, locale) : nothing}`;
}
