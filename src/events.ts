import type { SipparErrorCode } from './errors.js';

/** Detail of `sippar-error`: `code` is stable, `message` is localised for people. */
export interface SipparErrorDetail {
  code: SipparErrorCode;
  message: string;
  fatal: boolean;
}

/**
 * Media events the host re-dispatches from its inner <video>, so a page can treat
 * <sippar-player> like a video element.
 */
export const MEDIA_EVENTS = [
  'play', 'playing', 'pause', 'waiting', 'seeking', 'seeked', 'timeupdate', 'ended', 'ratechange',
  'volumechange', 'loadedmetadata', 'loadeddata', 'canplay', 'durationchange', 'error', 'progress',
] as const;
export type SipparMediaEvent = (typeof MEDIA_EVENTS)[number];

declare global {
  interface HTMLElementEventMap {
    'sippar-error': CustomEvent<SipparErrorDetail>;
  }
}
