// The playlist the API serves for a title with breaks (server/ads/interstitial-playlist.ts, a pure function
// also usable here), loaded by hls.js's full build in Chromium: its interstitialsManager schedules every break
// at its second, as an interstitial between the title's parts, with the asset list, resume offset, playout
// limit, cue and restrictions docs/ADS.md §10 promises.
import Hls, { type InterstitialEvent, type InterstitialScheduleItem } from 'hls.js';
import { parseAdSettings } from '../../server/ads/ad-settings.js';
import { interstitialPlaylist } from '../../server/ads/interstitial-playlist.js';
import { check, equal } from './helpers.js';

const SRC = '/media/basic/index.m3u8'; // 10 s, 2-second fMP4 segments

async function schedule(playUnwatchedBreaks: boolean): Promise<{ events: InterstitialEvent[]; items: InterstitialScheduleItem[] }> {
  const original = await (await fetch(SRC)).text();
  const settings = parseAdSettings({ breaks: [{ atSeconds: 0, maxSeconds: 15 }, { atSeconds: 4, maxSeconds: 20 }, { atSeconds: 60, maxSeconds: 5 }], playUnwatchedBreaks });
  const text = interstitialPlaylist(original, settings, { contentId: 'film-1', playlistUrl: new URL(SRC, location.href).href, apiBase: location.origin });
  const url = URL.createObjectURL(new Blob([text], { type: 'application/vnd.apple.mpegurl' }));
  const video = document.createElement('video');
  video.muted = true;
  document.body.append(video);
  const hls = new Hls({ autoStartLoad: true });
  try {
    const updated = new Promise<{ events: InterstitialEvent[]; items: InterstitialScheduleItem[] }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no INTERSTITIALS_UPDATED within 10 s')), 10_000);
      hls.on(Hls.Events.INTERSTITIALS_UPDATED, (_e, d) => {
        clearTimeout(timer);
        resolve({ events: [...d.events], items: [...d.schedule] });
      });
    });
    hls.loadSource(url);
    hls.attachMedia(video);
    return await updated;
  } finally {
    hls.destroy();
    video.remove();
    URL.revokeObjectURL(url);
  }
}

describe('a title with breaks in hls.js (full build)', () => {
  it('schedules each break inside the title as an interstitial at its second, with the served attributes', async () => {
    check(Hls.isSupported(), 'MSE');
    const { events, items } = await schedule(true);
    equal(events.map((e) => e.identifier).join(','), 'sippar-break-0,sippar-break-1', 'interstitials (the break past the end is left out)');
    const [pre, mid] = events as [InterstitialEvent, InterstitialEvent];
    equal(pre.startOffset, 0, 'pre-roll offset');
    check(pre.cue.pre && pre.cue.once, 'pre-roll cue PRE,ONCE');
    equal(mid.startTime, 4, 'mid-roll at 4 s (a segment boundary: X-SNAP keeps it)');
    check(!mid.cue.pre && mid.cue.once, 'mid-roll cue ONCE');
    equal(mid.resumeOffset, 0, 'inserted: resumes where the title stopped');
    equal(mid.playoutLimit, 20, 'playout limit = the break maximum');
    equal(JSON.stringify(mid.restrictions), '{"skip":true,"jump":true}', 'a seek across the unwatched break plays it first');
    equal(JSON.stringify(mid.snapOptions), '{"out":true,"in":true}', 'snap');
    equal(mid.assetListUrl, `${location.origin}/streaming/ads/asset-list?contentId=film-1&break=1`, 'asset list');
    // The schedule alternates the title's parts and the breaks: pre-roll, 0–4 s, break 1, 4–10 s.
    const kinds = items.map((i) => (i.event ? `ad:${i.event.identifier}` : `title:${i.start}-${i.end}`));
    equal(kinds.join(' '), 'ad:sippar-break-0 title:0-4 ad:sippar-break-1 title:4-10', 'schedule');
  });

  it('playUnwatchedBreaks false: the breaks carry no restriction', async () => {
    const { events } = await schedule(false);
    equal(events.map((e) => JSON.stringify(e.restrictions)).join(' '), '{"skip":false,"jump":false} {"skip":false,"jump":false}', 'restrictions');
  });
});
