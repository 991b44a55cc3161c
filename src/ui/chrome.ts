/**
 * The lazy half of the UI: control bar, its styles, icons and keyboard shortcuts. The element
 * imports it after its first render, beside hls.js, so the initial script stays small; until
 * it lands the picture, poster, spinner and error overlay already work.
 */
import '../i18n/chrome-messages.js';
export { renderControls } from './controls.js';
export { controlsStyles } from './controls-styles.js';
export { handleKey } from './keyboard.js';
