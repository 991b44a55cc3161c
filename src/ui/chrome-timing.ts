/**
 * When the control bar's chunk loads. A player that starts on its own (autoplay, preload="auto")
 * gets its first frame first: the controls wait for it (or for the viewer to reach for the player),
 * so no script the first frame does not need runs before it. Any other player shows its controls
 * right after the first render, since the viewer needs them to start.
 */
const REACHED = ['error', 'pointerenter', 'pointerdown', 'focusin', 'keydown'] as const;
/** The controls never wait longer than this for a first frame that is slow in coming. */
const LONGEST_WAIT_MS = 3_000;

export function controlsWanted(host: HTMLElement & { autoplay: boolean; preload: string }): Promise<void> {
  const buffers = host.autoplay || host.preload === 'auto' || host.preload === '';
  if (!buffers) return Promise.resolve();
  // A player that starts on its own waits until it plays (its first frame shown and moving); one that only
  // buffers, until its first frame is decoded (it will not play before the viewer reaches for it).
  const FIRST_FRAME = [host.autoplay ? 'playing' : 'loadeddata', ...REACHED];
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      for (const type of FIRST_FRAME) host.removeEventListener(type, done);
      resolve();
    };
    const timer = setTimeout(done, LONGEST_WAIT_MS);
    for (const type of FIRST_FRAME) host.addEventListener(type, done);
  });
}
