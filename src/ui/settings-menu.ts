import { html, nothing } from 'lit';
import type { Messages } from '../i18n/messages.js';
import type { ControlsActivity } from './controls-activity.js';
import { icons } from './icons.js';
import { togglePip } from './actions.js';

export const RATES = [0.5, 0.75, 1, 1.25, 1.5, 2];
// Steps rather than a slider: a role="menu" holds menu items only, and on a phone the hardware
// buttons set the volume anyway.
const VOLUMES = [0, 0.25, 0.5, 0.75, 1];

/** The bar's button that opens the settings menu on a narrow player. */
export function settingsButton(ui: ControlsActivity, m: Messages) {
  return html`<button part="button settings-button" class="settings" aria-label=${m.settings} aria-haspopup="menu"
    aria-expanded=${ui.menuOpen ? 'true' : 'false'} aria-controls="settings-menu" @click=${() => ui.toggleMenu()}>${icons.settings}</button>`;
}

const items = (menu: Element) => [...menu.querySelectorAll<HTMLElement>('[role^="menuitem"]')];

/** Arrow keys move between items (roving focus), Escape closes and gives focus back to the button. */
function onKey(ui: ControlsActivity, e: KeyboardEvent) {
  const menu = e.currentTarget as HTMLElement;
  const all = items(menu);
  const root = menu.getRootNode() as ShadowRoot;
  const at = all.indexOf(root.activeElement as HTMLElement);
  const go = (i: number) => all[(i + all.length) % all.length]?.focus();
  switch (e.key) {
    case 'ArrowDown': case 'ArrowRight': go(at + 1); break;
    case 'ArrowUp': case 'ArrowLeft': go(at - 1); break;
    case 'Home': go(0); break;
    case 'End': go(all.length - 1); break;
    case 'Escape': {
      const button = root.querySelector<HTMLElement>('.settings');
      ui.toggleMenu(false);
      button?.focus();
      break;
    }
    case 'Tab': ui.toggleMenu(false); return; // focus moves on as usual
    default: return; // Enter and Space reach the item as a click
  }
  e.preventDefault();
  // The player's own shortcuts (arrows seek, Escape…) must not act on a key the menu used.
  e.stopPropagation();
}

/** Focus goes into the menu once it is drawn, to the checked speed (called by the activity on open). */
export function focusMenu(root: ShadowRoot | null): void {
  const menu = root?.querySelector('.menu');
  if (menu) (menu.querySelector<HTMLElement>('[aria-checked="true"]') ?? items(menu)[0])?.focus();
}

/** Speed, volume and picture-in-picture, in a menu over the picture (::part(menu), ::part(menu-item)). */
export function settingsMenu(ui: ControlsActivity, video: HTMLVideoElement, m: Messages, locale: string) {
  const fmt = new Intl.NumberFormat(locale);
  const pct = new Intl.NumberFormat(locale, { style: 'percent' });
  const volume = video.muted ? 0 : video.volume;
  const nearest = VOLUMES.reduce((a, b) => (Math.abs(b - volume) < Math.abs(a - volume) ? b : a));
  const radio = (checked: boolean, label: string, pick: () => void) =>
    html`<button role="menuitemradio" part="menu-item" tabindex="-1" aria-checked=${checked ? 'true' : 'false'} @click=${pick}>${label}</button>`;
  return html`<div id="settings-menu" class="menu" part="menu" role="menu" aria-label=${m.settings}
    @keydown=${(e: KeyboardEvent) => onKey(ui, e)}>
    <div class="menu-row" role="group" aria-label=${m.speed}>
      <span class="menu-label" aria-hidden="true">${m.speed}</span>
      ${RATES.map((r) => radio(r === video.playbackRate, `${fmt.format(r)}×`, () => { video.playbackRate = r; }))}
    </div>
    <div class="menu-row" role="group" aria-label=${m.volume}>
      <span class="menu-label" aria-hidden="true">${m.volume}</span>
      ${VOLUMES.map((v) => radio(v === nearest, pct.format(v), () => { video.volume = v; video.muted = v === 0; }))}
    </div>
    ${document.pictureInPictureEnabled
      ? html`<button role="menuitem" part="menu-item pip-button" class="menu-wide" tabindex="-1" @click=${() => { ui.toggleMenu(false); togglePip(video); }}>
          ${icons.pip}<span>${m.pip}</span></button>`
      : nothing}
  </div>`;
}
