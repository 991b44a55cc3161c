// Load: N simulated viewers (default 10 000), each sending one real pre-signed tick per second for D seconds
// (default 20) over keep-alive connections to the API in a child process (loopback, file DB in a temp dir).
// Reports achieved ticks/s, latency p50/p99 (from each tick's due time, so client queueing counts), errors
// and the server's CPU. Client and server share the machine's cores.
// Usage: node scripts/bench/load.mjs [--viewers 10000] [--seconds 20] [--connections 256]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { percentile, round, startApiProcess } from './api-server-process.mjs';

const { values } = parseArgs({
  options: {
    viewers: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '256' },
    memory: { type: 'boolean', default: false },
  },
});
const N = Math.min(50_000, Number(values.viewers));
const D = Math.min(120, Number(values.seconds));
const CONNS = Math.min(4096, Number(values.connections));
const RATE = 10; // µALGO per second
const SLOTS = 100; // each second split in 10 ms slots, viewers spread evenly

const { makeFastViewer, fastStartRequest, fastTickRequest } = await tsImport('../../server/bench/fast-viewers.ts', import.meta.url);
const dir = mkdtempSync(join(os.tmpdir(), 'sippar-load-'));
const server = await startApiProcess({ db: values.memory ? ':memory:' : join(dir, 'ledger.db') });
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const base = new URL(server.url);

function send(method, path, data) {
  return sendWith(agent, method, path, data);
}
function sendWith(agent, method, path, data) {
  return new Promise((resolve) => {
    const req = http.request(
      { host: base.hostname, port: base.port, method, path, agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', (e) => resolve({ status: 0, body: Buffer.from(String(e)) }));
    req.end(data);
  });
}

async function inBatches(items, width, fn) {
  let i = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (i < items.length) await fn(items[i++]);
  }));
}

const results = { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, loadavg_before: os.loadavg(), viewers: N, seconds: D, connections: CONNS, db: values.memory ? ':memory:' : 'file (WAL)' };
try {
  let t = performance.now();
  const viewers = Array.from({ length: N }, () => makeFastViewer());
  results.setup_keys_s = round((performance.now() - t) / 1000);

  t = performance.now();
  const cpuStart0 = server.cpuSeconds();
  let startErrors = 0;
  await inBatches(viewers, 64, async (v) => {
    await send('POST', '/streaming/dev/credit', JSON.stringify({ principal: v.principal, microAlgos: 1_000_000 }));
    const r = await send('POST', '/streaming/session/start', JSON.stringify(fastStartRequest(v, server.url, 'load-film', RATE, Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex'))));
    if (r.status !== 200) startErrors++;
    else v.sessionId = JSON.parse(r.body).sessionId;
  });
  const startWall = (performance.now() - t) / 1000;
  results.session_starts = { per_s: round(N / startWall), errors: startErrors, server_cpu_s: round(server.cpuSeconds() - cpuStart0) };
  console.log(`started ${N} sessions in ${round(startWall)} s (${results.session_starts.per_s}/s, credit + start each), errors ${startErrors}`);

  // Pre-sign every tick: tick k of a viewer says k seconds watched (one per second of wall time).
  t = performance.now();
  const bodies = viewers.map((v) =>
    Array.from({ length: D }, (_, k) => {
      const seconds = k + 1;
      return JSON.stringify(fastTickRequest(v, { sessionId: v.sessionId ?? 'missing', seq: seconds, seconds, microAlgos: seconds * RATE, mediaTime: seconds * 1000, clientTime: Date.now() }));
    }),
  );
  results.presign_s = round((performance.now() - t) / 1000);
  console.log(`pre-signed ${N * D} ticks in ${results.presign_s} s`);

  // Each connection is a worker with its own keep-alive socket and one request in flight, serving a fixed
  // group of viewers (viewer i → worker i % connections) from a FIFO with O(1) pops (http.Agent's own queue
  // shifts an array: quadratic once thousands wait). Like the element's outbox, a viewer has at most one tick
  // in flight and, while it waits, only its newest tick is kept: cumulative totals make that lossless
  // (`coalesced` counts ticks superseded before they were sent). Latency runs from the sent tick's due time.
  const lat = [];
  const service = [];
  const statuses = {};
  let late = 0;
  let sent = 0;
  let coalesced = 0;
  let producing = true;
  const latest = new Int32Array(N).fill(-1); // newest due tick index per viewer
  const sentUpTo = new Int32Array(N).fill(-1);
  const busy = new Uint8Array(N); // queued or in flight
  const dueAt = (k, i) => t0 + k * 1000 + ((i % SLOTS) * 1000) / SLOTS;
  const queues = Array.from({ length: CONNS }, () => ({ items: [], head: 0, wake: null }));
  const enqueue = (i) => {
    busy[i] = 1;
    const q = queues[i % CONNS];
    q.items.push(i);
    if (q.wake) {
      const w = q.wake;
      q.wake = null;
      w();
    }
  };
  async function worker(q) {
    const a = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (;;) {
      if (q.head < q.items.length) {
        const i = q.items[q.head];
        q.items[q.head++] = undefined;
        const k = latest[i];
        coalesced += k - sentUpTo[i] - 1;
        sentUpTo[i] = k;
        sent++;
        const s0 = performance.now();
        const r = await sendWith(a, 'PUT', '/streaming/session/extend', bodies[i][k]);
        const now = performance.now();
        lat.push(now - dueAt(k, i));
        service.push(now - s0);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (latest[i] > sentUpTo[i]) {
          q.items.push(i); // a newer tick came due meanwhile: back of this worker's line
        } else busy[i] = 0;
      } else if (!producing) break;
      else await new Promise((r) => (q.wake = r));
    }
    a.destroy();
  }
  const cpu0 = server.cpuSeconds();
  const clientCpu0 = process.cpuUsage();
  const t0 = performance.now();
  const workers = queues.map(worker);
  for (let k = 0; k < D; k++) {
    for (let slot = 0; slot < SLOTS; slot++) {
      const wait = dueAt(k, slot) - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      else if (wait < -50) late++;
      for (let i = slot; i < N; i += SLOTS) {
        latest[i] = k;
        if (!busy[i]) enqueue(i);
      }
    }
  }
  producing = false;
  for (const q of queues) q.wake?.();
  await Promise.all(workers);
  const wall = (performance.now() - t0) / 1000;
  const cpu = server.cpuSeconds() - cpu0;
  lat.sort((a, b) => a - b);
  const ok = statuses[200] ?? 0;
  Object.assign(results, {
    ticks_due: N * D,
    ticks_sent: sent,
    ticks_coalesced: coalesced,
    billed_seconds_complete: sentUpTo.every((k) => k === D - 1),
    ticks_ok: ok,
    errors: sent - ok,
    statuses,
    wall_s: round(wall),
    achieved_ticks_per_s: round(ok / wall),
    target_ticks_per_s: N,
    service_ms: { p50: round(percentile(service.sort((a, b) => a - b), 50)), p99: round(percentile(service, 99)) },
    client_cpu_cores: round((process.cpuUsage(clientCpu0).user + process.cpuUsage(clientCpu0).system) / 1e6 / wall),
    latency_ms: { p50: round(percentile(lat, 50)), p90: round(percentile(lat, 90)), p99: round(percentile(lat, 99)), max: round(lat[lat.length - 1]) },
    server_cpu_cores: round(cpu / wall),
    server_cpu_us_per_tick: round((cpu / ok) * 1e6, 1),
    client_slots_late: late,
    loadavg_after: os.loadavg(),
  });
  console.log(
    `load: ${N} viewers × ${D} s → ${results.achieved_ticks_per_s} ticks/s ok (target ${N}/s), ${sent} sent, ${coalesced} coalesced, p50 ${results.latency_ms.p50} ms, p99 ${results.latency_ms.p99} ms, max ${results.latency_ms.max} ms, errors ${results.errors} ${JSON.stringify(statuses)}, server CPU ${results.server_cpu_cores} cores, client CPU ${results.client_cpu_cores} cores (${results.server_cpu_us_per_tick} µs/tick), late slots ${late}`,
  );
} finally {
  agent.destroy();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/load.json', JSON.stringify(results, null, 2) + '\n');
console.log('wrote bench-results/load.json');
