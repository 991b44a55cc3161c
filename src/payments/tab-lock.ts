/**
 * One viewer, one video, one meter — across tabs. A Web Lock named after (api, principal, content) is
 * held while a tab meters that content.
 *
 * Chosen semantics (documented in the element's docs too):
 *  - a tab asks with `ifAvailable`: it never waits behind another tab. Denied → it does not play, and shows
 *    "Playing in another tab" with a "Watch here" button;
 *  - "Watch here" asks with `steal`: the browser takes the lock from the other tab, whose lock request
 *    rejects with AbortError; that tab pauses and shows the same "Playing in another tab" overlay.
 * Last click wins, nobody is billed twice, and nothing depends on a tab closing cleanly: the browser frees
 * a crashed or closed tab's lock. Web Locks are same-origin, like the IndexedDB outbox they protect.
 * Where the API is missing (very old browsers, some webviews) every tab may meter: the server's per-session
 * seq check still keeps one session from being billed twice, but two sessions could run.
 */

/** The part of `navigator.locks` used here, so tests can pass a fake. */
export interface LockManagerLike {
  request(name: string, options: { ifAvailable?: boolean; steal?: boolean; mode?: 'exclusive' | 'shared' }, callback: (lock: unknown) => Promise<unknown> | unknown): Promise<unknown>;
}

export function lockName(api: string, principal: string, contentId: string): string {
  return `sippar-player:meter:${api}|${principal}|${contentId}`;
}

export function defaultLocks(): LockManagerLike | undefined {
  return (globalThis.navigator as Navigator | undefined)?.locks as LockManagerLike | undefined;
}

export class TabLock {
  private release: (() => void) | null = null;
  private held = false;

  /** `onLost` fires when another tab steals the lock. */
  constructor(
    readonly name: string,
    private readonly locks: LockManagerLike | undefined,
    private readonly onLost: () => void,
  ) {}

  get isHeld(): boolean {
    return this.held || !this.locks;
  }

  /** True when this tab may meter (lock taken or already held). */
  acquire(): Promise<boolean> {
    return this.request({ ifAvailable: true });
  }

  /** Takes the lock from whichever tab holds it. */
  steal(): Promise<boolean> {
    return this.request({ steal: true });
  }

  /** Gives the lock up (pause for good, disconnect). */
  drop(): void {
    this.held = false;
    const r = this.release;
    this.release = null;
    r?.();
  }

  private request(options: { ifAvailable?: boolean; steal?: boolean }): Promise<boolean> {
    if (!this.locks) return Promise.resolve(true);
    if (this.held) return Promise.resolve(true);
    return new Promise<boolean>((answer) => {
      const done = this.locks!.request(this.name, options, (lock) => {
        if (!lock) {
          answer(false);
          return undefined;
        }
        this.held = true;
        answer(true);
        // Holding the lock = keeping this promise pending.
        return new Promise<void>((r) => (this.release = r));
      });
      Promise.resolve(done).catch((e: unknown) => {
        // Stolen: the browser rejects the holder's request with AbortError.
        const wasHeld = this.held;
        this.held = false;
        this.release = null;
        if (wasHeld && (e as Error)?.name === 'AbortError') this.onLost();
        else answer(false);
      });
    });
  }
}
