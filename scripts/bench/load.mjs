// Load: an open-loop bench of the payment API at fixed offered tick rates, in steps (load-step.mjs). The
// server runs in its own process pinned to CPU 1, this generator pinned to CPU 0; one keep-alive connection
// per viewer (raw HTTP/1.1, load-connections.mjs), ticks pre-signed before each step, a warm-up before
// each measured window. The viewers follow the tick interval the server announces at start
// (`tickIntervalSeconds`, 1 when absent), so a step at R ticks/s has R × interval viewers.
// Prints, per step: offered rate → tick latency p99 (due → acknowledged), server CPU µs per tick (from the
// server process's CPU time), billed lag p99 (s); and the highest number of viewers whose step kept p99
// under 100 ms.
// Usage: node scripts/bench/load.mjs [--quick] [--rate R | --viewers N | --steps 500,1000,…]
//          [--seconds 60] [--warmup 10] [--db sqlite-file|:memory:|postgres://…] [--server-root DIR]
//          [--tick-interval S (the server's flag)] [--server-args="--flag value …"] [--out bench-results/load.json]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { round, startApiProcess } from './api-server-process.mjs';
import { Connection, httpRequest, inParallel, requestOnce } from './load-connections.mjs';
import { runStep } from './load-step.mjs';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rate: { type: 'string' },
    viewers: { type: 'string' },
    steps: { type: 'string' },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    db: { type: 'string' },
    'server-root': { type: 'string' },
    'server-args': { type: 'string', default: '' },
    'tick-interval': { type: 'string' },
    out: { type: 'string', default: 'bench-results/load.json' },
  },
});
const SECONDS = Number(values.seconds ?? (values.quick ? 10 : 60));
const WARMUP = Number(values.warmup ?? (values.quick ? 3 : 10));
// Each viewer holds a socket here and one in the server: both processes stay under the usual 20 000 fds.
const MAX_VIEWERS = 18_000;
const P99_LIMIT_MS = 100;
const RATE_MICRO = 10;
const CONTENT = 'load-film';

// Pinned before anything else starts (tsx, sockets): every thread of this process on CPU 0.
const pinned = spawnSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)]).status === 0;
const { makeFastViewer, fastStartRequest } = await tsImport('../../server/bench/fast-viewers.ts', import.meta.url);
const { tickSigningBytes, toHex } = await tsImport('../../src/payments/tick.ts', import.meta.url);

const dir = mkdtempSync(join(os.tmpdir(), 'sippar-load-'));
const db = values.db ?? join(dir, 'ledger.db');
const server = await startApiProcess({ db, cpu: 1, root: values['server-root'], extraArgs: [
  ...(values['tick-interval'] ? ['--tick-interval', values['tick-interval']] : []),
  ...values['server-args'].split(' ').filter(Boolean),
] });
const { hostname, port, host } = new URL(server.url);

const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  pinned: pinned ? { generator: 0, server: 1 } : false,
  server_root: values['server-root'] ?? '.',
  db: db.startsWith('postgres') ? 'postgres' : db === ':memory:' ? ':memory:' : 'sqlite file (WAL)',
  seconds_per_step: SECONDS,
  warmup_s: WARMUP,
  loadavg_before: os.loadavg(),
  steps: [],
};
const pool = [];

/** Viewers 0…n−1 with a connection and a credited balance (new ones made as the steps grow). */
async function viewersUpTo(n) {
  const fresh = [];
  while (pool.length < n) {
    const w = { fast: makeFastViewer(), conn: new Connection(hostname, Number(port), () => {}) };
    pool.push(w);
    fresh.push(w);
  }
  await inParallel(fresh, 256, async (w) => {
    await w.conn.ready;
    const body = JSON.stringify({ principal: w.fast.principal, microAlgos: 1e12 });
    const r = await requestOnce(w.conn, httpRequest('POST', '/streaming/dev/credit', host, body));
    if (r.status !== 200) throw new Error(`credit answered ${r.status}`);
  });
  return pool.slice(0, n);
}

/** A new session for each viewer (the rate ceiling counts from its start); answers the announced interval. */
async function startSessions(viewers) {
  let interval = 1;
  let errors = 0;
  await inParallel(viewers, 128, async (w) => {
    const nonce = toHex(crypto.getRandomValues(new Uint8Array(16)));
    const body = JSON.stringify(fastStartRequest(w.fast, server.url, CONTENT, RATE_MICRO, nonce));
    const r = await requestOnce(w.conn, httpRequest('POST', '/streaming/session/start', host, body));
    if (r.status !== 200) errors++;
    else {
      w.sessionId = r.json.sessionId;
      interval = r.json.tickIntervalSeconds ?? 1;
    }
  });
  if (errors) throw new Error(`${errors} session starts failed`);
  return interval;
}

const sign = (fast, tick) => JSON.stringify({ tick, signature: toHex(fast.signSync(tickSigningBytes(tick))) });

try {
  // The interval the server announces decides how many viewers make a given tick rate.
  const interval = await startSessions(await viewersUpTo(1));
  results.tick_interval_s = interval;
  const rates = values.rate
    ? [Number(values.rate)]
    : values.viewers
      ? [Number(values.viewers) / interval]
      : (values.steps ?? '500,1000,1500,2000,2500,3000,3500,4000,4500,5000').split(',').map(Number);
  let failedInARow = 0;
  for (const rate of rates) {
    const n = Math.min(MAX_VIEWERS, Math.round(rate * interval));
    const viewers = await viewersUpTo(n);
    const s0 = performance.now();
    await startSessions(viewers);
    const startS = (performance.now() - s0) / 1000;
    const r = await runStep({ viewers, cadenceS: interval, warmupS: WARMUP, seconds: SECONDS, rate: RATE_MICRO, host, sign, serverCpuSeconds: server.cpuSeconds });
    r.session_starts_per_s = round(n / startS);
    r.loadavg = os.loadavg().map((x) => round(x));
    results.steps.push(r);
    console.log(
      `${String(r.offered_ticks_per_s).padStart(6)} ticks/s  ${String(n).padStart(6)} viewers  p50 ${r.latency_ms.p50} ms  p99 ${r.latency_ms.p99} ms  max ${r.latency_ms.max} ms  ` +
        `server ${r.server_cpu_us_per_tick} µs/tick (${r.server_cpu_cores} cores)  generator ${r.generator_cpu_us_per_tick} µs/tick  billed lag p99 ${r.billed_lag_s.p99} s  ` +
        `coalesced ${r.coalesced}  unanswered ${r.unanswered}  statuses ${JSON.stringify(r.statuses)}  loadavg ${r.loadavg.join(' ')}`,
    );
    failedInARow = r.latency_ms.p99 < P99_LIMIT_MS && r.unanswered === 0 ? 0 : failedInARow + 1;
    // Two failing steps in a row: past saturation, more steps only queue.
    if (failedInARow >= 2 || r.latency_ms.p99 > 10 * P99_LIMIT_MS) break;
  }
  const ok = results.steps.filter((s) => s.latency_ms.p99 < P99_LIMIT_MS && s.unanswered === 0);
  results.max_viewers_p99_under_100ms = ok.length ? Math.max(...ok.map((s) => s.viewers)) : 0;
  results.loadavg_after = os.loadavg();
  console.log(`\n| offered ticks/s | viewers | p99 ms | server µs/tick | billed lag p99 s |\n|---|---|---|---|---|`);
  for (const s of results.steps) console.log(`| ${s.offered_ticks_per_s} | ${s.viewers} | ${s.latency_ms.p99} | ${s.server_cpu_us_per_tick} | ${s.billed_lag_s.p99} |`);
  console.log(`\nhighest viewers with tick p99 < ${P99_LIMIT_MS} ms: ${results.max_viewers_p99_under_100ms} (tick interval ${interval} s, ${results.db})`);
} finally {
  for (const w of pool) w.conn.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, JSON.stringify(results, null, 2) + '\n');
console.log(`wrote ${values.out}`);
