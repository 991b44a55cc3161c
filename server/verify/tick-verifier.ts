/**
 * Tick signature checks on worker threads, in batches. A P-256 check costs ~40 % of a tick on the event loop
 * (65–90 µs); one hand-off per check to the libuv pool cost ~40 µs of it back (docs/SCALING.md), so the
 * checks of one event-loop turn travel together: packed into one buffer, posted in one message (its memory
 * transferred, not copied), answered by one array of booleans in the same order. The event loop pays the
 * packing and one message per turn, and a second core does the checks.
 *
 * Never an unverified tick: a check whose worker fails to start, dies or cannot load its code is done here,
 * on the calling thread, with the same function (verifySignatureSync). Past `maxQueue` checks waiting for
 * their answer a new check is refused at once with 503 BUSY, as the BLS pool does (bls-pool.ts).
 */
import { Worker } from 'node:worker_threads';
import { ApiError } from '../errors.js';
import { verifySignatureSync, type SigningKey } from './keys.js';

export interface TickVerifier {
  /** True when `signature` over `message` verifies with `key`; rejects BUSY when too many checks wait. */
  verify(key: SigningKey, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
  stats(): { workers: number; waiting: number; batches: number; onThisThread: number };
  close(): Promise<void>;
}

export interface TickVerifierOptions {
  /** Worker threads (0: every check on the calling thread, as before this module). */
  workers: number;
  /** Checks waiting for an answer (collected or on a worker) beyond which BUSY. */
  maxQueue: number;
  /** Called with each worker started: tests end one to see its checks answered all the same. */
  onWorker?: (w: Worker) => void;
}

interface Item {
  key: SigningKey;
  message: Uint8Array;
  signature: Uint8Array;
  resolve: (ok: boolean) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  /** Batches posted and not answered, by id. */
  posted: Map<number, Item[]>;
  waiting: number;
}

/** A worker that dies this many times is not started again: the checks stay on the calling thread. */
const MAX_RESTARTS = 3;
const U16 = 0xffff;

const busy = (message: string) => new ApiError('BUSY', message, undefined, { 'retry-after': '1' });

export function createTickVerifier(o: TickVerifierOptions): TickVerifier {
  const slots: Slot[] = [];
  let collected: Item[] = [];
  let scheduled = false;
  let waiting = 0;
  let nextId = 1;
  let restarts = 0;
  let batches = 0;
  let onThisThread = 0;
  let closed = false;

  /** Checks on the calling thread: no worker, or one that failed them. */
  function here(items: Item[]): void {
    for (const it of items) {
      onThisThread++;
      waiting--;
      it.resolve(verifySignatureSync(it.key, it.message, it.signature));
    }
  }

  function spawn(): Slot | undefined {
    let worker: Worker;
    try {
      // execArgv []: the worker loads keys.ts through tsx's API itself, not through the parent's loader flags.
      worker = new Worker(new URL('./tick-verify-worker.mjs', import.meta.url), { execArgv: [] });
    } catch {
      return undefined;
    }
    worker.unref();
    const slot: Slot = { worker, posted: new Map(), waiting: 0 };
    worker.on('message', (m: { id: number; ok?: Uint8Array; error?: string }) => {
      const items = slot.posted.get(m.id);
      if (!items) return;
      slot.posted.delete(m.id);
      slot.waiting -= items.length;
      if (m.ok === undefined || m.ok.length !== items.length) return here(items);
      for (let i = 0; i < items.length; i++) {
        waiting--;
        items[i].resolve(m.ok[i] === 1);
      }
    });
    worker.on('error', () => undefined);
    // A worker that dies leaves its checks to this thread: an honest tick is neither lost nor refused.
    worker.on('exit', () => {
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
      if (!closed) restarts++;
      const orphans = [...slot.posted.values()].flat();
      slot.posted.clear();
      slot.waiting = 0;
      if (closed) {
        // Not "does not verify": the client resends after Retry-After to a server that is up.
        for (const it of orphans) {
          waiting--;
          it.reject(busy('the server is shutting down'));
        }
        return;
      }
      here(orphans);
    });
    slots.push(slot);
    o.onWorker?.(worker);
    return slot;
  }

  /** The least loaded worker, starting one while fewer run than asked (and restarts are left). */
  function slotFor(): Slot | undefined {
    if (slots.length < o.workers && restarts < MAX_RESTARTS) {
      const s = spawn();
      if (s) return s;
    }
    let best: Slot | undefined;
    for (const s of slots) if (!best || s.waiting < best.waiting) best = s;
    return best;
  }

  function flush(): void {
    scheduled = false;
    const items = collected;
    collected = [];
    if (items.length === 0) return;
    const slot = closed ? undefined : slotFor();
    if (!slot) return here(items);
    let size = 4;
    for (const it of items) size += 6 + it.key.der.length + it.message.length + it.signature.length;
    const batch = new Uint8Array(size);
    const view = new DataView(batch.buffer);
    view.setUint32(0, items.length);
    let p = 4;
    for (const it of items) {
      view.setUint16(p, it.key.der.length);
      view.setUint16(p + 2, it.message.length);
      view.setUint16(p + 4, it.signature.length);
      p += 6;
      batch.set(it.key.der, p);
      p += it.key.der.length;
      batch.set(it.message, p);
      p += it.message.length;
      batch.set(it.signature, p);
      p += it.signature.length;
    }
    const id = nextId++;
    slot.posted.set(id, items);
    slot.waiting += items.length;
    batches++;
    slot.worker.postMessage({ id, batch }, [batch.buffer]);
  }

  return {
    verify(key, message, signature) {
      // Cheap refusals first: a signature of the wrong length is never sent anywhere.
      if (signature.length !== 64) return Promise.resolve(false);
      if (o.workers === 0) return Promise.resolve(verifySignatureSync(key, message, signature));
      if (closed) return Promise.reject(busy('the server is shutting down'));
      if (key.der.length > U16 || message.length > U16) return Promise.resolve(verifySignatureSync(key, message, signature));
      if (waiting >= o.maxQueue) return Promise.reject(busy('too many signature checks in progress; resend the newest tick shortly'));
      waiting++;
      return new Promise<boolean>((resolve, reject) => {
        collected.push({ key, message, signature, resolve, reject });
        // After the I/O callbacks of this turn: every tick they carried goes in the same message.
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    stats: () => ({ workers: slots.length, waiting, batches, onThisThread }),
    async close() {
      closed = true;
      // What was collected is checked here (a turn's worth); what a worker holds is refused with it.
      flush();
      // Resolved once each worker's exit was handled (its batches refused BUSY), not merely asked for.
      await Promise.all(slots.map((s) => new Promise((done) => (s.worker.once('exit', done), void s.worker.terminate()))));
    },
  };
}
