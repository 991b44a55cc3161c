/**
 * A title's HLS playlists with its ad breaks as HLS Interstitials (RFC 8216bis appendix D; hls.js ≥ 1.6).
 * Pure: (the CDN's playlist text, the title's ad settings, where it came from, the API's base) → the
 * playlist the API serves. Only the playlist changes: every URI in it is made absolute against the CDN
 * playlist's URL, so segments, init sections and keys are still fetched from where they were.
 *
 * A media playlist gets one `EXT-X-PROGRAM-DATE-TIME` before its first segment (a fixed anchor date:
 * hls.js places a mid-roll by its START-DATE on the program-date-time timeline, and without one only a
 * `CUE="PRE"` break plays) and one `EXT-X-DATERANGE` per break inside the title:
 *
 * - `CLASS="com.apple.hls.interstitial"`, `ID="sippar-break-<k>"`, `START-DATE` = anchor + atSeconds;
 * - `X-ASSET-LIST` = the API's asset-list URL with `contentId` and `break=<k>` (the player adds its
 *   `sessionId` in its loader; hls.js adds `_HLS_primary_id` and `_HLS_start_offset`);
 * - `X-RESUME-OFFSET=0`: the ad is inserted, the title resumes where it left off (the default would resume
 *   the ad's duration later, as for a replaced part of a live stream);
 * - `X-PLAYOUT-LIMIT` = the break's `maxSeconds`: no asset plays past what the auction held for;
 * - `CUE="PRE"` for a break at 0 s; `CUE="ONCE"` on every break: once its ad played it is not shown (nor
 *   charged) again when the viewer seeks back;
 * - `X-SNAP="OUT,IN"` on mid-rolls: leave and resume the title at the segment boundary nearest the break
 *   (a VOD break falls mid-segment otherwise);
 * - `playUnwatchedBreaks` (default true) → `X-RESTRICT="SKIP,JUMP"`: JUMP makes a seek across an unwatched
 *   break play it first, SKIP stops the ad from being skipped. false → no restriction.
 *
 * A multivariant playlist gets each variant and rendition URI pointed at the API's playlist endpoint
 * (`variant=` the absolute CDN URL), so every media playlist carries the same breaks, and
 * `#EXT-X-SESSION-DATA:DATA-ID="com.sippar.ads"` after `#EXTM3U`, so the player knows from this first
 * manifest that it needs the build of hls.js that plays interstitials.
 */
import { resolveBreak, type AdBreak, type AdSettings } from './ad-settings.js';

export interface PlaylistSource {
  contentId: string;
  /** The absolute URL the playlist text was read from: relative URIs resolve against it. */
  playlistUrl: string;
  /** The API's public base URL, no trailing slash (`https://api.example`). */
  apiBase: string;
}

/** The program-date-time of the title's first second: any fixed date works, the breaks are offsets from it. */
export const PLAYLIST_ANCHOR_MS = Date.UTC(2000, 0, 1);
export const ASSET_LIST_PATH = '/streaming/ads/asset-list';
export const AD_PLAYLIST_PATH = '/streaming/ads/playlist';
/**
 * Added to a multivariant playlist: its variants carry interstitials, which only hls.js's full build plays.
 * The player reads the first manifest before choosing an engine (src/playback/hls-start.ts).
 */
export const ADS_SESSION_DATA = '#EXT-X-SESSION-DATA:DATA-ID="com.sippar.ads",VALUE="1"';

const URI_ATTR = /URI="([^"]*)"/;

const isMultivariant = (lines: string[]) => lines.some((l) => l.startsWith('#EXT-X-STREAM-INF'));

function absolute(uri: string, base: string): string {
  return new URL(uri, base).href;
}

/** Every break of the title that starts before its end (a post-roll or a break past the end is left out). */
export function breaksWithin(s: AdSettings, durationSeconds: number): Array<AdBreak & { index: number }> {
  const out: Array<AdBreak & { index: number }> = [];
  for (let k = 0; ; k++) {
    const b = resolveBreak(s, k);
    if (!b) break;
    if (b.atSeconds >= durationSeconds) {
      if (s.every) break; // `every` breaks only grow
      continue;
    }
    out.push({ ...b, index: k });
  }
  return out;
}

export function assetListUrl(src: PlaylistSource, index: number): string {
  return `${src.apiBase}${ASSET_LIST_PATH}?contentId=${encodeURIComponent(src.contentId)}&break=${index}`;
}

export function dateRangeTag(src: PlaylistSource, b: AdBreak & { index: number }, playUnwatched: boolean): string {
  const cue = b.atSeconds === 0 ? 'PRE,ONCE' : 'ONCE';
  const attrs = [
    `ID="sippar-break-${b.index}"`,
    'CLASS="com.apple.hls.interstitial"',
    `START-DATE="${new Date(PLAYLIST_ANCHOR_MS + b.atSeconds * 1000).toISOString()}"`,
    `X-ASSET-LIST="${assetListUrl(src, b.index)}"`,
    'X-RESUME-OFFSET=0',
    `X-PLAYOUT-LIMIT=${b.maxSeconds}`,
    `CUE="${cue}"`,
    ...(b.atSeconds === 0 ? [] : ['X-SNAP="OUT,IN"']),
    ...(playUnwatched ? ['X-RESTRICT="SKIP,JUMP"'] : []),
  ];
  return `#EXT-X-DATERANGE:${attrs.join(',')}`;
}

/** The sum of the media playlist's EXTINF durations (seconds). */
export function playlistDuration(lines: string[]): number {
  let total = 0;
  for (const l of lines) if (l.startsWith('#EXTINF:')) total += Number.parseFloat(l.slice(8)) || 0;
  return total;
}

function rewriteMedia(lines: string[], s: AdSettings, src: PlaylistSource): string[] {
  const breaks = breaksWithin(s, playlistDuration(lines));
  const out: string[] = [];
  let dated = false;
  for (const line of lines) {
    // Our anchor replaces any date the CDN's playlist had, so START-DATEs and segments share one timeline.
    if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME') || (line.startsWith('#EXT-X-DATERANGE') && line.includes('com.apple.hls.interstitial'))) continue;
    if (!dated && (line.startsWith('#EXTINF:') || line.startsWith('#EXT-X-MAP') || line.startsWith('#EXT-X-KEY'))) {
      // Before the first segment's tags (a MAP or KEY applies to it; the date belongs to that segment too).
      out.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(PLAYLIST_ANCHOR_MS).toISOString()}`);
      for (const b of breaks) out.push(dateRangeTag(src, b, s.playUnwatchedBreaks));
      dated = true;
    }
    out.push(rewriteUris(line, src.playlistUrl));
  }
  return out;
}

/** A URI line becomes absolute; a tag's URI="…" attribute too (EXT-X-MAP, EXT-X-KEY, EXT-X-MEDIA…). */
function rewriteUris(line: string, base: string): string {
  if (line === '') return line;
  if (!line.startsWith('#')) return absolute(line, base);
  const m = URI_ATTR.exec(line);
  return m ? line.replace(URI_ATTR, `URI="${absolute(m[1]!, base)}"`) : line;
}

export function variantUrl(src: PlaylistSource, uri: string): string {
  return `${src.apiBase}${AD_PLAYLIST_PATH}?contentId=${encodeURIComponent(src.contentId)}&variant=${encodeURIComponent(absolute(uri, src.playlistUrl))}`;
}

function rewriteMultivariant(lines: string[], src: PlaylistSource): string[] {
  const rewritten = lines.map((line, i) => {
    if (line === '') return line;
    if (!line.startsWith('#')) return lines[i - 1]?.startsWith('#EXT-X-STREAM-INF') ? variantUrl(src, line) : absolute(line, src.playlistUrl);
    const m = URI_ATTR.exec(line);
    if (!m) return line;
    // Renditions (audio, subtitles) are media playlists of the same title: they carry the breaks too.
    const to = line.startsWith('#EXT-X-MEDIA:') || line.startsWith('#EXT-X-I-FRAME-STREAM-INF') ? variantUrl(src, m[1]!) : absolute(m[1]!, src.playlistUrl);
    return line.replace(URI_ATTR, `URI="${to}"`);
  });
  // Right after #EXTM3U: the player sniffs the start of the manifest. Any marker the CDN's playlist had is ours to set.
  return [rewritten[0]!, ADS_SESSION_DATA, ...rewritten.slice(1).filter((l) => !l.includes('DATA-ID="com.sippar.ads"'))];
}

/** Throws TypeError when the text is not an HLS playlist. */
export function interstitialPlaylist(text: string, s: AdSettings, src: PlaylistSource): string {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim());
  if (lines[0] !== '#EXTM3U') throw new TypeError('not an HLS playlist (no #EXTM3U)');
  while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const out = isMultivariant(lines) ? rewriteMultivariant(lines, src) : rewriteMedia(lines, s, src);
  return `${out.join('\n')}\n`;
}

/** A variant URL the API may fetch: under the directory of the title's own playlist (no open proxy). */
export function variantAllowed(variant: string, mediaSrc: string): boolean {
  let v: URL;
  let m: URL;
  try {
    v = new URL(variant);
    m = new URL(mediaSrc);
  } catch {
    return false;
  }
  const dir = m.href.slice(0, m.href.lastIndexOf('/') + 1);
  return v.origin === m.origin && v.href.startsWith(dir) && !v.href.includes('/../') && v.username === '' && v.password === '';
}
