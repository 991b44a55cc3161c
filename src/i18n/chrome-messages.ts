// The words of the chrome (control bar, settings menu, status overlays): part of the lazy chrome chunk,
// not the first script; importing it adds these strings to the player's tables in messages.ts.
import { catalogs } from './messages.js';

const en = {
  play: 'Play',
  pause: 'Pause',
  mute: 'Mute',
  unmute: 'Unmute',
  volume: 'Volume',
  seek: 'Seek',
  speed: 'Playback speed',
  captionsOn: 'Show captions',
  captionsOff: 'Hide captions',
  fullscreen: 'Full screen',
  exitFullscreen: 'Exit full screen',
  pip: 'Picture in picture',
  reconnecting: 'Reconnecting…',
  retry: 'Retry',
  settings: 'Settings',
};
export type ChromeMessageKey = keyof typeof en;

const fr: Record<ChromeMessageKey, string> = {
  play: 'Lecture',
  pause: 'Pause',
  mute: 'Couper le son',
  unmute: 'Rétablir le son',
  volume: 'Volume',
  seek: 'Position',
  speed: 'Vitesse de lecture',
  captionsOn: 'Afficher les sous-titres',
  captionsOff: 'Masquer les sous-titres',
  fullscreen: 'Plein écran',
  exitFullscreen: 'Quitter le plein écran',
  pip: 'Image dans l’image',
  reconnecting: 'Reconnexion…',
  retry: 'Réessayer',
  settings: 'Réglages',
};

Object.assign(catalogs['en']!, en);
Object.assign(catalogs['fr']!, fr);
