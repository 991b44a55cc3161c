// The playlist a title with breaks is served with: a golden file, properties over random playlists and
// settings, and hls.js's own parser (the full build, in Node) reading the breaks back as interstitials at
// the right seconds with the restrictions docs/ADS.md promises.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { M3U8Parser, PlaylistLevelType } from 'hls.js';
import { describe, expect, it } from 'vitest';
import { parseAdSettings } from '../../../../server/ads/ad-settings.js';
import { interstitialPlaylist, playlistDuration, variantAllowed, type PlaylistSource } from '../../../../server/ads/interstitial-playlist.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const SRC: PlaylistSource = { contentId: 'film-1', playlistUrl: 'https://cdn.example/film-1/index.m3u8', apiBase: 'https://api.example' };
const ADS = parseAdSettings({ breaks: [{ atSeconds: 0, maxSeconds: 30 }, { atSeconds: 10, maxSeconds: 20 }, { atSeconds: 600, maxSeconds: 20 }], floorMicroAlgosPerSecond: 100 });

function parse(text: string, url = SRC.playlistUrl) {
  return M3U8Parser.parseLevelPlaylist(text, url, 0, PlaylistLevelType.MAIN, 0, null);
}

const rangesOf = (d: ReturnType<typeof parse>) => Object.values(d.dateRanges).flatMap((r) => (r ? [r] : []));

function mediaPlaylist(durations: number[]): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', `#EXT-X-TARGETDURATION:${Math.ceil(Math.max(1, ...durations))}`, '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-MAP:URI="init.mp4"'];
  durations.forEach((d, i) => lines.push(`#EXTINF:${d.toFixed(3)},`, `s${i}.m4s`));
  lines.push('#EXT-X-ENDLIST');
  return lines.join('\n');
}

describe('interstitialPlaylist', () => {
  it('matches the golden playlist: a date before the first segment, one DATERANGE per break inside the title, URIs absolute', () => {
    expect(interstitialPlaylist(fixture('film-media.m3u8'), ADS, SRC)).toBe(fixture('film-media.golden.m3u8'));
  });

  it('hls.js parses the breaks as interstitials at their seconds, with the asset list, resume offset, limit, cue, snap and restrictions', () => {
    const details = parse(interstitialPlaylist(fixture('film-media.m3u8'), ADS, SRC));
    expect(details.hasProgramDateTime).toBe(true);
    const ranges = rangesOf(details);
    expect(ranges.map((r) => [r.id, r.isInterstitial, r.isValid, r.startTime])).toEqual([
      ['sippar-break-0', true, true, 0],
      ['sippar-break-1', true, true, 10],
    ]);
    const [pre, mid] = ranges;
    expect(pre!.cue).toMatchObject({ pre: true, once: true, post: false });
    expect(mid!.cue).toMatchObject({ pre: false, once: true });
    expect(mid!.attr['X-ASSET-LIST']).toBe('https://api.example/streaming/ads/asset-list?contentId=film-1&break=1');
    // Read the way hls.js's InterstitialEvent reads them (interstitial-event.ts setDateRange).
    expect(mid!.attr.optionalFloat('X-RESUME-OFFSET', NaN)).toBe(0);
    expect(mid!.attr.optionalFloat('X-PLAYOUT-LIMIT', NaN)).toBe(20);
    expect(mid!.attr.enumeratedStringList('X-RESTRICT', { skip: false, jump: false })).toEqual({ skip: true, jump: true });
    expect(mid!.attr.enumeratedStringList('X-SNAP', { out: false, in: false })).toEqual({ out: true, in: true });
    expect(pre!.attr.enumeratedStringList('X-SNAP', { out: false, in: false })).toEqual({ out: false, in: false });
    expect(details.fragments.map((f) => f.url)).toEqual([0, 1, 2, 3, 4].map((i) => `https://cdn.example/film-1/${i === 3 ? 'sub/' : ''}seg00${i}.m4s`));
    expect(details.fragments[0]!.initSegment?.url).toBe('https://cdn.example/film-1/init.mp4');
  });

  it('playUnwatchedBreaks false: no restriction, a seek may pass the break', () => {
    const s = parseAdSettings({ breaks: [{ atSeconds: 8, maxSeconds: 15 }], playUnwatchedBreaks: false });
    const [r] = rangesOf(parse(interstitialPlaylist(fixture('film-media.m3u8'), s, SRC)));
    expect(r!.attr.enumeratedStringList('X-RESTRICT', { skip: false, jump: false })).toEqual({ skip: false, jump: false });
  });

  it('rewrites a multivariant playlist: every variant and rendition through the API, the rest absolute', () => {
    const mv = ['#EXTM3U', '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="audio/en.m3u8"', '#EXT-X-STREAM-INF:BANDWIDTH=800000,AUDIO="a"', 'v720/index.m3u8', ''].join('\n');
    const out = interstitialPlaylist(mv, ADS, SRC).split('\n');
    const via = (u: string) => `https://api.example/streaming/ads/playlist?contentId=film-1&variant=${encodeURIComponent(`https://cdn.example/film-1/${u}`)}`;
    // The marker the player's engine choice reads (hls-start.ts), right after #EXTM3U.
    expect(out[1]).toBe('#EXT-X-SESSION-DATA:DATA-ID="com.sippar.ads",VALUE="1"');
    expect(out[2]).toBe(`#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="${via('audio/en.m3u8')}"`);
    expect(out[4]).toBe(via('v720/index.m3u8'));
    expect(out.join('\n')).not.toContain('DATERANGE');
    // Once, even when the CDN's playlist carried one; a media playlist has none (its DATERANGEs say it).
    const again = interstitialPlaylist(interstitialPlaylist(mv, ADS, SRC), ADS, SRC);
    expect(again.split('\n').filter((l) => l.includes('com.sippar.ads'))).toHaveLength(1);
    expect(interstitialPlaylist(fixture('film-media.m3u8'), ADS, SRC)).not.toContain('SESSION-DATA');
  });

  it('refuses what is not a playlist', () => {
    expect(() => interstitialPlaylist('<html>', ADS, SRC)).toThrow(TypeError);
  });

  it('property: segments, durations and order survive; exactly the breaks before the end are interstitials, at their seconds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 10_000 }).map((ms) => ms / 1000), { minLength: 1, maxLength: 40 }),
        fc.oneof(
          fc.array(fc.record({ atSeconds: fc.integer({ min: 0, max: 400 }), maxSeconds: fc.integer({ min: 1, max: 600 }) }), { minLength: 1, maxLength: 8 }).map((breaks) => ({ breaks })),
          fc.record({ seconds: fc.integer({ min: 30, max: 200 }), maxSeconds: fc.integer({ min: 1, max: 600 }), count: fc.integer({ min: 1, max: 20 }) }).map((every) => ({ every })),
        ),
        fc.boolean(),
        (durations, shape, playUnwatchedBreaks) => {
          const s = parseAdSettings({ ...shape, playUnwatchedBreaks });
          const text = mediaPlaylist(durations);
          const details = parse(interstitialPlaylist(text, s, SRC));
          const total = playlistDuration(text.split('\n'));
          const expected = s.breaks
            ? s.breaks.map((b, index) => ({ ...b, index })).filter((b) => b.atSeconds < total)
            : Array.from({ length: s.every!.count }, (_, k) => ({ atSeconds: (k + 1) * s.every!.seconds, maxSeconds: s.every!.maxSeconds, index: k })).filter((b) => b.atSeconds < total);
          const got = rangesOf(details)
            .map((r) => ({ id: r.id, start: r.startTime, limit: r.attr.optionalFloat('X-PLAYOUT-LIMIT', NaN), jump: r.attr.enumeratedStringList('X-RESTRICT', { jump: false }).jump, ok: r.isInterstitial && r.isValid }))
            .sort((a, b) => Number(a.id.slice(13)) - Number(b.id.slice(13)));
          expect(got).toEqual(expected.map((b) => ({ id: `sippar-break-${b.index}`, start: expect.closeTo(b.atSeconds, 6), limit: b.maxSeconds, jump: playUnwatchedBreaks, ok: true })));
          expect(details.fragments.map((f) => [f.url, f.duration])).toEqual(durations.map((d, i) => [`https://cdn.example/film-1/s${i}.m4s`, Number(d.toFixed(3))]));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('fetches variants only under the title\'s own directory', () => {
    const src = 'https://cdn.example/film-1/index.m3u8';
    expect(variantAllowed('https://cdn.example/film-1/v720/index.m3u8', src)).toBe(true);
    expect(variantAllowed('https://cdn.example/film-2/index.m3u8', src)).toBe(false);
    expect(variantAllowed('https://evil.example/film-1/index.m3u8', src)).toBe(false);
    expect(variantAllowed('http://169.254.169.254/latest', src)).toBe(false);
    expect(variantAllowed('not a url', src)).toBe(false);
  });
});
