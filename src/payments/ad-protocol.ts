/**
 * The ads part of the payment API (docs/ADS.md): paths, bodies and error codes shared by the player (asset
 * list, ad ticks), advertisers' agents and the reference server. Types and constants only: browser-safe.
 */
import type { AdTick } from './ad-tick.js';

export const AD_PATHS = {
  /** POST, signed by the key it registers: an agent's first request. */
  agents: '/streaming/ads/agents',
  /** GET, signed: the agent's balance, holds, bids, creatives and results. */
  agent: '/streaming/ads/agent',
  /** POST, signed, development mode only: credit to the signing agent. */
  devCredit: '/streaming/ads/dev/credit',
  /** POST, admin token: credit to any agent (a deposit the platform received). */
  adminCredit: '/streaming/ads/admin/credit',
  /** GET, admin token: recorded auctions (bids, winner, clearing price). */
  adminAuctions: '/streaming/ads/admin/auctions',
  creatives: '/streaming/ads/creatives',
  bids: '/streaming/ads/bids',
  withdrawBid: '/streaming/ads/bids/withdraw',
  /** GET, public: a title's ad metadata for agents (breaks, floor, targeting): what OpenRTB puts in a bid request. */
  title: '/streaming/ads/title',
  /** GET, public: a title's HLS playlist with its breaks as interstitials (segments stay on the CDN). */
  playlist: '/streaming/ads/playlist',
  /** GET, public: the same playlist by path, `playlistByTitle + <contentId>.m3u8` (a player's `src`: ends in .m3u8). */
  playlistByTitle: '/streaming/ads/playlist/',
  /** GET, public: the HLS Interstitials asset list of one break (runs the auction once per session and break). */
  assetList: '/streaming/ads/asset-list',
  /** POST, signed by the viewer's session key: cumulative ad seconds watched in one break. */
  adTick: '/streaming/ads/tick',
} as const;

/** A title's playlist with its breaks, relative to the API (what `ContentPrice.ads.playlist` names). */
export const adPlaylistPath = (contentId: string): string => `${AD_PATHS.playlistByTitle}${contentId}.m3u8`;

export const AD_ERROR_CODES = [
  'AD_SIGNATURE_MISSING', // 401: no or malformed Signature, Signature-Input, Content-Digest or Idempotency-Key
  'AD_UNKNOWN_KEY', // 401: the keyid names no registered agent key
  'AD_BAD_DIGEST', // 400: Content-Digest is not the SHA-256 of the body
  'AD_IDEMPOTENCY_CONFLICT', // 422: the Idempotency-Key was used for another request
  'AD_KEY_EXISTS', // 409: the public key is already registered
  'AD_BUDGET_EXCEEDED', // 402: the agent's balance or the bid's daily budget cannot pay what is asked
  'AD_BREAK_CLOSED', // 409: the break's hold was settled or expired; nothing more is charged
  'AD_MEDIA_UNAVAILABLE', // 502: the title's playlist could not be read from its media origin
] as const;
export type AdErrorCode = (typeof AD_ERROR_CODES)[number];

export const AD_ERROR_STATUS: Record<AdErrorCode, number> = {
  AD_SIGNATURE_MISSING: 401,
  AD_UNKNOWN_KEY: 401,
  AD_BAD_DIGEST: 400,
  AD_IDEMPOTENCY_CONFLICT: 422,
  AD_KEY_EXISTS: 409,
  AD_BUDGET_EXCEEDED: 402,
  AD_BREAK_CLOSED: 409,
  AD_MEDIA_UNAVAILABLE: 502,
};

/** Which titles a bid wants; every field given must match (lists: any overlap), absent fields match all. */
export interface Targeting {
  contentIds?: string[];
  categories?: string[];
  tags?: string[];
  languages?: string[];
  ratings?: string[];
}

export interface BidRequest {
  /** Given: replaces that standing bid of the agent; absent: a new bid. */
  bidId?: string;
  creativeId: string;
  microAlgosPerSecond: number;
  maxSecondsPerBreak: number;
  dailyBudgetMicroAlgos: number;
  targeting?: Targeting;
  /** Breaks one viewer may be shown from this bid per UTC day; 0 or absent: no cap. */
  frequencyCapPerViewerPerDay?: number;
}

/**
 * HLS Interstitials asset list (RFC 8216bis appendix D.2; hls.js `AssetListJSON`), with the auction's id
 * and the advertiser's name beside URI and DURATION: the player signs ad ticks for `X-SIPPAR-AUCTION`.
 * No eligible bid: `ASSETS` is empty and the content continues.
 */
export interface AssetListResponse {
  ASSETS: Array<{ URI: string; DURATION: number; 'X-SIPPAR-AUCTION': string; 'X-SIPPAR-ADVERTISER': string }>;
}

export interface AdTitleResponse {
  contentId: string;
  breaks?: Array<{ atSeconds: number; maxSeconds: number }>;
  every?: { seconds: number; maxSeconds: number; count: number };
  floorMicroAlgosPerSecond: number;
  targeting: { categories: string[]; tags: string[]; language?: string; rating?: string };
}

export interface AdTickRequest {
  tick: AdTick;
  /** Session-key signature (hex) over `adTickSigningBytes(tick)`. */
  signature: string;
}

export interface AdTickResponse {
  auctionId: string;
  seq: number;
  adSeconds: number;
  /** Ad seconds charged to the agent so far: min(signed, creative duration, seconds since the asset list). */
  chargedSeconds: number;
  chargedMicroAlgos: number;
  /** True once the break is settled (final tick, or hold expired): the rest of the hold went back. */
  closed: boolean;
}

// ---- GET /streaming/session/analytics (platform token): the ad figures beside content earnings
/** One title's ads, from the auctions, holds and charges (µALGO; prices per second). */
export interface AdTitleAnalytics {
  contentId: string;
  /** Breaks auctioned (asset lists answered for the first time). */
  auctions: number;
  /** Of those, breaks an agent won. */
  filled: number;
  /** filled / auctions, 0 when no auction (4 decimals). */
  fillRate: number;
  /** Charged to agents for ad seconds watched: creator + platform + viewer shares. */
  adRevenueMicroAlgos: number;
  creatorMicroAlgos: number;
  platformMicroAlgos: number;
  /** Credited to viewers (the split's viewer share). */
  viewerMicroAlgos: number;
  /** Ad seconds charged (watched). */
  chargedSeconds: number;
  /** Clearing prices of the filled breaks, µALGO per second; null without a filled break. */
  minClearing: number | null;
  avgClearing: number | null;
  maxClearing: number | null;
  /** Breaks served and unsettled whose ad may be playing now. */
  liveBreaks: number;
}

export interface AdAnalytics {
  /** Per title, by contentId. */
  titles: AdTitleAnalytics[];
  /** All titles together (avgClearing weighted by filled breaks). */
  total: Omit<AdTitleAnalytics, 'contentId'>;
}
