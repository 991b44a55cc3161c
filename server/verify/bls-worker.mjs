// The canister-signature check (server/verify/canister-signature.ts) in a worker thread: its BLS pairing
// costs 80–130 ms of CPU, which on the main thread would stall every other request. Plain .mjs loading
// the TypeScript through tsx, so it runs the same under tsx, vitest and the benches.
import { parentPort } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const loaded = tsImport('./canister-signature.ts', import.meta.url);

parentPort.on('message', async ({ id, check }) => {
  let ok = false;
  try {
    ok = await (await loaded).verifyCanisterSignature(check);
  } catch {
    ok = false;
  }
  parentPort.postMessage({ id, ok });
});
