#!/usr/bin/env node
// Gzip (-9) sizes of what a page downloads: the initial script (classic loader + ES module) and
// each lazy chunk in dist/chunks. Budget: initial ≤ 12 KB; the JS before a free HLS video's first
// frame (initial + what the loader preloads for it: hls.js light and the session chunk)
// ≤ 120 KB. Run `npm run build` first.
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { preloadList } from '../preload-list.mjs';

if (!existsSync('dist/sippar-player.js')) {
  console.error('dist/ missing: run `npm run build` first');
  process.exit(1);
}
const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1);

// The bundler may hoist code shared with lazy chunks (lit, the message table) into chunks that the
// module imports statically: those download up front too, so they count as initial.
function staticClosure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const dir = dirname(file);
  for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:^|[;\s}])(?:import|export)\s*(?:[^'"`()]*?from\s*)?["'`](\.[^"'`]+)["'`]/g)) {
    staticClosure(join(dir, spec), seen);
  }
  return seen;
}
const initialFiles = [...staticClosure('dist/sippar-player.js')];
const loader = gz('dist/sippar-player.iife.js');
const module = initialFiles.reduce((sum, f) => sum + gz(f), 0);
const initial = loader + module;
const chunks = readdirSync('dist/chunks').filter((f) => f.endsWith('.js')).sort()
  .filter((name) => !initialFiles.includes(join('dist/chunks', name)))
  .map((name) => ({ name, gzipBytes: gz(`dist/chunks/${name}`) }));
const light = chunks.find((c) => c.name.startsWith('hls.light-'));
const firstFrameFiles = preloadList().hls.map((f) => join('dist', f));
const firstFrame = initial + firstFrameFiles.reduce((sum, f) => sum + gz(f), 0);
const full = chunks.find((c) => /^hls-/.test(c.name));

console.log(`initial script: ${kb(initial)} KB gz  (loader ${kb(loader)}, module + its static imports ${kb(module)}: ${initialFiles.join(', ')})  budget 12 KB`);
for (const c of chunks) console.log(`  lazy chunk ${c.name}: ${kb(c.gzipBytes)} KB gz`);
console.log(`JS before a free HLS video's first frame (initial + ${firstFrameFiles.join(', ')}): ${kb(firstFrame)} KB gz  budget 120 KB`);
if (full) console.log(`... with subtitles (initial + full hls.js): ${kb(initial + full.gzipBytes)} KB gz`);
// A title with ad breaks (docs/ADS.md): paid (the commerce chunk), full hls.js, the session chunk and the
// ad-break wiring, each with what it imports, downloaded once.
const chunkClosure = (prefix) => readdirSync('dist/chunks').filter((f) => f.startsWith(prefix) && f.endsWith('.js')).flatMap((f) => [...staticClosure(join('dist/chunks', f))]);
const adFiles = [...new Set(['hls-session-', 'hls-ads-', 'commerce-', 'hls-'].flatMap(chunkClosure))].filter((f) => !initialFiles.includes(f) && !/hls\.light-|commerce-timing-/.test(f));
const firstFrameAds = initial + adFiles.reduce((sum, f) => sum + gz(f), 0);
console.log(`JS before a paid title with ad breaks plays its pre-roll (initial + ${adFiles.join(', ')}): ${kb(firstFrameAds)} KB gz`);

const result = {
  initialGzipBytes: initial,
  loaderGzipBytes: loader,
  moduleGzipBytes: module,
  initialFiles,
  chunks,
  firstFrameFreeGzipBytes: firstFrame,
  firstFrameCaptionsGzipBytes: full ? initial + full.gzipBytes : undefined,
  firstFrameAdsGzipBytes: firstFrameAds,
  withinBudget: initial <= 12 * 1024 && firstFrame <= 120 * 1024,
};
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/size.json', JSON.stringify(result, null, 2) + '\n');
