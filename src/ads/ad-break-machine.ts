/**
 * What the viewer sees of ad breaks, as a pure function of hls.js's interstitial events (no hls.js, no DOM):
 * playback's adapter (playback/hls-ads.ts) turns each event into one of these and writes the result to the
 * player's AdBreakStore (ad-break.ts). Tested by random event sequences (test/unit/ads/).
 *
 * - An asset list answered by the API's auction names the break's auction, advertiser and creative length;
 *   an asset that starts in that break makes the state `playing`.
 * - An asset of a break without our auction (an interstitial the API did not sell, e.g. an X-ASSET-URI
 *   of the page's own stream) is `playing` too with `auctionId` '' and `advertiser` '': the meter still
 *   credits no content seconds while it plays, and no ad tick is owed for it (it never sets `ended`).
 * - `watchedSeconds` follows the ad's playhead, monotone, within [0, durationSeconds].
 * - A break ends once (`ended`), with the reason: the last asset finished (`completed`), it failed
 *   (`error`), or the player went away mid-ad (`left`).
 */
import type { AdBreakEnd, AdBreakEnded, AdBreakState } from './ad-break.js';

export type AdBreakEvent =
  /** ASSET_LIST_LOADED: the first asset's sale (absent fields: the break was not sold by the auction). */
  | { type: 'asset-list'; breakId: string; auctionId?: string; advertiser?: string; durationSeconds?: number }
  /** INTERSTITIAL_ASSET_STARTED: `durationSeconds` is the asset's own (hls.js's `asset.duration`). */
  | { type: 'asset-started'; breakId: string; durationSeconds: number }
  /** The ad's playhead, seconds from its start (timeupdate while an asset plays). */
  | { type: 'progress'; seconds: number }
  /** INTERSTITIAL_ENDED (or the last asset's end): the break is over, content resumes. */
  | { type: 'break-ended'; breakId: string; reason?: Exclude<AdBreakEnd, 'left'> }
  /** The player is torn down (src changed, element removed) while an ad may be on screen. */
  | { type: 'left' };

interface Sale {
  auctionId: string;
  advertiser: string;
  durationSeconds?: number;
}

export interface AdBreakModel {
  readonly state: AdBreakState;
  readonly ended: AdBreakEnded | undefined;
  /** Breaks whose asset list the auction answered, by interstitial id. */
  readonly sales: Readonly<Record<string, Sale>>;
}

export const initialAdBreakModel: AdBreakModel = { state: { status: 'none' }, ended: undefined, sales: {} };

const finite = (n: number | undefined): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;

export function adBreakStep(m: AdBreakModel, e: AdBreakEvent): AdBreakModel {
  switch (e.type) {
    case 'asset-list': {
      if (!e.auctionId) return m;
      const sale: Sale = { auctionId: e.auctionId, advertiser: e.advertiser ?? '', ...(finite(e.durationSeconds) && { durationSeconds: e.durationSeconds }) };
      const sales = { ...m.sales, [e.breakId]: sale };
      // hls.js starts the first asset from its own ASSET_LIST_LOADED listener, before ours hears of the list:
      // the break already on screen learns its sale now.
      const s = m.state;
      if (s.status === 'playing' && s.breakId === e.breakId && !s.auctionId) {
        const durationSeconds = sale.durationSeconds ?? s.durationSeconds;
        return { ...m, sales, state: { ...s, auctionId: sale.auctionId, advertiser: sale.advertiser, durationSeconds, watchedSeconds: Math.min(s.watchedSeconds, durationSeconds) } };
      }
      return { ...m, sales };
    }
    case 'asset-started': {
      const s = m.state;
      // A later asset of the same break goes on counting; any other start is a new break on screen.
      if (s.status === 'playing' && s.breakId === e.breakId) return m;
      const sale = m.sales[e.breakId];
      const duration = finite(sale?.durationSeconds) ? sale.durationSeconds : finite(e.durationSeconds) ? e.durationSeconds : 0;
      const closed = s.status === 'playing' ? end(m, 'completed') : m;
      return { ...closed, state: { status: 'playing', breakId: e.breakId, auctionId: sale?.auctionId ?? '', advertiser: sale?.advertiser ?? '', durationSeconds: duration, watchedSeconds: 0 } };
    }
    case 'progress': {
      const s = m.state;
      if (s.status !== 'playing' || !finite(e.seconds)) return m;
      const watched = Math.min(s.durationSeconds > 0 ? s.durationSeconds : e.seconds, Math.max(s.watchedSeconds, e.seconds));
      return watched === s.watchedSeconds ? m : { ...m, state: { ...s, watchedSeconds: watched } };
    }
    case 'break-ended':
      return m.state.status === 'playing' && m.state.breakId === e.breakId ? end(m, e.reason ?? 'completed') : m;
    case 'left':
      return m.state.status === 'playing' ? end(m, 'left') : m;
  }
}

/** Back to content; the break's final figures are owed an ad tick when the auction sold it. */
function end(m: AdBreakModel, reason: AdBreakEnd): AdBreakModel {
  const s = m.state;
  if (s.status !== 'playing') return m;
  const ended = s.auctionId ? { auctionId: s.auctionId, watchedSeconds: s.watchedSeconds, reason } : m.ended;
  return { ...m, state: { status: 'none' }, ended };
}
