#!/usr/bin/env node
// npm test: streams, build, then every suite (unit in Node, components in Chromium, journeys with
// Playwright); prints one total and fails if any suite failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const steps = [];
function run(name, cmd, args, env = {}) {
  console.log(`\n── ${name} ──`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  steps.push({ name, ok: r.status === 0, seconds: (Date.now() - started) / 1000 });
  return r.status === 0;
}
function readJson(file) {
  try { return JSON.parse(readFileSync(file, 'utf8')); } catch { return undefined; }
}

rmSync('test-results', { recursive: true, force: true });
mkdirSync('test-results', { recursive: true });
const bin = (n) => `node_modules/.bin/${n}`;

const ready = run('streams', 'node', ['scripts/make-streams.mjs'])
  && run('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json'])
  && run('build', 'node', ['scripts/build.mjs']);
if (ready) {
  run('unit (vitest)', bin('vitest'), ['run', '--config', 'vitest.config.ts']);
  run('browser (web-test-runner)', bin('web-test-runner'), ['--config', 'web-test-runner.config.mjs']);
  if (existsSync('test/e2e')) run('journeys (playwright)', bin('playwright'), ['test', '--config', 'playwright.config.ts']);
  if (existsSync('.storybook')) run('stories (vitest + storybook)', bin('vitest'), ['run', '--config', 'vitest.storybook.config.ts']);
}

let passed = 0, failed = 0, skipped = 0;
const v = readJson('test-results/vitest.json');
if (v) { passed += v.numPassedTests; failed += v.numFailedTests; skipped += v.numPendingTests + (v.numTodoTests ?? 0); }
const w = readJson('test-results/wtr-summary.json');
if (w) { passed += w.passed; failed += w.failed; skipped += w.skipped; }
const p = readJson('test-results/playwright.json');
if (p?.stats) { passed += p.stats.expected; failed += p.stats.unexpected; skipped += p.stats.skipped; }
const s = readJson('test-results/storybook.json');
if (s) { passed += s.numPassedTests; failed += s.numFailedTests; skipped += s.numPendingTests; }

console.log('\n── summary ──');
for (const st of steps) console.log(`${st.ok ? 'ok  ' : 'FAIL'} ${st.name} (${st.seconds.toFixed(1)} s)`);
const allOk = steps.every((st) => st.ok);
if (!allOk && failed === 0) failed = steps.filter((st) => !st.ok).length;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(allOk ? 0 : 1);
