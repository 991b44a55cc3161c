// The ledger on PostgreSQL, without HTTP or signatures (tick-latency.mjs and load.mjs measure those):
// ticks through ledger-service → PostgresLedgerStorage on a throwaway cluster with fsync ON, C ticks in
// flight, one tick per transaction. Reports ticks/s (= commits/s), the database's own counters per tick
// (commits, rows inserted and updated, WAL bytes), bytes stored per tick row, and CPU per tick of this
// Node process (service + driver) and of the PostgreSQL server. The figures of docs/SCALING.md.
// Usage: node scripts/bench/ledger-postgres.mjs [--ticks 20000] [--concurrency 64] [--sessions 2000] [--pool 16]
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { tsImport } from 'tsx/esm/api';

const { values } = parseArgs({
  options: {
    ticks: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '64' },
    sessions: { type: 'string', default: '2000' },
    pool: { type: 'string', default: '16' },
  },
});
const T = Number(values.ticks);
const C = Number(values.concurrency);
const S = Number(values.sessions);
const RATE = 10;

const { startCluster } = await tsImport('../../test/support/postgres-cluster.ts', import.meta.url);
const { PostgresLedgerStorage } = await tsImport('../../server/ledger/postgres-storage.ts', import.meta.url);
const { applyTick, openSession } = await tsImport('../../server/ledger/ledger-service.ts', import.meta.url);

/** CPU seconds of the PostgreSQL server: the postmaster and every process it started. */
function serverCpu(dataDir) {
  const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let ticks = 0;
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let stat;
    try {
      stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    } catch {
      continue;
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(p) === pid || Number(f[1]) === pid) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / 100; // USER_HZ
}

const cluster = await startCluster({ durable: true });
let store = new PostgresLedgerStorage(cluster.url, { max: Number(values.pool) });
// Counters are read on a connection of their own, after the pool that did the work has closed: a backend
// publishes its counters when it exits (an idle one only every 10 s).
const statsPool = new pg.Pool({ connectionString: cluster.url, max: 1 });
try {
  await store.ready;
  const ids = Array.from({ length: S }, (_, i) => `bench-${i}`);
  for (const id of ids) {
    const principal = `viewer-${id}`;
    await store.credit(principal, 'ADDR', 1e12, 0);
    await openSession(store, { id, principal, contentId: `film-${id.length % 7}`, rate: RATE, budget: null, sessionKey: randomBytes(91), startHash: randomBytes(32), startedAt: 0, expiresAt: 1e15, freeSeconds: 0, splits: null }, 'ADDR');
  }
  const seqs = new Array(S).fill(0);
  let issued = 0;
  const limits = { maxPlaybackRate: 2, slackSeconds: 90, platformFeeBps: 1000, settle: false };
  async function worker(count) {
    while (issued < count) {
      const i = issued++ % S;
      const seq = ++seqs[i];
      const tick = { sessionId: ids[i], seq, seconds: seq, microAlgos: seq * RATE, mediaTime: seq * 1000, clientTime: Date.now() };
      await applyTick(store, { tick, tickHash: randomBytes(32), signature: randomBytes(64) }, { ...limits, now: Date.now() });
    }
  }
  const stats = async () =>
    (
      await statsPool.query(
        `SELECT xact_commit::bigint AS commits, tup_inserted::bigint AS inserted, tup_updated::bigint AS updated, pg_current_wal_lsn() AS lsn,
           (SELECT wal_sync FROM pg_stat_wal)::bigint AS syncs
         FROM pg_stat_database WHERE datname = current_database()`,
      )
    ).rows[0];
  // Warm-up: pages cached, then a fresh pool for the measured run (its connections' counters start at zero).
  await Promise.all(Array.from({ length: C }, () => worker(Math.min(2000, T / 5))));
  await store.close();
  store = new PostgresLedgerStorage(cluster.url, { max: Number(values.pool) });
  await store.ready;
  issued = 0;
  const s0 = await stats();
  const cpu0 = process.cpuUsage();
  const pg0 = serverCpu(cluster.dataDir);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: C }, () => worker(T)));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const pgCpu = serverCpu(cluster.dataDir) - pg0;
  await store.close();
  await new Promise((r) => setTimeout(r, 500)); // the exiting backends' last counters
  const s1 = await stats();
  const wal = (await statsPool.query('SELECT pg_wal_lsn_diff($1, $2)::bigint AS bytes', [s1.lsn, s0.lsn])).rows[0].bytes;
  const size = (await statsPool.query(`SELECT pg_total_relation_size('ticks')::bigint AS bytes, count(*)::bigint AS n FROM ticks`)).rows[0];
  const per = (x) => Math.round((x / T) * 100) / 100;
  const out = {
    ticks: T,
    concurrency: C,
    sessions: S,
    pool: Number(values.pool),
    ticksPerSecond: Math.round(T / seconds),
    // The load (one SELECT) is a read-only transaction of its own: two commits per tick, one of them writing.
    transactionsPerTick: per(s1.commits - s0.commits),
    // WAL flushes to disk: below one per tick when concurrent commits share a flush (PostgreSQL's own group commit).
    walFsyncsPerTick: per(s1.syncs - s0.syncs),
    rowsInsertedPerTick: per(s1.inserted - s0.inserted),
    rowsUpdatedPerTick: per(s1.updated - s0.updated),
    walBytesPerTick: Math.round(wal / T),
    storedBytesPerTickRow: Math.round(size.bytes / size.n),
    nodeCpuMicrosPerTick: Math.round((cpu.user + cpu.system) / T),
    postgresCpuMicrosPerTick: Math.round((pgCpu * 1e6) / T),
  };
  console.log(JSON.stringify(out, null, 2));
} finally {
  await store.close();
  await statsPool.end();
  cluster.stop();
}
