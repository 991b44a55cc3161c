/**
 * Keeps SQLite's WAL checkpoints off the event loop (the writer's connection has its auto-checkpoint off;
 * wal-checkpoint-worker.mjs checkpoints from a thread of its own). Measured on the tick path with 10 000
 * sessions: a tick writes ~15 KB of WAL (4 KB pages: its session's, its viewer's, the ticks index's, the
 * tails of ticks and transfers), so at 2 500 ticks/s the 1 000-page auto-checkpoint ran ~10 times a
 * second inside a commit, each with two fsyncs, while every request waited.
 *
 * The WAL file starts again from its beginning only when a write transaction begins with every frame
 * copied; a writer that never pauses would grow it without end. So once it holds `restartFrames`, the
 * worker first catches up (passes back to back while the writer commits), then the writer holds its next
 * commits (`held`: jobs queue, the event loop keeps serving) while the worker copies the last few frames,
 * and the first commit after that restarts the file. (Holding at once held the commits for a whole pass's
 * copy and fsyncs: p99 280 and 666 ms at 10 000 viewers, docs/SCALING.md.) Nothing about durability changes: a
 * commit is in the WAL before its answer, as before; checkpoints only move committed pages.
 */
import type Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';

const INTERVAL_MS = 100;
/** 64 MB of 4 KB pages: one restart every second or two at 2 500 ticks/s. */
const RESTART_FRAMES = 16_384;
/** A final pass that does not answer (the worker stuck on a disk) stops holding the writer. */
const FINAL_TIMEOUT_MS = 2000;
/** Between two holds at least: a restart that keeps failing (another connection reading) costs little. */
const HOLD_GAP_MS = 1000;

/** Frames left to copy under which the worker says it caught up (the held pass then copies about that many). */
const FEW_FRAMES = 64;

interface Report {
  final?: boolean;
  /** Caught up: the writer may hold its commits now. */
  ready?: boolean;
  frames?: number;
  copied?: number;
  error?: string;
}

export class WalCheckpointer {
  /** The writer must not commit: the worker is copying the WAL's last frames before it restarts. */
  held = false;
  private readonly worker: Worker;
  private stopped = false;
  private exited = false;
  private nextHoldAt = 0;
  private catchingUp = false;
  private readonly holdGapMs: number;
  /** WAL restarts made possible so far (final passes that answered): for tests and benches. */
  restarts = 0;
  /** Times the writer was held so far (each released once, by the final pass or its timeout): for tests. */
  holds = 0;
  private timeout: NodeJS.Timeout | undefined;

  /** `release`: called when `held` ends (the writer then commits what queued). */
  constructor(
    private readonly db: Database.Database,
    private readonly release: () => void,
    o: { intervalMs?: number; restartFrames?: number; holdGapMs?: number } = {},
  ) {
    const restartFrames = o.restartFrames ?? RESTART_FRAMES;
    this.holdGapMs = o.holdGapMs ?? HOLD_GAP_MS;
    db.pragma('wal_autocheckpoint = 0');
    this.worker = new Worker(new URL('./wal-checkpoint-worker.mjs', import.meta.url), {
      workerData: { path: db.name, intervalMs: o.intervalMs ?? INTERVAL_MS, fewFrames: FEW_FRAMES },
      // Plain JavaScript: not the parent's --import tsx (another loader thread and ~10 MB of heap for nothing).
      execArgv: [],
    });
    this.worker.unref();
    this.worker.on('message', (r: Report) => {
      if (r.ready) {
        this.catchingUp = false;
        if (!this.stopped) this.hold();
      } else if (r.final || r.error !== undefined) {
        if (r.final && r.error === undefined) this.restarts++;
        this.catchingUp = false;
        this.unhold();
      } else if ((r.frames ?? 0) >= restartFrames && !this.held && !this.catchingUp && Date.now() >= this.nextHoldAt) {
        // Held only once the worker has caught up: the held pass then copies a few frames, not 100 ms of them.
        this.catchingUp = true;
        this.nextHoldAt = Date.now() + this.holdGapMs;
        this.worker.postMessage('catch-up');
      }
    });
    // A worker that cannot run (or dies) hands checkpoints back to the writer: slower answers, never a WAL
    // that grows without end.
    this.worker.on('error', () => undefined);
    this.worker.on('exit', () => {
      this.exited = true;
      if (this.stopped) return;
      if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
      this.unhold();
    });
  }

  private hold(): void {
    this.held = true;
    this.holds++;
    this.worker.postMessage('final');
    this.timeout = setTimeout(() => this.unhold(), FINAL_TIMEOUT_MS);
    this.timeout.unref();
  }

  private unhold(): void {
    clearTimeout(this.timeout);
    if (!this.held) return;
    this.held = false;
    this.release();
  }

  /** Stops the worker and closes its connection (before the writer closes, so the writer's close checkpoints). */
  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timeout);
    this.held = false;
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      this.worker.once('exit', () => resolve());
      this.worker.postMessage('stop');
    });
  }
}
