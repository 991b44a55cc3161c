// Load: an open-loop bench of the payment API at fixed offered tick rates, in steps (load-step.mjs). The
// server runs in its own process on both CPUs (its tick signature checks run on worker threads; a server
// with a single busy thread gets the core the generator leaves), this generator pinned to CPU 0; one
// keep-alive connection per viewer (raw HTTP/1.1, load-connections.mjs), ticks pre-signed before each
// step, a warm-up before each measured window. The viewers follow the tick interval the server announces at start
// (`tickIntervalSeconds`, 1 when absent), so a step at R ticks/s has R × interval viewers.
// Prints, per step: offered rate → tick latency p99 (due → acknowledged), server CPU µs per tick (from the
// server process's CPU time, and its main thread's alone), the generator's own CPU µs per tick, billed lag
// p99 (s); and the highest number of viewers whose step kept p99 under 100 ms.
// Usage: node scripts/bench/load.mjs [--quick] [--rate R | --viewers N | --steps 500,1000,…]
//          [--seconds 60] [--warmup 10] [--db sqlite-file|:memory:|postgres://…] [--server-root DIR]
//          [--tick-interval S (the server's flag)] [--server-args="--flag value …"] [--out bench-results/load.json]
//          [--postgres: a throwaway PostgreSQL cluster (fsync on) pinned to the server's CPU, as --db]
//          [--compare-root DIR: the same steps against that checkout's server too (e.g. an older commit),
//           alternating step by step so both see the same noise of a shared machine]
//          [--compare-node-args="--v8-flag …": node flags of the compared server (with or without --compare-root)]
//          [--compare-server-args="--flag value …": server flags of the compared server, after --server-args
//           (e.g. "--verify-workers 0": the same checkout with its tick checks on the event loop)]
//          [--server-cpus 1 · --compare-server-cpus 1: the CPUs each server may use (default 0,1, the compared
//           server as --server-cpus; the generator stays on CPU 0, so a server given 0,1 shares CPU 0 with it;
//           1 alone is the setup before the verify workers, docs/SCALING.md)]
//          [--repeat N: every step N times, the targets alternating (pairs at one rate; no early stop)]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    'compare-root': { type: 'string' },
    'compare-node-args': { type: 'string', default: '' },
    'compare-server-args': { type: 'string', default: '' },
    'server-cpus': { type: 'string', default: '0,1' },
    'compare-server-cpus': { type: 'string' },
    repeat: { type: 'string', default: '1' },
    postgres: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench-results/load.json' },
  },
});
const SECONDS = Number(values.seconds ?? (values.quick ? 10 : 60));
const WARMUP = Number(values.warmup ?? (values.quick ? 3 : 10));
// Each viewer holds a socket here and one in the server: both processes stay under the usual 20 000 fds.
const MAX_VIEWERS = 18_000;
const P99_LIMIT_MS = 100;
const REPEAT = Number(values.repeat);
const RATE_MICRO = 10;
const CONTENT = 'load-film';

// Pinned before anything else starts (tsx, sockets): every thread of this process on CPU 0.
const pinned = spawnSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)]).status === 0;
const { makeFastViewer, fastStartRequest } = await tsImport('../../server/bench/fast-viewers.ts', import.meta.url);
const { tickSigningBytes, toHex } = await tsImport('../../src/payments/tick.ts', import.meta.url);

const dir = mkdtempSync(join(os.tmpdir(), 'sippar-load-'));
let cluster;
if (values.postgres) {
  const { startCluster } = await tsImport('../../test/support/postgres-cluster.ts', import.meta.url);
  cluster = await startCluster({ durable: true });
  // The database is the server's side: on its CPU, and every backend forked later inherits that.
  const postmaster = readFileSync(join(cluster.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0];
  spawnSync('taskset', ['-a', '-p', '-c', '1', postmaster]);
  values.db = cluster.url;
}
const thisArgs = [...(values['tick-interval'] ? ['--tick-interval', values['tick-interval']] : []), ...values['server-args'].split(' ').filter(Boolean)];
const compareArgs = values['compare-server-args'].split(' ').filter(Boolean);
const cpuLabel = (cpus) => `cpu ${cpus}`;
const targets = [
  { name: `${values['server-root'] ?? 'this tree'} ${cpuLabel(values['server-cpus'])}`, root: values['server-root'], args: thisArgs, cpus: values['server-cpus'] },
  // The same flags (tick interval above all) for the compared server, or the comparison is not like for like;
  // api-server-process.mjs leaves out, and names, any flag that server does not know.
  ...(values['compare-root'] || values['compare-node-args'] || compareArgs.length
    ? [
        {
          name: `${values['compare-root'] ?? 'this tree'} ${values['compare-node-args']} ${values['compare-server-args']} ${cpuLabel(values['compare-server-cpus'] ?? values['server-cpus'])}`.replace(/\s+/g, ' ').trim(),
          root: values['compare-root'],
          args: [...thisArgs, ...compareArgs],
          nodeArgs: values['compare-node-args'].split(' ').filter(Boolean),
          cpus: values['compare-server-cpus'] ?? values['server-cpus'],
        },
      ]
    : []),
];

const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  pinned: pinned ? { generator: 0, servers: targets.map((t) => t.cpus) } : false,
  seconds_per_step: SECONDS,
  warmup_s: WARMUP,
  loadavg_before: os.loadavg(),
  targets: [],
};

/** Viewers 0…n−1 of a target, each with an open connection and a credited balance. */
async function viewersUpTo(t, n) {
  while (t.pool.length < n) t.pool.push({ fast: makeFastViewer(), conn: null, credited: false });
  const viewers = t.pool.slice(0, n);
  await inParallel(viewers, 256, async (w) => {
    if (!w.conn || w.conn.closed) {
      w.conn = new Connection(t.hostname, t.port, () => {});
      await w.conn.ready;
    }
    if (w.credited) return;
    const body = JSON.stringify({ principal: w.fast.principal, microAlgos: 1e12 });
    const r = await requestOnce(w.conn, httpRequest('POST', '/streaming/dev/credit', t.host, body));
    if (r.status !== 200) throw new Error(`credit answered ${r.status}`);
    w.credited = true;
  });
  return viewers;
}

/** A new session for each viewer (the rate ceiling counts from its start); answers the announced interval. */
async function startSessions(t, viewers) {
  let interval = 1;
  let errors = 0;
  let firstError;
  await inParallel(viewers, 128, async (w) => {
    const nonce = toHex(crypto.getRandomValues(new Uint8Array(16)));
    const body = JSON.stringify(fastStartRequest(w.fast, t.server.url, CONTENT, RATE_MICRO, nonce));
    const r = await requestOnce(w.conn, httpRequest('POST', '/streaming/session/start', t.host, body));
    if (r.status !== 200) {
      errors++;
      firstError ??= `${r.status} ${JSON.stringify(r.json)}`;
    } else {
      w.sessionId = r.json.sessionId;
      interval = r.json.tickIntervalSeconds ?? 1;
    }
  });
  if (errors) throw new Error(`[${t.name}] ${errors} session starts failed, the first answered ${firstError}`);
  return interval;
}

const sign = (fast, tick) => JSON.stringify({ tick, signature: toHex(fast.signSync(tickSigningBytes(tick))) });

async function step(t, rate) {
  const n = Math.min(MAX_VIEWERS, Math.round(rate * t.interval));
  const viewers = await viewersUpTo(t, n);
  const s0 = performance.now();
  await startSessions(t, viewers);
  const startS = (performance.now() - s0) / 1000;
  console.log(`[${t.name}] ${n} viewers connected, sessions started (${round(startS)} s); signing and running the step`);
  const r = await runStep({ viewers, cadenceS: t.interval, warmupS: WARMUP, seconds: SECONDS, rate: RATE_MICRO, host: t.host, sign, serverCpuSeconds: t.server.cpuSeconds, serverMainCpuSeconds: t.server.mainThreadCpuSeconds });
  // Connections closed between steps: two targets' viewers never hold more sockets than one process may.
  for (const w of t.pool) w.conn?.close();
  r.session_starts_per_s = round(n / startS);
  r.loadavg = os.loadavg().map((x) => round(x));
  t.steps.push(r);
  console.log(
    `[${t.name}] ${String(r.offered_ticks_per_s).padStart(6)} ticks/s  ${String(n).padStart(6)} viewers  p50 ${r.latency_ms.p50} ms  p99 ${r.latency_ms.p99} ms  max ${r.latency_ms.max} ms  round trip p99 ${r.round_trip_ms.p99} ms  ` +
      `server ${r.server_cpu_us_per_tick} µs/tick (${r.server_cpu_cores} cores), main thread ${r.server_main_cpu_us_per_tick} µs/tick  generator ${r.generator_cpu_us_per_tick} µs/tick, late p99 ${r.generator_lateness_ms_p99} ms  billed lag p99 ${r.billed_lag_s.p99} s  ` +
      `coalesced ${r.coalesced}  unanswered ${r.unanswered}  statuses ${JSON.stringify(r.statuses)}  loadavg ${r.loadavg.join(' ')}`,
  );
  if (REPEAT > 1) return; // pairs at one rate: every one runs
  t.failedInARow = r.latency_ms.p99 < P99_LIMIT_MS && r.unanswered === 0 ? 0 : t.failedInARow + 1;
  // Three failing steps in a row: saturated (one or two may be a burst of a shared machine's other work).
  t.done = t.failedInARow >= 3;
}

try {
  for (const t of targets) {
    t.server = await startApiProcess({ db: values.db ?? join(dir, `ledger-${targets.indexOf(t)}.db`), cpu: t.cpus, root: t.root, extraArgs: t.args, nodeArgs: t.nodeArgs });
    const u = new URL(t.server.url);
    Object.assign(t, { hostname: u.hostname, port: Number(u.port), host: u.host, pool: [], steps: [], failedInARow: 0, done: false });
    // The interval the server announces decides how many viewers make a given tick rate.
    t.interval = await startSessions(t, await viewersUpTo(t, 1));
    t.pool[0].conn.close();
  }
  const rates = values.rate
    ? [Number(values.rate)]
    : values.viewers
      ? [Number(values.viewers) / targets[0].interval]
      : (values.steps ?? '500,1000,1500,2000,2500,3000,3500,4000,4500,5000').split(',').map(Number);
  for (const rate of rates.flatMap((r) => Array(REPEAT).fill(r))) {
    for (const t of targets) if (!t.done) await step(t, rate);
    if (targets.every((t) => t.done)) break;
  }
  for (const t of targets) {
    const ok = t.steps.filter((s) => s.latency_ms.p99 < P99_LIMIT_MS && s.unanswered === 0);
    const max = ok.length ? Math.max(...ok.map((s) => s.viewers)) : 0;
    const db = (values.db ?? '').startsWith('postgres') ? 'postgres' : values.db === ':memory:' ? ':memory:' : 'sqlite file (WAL)';
    results.targets.push({ name: t.name, server_args: t.args, server_cpus: t.cpus, db, tick_interval_s: t.interval, max_viewers_p99_under_100ms: max, steps: t.steps });
    console.log(`\n[${t.name}] ${db}, tick interval ${t.interval} s\n| offered ticks/s | viewers | p99 ms | server µs/tick | billed lag p99 s |\n|---|---|---|---|---|`);
    for (const s of t.steps) console.log(`| ${s.offered_ticks_per_s} | ${s.viewers} | ${s.latency_ms.p99} | ${s.server_cpu_us_per_tick} (main ${s.server_main_cpu_us_per_tick}) | ${s.billed_lag_s.p99} |`);
    console.log(`highest viewers with tick p99 < ${P99_LIMIT_MS} ms: ${max}`);
  }
  results.loadavg_after = os.loadavg();
} finally {
  for (const t of targets) {
    for (const w of t.pool ?? []) w.conn?.close();
    await t.server?.stop();
  }
  cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
}
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, JSON.stringify(results, null, 2) + '\n');
console.log(`wrote ${values.out}`);
