#!/usr/bin/env node
// Time to `playing`: <sippar-player> embedded as a platform does (the classic loader in <head>, the
// element in the markup) against a bare <video> + hls.js light page, same stream, served from
// localhost, interleaved in fresh browser contexts (cold caches). Prints the medians, their ratio,
// the request chain before `playing` and the JS (gzip -9) fetched before it; writes
// bench-results/first-frame.json. BASELINE=<dir under this one> adds that build of dist/ as a third
// page, interleaved: a change against what it replaces, in the same run (this machine is shared: never
// compare across runs). Run `npm run build` (and `npm run streams`) first.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from '../browser.mjs';
import { BASELINE, KINDS, PLAYING, STREAM, benchPages, startPageServer } from './page-server.mjs';

const RUNS = Number(process.env.RUNS ?? 10);
// CPU=4: the same at a CPU slowed 4× (CDP Emulation.setCPUThrottlingRate), a mid-range phone.
const CPU = Number(process.env.CPU ?? 1);
if (!existsSync('dist/sippar-player.js') || !existsSync(`.${STREAM}`)) {
  console.error('need dist/ and media/: run `npm run build` and `npm run streams` first');
  process.exit(1);
}

// Both pages stamp performance.now() at the first `playing` (captured on the document, so the
// element's re-dispatched event counts the same as the bare <video>'s) and say so on the console:
// nothing is evaluated in the page before then (waitForFunction injects Playwright's script, a task
// of its own in the middle of the page's start).
const stamp = `<script>addEventListener('playing', () => { if (window.playingAt) return; window.playingAt = performance.now(); console.debug('${PLAYING}'); }, true);</script>`;
const { server, origin } = await startPageServer(benchPages(stamp));

const gzCache = new Map();
const gz = (path) => {
  if (!gzCache.has(path)) gzCache.set(path, gzipSync(readFileSync(join(process.cwd(), path)), { level: 9 }).length);
  return gzCache.get(path);
};

// What the page requested before `playing`: path, start and end (ms since navigation).
async function measure(kind) {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (CPU > 1) await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: CPU });
  const playing = page.waitForEvent('console', { predicate: (m) => m.text() === PLAYING, timeout: 20_000 });
  await page.goto(`${origin}/bench/${kind}.html`);
  await playing;
  const { ms, requests } = await page.evaluate(() => ({
    ms: window.playingAt,
    requests: performance.getEntriesByType('resource').filter((e) => e.startTime < window.playingAt)
      .map((e) => ({ path: new URL(e.name).pathname, start: Math.round(e.startTime), end: Math.round(e.responseEnd) })),
  }));
  await context.close();
  return { ms, requests };
}

const browser = await chromium.launch(chromiumLaunchOptions());
const times = Object.fromEntries(KINDS.map((k) => [k, []]));
const chains = {};
try {
  for (let i = 0; i < RUNS * KINDS.length; i++) {
    const kind = KINDS[i % KINDS.length];
    const { ms, requests } = await measure(kind);
    times[kind].push(ms);
    // The chain of the run closest to the median is printed below; keep them all until then.
    (chains[kind] ??= []).push({ ms, requests });
  }
} finally {
  await browser.close();
  server.close();
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const typical = (kind) => {
  const m = median(times[kind]);
  return chains[kind].reduce((best, c) => (Math.abs(c.ms - m) < Math.abs(best.ms - m) ? c : best));
};
const jsBefore = (requests) => requests.filter((r) => /\.m?js$/.test(r.path)).reduce((sum, r) => sum + gz(r.path), 0);
const result = {
  runs: RUNS,
  cpuThrottling: CPU,
  stream: STREAM,
  metric: 'ms from navigation to the first `playing` event',
  elementMedianMs: Math.round(median(times.element)),
  bareMedianMs: Math.round(median(times.bare)),
  ratio: Number((median(times.element) / median(times.bare)).toFixed(2)),
  elementMs: times.element.map(Math.round),
  bareMs: times.bare.map(Math.round),
  elementJsBeforePlayingGzipBytes: jsBefore(typical('element').requests),
  bareJsBeforePlayingGzipBytes: jsBefore(typical('bare').requests),
  elementChain: typical('element').requests,
  bareChain: typical('bare').requests,
  ...(BASELINE ? {
    baseline: BASELINE,
    baselineMedianMs: Math.round(median(times.baseline)),
    baselineRatio: Number((median(times.baseline) / median(times.bare)).toFixed(2)),
    baselineMs: times.baseline.map(Math.round),
    baselineJsBeforePlayingGzipBytes: jsBefore(typical('baseline').requests),
  } : {}),
};
const kb = (n) => (n / 1024).toFixed(1);
for (const kind of ['bare', 'element']) {
  console.log(`request chain before playing, ${kind} (run nearest the median, ${Math.round(typical(kind).ms)} ms):`);
  for (const r of typical(kind).requests) console.log(`  ${String(r.start).padStart(5)} → ${String(r.end).padStart(5)} ms  ${r.path}`);
}
console.log(`JS before playing (gzip -9): <sippar-player> ${kb(result.elementJsBeforePlayingGzipBytes)} KB, bare ${kb(result.bareJsBeforePlayingGzipBytes)} KB  (budget 120 KB)`);
console.log(`playing, median of ${RUNS}${CPU > 1 ? ` at ${CPU}× CPU` : ''}: <sippar-player> ${result.elementMedianMs} ms, bare <video> + hls.js ${result.bareMedianMs} ms, ratio ${result.ratio}  (goal ≤ 1.00)`);
if (BASELINE) console.log(`baseline ${BASELINE}, same run: ${result.baselineMedianMs} ms, ratio ${result.baselineRatio}, JS before playing ${kb(result.baselineJsBeforePlayingGzipBytes)} KB`);
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/first-frame.json', JSON.stringify(result, null, 2) + '\n');
