/**
 * hls.js's interstitial events → the player's ad-break store (ads/ad-break.ts), through the pure machine
 * (ads/ad-break-machine.ts). Wiring only. One store per <video> (`video.sipparAdBreak`), made here the first
 * time hls.js plays on it and kept across sources, so what reads it (meter, counter, ad ticks) can hold on.
 *
 * hls.js (1.7) plays our breaks through an asset player on the same <video>, not in place (CUE="ONCE" turns
 * append-in-place off): during an ad the <video>'s currentTime and duration are the ad's own (0 … its length).
 * The ad's playhead for `watchedSeconds` is read from `interstitialsManager` on each timeupdate.
 *
 * A chunk of its own (with the asset-list loader), loaded beside hls.js's full build for titles with breaks
 * only (hls-start.ts): a free title's first frame does not carry it.
 */
import type Hls from 'hls.js';
import type { AssetListJSON, AssetListLoadedData, InterstitialAssetEndedData, InterstitialAssetErrorData, InterstitialAssetStartedData, InterstitialEndedData } from 'hls.js';
import { createAdBreakStore, type MediaWithAds, type WritableAdBreakStore } from '../ads/ad-break.js';
import { adBreakStep, initialAdBreakModel, type AdBreakEvent } from '../ads/ad-break-machine.js';

export { adSessionLoader } from './asset-list-loader.js';

/** The <video>'s store, made once. */
export function adBreakStoreOf(video: HTMLMediaElement): WritableAdBreakStore {
  const media = video as MediaWithAds;
  return (media.sipparAdBreak ??= createAdBreakStore()) as WritableAdBreakStore;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Starts writing `store` from `hls`; the returned function stops (and ends a break on screen as `left`). */
export function watchAdBreaks(hls: Hls, video: HTMLMediaElement, store: WritableAdBreakStore): () => void {
  let model = initialAdBreakModel;
  let stopped = false;
  const apply = (e: AdBreakEvent) => {
    if (stopped && e.type !== 'left') return;
    const before = model;
    model = adBreakStep(model, e);
    if (model.state !== before.state) store.state.set(model.state);
    if (model.ended !== before.ended) store.ended.set(model.ended);
  };
  const playhead = (): number | undefined => hls.interstitialsManager?.interstitialPlayer?.currentTime;
  const on = hls.on.bind(hls) as unknown as (event: string, fn: (event: string, data: never) => void) => void;
  const off = hls.off.bind(hls) as unknown as (event: string, fn: (event: string, data: never) => void) => void;

  const sale = (breakId: string, list: AssetListJSON | null | undefined) => {
    const first = list?.ASSETS?.[0] as Record<string, unknown> | undefined;
    apply({
      type: 'asset-list',
      breakId,
      auctionId: text(first?.['X-SIPPAR-AUCTION']),
      advertiser: text(first?.['X-SIPPAR-ADVERTISER']),
      durationSeconds: first ? Number(first['DURATION']) : undefined,
    });
  };
  const handlers: Record<string, (event: string, data: never) => void> = {
    hlsAssetListLoaded: (_e, d: AssetListLoadedData) => sale(d.event.identifier, d.assetListResponse),
    hlsInterstitialAssetStarted: (_e, d: InterstitialAssetStartedData) => {
      // A pre-roll's first asset starts inside hls.js's own ASSET_LIST_LOADED listener, before ours runs:
      // the event already holds the list.
      if (d.event.assetListResponse) sale(d.event.identifier, d.event.assetListResponse);
      apply({ type: 'asset-started', breakId: d.event.identifier, durationSeconds: d.asset.duration ?? Number.NaN });
      // hls.js plays the asset on when it saw the <video>'s `play` event; a play asked before hls.js existed
      // (preload none or metadata: hls.js starts on play) is cut short by the asset's new source. Ask again.
      const playing = !video.paused;
      setTimeout(() => { if (!stopped && playing && video.paused) video.play().catch(() => undefined); });
    },
    hlsInterstitialAssetEnded: (_e, d: InterstitialAssetEndedData) => {
      // Played to its end (or its playout limit): the last timeupdate may be a fraction short of it.
      const p = d.player;
      apply({ type: 'progress', seconds: p.remaining < 0.5 ? p.duration : p.currentTime });
    },
    hlsInterstitialAssetError: (_e, d: InterstitialAssetErrorData) => {
      if (d.event) apply({ type: 'break-ended', breakId: d.event.identifier, reason: 'error' });
    },
    hlsInterstitialEnded: (_e, d: InterstitialEndedData) => {
      apply({ type: 'break-ended', breakId: d.event.identifier });
    },
  };
  for (const [event, fn] of Object.entries(handlers)) on(event, fn);
  const onTime = () => {
    const t = playhead();
    if (t !== undefined && model.state.status === 'playing') apply({ type: 'progress', seconds: t });
  };
  video.addEventListener('timeupdate', onTime);

  return () => {
    if (stopped) return;
    onTime();
    stopped = true;
    video.removeEventListener('timeupdate', onTime);
    for (const [event, fn] of Object.entries(handlers)) off(event, fn);
    apply({ type: 'left' });
  };
}
