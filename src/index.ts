export { SipparPlayer } from './sippar-player.js';
export { SipparError, type SipparErrorCode } from './errors.js';
export {
  MEDIA_EVENTS,
  type SipparAuthStateDetail,
  type SipparErrorDetail,
  type SipparMediaEvent,
  type SipparMeterStateDetail,
  type SipparPaymentStateDetail,
  type SipparTopupRequestDetail,
  type SipparPlayerEventMap,
  type SipparTickDetail,
} from './events.js';
/** Live hls.js instances and timers, for leak tests and debugging. */
export { playbackDebug } from './playback/debug.js';
