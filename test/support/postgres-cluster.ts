/**
 * A throwaway PostgreSQL cluster for tests: initdb in a temp directory, started by pg_ctl on a free port,
 * stopped and deleted by `stop()`. PostgreSQL refuses to run as root, so under root every server command
 * runs as the `postgres` user (Debian's package creates it) in a directory that user owns. Nothing is
 * skipped: when no server binaries are found or the server does not start, `startCluster` throws a message
 * saying what to install or what the server logged.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostgresCluster {
  /** postgres://sippar@127.0.0.1:<port>/postgres (trust authentication, superuser). */
  url: string;
  port: number;
  /** The cluster's data directory (postmaster.pid names the server's process). */
  dataDir: string;
  /** Stops the server (fast shutdown: clients are disconnected, committed data is kept). */
  stopServer(mode?: 'fast' | 'immediate'): void;
  /** Starts it again on the same port and data directory. */
  startServer(): void;
  /** Stops the server and deletes its directory. */
  stop(): void;
}

function binDir(): string {
  const has = (d: string) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl'));
  const candidates = [process.env.PG_BIN ?? ''];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    /* pg_config is only in libpq-dev; Debian's server package keeps its binaries under /usr/lib/postgresql */
  }
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(root, v, 'bin')));
  }
  const found = candidates.find((d) => d && has(d));
  if (!found) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install -y postgresql, or set PG_BIN');
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface ClusterOptions {
  /** fsync and full-page writes on, as in production: for benches measuring commits per second. */
  durable?: boolean;
}

export async function startCluster(o: ClusterOptions = {}): Promise<PostgresCluster> {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'sippar-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  if (asRoot) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    if (ids.status !== 0) throw new Error('running as root and there is no `postgres` user to run PostgreSQL as (apt-get install -y postgresql creates it)');
    const uid = Number(ids.stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(dir, uid, gid);
  }
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] : [join(bin, cmd), args];
    const r = spawnSync(file, argv, { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) {
      const logged = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
      throw new Error(`PostgreSQL test cluster: ${cmd} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}\n${logged}`);
    }
  };
  run('initdb', ['-D', data, '-U', 'sippar', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  // fsync off for tests: a throwaway cluster survives process crashes (the OS keeps the WAL), not OS
  // crashes; synchronous_commit stays on, so an acknowledged commit is in the WAL before the client hears of it.
  const durability = o.durable ? '' : ' -c fsync=off -c full_page_writes=off';
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=300${durability}`;
  const startServer = () => run('pg_ctl', ['-D', data, '-o', opts, '-l', log, '-w', '-t', '60', 'start']);
  const stopServer = (mode: 'fast' | 'immediate' = 'fast') => run('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
  try {
    startServer();
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  let stopped = false;
  return {
    dataDir: data,
    url: `postgres://sippar@127.0.0.1:${port}/postgres`,
    port,
    startServer,
    stopServer,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        stopServer('fast');
      } catch {
        /* already stopped by a test */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
