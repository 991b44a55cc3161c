// The canister-signature check (server/verify/canister-signature.ts) in a worker thread: its BLS pairing
// costs 80–130 ms of CPU, which on the main thread would stall every other request. Plain .mjs loading
// the TypeScript through tsx, so it runs the same under tsx, vitest and the benches.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

// On a machine with fewer free cores than threads the worker shares a core with the event loop; at the
// lowest priority it takes only what the event loop leaves, so a flood of forged certificates slows the
// checks, not the honest ticks. Linux niceness is per thread; /proc/thread-self names this one.
try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 19);
} catch {
  // Not Linux, or not allowed: the worker runs at the process's priority.
}

const loaded = tsImport('./canister-signature.ts', import.meta.url);

parentPort.on('message', async ({ id, check }) => {
  let mod;
  try {
    mod = await loaded;
  } catch (e) {
    // Not an answer about the signature: the pool must not cache it as one.
    parentPort.postMessage({ id, ok: false, error: String(e?.message ?? e) });
    return;
  }
  parentPort.postMessage({ id, ok: await mod.verifyCanisterSignature(check) });
});
