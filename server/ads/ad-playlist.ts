/**
 * GET /streaming/ads/playlist?contentId=…[&variant=<CDN URL>] — a title's HLS playlist with its ad breaks
 * as interstitials (interstitial-playlist.ts). The text is read from the title's `media.src` on its CDN
 * (or, for a variant, from a URL under the same directory: the API is no open proxy), kept a minute in
 * memory (VOD playlists do not change; a minute bounds what a changed one costs), and rewritten per
 * request against the API's own base URL. Segments are never proxied.
 */
import { CONTENT_ID_PATTERN } from '../../src/payments/tick.js';
import type { TextAnswer } from '../audit.js';
import { ApiError } from '../errors.js';
import type { AdsContext } from './ads-context.js';
import { interstitialPlaylist, variantAllowed } from './interstitial-playlist.js';

const TTL_MS = 60_000;
const MAX_BYTES = 4 * 1024 * 1024;
const MAX_CACHED = 1_000;
const TIMEOUT_MS = 5_000;

export type FetchText = (url: string) => Promise<string>;

/** Reads a playlist over http(s): bounded in time and size, any non-2xx an error. */
export const fetchPlaylistText: FetchText = async (url) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const length = Number(res.headers.get('content-length') ?? 0);
  if (length > MAX_BYTES) throw new Error(`${url}: ${length} bytes`);
  const text = await res.text();
  if (text.length > MAX_BYTES) throw new Error(`${url}: too large`);
  return text;
};

export function playlistCache(fetchText: FetchText = fetchPlaylistText, now = () => Date.now()) {
  const cache = new Map<string, { at: number; text: Promise<string> }>();
  return (url: string): Promise<string> => {
    const hit = cache.get(url);
    if (hit && now() - hit.at < TTL_MS) return hit.text;
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    const text = fetchText(url);
    cache.set(url, { at: now(), text });
    // A failure is not kept: the next request tries the origin again.
    text.catch(() => cache.delete(url));
    return text;
  };
}

export async function adPlaylist(c: AdsContext, q: URLSearchParams, apiBase: string): Promise<TextAnswer> {
  const contentId = q.get('contentId') ?? '';
  if (!CONTENT_ID_PATTERN.test(contentId)) throw new ApiError('BAD_REQUEST', 'contentId is missing or malformed');
  const settings = await c.catalog.adSettings(contentId);
  const raw = await c.catalog.mediaSrc?.(contentId);
  if (!settings || !raw) throw new ApiError('NOT_FOUND', 'this title has no ad breaks or no media source');
  // The catalog allows an absolute path (media on the page's own origin): the API's public URL is that origin
  // when one host serves both (the demo); name an http(s) URL otherwise.
  const src = new URL(raw, apiBase).href;
  const variant = q.get('variant');
  if (variant !== null && !variantAllowed(variant, src)) throw new ApiError('BAD_REQUEST', 'variant must be under the title\'s own media directory');
  const url = variant ?? src;
  let text: string;
  try {
    text = await c.playlists(url);
  } catch (e) {
    throw new ApiError('AD_MEDIA_UNAVAILABLE', `the title's playlist could not be read (${(e as Error).message})`);
  }
  let body: string;
  try {
    body = interstitialPlaylist(text, settings, { contentId, playlistUrl: url, apiBase: apiBase.replace(/\/$/, '') });
  } catch (e) {
    throw new ApiError('AD_MEDIA_UNAVAILABLE', (e as Error).message);
  }
  return { status: 200, body, contentType: 'application/vnd.apple.mpegurl', headers: { 'cache-control': 'no-store' } };
}
