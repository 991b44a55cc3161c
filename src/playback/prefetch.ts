/**
 * Starts the requests the first frame needs while hls.js is still downloading: the manifest, and
 * for a player that buffers, the first variant's playlist, its init segment and first segment.
 * Each response waits in a page-wide store keyed by URL until the hls.js loader (handover-loader.ts)
 * takes it, once (prefetch-store.ts).
 */
import { nextTask } from './next-task.js';
import { store, type Prefetched } from './prefetch-store.js';

export { offer, takePrefetched, type Prefetched } from './prefetch-store.js';
export type PrefetchDepth = 'manifest' | 'segments';

/** An unclaimed response is dropped after this long, so a player that never asks leaks nothing. */
const KEEP_MS = 30_000;

/** Requests `url` once; a second call for the same URL while it waits returns the same promise. */
export function prefetch(url: string): Promise<Prefetched | undefined> {
  const s = store();
  let entry = s.get(url);
  if (!entry) {
    const start = performance.now();
    entry = fetch(url, { credentials: 'same-origin' }).then(async (res) => {
      const first = performance.now();
      const body = await res.arrayBuffer();
      return { status: res.status, url: res.url || url, body, start, first, end: performance.now() };
    }, () => undefined);
    s.set(url, entry);
    setTimeout(() => { if (s.get(url) === entry) s.delete(url); }, KEEP_MS);
  }
  return entry;
}

export const textOf = (p: Prefetched): string => new TextDecoder().decode(p.body);

/**
 * Fetches the manifest; with depth 'segments', follows a VOD stream down to its first media segment
 * (the first variant, as hls.js starts on the first level listed). Resolves with the manifest.
 */
export function prefetchStream(url: string, depth: PrefetchDepth): Promise<Prefetched | undefined> {
  const manifest = prefetch(url);
  if (depth === 'segments') void manifest.then((m) => { if (m && m.status < 300) return followToSegments(m); });
  return manifest;
}

async function followToSegments(manifest: Prefetched): Promise<void> {
  let playlist: Prefetched | undefined = manifest;
  let text = textOf(manifest);
  if (text.includes('#EXT-X-STREAM-INF')) {
    const variant = firstUriAfter(text, '#EXT-X-STREAM-INF');
    if (!variant) return;
    playlist = await prefetch(new URL(variant, manifest.url).href);
    if (!playlist || playlist.status >= 300) return;
    text = textOf(playlist);
  }
  // Live streams start near their live edge, byte ranges are sub-requests: leave both to hls.js.
  if (!text.includes('#EXT-X-ENDLIST') || text.includes('#EXT-X-BYTERANGE')) return;
  const map = /#EXT-X-MAP:.*?URI="([^"]+)"/.exec(text);
  if (map && !/BYTERANGE/.test(map[0])) void prefetch(new URL(map[1]!, playlist.url).href);
  const first = firstUriAfter(text, '#EXTINF');
  if (!first) return;
  // Each request a task apart: starting one costs a few ms of main thread, which add up on a slow phone.
  await nextTask();
  void prefetch(new URL(first, playlist.url).href);
}

/** The first URI line after the first line starting with `tag`. */
function firstUriAfter(text: string, tag: string): string | undefined {
  const lines = text.split(/\r?\n/);
  const at = lines.findIndex((l) => l.startsWith(tag));
  if (at < 0) return undefined;
  return lines.slice(at + 1).map((l) => l.trim()).find((l) => l && !l.startsWith('#'));
}
