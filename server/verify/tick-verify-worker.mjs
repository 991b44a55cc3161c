// Tick signature checks (tick-verifier.ts) on a thread of their own: a P-256 check costs 65–90 µs of CPU,
// ~40 % of a tick on the event loop, and a second core can take it. Plain .mjs loading keys.ts through tsx
// (one copy of the check), so it runs the same under tsx, vitest and the benches.
import { parentPort } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const loaded = tsImport('./keys.ts', import.meta.url);

// Parsed keys by their whole DER (base64): a key costs ~140 µs to parse, and a session's key comes back
// with every tick. The DER is copied out of the batch on a miss, so a cached key does not keep its batch.
const parsed = new Map();
const PARSED_MAX = 100_000;
function signingKey(keys, der) {
  const id = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  let k = parsed.get(id);
  if (k === undefined) {
    k = keys.parseSigningKey(der.slice());
    if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value);
    parsed.set(id, k);
  }
  return k;
}

parentPort.on('message', async ({ id, batch }) => {
  let keys;
  try {
    keys = await loaded;
  } catch (e) {
    // Not an answer about any signature: the main thread checks this batch itself.
    parentPort.postMessage({ id, error: String(e?.message ?? e) });
    return;
  }
  // The batch as packed by tick-verifier.ts: u32 count, then per item u16 key, message and signature
  // lengths and their bytes.
  const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  const n = view.getUint32(0);
  const ok = new Uint8Array(n);
  let p = 4;
  for (let i = 0; i < n; i++) {
    const kl = view.getUint16(p);
    const ml = view.getUint16(p + 2);
    const sl = view.getUint16(p + 4);
    p += 6;
    const der = batch.subarray(p, (p += kl));
    const message = batch.subarray(p, (p += ml));
    const signature = batch.subarray(p, (p += sl));
    try {
      ok[i] = keys.verifySignatureSync(signingKey(keys, der), message, signature) ? 1 : 0;
    } catch {
      ok[i] = 0; // a key that does not parse verifies nothing
    }
  }
  parentPort.postMessage({ id, ok }, [ok.buffer]);
});
