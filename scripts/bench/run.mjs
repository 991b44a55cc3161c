#!/usr/bin/env node
// npm run bench: every scripts/bench/*.mjs but this one, in name order; fails if any fails.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';

const self = basename(new URL(import.meta.url).pathname);
// Modules the benches import, not benches themselves.
const HELPERS = new Set(['api-server-process.mjs', 'load-connections.mjs', 'load-step.mjs', 'page-server.mjs', 'trace-tasks.mjs']);
// The load bench measures the API as deployed for many viewers: a tick every 4 s (docs/SCALING.md).
const ARGS = { 'load.mjs': ['--tick-interval', '4'] };
const benches = readdirSync('scripts/bench').filter((f) => f.endsWith('.mjs') && f !== self && !HELPERS.has(f)).sort();
let failed = 0;
for (const file of benches) {
  console.log(`\n── bench ${file} ──`);
  const r = spawnSync(process.execPath, [`scripts/bench/${file}`, ...(ARGS[file] ?? [])], { stdio: 'inherit' });
  if (r.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
