// A flood of forged Internet Identity starts against honest ticks (issue #10 item 5). Three runs against
// the API in a child process pinned to CPU 0 (this client re-runs itself on CPU 1):
//   quiet   honest ticks only (--viewers sessions, each one tick a second, each billing a new second);
//   flood   the same ticks while --forged forged canister-signature starts a second arrive;
//   forged  the forged starts alone: the server's main-thread CPU per forged request (the event loop's
//           share; the BLS check itself runs on a worker thread and is reported apart);
//   before  quiet and flood again with --bls-workers 0 (the check on the event loop, as before the pool).
// Plus the in-process cost of one canister-signature check (what the main thread paid before the worker).
// Usage: node scripts/bench/forged-flood.mjs [--seconds 10] [--viewers 50] [--forged 50]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { percentile, round, startApiProcess } from './api-server-process.mjs';

// Client on CPU 1, server on CPU 0: a Node HTTP client costs more CPU than the server's HTTP (FACTS.md).
if (!process.env.SIPPAR_BENCH_PINNED && os.cpus().length > 1) {
  const r = spawnSync('taskset', ['-c', '1', process.execPath, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, SIPPAR_BENCH_PINNED: '1' } });
  process.exit(r.status ?? 1);
}

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, viewers: { type: 'string', default: '50' }, forged: { type: 'string', default: '50' } } });
const D = Number(values.seconds);
const V = Number(values.viewers);
const F = Number(values.forged);
const fx = JSON.parse(readFileSync(new URL('../../test/unit/server/fixtures/ii-canister-signature.json', import.meta.url), 'utf8'));
const { makeFastViewer, fastStartRequest, fastTickRequest } = await tsImport('../../server/bench/fast-viewers.ts', import.meta.url);
const { forgedCanisterStarts } = await tsImport('../../server/bench/forged-canister.ts', import.meta.url);

function sender(maxSockets) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  return {
    send(base, method, path, body) {
      return new Promise((resolve) => {
        const data = body === undefined ? undefined : JSON.stringify(body);
        const req = http.request(base + path, { method, agent, headers: data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {} }, (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            let json;
            try {
              json = JSON.parse(Buffer.concat(chunks).toString());
            } catch {}
            resolve({ status: res.statusCode, json });
          });
        });
        req.on('error', () => resolve({ status: 0 }));
        req.end(data);
      });
    },
    close: () => agent.destroy(),
  };
}

const sleepUntil = (t) => new Promise((r) => setTimeout(r, Math.max(0, t - performance.now())));

/** Honest viewers: session i ticks at t0 + k s + i × (1 s / V), each tick one more second. */
async function honestTicks(url, honest, viewers, t0) {
  const lat = [];
  const statuses = {};
  const pending = [];
  for (let k = 0; k < D; k++) {
    for (let i = 0; i < viewers.length; i++) {
      const due = t0 + k * 1000 + (i * 1000) / viewers.length;
      await sleepUntil(due);
      const v = viewers[i];
      const seconds = v.seconds + 1;
      v.seconds = seconds;
      const body = fastTickRequest(v, { sessionId: v.sessionId, seq: seconds, seconds, microAlgos: seconds, mediaTime: seconds * 1000, clientTime: Date.now() });
      pending.push(
        honest.send(url, 'PUT', '/streaming/session/extend', body).then((r) => {
          lat.push(performance.now() - due);
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        }),
      );
    }
  }
  await Promise.all(pending);
  lat.sort((a, b) => a - b);
  return { ticks: lat.length, p50_ms: round(percentile(lat, 50), 2), p90_ms: round(percentile(lat, 90), 2), p99_ms: round(percentile(lat, 99), 2), max_ms: round(lat[lat.length - 1], 2), statuses };
}

/** Forged starts at F a second, open loop; answers counted by code. */
async function forgedStarts(url, client, next, t0) {
  const codes = {};
  const pending = [];
  for (let j = 0; j < D * F; j++) {
    await sleepUntil(t0 + (j * 1000) / F);
    pending.push(
      client.send(url, 'POST', '/streaming/session/start', next()).then((r) => {
        const c = r.json?.error?.code ?? String(r.status);
        codes[c] = (codes[c] ?? 0) + 1;
      }),
    );
  }
  await Promise.all(pending);
  return codes;
}

const results = { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, loadavg_before: os.loadavg(), seconds: D, viewers: V, forged_per_s: F };

// What a canister-signature check costs in-process (the old main-thread cost of each forged start).
{
  const { verifyCanisterSignature } = await tsImport('../../server/verify/canister-signature.ts', import.meta.url);
  const { fromHex } = await tsImport('../../src/payments/tick.ts', import.meta.url);
  const next = forgedCanisterStarts(fx, 'http://x');
  const { hashOfMap, IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR } = await import('@dfinity/agent');
  const times = [];
  for (let i = 0; i < 10; i++) {
    const b = next();
    const d = b.delegationChain.delegations[0].delegation;
    const message = new Uint8Array([...IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR, ...hashOfMap({ pubkey: fromHex(d.pubkey), expiration: BigInt('0x' + d.expiration) })]);
    const c0 = process.cpuUsage();
    const ok = await verifyCanisterSignature({ publicKeyDer: fromHex(b.delegationChain.publicKey), message, signature: fromHex(b.delegationChain.delegations[0].signature), icRootKeyRaw: fromHex(fx.icRootPublicKeyRawHex), allowedCanisters: [fx.iiCanisterId] });
    const c = process.cpuUsage(c0);
    if (ok) throw new Error('a forged signature verified');
    if (i > 1) times.push((c.user + c.system) / 1000);
  }
  times.sort((a, b) => a - b);
  results.bls_check_in_process_cpu_ms = { p50: round(percentile(times, 50), 1), max: round(times[times.length - 1], 1) };
  console.log(`one forged canister-signature check in-process: ${results.bls_check_in_process_cpu_ms.p50} ms CPU (p50) — what each forged start cost the event loop before the worker`);
}

/** One server: quiet and flood runs, and (with `forgedOnly`) the forged starts alone. */
async function runs(label, extraArgs, forgedOnly) {
  const out = {};
  const server = await startApiProcess({ cpu: 0, extraArgs, env: { SIPPAR_IC_ROOT_KEY: fx.icRootPublicKeyRawHex, SIPPAR_II_CANISTERS: fx.iiCanisterId } });
  const honest = sender(16);
  const attacker = sender(64);
  try {
    const viewers = Array.from({ length: V }, () => makeFastViewer());
    for (const [i, v] of viewers.entries()) {
      await honest.send(server.url, 'POST', '/streaming/dev/credit', { principal: v.principal, microAlgos: 1e12 });
      v.sessionId = (await honest.send(server.url, 'POST', '/streaming/session/start', fastStartRequest(v, server.url, 'bench', 1, i.toString(16).padStart(32, '0')))).json.sessionId;
      v.seconds = 0;
    }
    // Warm-up: the worker starts on the first canister chain (tsx, @dfinity/agent); not part of the figures.
    await attacker.send(server.url, 'POST', '/streaming/session/start', forgedCanisterStarts(fx, server.url)());

    let t0 = performance.now() + 200;
    const q0 = server.mainThreadCpuSeconds();
    out.quiet = await honestTicks(server.url, honest, viewers, t0);
    // The yardstick for the forged figures below: what an honest tick costs the event loop, same run.
    out.quiet.main_thread_us_per_tick = round(((server.mainThreadCpuSeconds() - q0) * 1e6) / out.quiet.ticks, 0);
    console.log(`${label} quiet: ${out.quiet.ticks} honest ticks  p50 ${out.quiet.p50_ms} ms  p99 ${out.quiet.p99_ms} ms  max ${out.quiet.max_ms} ms  main thread ${out.quiet.main_thread_us_per_tick} µs CPU each  ${JSON.stringify(out.quiet.statuses)}`);

    t0 = performance.now() + 200;
    const [flood, codes] = await Promise.all([honestTicks(server.url, honest, viewers, t0), forgedStarts(server.url, attacker, forgedCanisterStarts(fx, server.url), t0)]);
    out.flood = { ...flood, forged_answers: codes };
    console.log(`${label} flood: ${flood.ticks} honest ticks with ${F} forged starts/s  p50 ${flood.p50_ms} ms  p99 ${flood.p99_ms} ms  max ${flood.max_ms} ms  ${JSON.stringify(flood.statuses)}; forged answered ${JSON.stringify(codes)}`);

    if (forgedOnly) {
      const main0 = server.mainThreadCpuSeconds();
      const all0 = server.cpuSeconds();
      t0 = performance.now() + 200;
      const only = await forgedStarts(server.url, attacker, forgedCanisterStarts(fx, server.url), t0);
      const n = D * F;
      out.forged_only = {
        requests: n,
        answers: only,
        main_thread_us_per_request: round(((server.mainThreadCpuSeconds() - main0) * 1e6) / n, 0),
        process_us_per_request: round(((server.cpuSeconds() - all0) * 1e6) / n, 0),
      };
      console.log(`${label} forged only: ${n} requests  main thread ${out.forged_only.main_thread_us_per_request} µs CPU each (whole process, workers included: ${out.forged_only.process_us_per_request} µs)  ${JSON.stringify(only)}`);
      // One forgery sent again and again: answered from the cache of recent failures.
      const same = forgedCanisterStarts(fx, server.url)();
      await attacker.send(server.url, 'POST', '/streaming/session/start', same);
      const rm0 = server.mainThreadCpuSeconds();
      const repeated = await forgedStarts(server.url, attacker, () => same, performance.now() + 200);
      out.forged_repeated = { requests: n, answers: repeated, main_thread_us_per_request: round(((server.mainThreadCpuSeconds() - rm0) * 1e6) / n, 0) };
      console.log(`${label} one forgery repeated: main thread ${out.forged_repeated.main_thread_us_per_request} µs CPU each  ${JSON.stringify(repeated)}`);
    }
  } finally {
    honest.close();
    attacker.close();
    await server.stop();
  }
  return out;
}

results.worker = await runs('worker', [], true);
results.before = await runs('before (BLS on the event loop)', ['--bls-workers', '0'], false);
results.loadavg_after = os.loadavg();
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/forged-flood.json', JSON.stringify(results, null, 2) + '\n');
console.log('wrote bench-results/forged-flood.json');
