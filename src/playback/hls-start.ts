import type Hls from 'hls.js';
import type { HlsSession } from './hls-session.js';
import type * as HlsAds from './hls-ads.js';
import { store, type Prefetched } from './prefetch-store.js';
import type { PrefetchDepth } from './prefetch.js';

export interface HlsParts {
  /** The manifest's HTTP status (0: no answer; hls.js will try again and report). */
  status: number;
  /** Absent when the manifest is missing (4xx): nothing more is loaded. */
  engine?: { Session: typeof HlsSession; Hls: typeof Hls; ads?: typeof HlsAds };
}

/**
 * What only hls.js's full build plays: subtitles and captions, and ad breaks (HLS Interstitials: a media
 * playlist's DATERANGE class, or the marker the ads API puts on a multivariant playlist, docs/ADS.md §10).
 */
export const NEEDS_FULL_HLS = /TYPE=(SUBTITLES|CLOSED-CAPTIONS)|CLASS="com\.apple\.hls\.interstitial"|DATA-ID="com\.sippar\.ads"/;
/** Ad breaks: their wiring (asset-list loader, ad-break store) is a chunk of its own, loaded for these titles only. */
export const HAS_AD_BREAKS = /CLASS="com\.apple\.hls\.interstitial"|DATA-ID="com\.sippar\.ads"/;

/**
 * Everything in parallel: the session chunk, the manifest, and hls.js light on the bet that the
 * stream has no subtitles nor ad breaks (most have none); otherwise the full build replaces it before any
 * instance exists, so there is never a mid-play engine swap.
 */
export async function loadHlsParts(manifest: Promise<Prefetched | undefined>): Promise<HlsParts> {
  const light = import('hls.js/light');
  light.catch(() => undefined);
  const [mod, m] = await Promise.all([import('./hls-session.js'), manifest]);
  const status = m?.status ?? 0;
  if (status >= 400 && status < 500) return { status };
  const text = m && status < 300 ? new TextDecoder().decode(m.body) : '';
  const full = NEEDS_FULL_HLS.test(text);
  const [{ default: Hls }, ads] = await Promise.all([full ? import('hls.js') : light, HAS_AD_BREAKS.test(text) ? import('./hls-ads.js') : undefined]);
  // A task of its own: evaluating hls.js and starting it in one go is a long task on a phone.
  await new Promise((resolve) => setTimeout(resolve));
  return { status, engine: { Session: mod.HlsSession, Hls, ...(ads && { ads }) } };
}

/**
 * The prefetcher is a chunk of its own: the first script stays small. Behind the classic loader, which
 * made the same requests while the page was parsing (loader.ts), it is not needed at all.
 */
export function prefetch(url: string, depth: PrefetchDepth): Promise<Prefetched | undefined> {
  return store().get(url) ?? import('./prefetch.js').then((p) => p.prefetchStream(url, depth));
}
