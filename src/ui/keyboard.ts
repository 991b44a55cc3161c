import { captionTracks, seekBy, toggleCaptions, toggleFullscreen, togglePlay, volumeBy, type PlayTarget } from './actions.js';

const NATIVE_KEYS = new Set(['INPUT', 'SELECT', 'BUTTON']);

/**
 * YouTube-style shortcuts on the focused player. Keys a focused control handles itself
 * (space on a button, arrows on a slider or menu) are left to it, or they would act twice.
 * Returns true when the key was used.
 */
export function handleKey(event: KeyboardEvent, host: HTMLElement & PlayTarget, video: HTMLVideoElement): boolean {
  if (event.ctrlKey || event.metaKey || event.altKey) return false;
  const target = event.composedPath()[0] as Element | undefined;
  const native = !!target && NATIVE_KEYS.has(target.tagName);
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  switch (key) {
    case ' ':
      if (native) return false;
      togglePlay(host);
      return true;
    case 'k':
      togglePlay(host);
      return true;
    case 'ArrowLeft':
    case 'ArrowRight':
      if (native && target!.tagName !== 'BUTTON') return false;
      seekBy(video, key === 'ArrowLeft' ? -5 : 5);
      return true;
    case 'ArrowUp':
    case 'ArrowDown':
      if (native && target!.tagName !== 'BUTTON') return false;
      volumeBy(video, key === 'ArrowUp' ? 0.1 : -0.1);
      return true;
    case 'm':
      video.muted = !video.muted;
      return true;
    case 'f':
      toggleFullscreen(host, video);
      return true;
    case 'c':
      if (!captionTracks(video).length) return false;
      toggleCaptions(video);
      return true;
  }
  return false;
}
