// What a player fetches before the viewer asks (preload, loading="lazy"), and that what it fetches
// ahead is used: one manifest request, the first segments handed to hls.js, never fetched twice.
// Counted from the page's resource timing entries, each test on its own manifest URL.
import { playbackDebug } from '../../src/index.js';
import { advancesPast, check, equal, mount, sleep, waitFor, watchUncaught } from './helpers.js';

const uncaught = watchUncaught();
let since = 0;
const requests = (pattern: RegExp) => performance.getEntriesByType('resource')
  .filter((r) => r.startTime >= since && pattern.test(new URL(r.name).pathname + new URL(r.name).search)).length;
const manifests = (tag: string) => requests(new RegExp(`/media/demo/index\\.m3u8\\?${tag}$`));
const segments = () => requests(/\/media\/demo\/seg\d+\.m4s$/);
const inits = () => requests(/\/media\/demo\/init\.mp4$/);

describe('preload and loading', () => {
  beforeEach(async () => {
    await waitFor(() => playbackDebug.liveEngines === 0, 'previous player torn down');
    await sleep(300); // requests of a previous test settle before counting
    since = performance.now();
  });
  afterEach(() => {
    document.querySelectorAll('sippar-player, .spacer').forEach((el) => el.remove());
    equal(uncaught.join('; '), '', 'uncaught errors');
  });

  it('preload="none" fetches nothing and starts no hls.js until play, then plays', async () => {
    const el = await mount({ src: '/media/demo/index.m3u8?none', muted: true, preload: 'none' });
    await sleep(600);
    equal(manifests('none'), 0, 'manifest requests before play');
    equal(segments(), 0, 'segment requests before play');
    equal(playbackDebug.liveEngines, 0, 'hls.js instances before play');
    await el.play();
    await advancesPast(el, 0.3);
    equal(manifests('none'), 1, 'manifest requests after play');
    check(segments() > 0, 'segments fetched after play');
  });

  it('preload="metadata" (the default) fetches the manifest once and nothing else until play', async () => {
    const el = await mount({ src: '/media/demo/index.m3u8?metadata', muted: true });
    equal(el.preload, 'metadata', 'default preload');
    await waitFor(() => manifests('metadata') === 1, 'manifest fetched');
    await sleep(600);
    equal(segments() + inits(), 0, 'segment requests before play');
    equal(playbackDebug.liveEngines, 0, 'hls.js instances before play');
    await el.play();
    await advancesPast(el, 0.3);
    equal(manifests('metadata'), 1, 'manifest requests: hls.js reused the one fetched ahead');
  });

  it('preload="auto" buffers without play', async () => {
    await mount({ src: '/media/demo/index.m3u8?auto', muted: true, preload: 'auto' });
    await waitFor(() => segments() > 0, 'segments buffered without play');
    equal(manifests('auto'), 1, 'manifest requests');
  });

  it('autoplay fetches the manifest, the init and the first segment once each: hls.js takes the prefetched ones', async () => {
    const el = await mount({ src: '/media/demo/index.m3u8?autoplay', muted: true, autoplay: true });
    await advancesPast(el, 0.5);
    equal(manifests('autoplay'), 1, 'manifest requests');
    equal(inits(), 1, 'init segment requests');
    equal(requests(/\/media\/demo\/seg0\.m4s$/), 1, 'first segment requests');
  });

  it('loading="lazy" loads nothing until the player nears the viewport', async () => {
    const spacer = document.createElement('div');
    spacer.className = 'spacer';
    spacer.style.height = '5000px';
    document.body.append(spacer);
    const el = await mount({ src: '/media/demo/index.m3u8?lazy', muted: true, loading: 'lazy' });
    await sleep(600);
    equal(manifests('lazy'), 0, 'manifest requests while far from the viewport');
    el.scrollIntoView();
    await waitFor(() => manifests('lazy') === 1, 'manifest fetched once near the viewport');
    window.scrollTo(0, 0);
  });
});
