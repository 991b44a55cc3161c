/** The batched tick-signature verifier (server/verify/tick-verifier.ts) with its real worker thread. */
import { generateKeyPairSync, sign } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../../server/errors.js';
import { parseSigningKey, type SigningKey } from '../../../../server/verify/keys.js';
import { createTickVerifier, type TickVerifier } from '../../../../server/verify/tick-verifier.js';

interface Signer {
  key: SigningKey;
  sign(message: Uint8Array): Uint8Array;
}

function p256(): Signer {
  const kp = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    key: parseSigningKey(new Uint8Array(kp.publicKey.export({ format: 'der', type: 'spki' }))),
    sign: (m) => new Uint8Array(sign('sha256', m, { key: kp.privateKey, dsaEncoding: 'ieee-p1363' })),
  };
}

function ed25519(): Signer {
  const kp = generateKeyPairSync('ed25519');
  return {
    key: parseSigningKey(new Uint8Array(kp.publicKey.export({ format: 'der', type: 'spki' }))),
    sign: (m) => new Uint8Array(sign(null, m, kp.privateKey)),
  };
}

const msg = (i: number) => new TextEncoder().encode(`sippar-tick ${i} ${'x'.repeat(i % 50)}`);
const flip = (b: Uint8Array, i = 7) => {
  const c = new Uint8Array(b);
  c[i] ^= 1;
  return c;
};

let v: TickVerifier | undefined;
afterEach(async () => {
  await v?.close();
  v = undefined;
});

async function busyOf(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

describe('tick verifier on a worker thread', () => {
  it('accepts a valid signature; refuses another message, a flipped bit and wrong lengths (those never leave this thread)', async () => {
    v = createTickVerifier({ workers: 1, maxQueue: 100 });
    const a = p256();
    const sig = a.sign(msg(1));
    expect(await v.verify(a.key, msg(1), sig)).toBe(true);
    expect(await v.verify(a.key, msg(2), sig)).toBe(false);
    expect(await v.verify(a.key, msg(1), flip(sig))).toBe(false);
    expect(await v.verify(a.key, msg(1), flip(sig, 40))).toBe(false);
    const batches = v.stats().batches;
    expect(await v.verify(a.key, msg(1), sig.subarray(0, 63))).toBe(false);
    expect(await v.verify(a.key, msg(1), new Uint8Array([...sig, 0]))).toBe(false);
    expect(await v.verify(a.key, msg(1), new Uint8Array(0))).toBe(false);
    expect(v.stats()).toMatchObject({ batches, onThisThread: 0, waiting: 0, workers: 1 });
  });

  it('answers a mixed batch of one turn in order, in one message', async () => {
    v = createTickVerifier({ workers: 1, maxQueue: 1000 });
    const signers = [p256(), p256(), ed25519()];
    const checks = Array.from({ length: 60 }, (_, i) => {
      const s = signers[i % 3];
      const sig = s.sign(msg(i));
      const good = i % 4 !== 1;
      return { s, m: msg(i), sig: good ? sig : flip(sig), good };
    });
    const answers = await Promise.all(checks.map((c) => v!.verify(c.s.key, c.m, c.sig)));
    expect(answers).toEqual(checks.map((c) => c.good));
    expect(v.stats()).toMatchObject({ batches: 1, onThisThread: 0, waiting: 0 });
  });

  it('never confuses two keys: a signature by one is refused with the other, in the same batch and the next', async () => {
    v = createTickVerifier({ workers: 1, maxQueue: 100 });
    const a = p256();
    const b = p256();
    // Same length and the same DER header: only the point differs.
    expect(a.key.der.length).toBe(b.key.der.length);
    const m = msg(3);
    const byA = a.sign(m);
    const byB = b.sign(m);
    expect(await Promise.all([v.verify(a.key, m, byA), v.verify(b.key, m, byA), v.verify(b.key, m, byB), v.verify(a.key, m, byB)])).toEqual([true, false, true, false]);
    expect(await Promise.all([v.verify(b.key, m, byA), v.verify(a.key, m, byA)])).toEqual([false, true]);
    expect(v.stats().onThisThread).toBe(0);
  });

  it('checks on this thread what a dying worker held, and stays on it once workers keep dying', async () => {
    const started: Worker[] = [];
    // Each worker is ended as it starts, before it can answer the batch posted to it.
    v = createTickVerifier({ workers: 1, maxQueue: 100, onWorker: (w) => (started.push(w), void w.terminate()) });
    const a = p256();
    for (let round = 0; round < 4; round++) {
      const m = msg(round);
      expect(await Promise.all([v.verify(a.key, m, a.sign(m)), v.verify(a.key, m, flip(a.sign(m)))])).toEqual([true, false]);
    }
    expect(started.length).toBe(3);
    expect(v.stats()).toMatchObject({ workers: 0, waiting: 0, onThisThread: 8 });
  });

  it('a worker ended after answering is replaced, and its successor answers', async () => {
    const started: Worker[] = [];
    v = createTickVerifier({ workers: 1, maxQueue: 100, onWorker: (w) => void started.push(w) });
    const a = p256();
    expect(await v.verify(a.key, msg(1), a.sign(msg(1)))).toBe(true);
    await started[0].terminate();
    expect(await Promise.all([v.verify(a.key, msg(2), a.sign(msg(2))), v.verify(a.key, msg(2), a.sign(msg(3)))])).toEqual([true, false]);
    expect(started.length).toBe(2);
    expect(v.stats()).toMatchObject({ workers: 1, onThisThread: 0 });
  });

  it('refuses a check BUSY (503, Retry-After) when maxQueue checks wait, and takes checks again once answered', async () => {
    v = createTickVerifier({ workers: 1, maxQueue: 2 });
    const a = p256();
    const m = msg(5);
    const s = a.sign(m);
    const first = [v.verify(a.key, m, s), v.verify(a.key, m, s)];
    const e = await busyOf(v.verify(a.key, m, s));
    expect(e.code).toBe('BUSY');
    expect(e.status).toBe(503);
    expect(e.headers['retry-after']).toBe('1');
    expect(await Promise.all(first)).toEqual([true, true]);
    expect(await v.verify(a.key, m, s)).toBe(true);
  });

  it('on close: collected checks are still answered, in-flight ones are never answered "does not verify", later ones BUSY', async () => {
    v = createTickVerifier({ workers: 1, maxQueue: 100 });
    const a = p256();
    const m = msg(9);
    const posted = v.verify(a.key, m, a.sign(m));
    await new Promise((r) => setImmediate(r)); // its batch is on the worker
    const collected = v.verify(a.key, m, a.sign(m));
    await v.close();
    expect(await collected).toBe(true);
    const outcome = await posted.then(
      (ok) => ok,
      (err: ApiError) => err.code,
    );
    expect([true, 'BUSY']).toContain(outcome);
    expect((await busyOf(v.verify(a.key, m, a.sign(m)))).code).toBe('BUSY');
    expect(v.stats().workers).toBe(0);
  });

  it('with 0 workers checks on this thread and starts no worker', async () => {
    const started: Worker[] = [];
    v = createTickVerifier({ workers: 0, maxQueue: 1, onWorker: (w) => void started.push(w) });
    const a = p256();
    const s = a.sign(msg(1));
    expect(await Promise.all([v.verify(a.key, msg(1), s), v.verify(a.key, msg(1), s), v.verify(a.key, msg(2), s)])).toEqual([true, true, false]);
    expect(started).toEqual([]);
  });
});
