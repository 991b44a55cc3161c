import { playbackDebug } from '../../src/index.js';
import { advancesPast, check, equal, mount, nextEvent, part, waitFor, watchUncaught } from './helpers.js';

const uncaught = watchUncaught();
const hlsRequests = () => performance.getEntriesByType('resource').filter((r) => /hls\.js|hls\.light|chunks\/hls/.test(r.name)).length;

describe('playback', () => {
  afterEach(() => {
    document.querySelectorAll('sippar-player').forEach((el) => el.remove());
    equal(uncaught.join('; '), '', 'uncaught errors');
  });

  it('plays a plain MP4 without loading hls.js', async () => {
    const el = await mount({ src: '/media/basic.mp4', muted: true, autoplay: true, poster: '/media/poster.png', loop: true });
    equal(el.media!.getAttribute('poster'), '/media/poster.png', 'poster passed to the video');
    equal(el.media!.loop, true, 'loop passed to the video');
    await advancesPast(el, 0.5);
    equal(hlsRequests(), 0, 'hls.js requests for an MP4');
    equal(playbackDebug.liveEngines, 0, 'live hls.js instances');
  });

  it('plays HLS through hls.js and re-dispatches media events from the host', async () => {
    const seen = new Set<string>();
    const el = document.createElement('sippar-player');
    for (const type of ['play', 'playing', 'timeupdate', 'loadedmetadata', 'loadeddata', 'canplay', 'durationchange', 'progress', 'volumechange', 'ratechange', 'pause', 'seeking', 'seeked']) {
      el.addEventListener(type, (e) => { if (e.target === el) seen.add(type); });
    }
    el.src = '/media/basic/index.m3u8';
    el.muted = true;
    el.autoplay = true;
    document.body.append(el);
    await advancesPast(el, 0.5);
    check(hlsRequests() > 0, 'hls.js chunk was not loaded');
    equal(playbackDebug.liveEngines, 1, 'live hls.js instances');
    equal(Math.round(el.duration), 10, 'duration');
    el.volume = 0.5;
    el.playbackRate = 1.5;
    el.currentTime = 4;
    await nextEvent(el, 'seeked');
    el.pause();
    await waitFor(() => seen.has('pause') && seen.has('volumechange') && seen.has('ratechange'), 'pause/volume/rate events');
    const missing = ['play', 'playing', 'timeupdate', 'loadedmetadata', 'loadeddata', 'canplay', 'durationchange', 'progress', 'seeking', 'seeked'].filter((t) => !seen.has(t));
    equal(missing.join(','), '', 'events not re-dispatched');
    equal(el.paused, true, 'paused');
    equal(el.media?.tagName, 'VIDEO', 'media getter');
  });

  it('loads the full hls.js only for a stream with subtitles, and shows a captions toggle', async () => {
    const el = await mount({ src: '/media/basic/captions.m3u8', muted: true, autoplay: true });
    await advancesPast(el, 0.3);
    await waitFor(() => !!part(el, 'captions-button'), 'captions button');
    const button = part(el, 'captions-button')!;
    equal(button.getAttribute('aria-pressed'), 'false', 'captions start hidden');
    button.click();
    await waitFor(() => part(el, 'captions-button')?.getAttribute('aria-pressed') === 'true', 'captions showing');
    const showing = [...el.media!.textTracks].filter((t) => t.mode === 'showing').length;
    equal(showing, 1, 'tracks showing');
    el.dispatchEvent(new KeyboardEvent('keydown', { key: 'c', bubbles: true, composed: true }));
    await waitFor(() => part(el, 'captions-button')?.getAttribute('aria-pressed') === 'false', 'c hides captions');
  });

  it('switches src cleanly: old instance destroyed, the last src wins', async () => {
    const el = await mount({ src: '/media/basic/index.m3u8', muted: true, autoplay: true });
    await advancesPast(el, 0.3);
    // Rapid switches: late callbacks of the first two must be ignored.
    el.src = '/media/demo/index.m3u8';
    el.src = '/media/basic/captions.m3u8';
    await el.updateComplete;
    el.src = '/media/basic.mp4';
    await el.updateComplete;
    await waitFor(() => playbackDebug.liveEngines === 0, 'hls.js destroyed after switching to MP4');
    await advancesPast(el, 0.3);
    check(el.media!.src.endsWith('/media/basic.mp4'), `playing ${el.media!.src}`);
    el.src = '/media/demo/index.m3u8';
    await waitFor(() => el.currentTime > 0.3 && playbackDebug.liveEngines === 1, 'HLS after MP4');
    check(el.media!.src.startsWith('blob:'), 'MSE source attached');
  });

  it('survives a DOM move and resumes after a reconnect', async () => {
    // No autoplay: resuming after a reconnect must come from the player, not the attribute.
    const el = await mount({ src: '/media/demo/index.m3u8', muted: true });
    await el.play();
    await advancesPast(el, 0.5);
    const box = document.createElement('div');
    document.body.append(box);
    box.append(el); // disconnect + connect in one task
    const before = el.currentTime;
    await waitFor(() => el.currentTime > before + 0.3, 'still playing after a move');
    equal(playbackDebug.liveEngines, 1, 'engines after move');
    el.remove();
    await waitFor(() => playbackDebug.liveEngines === 0, 'torn down once removed');
    const at = el.currentTime;
    box.append(el);
    await waitFor(() => playbackDebug.liveEngines === 1 && !el.paused && el.currentTime > at, 'resumed after reconnect');
    box.remove();
  });
});
