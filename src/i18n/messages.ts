// The player's vocabulary. Two languages keep it honest: a new string needs both.
// A paid video's strings (metering, payments, identity) live in paid-messages.ts, in the paid-video
// chunk, which adds them to these tables when it loads: a free video never downloads them.
import type { PaidMessageKey } from './paid-messages.js';
import type { ChromeMessageKey } from './chrome-messages.js';

const en = {
  player: 'Video player',
  loading: 'Loading…',
  SRC_MISSING: 'No video source was given.',
  SRC_INVALID: 'The video address is not valid.',
  MANIFEST_NOT_FOUND: 'This video could not be found.',
  MANIFEST_INVALID: 'This video’s playlist could not be read.',
  SEGMENT_DECODE: 'Part of this video is damaged and was skipped.',
  CODEC_UNSUPPORTED: 'This browser cannot play this video’s format.',
  NETWORK_OFFLINE: 'You appear to be offline.',
  NETWORK_ERROR: 'The video could not be loaded because of a network problem.',
  MEDIA_DECODE: 'The video could not be decoded.',
  MEDIA_UNSUPPORTED: 'This video format is not supported.',
  ENGINE_LOAD: 'The video engine could not be loaded.',
  MEDIA_NOT_FOUND: 'This video could not be found.',
};
export type PlayerMessageKey = keyof typeof en;
export type MessageKey = PlayerMessageKey | PaidMessageKey | ChromeMessageKey;
/** Every key is typed; the paid keys are there once the paid-video chunk has loaded (only its code reads them). */
export type Messages = Record<MessageKey, string>;

// Other languages load on demand (locale.ts): a page in French fetches fr.ts, an English page never
// does. Each table falls back to English through its prototype, so a missing string reads in English.
const fr = Object.create(en) as typeof en;


export const catalogs = { en, fr } as unknown as Record<string, Messages>;
