// Starts the reference payment API (server/main.ts) in a child process on an ephemeral loopback port and
// reads its CPU time from /proc, for the payment API benches (tick-latency.mjs, load.mjs).
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

// SIPPAR_BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", goes to the server's node only.
const nodeArgs = (process.env.SIPPAR_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

/**
 * `cpu`: pin the server to these CPUs with taskset (e.g. '0'), so a load client pinned elsewhere does not
 * steal its time. `env`: extra environment (e.g. SIPPAR_IC_ROOT_KEY). `root`: another checkout's server (a
 * bench of this tree against an older commit). `nodeArgs`: flags for this server's node (SIPPAR_BENCH_NODE_ARGS: for
 * every server a bench starts). Request limits are off: a bench is
 * one client address sending thousands of requests a second.
 */
export async function startApiProcess({ db = ':memory:', extraArgs = [], env = {}, cpu, root: serverRoot = root, nodeArgs: moreNodeArgs = [] } = {}) {
  // A v3 server sells only catalog titles and limits live sessions per viewer; a server from an older
  // checkout (--compare-root) may know neither flag, and an unknown flag stops it. So every flag goes only to
  // a server whose main.ts declares it, and a flag left out is said (the comparison is then not like for like).
  const known = serverFlags(serverRoot);
  const wanted = ['--max-sessions', '1000000', '--catalog', join(root, 'scripts/bench/bench-catalog.json'), ...extraArgs];
  const { kept, dropped } = knownFlagsOnly(wanted, known);
  if (dropped.length) process.stderr.write(`[${serverRoot}] its server does not know ${dropped.join(' ')}: left out\n`);
  const args = [...nodeArgs, ...moreNodeArgs, '--import', 'tsx', 'server/main.ts', '--port', '0', '--db', db, '--dev', '--quiet', '--client-rate', '0', '--viewer-rate', '0', ...kept];
  const child = spawn(cpu === undefined ? process.execPath : 'taskset', cpu === undefined ? args : ['-c', String(cpu), process.execPath, ...args], {
    cwd: serverRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // A bench that crashes must not leave its server running (and holding a core).
  const killChild = () => child.kill('SIGKILL');
  process.once('exit', killChild);
  const url = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('API server did not start within 30 s')), 30_000);
    child.stdout.on('data', (d) => {
      buf += d;
      const line = buf.split('\n').find((l) => l.includes('"listening"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line).url);
      }
    });
    child.once('exit', (code) => reject(new Error(`API server exited with ${code}`)));
  });
  // SIPPAR_BENCH_SERVER_OUT=<dir>: the server's stdout (e.g. node's --trace-gc lines) to <dir>/<pid>.log.
  if (process.env.SIPPAR_BENCH_SERVER_OUT) child.stdout.pipe(createWriteStream(join(process.env.SIPPAR_BENCH_SERVER_OUT, `${child.pid}.log`)));
  else child.stdout.resume();
  const ticksPerSec = 100; // USER_HZ on Linux
  return {
    url,
    pid: child.pid,
    /** utime + stime of the server process, seconds. */
    cpuSeconds() {
      const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(f[11]) + Number(f[12])) / ticksPerSec;
    },
    /**
     * CPU time of the server's main (event-loop) thread only, seconds: its thread id is its pid, and
     * schedstat counts nanoseconds on CPU (stat's utime/stime are sampled per 10 ms tick).
     */
    mainThreadCpuSeconds() {
      return Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
    },
    stop() {
      return new Promise((r) => {
        process.off('exit', killChild);
        // A server that does not stop within 5 s (connections it never accepted) is killed.
        const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(hard);
          r();
        });
        child.kill('SIGTERM');
      });
    },
  };
}

/** The long flags a checkout's server/main.ts declares in its parseArgs options (`name: { type: … }`). */
function serverFlags(serverRoot) {
  const src = readFileSync(join(serverRoot, 'server/main.ts'), 'utf8');
  return new Set([...src.matchAll(/^\s*'?([a-z][a-z0-9-]*)'?:\s*\{\s*type:/gm)].map((m) => `--${m[1]}`));
}

/** `args` as [--flag, value?, …]: the flags in `known` with their values, and the others. */
function knownFlagsOnly(args, known) {
  const kept = [];
  const dropped = [];
  for (let i = 0; i < args.length; i++) {
    const takesValue = i + 1 < args.length && !args[i + 1].startsWith('--');
    const flag = takesValue ? [args[i], args[++i]] : [args[i]];
    (known.has(flag[0].split('=')[0]) ? kept : dropped).push(...flag);
  }
  return { kept, dropped };
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
