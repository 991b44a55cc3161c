/**
 * The seam between the player's ad playback and the rest of the player (types and one store; browser-safe,
 * no hls.js). Playback (hls.js interstitials) writes what the viewer sees now; the meter reads it to credit
 * no content seconds during an ad, the cost counter to say "Ad · you are not charged", and the ad-tick path
 * to sign the ad seconds watched for the break's auction. State flows down from here; nothing writes back.
 */
import { atom, type ReadableAtom, type WritableAtom } from 'nanostores';

export type AdBreakState =
  /** Content plays (or nothing yet). */
  | { status: 'none' }
  /**
   * An ad of a break the auction filled is on screen (or buffering to be). `watchedSeconds` counts the ad's
   * media seconds actually played, monotone within the break (whole and fractional; the ad-tick path
   * signs whole seconds). How a break ended is the store's `ended`, set as the state returns to `none`.
   */
  | {
      status: 'playing';
      /** The interstitial's id in the playlist (`sippar-break-<index>`). */
      breakId: string;
      /** `X-SIPPAR-AUCTION` of the break's asset list: what ad ticks are signed for. */
      auctionId: string;
      /** `X-SIPPAR-ADVERTISER`: shown to the viewer beside "you are not charged". */
      advertiser: string;
      /** The creative's `DURATION`, seconds. */
      durationSeconds: number;
      watchedSeconds: number;
    };

/**
 * How a break ended for the viewer: the ad-tick path sends its final tick on any of these. No `skipped`: the
 * player offers no skip (a break the API sells with X-RESTRICT="SKIP" cannot be, and the seek bar is off
 * during any ad).
 */
export type AdBreakEnd = 'completed' | 'error' | 'left';

export interface AdBreakEnded {
  auctionId: string;
  watchedSeconds: number;
  reason: AdBreakEnd;
}

export interface AdBreakStore {
  readonly state: ReadableAtom<AdBreakState>;
  /** The last break that ended (undefined until one has): its final ad tick is owed. */
  readonly ended: ReadableAtom<AdBreakEnded | undefined>;
}

export interface WritableAdBreakStore extends AdBreakStore {
  readonly state: WritableAtom<AdBreakState>;
  readonly ended: WritableAtom<AdBreakEnded | undefined>;
}

export function createAdBreakStore(): WritableAdBreakStore {
  return { state: atom<AdBreakState>({ status: 'none' }), ended: atom<AdBreakEnded | undefined>(undefined) };
}

/**
 * The asset list of a break needs the viewer's payment session (the auction is per session, and ad ticks are
 * signed by its key). The paid chunk sets this on the <video>, as it sets the key authoriser
 * (playback/key-authoriser.ts); the asset-list loader waits on it before it asks for a break.
 */
export interface AdSessionProvider {
  /** The open payment session's id; waits (asking for a session) while there is none; rejects on abort. */
  sessionId(signal: AbortSignal): Promise<string>;
}

export type MediaWithAds = HTMLMediaElement & { sipparAdSession?: AdSessionProvider; sipparAdBreak?: AdBreakStore };
