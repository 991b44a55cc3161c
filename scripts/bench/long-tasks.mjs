#!/usr/bin/env node
// Long tasks (> 50 ms) before the first frame on a 4× slowed CPU (CDP Emulation.setCPUThrottlingRate),
// on the first-frame bench's pages: <sippar-player> behind its classic loader, and the bare <video> +
// hls.js light page for reference, interleaved in fresh contexts. Each run is a Chrome trace
// (trace-tasks.mjs): every main-thread task over 50 ms between the page's first HTML parse and its
// first `playing`, with what the browser did in it (parse, compile, evaluate, JS, style, layout,
// paint, GC) and the scripts that ran. PROFILE=1 adds each task's busiest functions (sampling
// profiler, mapped through dist/'s source maps; it slows the page). Goal: none on the element's page.
// The page is never evaluated into before `playing` (Playwright's injected script is a long task of
// its own at 4×): it says `playing` on the console. Writes bench-results/long-tasks.json.
// BASELINE=<dir under this one> adds that build of dist/ as a third page, interleaved with the others:
// a change compared with what it replaces in the same run (this machine is shared: never across runs).
// Run `npm run build` (and `npm run streams`) first.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from '../browser.mjs';
import { BASELINE, KINDS, PLAYING, STREAM, benchPages, startPageServer } from './page-server.mjs';
import { CATEGORIES, LONG_MS, PROFILER, longTasks } from './trace-tasks.mjs';

const RUNS = Number(process.env.RUNS ?? 5);
const CPU = Number(process.env.CPU ?? 4);
const PROFILE = process.env.PROFILE === '1';
if (!existsSync('dist/sippar-player.js') || !existsSync(`.${STREAM}`)) {
  console.error('need dist/ and media/: run `npm run build` and `npm run streams` first');
  process.exit(1);
}

const stamp = `addEventListener('playing', () => { if (self.playingAt) return; self.playingAt = performance.now();
  performance.mark('playing'); console.debug('${PLAYING}'); }, true);`;
const { server, origin } = await startPageServer(benchPages());

async function measure(kind) {
  const context = await browser.newContext();
  await context.addInitScript(stamp);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU });
  await browser.startTracing(page, { categories: PROFILE ? [...CATEGORIES, PROFILER] : CATEGORIES });
  const playing = page.waitForEvent('console', { predicate: (m) => m.text() === PLAYING, timeout: 60_000 });
  await page.goto(`${origin}/bench/${kind}.html`);
  await playing;
  const raw = await browser.stopTracing();
  await context.close();
  // TRACE_DIR=…: keep each run's trace, to open in the Performance panel.
  if (process.env.TRACE_DIR) writeFileSync(`${process.env.TRACE_DIR}/${kind}-${runs[kind].length + 1}.json`, raw);
  const trace = JSON.parse(String(raw));
  return longTasks(trace.traceEvents);
}

const load = [loadavg()[0]];
const browser = await chromium.launch(chromiumLaunchOptions());
const runs = Object.fromEntries(KINDS.map((k) => [k, []]));
try {
  for (let i = 0; i < RUNS; i++) for (const kind of KINDS) runs[kind].push(await measure(kind));
} finally {
  await browser.close();
  server.close();
}
load.push(loadavg()[0]);

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const byWall = (t) => t.ms > LONG_MS;
const byCpu = (t) => t.cpuMs > LONG_MS;
const summary = (kind) => {
  const tasks = runs[kind].flatMap((r) => r.tasks);
  return {
    runs: runs[kind],
    count: tasks.filter(byWall).length,
    perRun: runs[kind].map((r) => r.tasks.filter(byWall).length),
    longestMs: tasks.reduce((m, t) => Math.max(m, t.ms), 0),
    // The same by the main thread's CPU time (trace-tasks.mjs): what an idle machine would show.
    countByCpu: tasks.filter(byCpu).length,
    perRunByCpu: runs[kind].map((r) => r.tasks.filter(byCpu).length),
    longestCpuMs: tasks.reduce((m, t) => Math.max(m, t.cpuMs ?? 0), 0),
    cpuBeforePlayingMedianMs: median(runs[kind].map((r) => r.cpuMs)),
    playingMedianMs: median(runs[kind].map((r) => r.playingMs)),
  };
};
const result = { cpuThrottling: CPU, runs: RUNS, loadAverage: load, ...(BASELINE ? { baseline: BASELINE } : {}), ...Object.fromEntries(KINDS.map((k) => [k, summary(k)])) };

console.log(`long tasks (> ${LONG_MS} ms) before the first \`playing\`, ${RUNS} runs per page at ${CPU}× CPU, load average ${load.map((l) => l.toFixed(2)).join(' → ')}`);
console.log('page     | tasks > 50 ms (per run) | longest | by CPU time: tasks > 50 ms (per run) | longest | CPU before playing (median) | playing (median, traced)');
for (const kind of KINDS) {
  const s = result[kind];
  console.log(`${kind.padEnd(8)} | ${String(s.count).padStart(3)} (${s.perRun.join(' ')})`.padEnd(34) + `| ${String(s.longestMs).padStart(4)} ms | `
    + `${String(s.countByCpu).padStart(3)} (${s.perRunByCpu.join(' ')})`.padEnd(37) + `| ${String(s.longestCpuMs).padStart(4)} ms | `
    + `${String(s.cpuBeforePlayingMedianMs).padStart(4)} ms`.padEnd(28) + `| ${s.playingMedianMs} ms`);
}
for (const kind of KINDS) {
  console.log(`\n${kind}${kind === 'baseline' ? ` (${BASELINE})` : ''}: what each long task was (ms from the first HTML parse; its duration and the main thread's CPU time in it; its time by kind; [who posted it] its outermost scripts)`);
  for (const [i, r] of runs[kind].entries()) {
    for (const t of r.tasks) {
      const kinds = Object.entries(t.kinds).map(([k, ms]) => `${k} ${ms}`).join(', ');
      console.log(`  run ${i + 1} at ${String(t.startMs).padStart(4)} ms: ${t.ms} ms (cpu ${t.cpuMs ?? '?'}) = ${kinds} — [${t.poster}] ${t.scripts.join('; ')}`);
      if (t.functions) console.log(`      busiest: ${t.functions.join('; ')}`);
    }
  }
}
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/long-tasks.json', JSON.stringify(result, null, 2) + '\n');
if (result.element.count || result.element.countByCpu) console.log(`\nelement: ${result.element.count} long task(s) over ${LONG_MS} ms before the first frame, ${result.element.countByCpu} by CPU time (goal: none)`);
