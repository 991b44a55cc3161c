// The control bar's own words beyond the first script's (the settings menu): part of the lazy chrome
// chunk; importing it adds these strings to the player's tables in messages.ts.
import { catalogs } from './messages.js';

const en = {
  settings: 'Settings',
};
export type ChromeMessageKey = keyof typeof en;

const fr: Record<ChromeMessageKey, string> = {
  settings: 'Réglages',
};

Object.assign(catalogs['en']!, en);
Object.assign(catalogs['fr']!, fr);
