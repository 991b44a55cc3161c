// What the classic loader preloads (relative to dist/): the ES module with every chunk it imports
// statically, and what a free HLS video's first frame needs next (hls.js light, the session chunk).
// Read from the ES build's output, which exists when the loader build runs (scripts/build.mjs).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

function staticClosure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:^|[;\s}])(?:import|export)\s*(?:[^'"`()]*?from\s*)?["'`](\.[^"'`]+)["'`]/g)) {
    staticClosure(join(dirname(file), spec), seen);
  }
  return seen;
}

export function preloadList(dist = 'dist') {
  const rel = (f) => './' + relative(dist, f).split('\\').join('/');
  const module = [...staticClosure(join(dist, 'sippar-player.js'))];
  const chunks = readdirSync(join(dist, 'chunks')).filter((f) => /^(hls\.light|hls-session)-.*\.js$/.test(f));
  const hls = chunks.flatMap((f) => [...staticClosure(join(dist, 'chunks', f))]).filter((f) => !module.includes(f));
  return { module: module.map(rel), hls: [...new Set(hls)].map(rel) };
}
