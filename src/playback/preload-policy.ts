/**
 * How much a player loads before the viewer asks for playback, following <video>'s `preload`:
 * - 'none': nothing (no hls.js, no manifest) until play;
 * - 'manifest': the manifest only (`metadata`, the default, as browsers suggest for a missing or
 *   unknown value); hls.js loads when the viewer plays;
 * - 'buffer': hls.js at once and the first segments (`auto`, the empty string, or `autoplay`,
 *   which overrides preload on <video> too).
 */
export type LoadDepth = 'none' | 'manifest' | 'buffer';

export function loadDepth(preload: string | null | undefined, autoplay: boolean): LoadDepth {
  if (autoplay) return 'buffer';
  const value = (preload ?? 'metadata').trim().toLowerCase();
  if (value === 'none') return 'none';
  if (value === 'auto' || value === '') return 'buffer';
  return 'manifest';
}

/** Segments are prefetched for a free player that buffers; a paid one waits for its gate. */
export function prefetchSegments(depth: LoadDepth, rate: string | null): boolean {
  return depth === 'buffer' && !(Number(rate) > 0);
}
