#!/usr/bin/env node
// Long tasks (> 50 ms) before the first frame on a 4× slowed CPU (CDP Emulation.setCPUThrottlingRate),
// on the first-frame bench's pages: <sippar-player> behind its classic loader, and the bare <video> +
// hls.js light page for reference. Each long task is listed with the scripts that ran in it (Long
// Animation Frame attribution: source file, what invoked it, its own duration), so a task can be told
// apart as ours, hls.js's or the browser's. Goal: none before `playing` on the element's page.
// Writes bench-results/long-tasks.json. Run `npm run build` (and `npm run streams`) first.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from '../browser.mjs';
import { startPageServer } from './page-server.mjs';

const RUNS = Number(process.env.RUNS ?? 5);
const CPU = Number(process.env.CPU ?? 4);
const STREAM = '/media/demo/index.m3u8';
if (!existsSync('dist/sippar-player.js') || !existsSync(`.${STREAM}`)) {
  console.error('need dist/ and media/: run `npm run build` and `npm run streams` first');
  process.exit(1);
}

// Installed before any page script: every long task and long animation frame, and the first `playing`.
const observe = `
  window.longTasks = []; window.frames = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration }); })
    .observe({ type: 'longtask', buffered: true });
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) frames.push({ start: e.startTime, duration: e.duration,
      scripts: e.scripts.map((s) => ({ source: s.sourceURL, invoker: s.invoker, fn: s.sourceFunctionName, duration: Math.round(s.duration) })) }); })
      .observe({ type: 'long-animation-frame', buffered: true });
  } catch {}
  addEventListener('playing', () => { window.playingAt ??= performance.now(); }, true);`;
const pages = {
  '/bench/element.html': `<!doctype html><meta charset="utf-8">
    <script src="/dist/sippar-player.iife.js"></script>
    <body><sippar-player src="${STREAM}" muted autoplay></sippar-player>`,
  '/bench/bare.html': `<!doctype html><meta charset="utf-8">
    <body><video muted autoplay playsinline></video>
    <script type="module">
      import Hls from '/node_modules/hls.js/dist/hls.light.min.mjs';
      const hls = new Hls({ enableWorker: false });
      hls.loadSource('${STREAM}'); hls.attachMedia(document.querySelector('video'));
    </script>`,
};
const { server, origin } = await startPageServer(pages);

async function measure(kind) {
  const context = await browser.newContext();
  await context.addInitScript(observe);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU });
  await page.goto(`${origin}/bench/${kind}.html`);
  await page.waitForFunction(() => window.playingAt, null, { timeout: 60_000 });
  // Entries are delivered after their task: let the observers catch up.
  await page.waitForTimeout(300);
  const run = await page.evaluate(() => {
    const before = (e) => e.start < window.playingAt;
    const tasks = longTasks.filter(before).map((t) => ({
      start: Math.round(t.start), duration: Math.round(t.duration),
      // The long animation frames this task falls in, with their scripts.
      scripts: frames.filter((f) => f.start <= t.start + t.duration && t.start <= f.start + f.duration).flatMap((f) => f.scripts),
    }));
    return { playingAt: Math.round(window.playingAt), tasks };
  });
  await context.close();
  return run;
}

const short = (url) => (url ? new URL(url, origin).pathname.replace(/^\/(dist|node_modules)\//, '') : '(browser)');
const browser = await chromium.launch(chromiumLaunchOptions());
const runs = { element: [], bare: [] };
try {
  for (let i = 0; i < RUNS * 2; i++) {
    const kind = i % 2 ? 'bare' : 'element';
    runs[kind].push(await measure(kind));
  }
} finally {
  await browser.close();
  server.close();
}

for (const kind of ['element', 'bare']) {
  const all = runs[kind].flatMap((r) => r.tasks);
  const longest = all.reduce((m, t) => Math.max(m, t.duration), 0);
  console.log(`${kind}: ${all.length} long task(s) before playing in ${RUNS} runs at ${CPU}× CPU, longest ${longest} ms`);
  for (const [i, r] of runs[kind].entries()) {
    for (const t of r.tasks) {
      const who = t.scripts.length ? t.scripts.map((s) => `${short(s.source)} ${s.invoker ?? ''} ${s.duration} ms`).join('; ') : 'no script attribution (parsing, style, layout or media)';
      console.log(`  run ${i + 1}: at ${t.start} ms, ${t.duration} ms — ${who}`);
    }
  }
}
mkdirSync('bench-results', { recursive: true });
const summary = (kind) => ({ runs: runs[kind], count: runs[kind].flatMap((r) => r.tasks).length });
writeFileSync('bench-results/long-tasks.json', JSON.stringify({ cpuThrottling: CPU, element: summary('element'), bare: summary('bare') }, null, 2) + '\n');
const failed = runs.element.some((r) => r.tasks.some((t) => t.duration > 50));
if (failed) console.log('element: long task over 50 ms before the first frame (goal: none)');
