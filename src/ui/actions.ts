/**
 * What the buttons and keys do, on the <video> and the host. Shared by controls and keyboard so a
 * key and its button can never disagree.
 */
import type { MediaWithAds } from '../ads/ad-break.js';

/** Play and pause are requests to the host: a paid video's play policy may refuse them. */
export interface PlayTarget {
  readonly paused: boolean;
  readonly ended: boolean;
  play(): Promise<void>;
  pause(): void;
}

export function togglePlay(target: PlayTarget): void {
  if (target.paused || target.ended) target.play().catch(() => undefined); // autoplay policy may refuse
  else target.pause();
}

/**
 * An ad is on screen (playback/hls-ads.ts): the <video> shows the ad's own timeline, and the break cannot be
 * skipped (X-RESTRICT="SKIP"), so the controls do not seek; play/pause still work.
 */
export const adOnScreen = (video: HTMLMediaElement): boolean => (video as MediaWithAds).sipparAdBreak?.state.get().status === 'playing';

export function seekBy(video: HTMLVideoElement, seconds: number): void {
  if (adOnScreen(video)) return;
  const end = Number.isFinite(video.duration) ? video.duration : Infinity;
  video.currentTime = Math.max(0, Math.min(end, video.currentTime + seconds));
}

export function volumeBy(video: HTMLVideoElement, delta: number): void {
  video.volume = Math.max(0, Math.min(1, Math.round((video.volume + delta) * 10) / 10));
  if (delta > 0) video.muted = false;
}

export function captionTracks(video: HTMLVideoElement): TextTrack[] {
  return [...video.textTracks].filter((tr) => tr.kind === 'subtitles' || tr.kind === 'captions');
}

export function captionsShowing(video: HTMLVideoElement): boolean {
  return captionTracks(video).some((tr) => tr.mode === 'showing');
}

export function toggleCaptions(video: HTMLVideoElement): void {
  const tracks = captionTracks(video);
  const show = !tracks.some((tr) => tr.mode === 'showing');
  // Prefer the track in the page's language: hls.js follows the mode change through its own listener.
  const lang = document.documentElement.lang.split('-')[0];
  const pick = tracks.find((tr) => lang && tr.language.startsWith(lang)) ?? tracks[0];
  for (const tr of tracks) tr.mode = show && tr === pick ? 'showing' : 'disabled';
}

export function toggleFullscreen(host: HTMLElement, video?: HTMLVideoElement): void {
  if (document.fullscreenElement === host) void document.exitFullscreen().catch(() => undefined);
  else if (host.requestFullscreen) void host.requestFullscreen().catch(() => undefined);
  // iPhone Safari has no element full screen: only the <video> itself, with the system's controls.
  else (video as (HTMLVideoElement & { webkitEnterFullscreen?: () => void }) | undefined)?.webkitEnterFullscreen?.();
}

export function togglePip(video: HTMLVideoElement): void {
  // The document's pictureInPictureElement is retargeted to the player; its shadow root's is the <video>.
  if ((video.getRootNode() as Document | ShadowRoot).pictureInPictureElement === video) void document.exitPictureInPicture().catch(() => undefined);
  else void video.requestPictureInPicture?.().catch(() => undefined);
}
