export { SipparPlayer } from './sippar-player.js';
