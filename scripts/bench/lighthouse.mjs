#!/usr/bin/env node
// Phone-friendliness: Lighthouse (mobile, default simulated throttling) on a page with one free
// player and on the demo page (payment API, identity provider and all, from scripts/start.mjs),
// behind a gzip front as a real platform serves them. Goals: one-player page ≥ 95 performance and
// 100 accessibility, demo ≥ 90, CLS 0. (Long tasks before the first frame at 4× CPU, with what ran in
// them: long-tasks.mjs.)
// Writes bench-results/lighthouse.json. Run `npm run build` (and `npm run streams`) first.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright';
import { chromiumExecutable } from '../browser.mjs';
import { startDemo } from '../start.mjs';

const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 3);
const STREAM = '/media/demo/index.m3u8';
const HLS_LIGHT = '/node_modules/hls.js/dist/hls.light.min.mjs';
const page = (title, body, script = '<script src="/dist/sippar-player.iife.js"></script>') => `<!doctype html><html lang="en"><head><meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
  <meta name="description" content="A free video in a sippar-player element.">
  <link rel="icon" href="data:,">${script}
  <style>body{margin:0;font:16px/1.5 system-ui,sans-serif}main{max-width:48rem;margin:0 auto;padding:1rem}</style>
  </head><body><main><h1>${title}</h1>${body}</main></body></html>`;
const pages = {
  '/bench/phone.html': page('One free video', `<sippar-player src="${STREAM}"></sippar-player><p>A free video; nothing loads but its manifest until you press play.</p>`),
  '/bench/autoplay.html': page('Autoplay', `<sippar-player src="${STREAM}" muted autoplay></sippar-player>`),
  '/bench/bare.html': page('Bare', `<video muted autoplay playsinline style="width:100%;aspect-ratio:16/9"></video>
    <script type="module">import Hls from '${HLS_LIGHT}';
    const hls = new Hls({ enableWorker: false }); hls.loadSource('${STREAM}'); hls.attachMedia(document.querySelector('video'));</script>`, ''),
};

// The demo's own servers, behind a front that gzips text as any production server does and adds
// the bench pages (and hls.js light, for the bare page).
const dbDir = mkdtempSync(join(tmpdir(), 'sippar-lh-'));
const demo = await startDemo({ port: 0, idpPort: 0, dbPath: join(dbDir, 'demo.sqlite') });
const front = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  if (pages[path]) return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pages[path]);
  if (path === HLS_LIGHT) return res.writeHead(200, { 'content-type': 'text/javascript', 'content-encoding': 'gzip' }).end(gzipSync(readFileSync(`.${HLS_LIGHT}`)));
  const target = new URL(req.url, demo.url);
  const up = request(target, { method: req.method, headers: { ...req.headers, host: target.host, 'accept-encoding': 'identity' } }, (r) => {
    const type = String(r.headers['content-type'] ?? '');
    const gzip = /gzip/.test(String(req.headers['accept-encoding'])) && /text|javascript|json|mpegurl|svg/.test(type);
    if (!gzip) { res.writeHead(r.statusCode, r.headers); return r.pipe(res); }
    const parts = [];
    r.on('data', (c) => parts.push(c)).on('end', () => {
      const body = gzipSync(Buffer.concat(parts));
      const headers = { ...r.headers, 'content-encoding': 'gzip', 'content-length': body.length };
      res.writeHead(r.statusCode, headers).end(body);
    });
  });
  up.on('error', () => res.writeHead(502).end());
  req.pipe(up);
});
await new Promise((r) => front.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${front.address().port}`;
if (process.env.LH_SERVE_ONLY) { console.log(origin); await new Promise(() => undefined); }

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const chromePath = chromiumExecutable() ?? chromium.executablePath();

// Asynchronous: the servers answering Lighthouse live in this process.
async function lighthouse(url) {
  const out = join(dbDir, 'report.json');
  await promisify(execFile)('node_modules/.bin/lighthouse', [url, '--quiet', '--output=json', `--output-path=${out}`,
    '--only-categories=performance,accessibility,best-practices', '--chrome-flags=--headless --no-sandbox --disable-gpu'],
  { env: { ...process.env, CHROME_PATH: chromePath }, timeout: 180_000 });
  const lhr = JSON.parse(readFileSync(out, 'utf8'));
  const a = (id) => lhr.audits[id]?.numericValue;
  return {
    performance: Math.round(lhr.categories.performance.score * 100),
    accessibility: Math.round(lhr.categories.accessibility.score * 100),
    bestPractices: Math.round(lhr.categories['best-practices'].score * 100),
    fcpMs: Math.round(a('first-contentful-paint')), lcpMs: Math.round(a('largest-contentful-paint')),
    tbtMs: Math.round(a('total-blocking-time')), cls: Number(a('cumulative-layout-shift').toFixed(3)),
  };
}

/** Each figure's median over the runs. */
async function scored(url) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await lighthouse(url));
  return Object.fromEntries(Object.keys(runs[0]).map((k) => [k, median(runs.map((r) => r[k]))]));
}

const result = { runs: RUNS, mode: 'Lighthouse mobile, simulated throttling; medians' };
try {
  result.onePlayer = await scored(`${origin}/bench/phone.html`);
  result.demo = await scored(`${origin}/`);
  // As `npm start` serves it (no compression), for comparison with figures taken that way.
  result.demoUncompressed = await scored(demo.url);
} finally {
  front.close();
  await demo.close();
  rmSync(dbDir, { recursive: true, force: true });
}

const line = (name, s) => console.log(`${name}: performance ${s.performance}, accessibility ${s.accessibility}, best practices ${s.bestPractices}; FCP ${s.fcpMs} ms, LCP ${s.lcpMs} ms, TBT ${s.tbtMs} ms, CLS ${s.cls}`);
line('one free player', result.onePlayer);
line('demo page', result.demo);
line('demo page, uncompressed (npm start)', result.demoUncompressed);
result.withinGoals = result.onePlayer.performance >= 95 && result.onePlayer.accessibility === 100 && result.demo.performance >= 90
  && result.onePlayer.cls === 0 && result.demo.cls === 0;
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/lighthouse.json', JSON.stringify(result, null, 2) + '\n');
