// The task boundaries that keep the first frame's work in tasks under 50 ms (bench: long-tasks.mjs):
// what runs after nextTask() is a task of its own, and the hand-over loader answers a response already
// in memory in one too, as the network would.
import type { HlsConfig, LoaderCallbacks, LoaderContext } from 'hls.js';
import { nextTask } from '../../src/playback/next-task.js';
import { handoverLoader } from '../../src/playback/handover-loader.js';
import { offer } from '../../src/playback/prefetch-store.js';
import { equal } from './helpers.js';

/** Microtasks chained after the call, each queuing the next: all run before a new task starts. */
async function orderAgainstMicrotasks(wait: () => Promise<void>): Promise<string> {
  const order: string[] = [];
  const done = wait().then(() => { order.push('task'); });
  let chain = Promise.resolve();
  for (let i = 0; i < 5; i++) chain = chain.then(() => { order.push(`micro${i}`); });
  await done;
  return order.join(',');
}

describe('task boundaries', () => {
  it('nextTask resolves after every microtask queued behind it, with scheduler.yield', async () => {
    equal(typeof (globalThis as { scheduler?: { yield?: unknown } }).scheduler?.yield, 'function', 'this Chromium has scheduler.yield');
    equal(await orderAgainstMicrotasks(nextTask), 'micro0,micro1,micro2,micro3,micro4,task', 'order');
  });

  it('nextTask falls back on a MessageChannel message where scheduler.yield is missing', async () => {
    const g = globalThis as { scheduler?: unknown };
    const saved = g.scheduler;
    try {
      g.scheduler = undefined;
      equal(await orderAgainstMicrotasks(nextTask), 'micro0,micro1,micro2,micro3,micro4,task', 'order');
    } finally {
      g.scheduler = saved;
    }
  });

  it('the hand-over loader answers a response already in memory in a later task, not in the one that asked', async () => {
    const url = `${location.origin}/handover-${Math.random()}.m3u8`;
    const body = new TextEncoder().encode('#EXTM3U\n').buffer;
    offer(url, Promise.resolve({ status: 200, url, body, start: 0, first: 1, end: 2 }));
    class Unused { constructor() { throw new Error('the real loader was used'); } }
    const Loader = handoverLoader(Unused as never);
    const loader = new Loader({} as HlsConfig);
    const order: string[] = [];
    const answered = new Promise<string>((resolve) => {
      const callbacks = { onSuccess: (r: { data: unknown }) => { order.push('answer'); resolve(String(r.data)); }, onError: () => undefined, onTimeout: () => undefined } as unknown as LoaderCallbacks<LoaderContext>;
      loader.load({ url, responseType: 'text' } as LoaderContext, {} as never, callbacks);
    });
    let chain = Promise.resolve();
    for (let i = 0; i < 5; i++) chain = chain.then(() => { order.push(`micro${i}`); });
    equal(await answered, '#EXTM3U\n', 'the prefetched body');
    equal(order.join(','), 'micro0,micro1,micro2,micro3,micro4,answer', 'order');
  });
});
