/**
 * Resolves in a task of its own, so that the work after it is not one long task with the work before
 * it (a phone's main thread; the long-tasks bench). `scheduler.yield()` where it exists (Chromium 129+)
 * runs the rest ahead of other queued tasks, so a hop on the first frame's path costs next to nothing;
 * elsewhere a MessageChannel message, which timers' nesting clamp (4 ms) and hidden-tab throttling
 * do not delay.
 */
export function nextTask(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (scheduler?.yield) return scheduler.yield();
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
