import { playbackDebug } from '../../src/index.js';
import { equal, mount, nextEvent, sleep, waitFor } from './helpers.js';

const frames = (n: number) => new Promise<void>((resolve) => {
  const step = () => (n-- <= 0 ? resolve() : requestAnimationFrame(step));
  step();
});

describe('teardown', () => {
  it('mounting and removing 50 times while playing leaves no engine, timer or request behind', async function () {
    this.timeout(60_000);
    for (let i = 0; i < 50; i++) {
      const el = await mount({ src: i % 2 ? '/media/demo/index.m3u8' : '/media/basic/index.m3u8', muted: true, autoplay: true });
      // Every fifth round plays for real; the rest are removed mid-load at varying points,
      // which is where late callbacks (import, manifest, hls.js events) would leak.
      if (i % 5 === 0) await nextEvent(el, 'playing');
      else await frames(i % 4);
      el.remove();
    }
    await waitFor(() => playbackDebug.liveEngines === 0 && playbackDebug.liveTimers === 0, 'teardown', 3000);
    equal(document.querySelectorAll('sippar-player').length, 0, 'elements left');

    // After teardown, nothing should start fetching media. A segment already in flight when its engine was
    // destroyed is aborted, and may still be reported once it ends: only requests started from now count.
    const requests: string[] = [];
    const since = performance.now();
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (entry.name.includes('/media/') && entry.startTime >= since) requests.push(entry.name);
    });
    observer.observe({ type: 'resource' });
    await sleep(2500);
    observer.disconnect();
    equal(requests.join(', '), '', 'media requests after removal');
    equal(`${playbackDebug.liveEngines}/${playbackDebug.liveTimers}`, '0/0', 'live engines/timers');
  });
});
