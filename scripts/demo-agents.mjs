// The demo's two advertisers (issue #14): reference agents (scripts/agent.mjs) run as child processes
// against the demo's payment API, so a viewer of the "With ads" player sees a break one of them won.
// Acme values an ad second at 800 µALGO, Globex at 500: both bid their value (the best bid in a
// second-price auction), Acme wins and pays Globex's 500 (docs/ADS.md §4). Their keys stay in keysDir
// (data/agents/<name>.pem for `npm start`), so a restart is the same advertiser with the same account.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The demo's advertisers: value per ad second (µALGO) and their creative under media/ads/ (made by make-streams.mjs). */
export const DEMO_AGENTS = [
  { name: 'Acme', value: 800, creative: '/media/ads/acme/index.m3u8' },
  { name: 'Globex', value: 500, creative: '/media/ads/globex/index.m3u8' },
];
export const DEMO_AD_SECONDS = 6;
// Dev credit at every start, and a daily budget that paces nothing away in a demo: 8 s breaks at 800 µALGO/s
// are 6,400 µALGO each, so the bid stays at its value (server/ads/pacing.ts: spending well under budget/day).
const FUND = 50_000_000;
const DAILY_BUDGET = 100_000_000;
const READY_MS = 60_000;

/**
 * Starts the agents and resolves once each has its standing bid (its "bidding" line).
 * `mediaOrigin` is where the viewer's page fetches the creatives: the demo page's own origin, which its
 * CSP (connect-src 'self') allows; `apiUrl` is the API the agents sign their requests to.
 */
export async function startDemoAgents({ apiUrl, mediaOrigin, keysDir, log = console.log, agents = DEMO_AGENTS }) {
  mkdirSync(keysDir, { recursive: true });
  const running = [];
  let stopping = false;
  const stop = () => {
    stopping = true;
    return Promise.all(running.map(stopChild));
  };
  try {
    for (const a of agents) running.push(startAgent(a, { apiUrl, mediaOrigin, keysDir }));
    for (const line of await Promise.all(running.map((r) => r.ready))) log(line);
    // An agent that gives up later (the API gone for longer than its interval) says so once; the demo plays on.
    for (const r of running) r.exited.then(({ code, signal }) => stopping || log(`  ad agent ${r.name} stopped (${signal ?? code}): ${r.stderr().trim().split('\n').at(-1) ?? ''}`));
  } catch (error) {
    await stop();
    throw error;
  }
  return { agents: running.map(({ name, pid }) => ({ name, pid })), stop };
}

function startAgent(a, { apiUrl, mediaOrigin, keysDir }) {
  const key = join(keysDir, `${a.name.toLowerCase()}.pem`);
  const child = spawn(process.execPath, [
    join(root, 'scripts', 'agent.mjs'), '--api', apiUrl, '--name', a.name, '--titles', 'demo-ads',
    '--categories', 'demo', '--value', String(a.value), '--daily-budget', String(DAILY_BUDGET),
    '--creative', new URL(a.creative, mediaOrigin).href, '--creative-seconds', String(DEMO_AD_SECONDS),
    '--key', key, '--fund', String(FUND),
  ], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => { stderr = (stderr + d).slice(-2000); });
  const exited = new Promise((ok) => child.once('exit', (code, signal) => ok({ code, signal })));
  const ready = new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`ad agent ${a.name}: no bid within ${READY_MS / 1000} s`)), READY_MS);
    // Its later lines (one per pacing round) are its own business: read and dropped.
    createInterface({ input: child.stdout }).on('line', (line) => {
      let o;
      try { o = JSON.parse(line); } catch { return; }
      if (o.msg !== 'bidding') return;
      clearTimeout(timer);
      ok(`  ad agent ${a.name}: bids ${o.microAlgosPerSecond} µALGO/s on ${o.targets.join(', ')} (key ${key.startsWith(process.cwd()) ? relative(process.cwd(), key) : key}, pid ${child.pid})`);
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      fail(new Error(`ad agent ${a.name} exited (${signal ?? code}) before bidding: ${stderr.trim()}`));
    });
  });
  ready.catch(() => undefined); // reported by startDemoAgents
  return { name: a.name, pid: child.pid, child, exited, ready, stderr: () => stderr };
}

async function stopChild({ child, exited }) {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await exited;
}
