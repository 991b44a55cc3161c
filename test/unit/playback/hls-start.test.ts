// Which hls.js build a stream's first manifest asks for: light unless it has subtitles or ad breaks; the
// ad wiring only with ad breaks (docs/ADS.md §12).
import { describe, expect, it } from 'vitest';
import { HAS_AD_BREAKS, NEEDS_FULL_HLS } from '../../../src/playback/hls-start.js';

const media = '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\ns0.m4s\n#EXT-X-ENDLIST\n';
const withBreak = media.replace('#EXTINF', '#EXT-X-DATERANGE:ID="sippar-break-0",CLASS="com.apple.hls.interstitial",START-DATE="2000-01-01T00:00:00.000Z",X-ASSET-LIST="https://api/streaming/ads/asset-list?contentId=f&break=0"\n#EXTINF');
const multivariant = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nv/index.m3u8\n';
const marked = multivariant.replace('#EXTM3U\n', '#EXTM3U\n#EXT-X-SESSION-DATA:DATA-ID="com.sippar.ads",VALUE="1"\n');
const captions = multivariant.replace('#EXTM3U\n', '#EXTM3U\n#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="s",NAME="en",URI="s.m3u8"\n');

describe('engine choice from the first manifest', () => {
  it('free titles without breaks or subtitles stay on light hls.js', () => {
    for (const m of [media, multivariant]) expect([NEEDS_FULL_HLS.test(m), HAS_AD_BREAKS.test(m)]).toEqual([false, false]);
  });
  it('an interstitial or the ads marker loads the full build and the ad wiring; subtitles the full build only', () => {
    for (const m of [withBreak, marked]) expect([NEEDS_FULL_HLS.test(m), HAS_AD_BREAKS.test(m)]).toEqual([true, true]);
    expect([NEEDS_FULL_HLS.test(captions), HAS_AD_BREAKS.test(captions)]).toEqual([true, false]);
  });
});
