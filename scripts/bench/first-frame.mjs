#!/usr/bin/env node
// Time to first frame: <sippar-player> (dist/, hls.js light lazily) against a bare <video> +
// hls.js light page, same stream, served from localhost, alternating runs in fresh browser
// contexts (cold caches). Prints medians and the ratio; writes bench-results/first-frame.json.
// Run `npm run build` (and `npm run streams`) first.
import { createServer } from 'node:http';
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from '../browser.mjs';

const RUNS = Number(process.env.RUNS ?? 10);
const STREAM = '/media/demo/index.m3u8';
if (!existsSync('dist/sippar-player.js') || !existsSync(`.${STREAM}`)) {
  console.error('need dist/ and media/: run `npm run build` and `npm run streams` first');
  process.exit(1);
}

// Both pages stamp performance.now() at the first presented frame (requestVideoFrameCallback).
const pages = {
  '/bench/element.html': `<!doctype html><meta charset="utf-8"><body>
    <script type="module">
      import '/dist/sippar-player.js';
      const el = document.createElement('sippar-player');
      el.setAttribute('src', '${STREAM}'); el.muted = true; el.autoplay = true;
      document.body.append(el);
      await el.updateComplete;
      el.media.requestVideoFrameCallback(() => { window.firstFrame = performance.now(); });
    </script>`,
  '/bench/bare.html': `<!doctype html><meta charset="utf-8"><body>
    <video muted autoplay playsinline></video>
    <script type="module">
      import Hls from '/node_modules/hls.js/dist/hls.light.min.mjs';
      const video = document.querySelector('video');
      video.requestVideoFrameCallback(() => { window.firstFrame = performance.now(); });
      const hls = new Hls({ enableWorker: false });
      hls.loadSource('${STREAM}'); hls.attachMedia(video);
    </script>`,
};
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.m3u8': 'application/vnd.apple.mpegurl', '.m4s': 'video/iso.segment', '.mp4': 'video/mp4', '.vtt': 'text/vtt', '.html': 'text/html' };

const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (pages[path]) return res.writeHead(200, { 'content-type': 'text/html' }).end(pages[path]);
  const file = join(process.cwd(), normalize(path));
  if (!file.startsWith(process.cwd()) || !existsSync(file) || !statSync(file).isFile()) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
  createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch(chromiumLaunchOptions());
const times = { element: [], bare: [] };
try {
  for (let i = 0; i < RUNS * 2; i++) {
    const kind = i % 2 ? 'bare' : 'element';
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/bench/${kind}.html`);
    const ms = await page.waitForFunction(() => window.firstFrame, null, { timeout: 20_000 }).then((h) => h.jsonValue());
    times[kind].push(ms);
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const result = {
  runs: RUNS,
  stream: STREAM,
  elementMedianMs: Math.round(median(times.element)),
  bareMedianMs: Math.round(median(times.bare)),
  ratio: Number((median(times.element) / median(times.bare)).toFixed(2)),
  elementMs: times.element.map(Math.round),
  bareMs: times.bare.map(Math.round),
};
console.log(`first frame, median of ${RUNS}: <sippar-player> ${result.elementMedianMs} ms, bare <video> + hls.js ${result.bareMedianMs} ms, ratio ${result.ratio}`);
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/first-frame.json', JSON.stringify(result, null, 2) + '\n');
