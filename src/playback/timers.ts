import { playbackDebug } from './debug.js';

/**
 * Every timer and animation frame the player schedules, so teardown can clear them all at once
 * (and the leak test can count them through playbackDebug.liveTimers).
 */
export class Timers {
  private readonly pending = new Map<number, () => void>();
  private next = 1;

  after(ms: number, fn: () => void): number {
    const id = this.next++;
    const handle = setTimeout(() => this.fire(id, fn), ms);
    this.track(id, () => clearTimeout(handle));
    return id;
  }

  /** Two animation frames: enough for a synchronous DOM move to reconnect the element first. */
  afterFrames(fn: () => void): number {
    const id = this.next++;
    // Hidden tabs run no frames; the timeout makes sure teardown still happens there.
    let raf = requestAnimationFrame(() => { raf = requestAnimationFrame(() => this.fire(id, fn)); });
    const fallback = setTimeout(() => this.fire(id, fn), 250);
    this.track(id, () => { cancelAnimationFrame(raf); clearTimeout(fallback); });
    return id;
  }

  cancel(id: number | undefined): void {
    if (id === undefined) return;
    const clear = this.pending.get(id);
    if (!clear) return;
    clear();
    this.pending.delete(id);
    playbackDebug.liveTimers -= 1;
  }

  clearAll(): void {
    for (const id of [...this.pending.keys()]) this.cancel(id);
  }

  private track(id: number, clear: () => void): void {
    this.pending.set(id, clear);
    playbackDebug.liveTimers += 1;
  }

  private fire(id: number, fn: () => void): void {
    if (!this.pending.has(id)) return;
    this.cancel(id);
    fn();
  }
}
