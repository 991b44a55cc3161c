#!/usr/bin/env node
// CPU cost of the meter: the same paid HLS video played for N seconds with the MeterController attached
// and with it removed (no listeners, no timer, no counter updates), in fresh pages of one Chromium.
// Chrome's own counters (CDP Performance.getMetrics: TaskDuration, ScriptDuration) are read before and
// after; the difference between the two runs is the meter's cost (payments, which react to ticks, are
// removed from both runs). Alternating runs (with, without,
// with, without) keeps drift in the machine's load from favouring one side.
//   METER_BENCH_SECONDS=10 node scripts/bench/meter-cpu.mjs   (default 60; ROUNDS=2)
// Writes bench-results/meter-cpu.json.
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromiumLaunchOptions } from '../browser.mjs';

const SECONDS = Number(process.env.METER_BENCH_SECONDS ?? 60);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const root = fileURLToPath(new URL('../..', import.meta.url));

// The page imports the element's source through Vite (TypeScript, Lit decorators), the way the tests do.
const page = (withMeter) => `<!doctype html><html lang="en"><body>
<script type="module">
  import '/src/index.ts';
  const el = document.createElement('sippar-player');
  // Without the meter is a free video: the paid-video chunk (meter, identity, payments) never loads.
  if (${withMeter}) el.setAttribute('rate', '0.001');
  el.setAttribute('loop', '');
  el.muted = true;
  window.ticks = 0;
  window.waiting = 0;
  el.addEventListener('sippar-tick', () => window.ticks++);
  el.addEventListener('waiting', () => window.waiting++);
  el.src = '/media/demo/index.m3u8';
  // A signed-in viewer, so the play policy lets paid video play (the bench is about the meter): an injected
  // identity without a delegation, which payments can never sign with.
  if (${withMeter}) el.services = { auth: { identity: { getPrincipal: () => ({ toText: () => 'bench' }), getDelegation: () => ({ delegations: [], toJSON: () => ({}) }), sign: async () => new Uint8Array() } } };
  document.body.append(el);
  await el.updateComplete;
  // Payments react to credited seconds (signing, outbox): cut the path after the meter, so the difference is the meter's.
  if (el.meter) el.meter.listener = null;
  await el.play();
  window.started = true;
</script></body></html>`;

const server = await createServer({
  root,
  logLevel: 'error',
  server: { port: 0, host: '127.0.0.1' },
  plugins: [{
    name: 'meter-bench-page',
    configureServer(s) {
      s.middlewares.use((req, res, next) => {
        const m = /^\/__meter-bench\/(with|without)\.html/.exec(req.url ?? '');
        if (!m) return next();
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(page(m[1] === 'with'));
      });
    },
  }],
});
await server.listen();
const base = `http://127.0.0.1:${server.httpServer.address().port}`;
const browser = await chromium.launch(chromiumLaunchOptions());

async function run(variant) {
  const context = await browser.newContext();
  const p = await context.newPage();
  const cdp = await context.newCDPSession(p);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  await p.goto(`${base}/__meter-bench/${variant}.html`);
  await p.waitForFunction(() => window.started === true, null, { timeout: 30_000 });
  await p.waitForTimeout(2000); // past start-up (hls.js load, first segments)
  const metric = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const a = await metric();
  const t0 = await p.evaluate(() => document.querySelector('sippar-player').currentTime);
  await p.waitForTimeout(SECONDS * 1000);
  const b = await metric();
  const info = await p.evaluate(() => {
    const el = document.querySelector('sippar-player');
    return { ticks: window.ticks, waiting: window.waiting, paused: el.paused, mediaEnd: el.currentTime };
  });
  await context.close();
  return {
    variant,
    taskMs: (b.TaskDuration - a.TaskDuration) * 1000,
    scriptMs: (b.ScriptDuration - a.ScriptDuration) * 1000,
    mediaStart: t0,
    ...info,
  };
}

const runs = [];
try {
  for (let i = 0; i < ROUNDS; i++) for (const v of ['with', 'without']) {
    const r = await run(v);
    runs.push(r);
    console.log(`${v.padEnd(7)} meter: task ${r.taskMs.toFixed(1)} ms, script ${r.scriptMs.toFixed(1)} ms over ${SECONDS} s (ticks ${r.ticks}, waiting ${r.waiting}, media ${r.mediaStart.toFixed(1)}→${r.mediaEnd.toFixed(1)} s, paused ${r.paused})`);
  }
} finally {
  await browser.close();
  await server.close();
}

const mean = (v, k) => runs.filter((r) => r.variant === v).reduce((s, r) => s + r[k], 0) / ROUNDS;
const result = {
  seconds: SECONDS,
  rounds: ROUNDS,
  with: { taskMs: mean('with', 'taskMs'), scriptMs: mean('with', 'scriptMs') },
  without: { taskMs: mean('without', 'taskMs'), scriptMs: mean('without', 'scriptMs') },
  runs,
};
result.meterTaskMsPerMinute = ((result.with.taskMs - result.without.taskMs) * 60) / SECONDS;
result.meterScriptMsPerMinute = ((result.with.scriptMs - result.without.scriptMs) * 60) / SECONDS;
result.meterCpuPercent = ((result.with.taskMs - result.without.taskMs) / (SECONDS * 1000)) * 100;
console.log(`meter cost: ${result.meterTaskMsPerMinute.toFixed(1)} ms task / ${result.meterScriptMsPerMinute.toFixed(1)} ms script per minute of playback (${result.meterCpuPercent.toFixed(3)} % of one core)`);
mkdirSync(`${root}/bench-results`, { recursive: true });
writeFileSync(`${root}/bench-results/meter-cpu.json`, JSON.stringify(result, null, 2) + '\n');
