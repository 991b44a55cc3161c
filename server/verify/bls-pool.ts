/**
 * Canister-signature (BLS) checks on worker threads with a bounded queue. The main thread only hands the
 * bytes over: a forged certificate costs it a message post, not a pairing. Answers are cached by the hash
 * of what was checked (key, message, signature), so a repeated forgery is refused without a worker and a
 * repeated honest chain is accepted without one. When the workers and the queue are full the check is
 * refused at once with 503 BUSY: waiting longer would only let a flood delay every honest start.
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { ApiError } from '../errors.js';
import { Bounded } from '../http-io.js';
import type { CanisterSignatureCheck } from './canister-signature.js';

interface Job {
  id: number;
  check: CanisterSignatureCheck;
  key: string;
  resolve: (ok: boolean) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

export interface BlsPool {
  verify(check: CanisterSignatureCheck): Promise<boolean>;
  /** True when a new (uncached) check would be refused BUSY: callers skip their own work before it. */
  full(): boolean;
  /** Checks waiting for a worker, and running. */
  stats(): { queued: number; running: number; cached: number };
  close(): Promise<void>;
}

const busy = (message: string) => new ApiError('BUSY', message, undefined, { 'retry-after': '1' });

/** How long an answer is reused: failures so a flood of one forgery stays cheap, successes for as long. */
const CACHE_MS = 10 * 60_000;

export function createBlsPool(o: { workers: number; maxQueue: number; now?: () => number }): BlsPool {
  const now = o.now ?? Date.now;
  const slots: Slot[] = [];
  const queue: Job[] = [];
  const answers = new Bounded<string, { ok: boolean; at: number }>(10_000);
  const inFlight = new Map<string, Promise<boolean>>();
  let nextId = 1;
  let closed = false;

  function spawn(): Slot {
    const slot: Slot = { worker: new Worker(new URL('./bls-worker.mjs', import.meta.url)), job: null };
    slot.worker.unref();
    slot.worker.on('message', (m: { id: number; ok: boolean; error?: string }) => {
      const job = slot.job;
      if (!job || job.id !== m.id) return;
      slot.job = null;
      if (m.error !== undefined) job.reject(new Error(`canister-signature worker: ${m.error}`));
      else {
        answers.set(job.key, { ok: m.ok, at: now() });
        job.resolve(m.ok);
      }
      pump();
    });
    // A worker that dies (out of memory, a bug in a dependency) is replaced; its check is answered BUSY,
    // not "not verified", so an honest chain is not remembered as refused.
    slot.worker.on('error', () => undefined);
    slot.worker.on('exit', () => {
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
      slot.job?.reject(busy('the identity check was interrupted; retry'));
      slot.job = null;
      if (!closed) pump();
    });
    slots.push(slot);
    return slot;
  }

  function pump(): void {
    while (queue.length > 0) {
      let slot = slots.find((s) => s.job === null);
      if (!slot && slots.length < o.workers) slot = spawn();
      if (!slot) return;
      const job = queue.shift()!;
      slot.job = job;
      slot.worker.postMessage({ id: job.id, check: job.check });
    }
  }

  function full(): boolean {
    return queue.length >= o.maxQueue && slots.filter((s) => s.job !== null).length >= o.workers;
  }

  function verify(check: CanisterSignatureCheck): Promise<boolean> {
    if (closed) return Promise.reject(busy('the server is shutting down'));
    const key = createHash('sha256')
      .update(String(check.publicKeyDer.length) + ':').update(check.publicKeyDer)
      .update(String(check.message.length) + ':').update(check.message)
      .update(check.signature)
      .update(Buffer.from(check.icRootKeyRaw))
      .update(check.allowedCanisters.join(','))
      .digest('base64');
    const hit = answers.get(key);
    if (hit && now() - hit.at < CACHE_MS) return Promise.resolve(hit.ok);
    const running = inFlight.get(key);
    if (running) return running;
    if (full()) return Promise.reject(busy('too many identity checks in progress; retry shortly'));
    const p = new Promise<boolean>((resolve, reject) => {
      queue.push({ id: nextId++, check, key, resolve, reject });
      pump();
    });
    inFlight.set(key, p);
    void p.finally(() => inFlight.delete(key)).catch(() => undefined);
    return p;
  }

  return {
    verify,
    full,
    stats: () => ({ queued: queue.length, running: slots.filter((s) => s.job !== null).length, cached: answers.size }),
    async close() {
      closed = true;
      for (const j of queue.splice(0)) j.reject(busy('the server is shutting down'));
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
