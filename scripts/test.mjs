#!/usr/bin/env node
// npm test: streams, build, then every suite (unit in Node, components in Chromium, journeys with
// Playwright); prints one total and fails if any suite failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { relative } from 'node:path';

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
// Each failure by suite, file and name, printed last: CI keeps only the end of a long log.
const failures = [];
const firstLine = (text) => String(text ?? '').replace(/\x1b\[[0-9;]*m/g, '').trim().split('\n')[0].slice(0, 240);
function vitestFailures(suite, report) {
  for (const file of report.testResults ?? []) {
    for (const t of file.assertionResults ?? []) {
      if (t.status === 'failed') failures.push(`${suite}: ${relative('.', file.name)} › ${t.fullName}\n    ${firstLine(t.failureMessages?.[0])}`);
    }
    if (file.status === 'failed' && !(file.assertionResults ?? []).length) failures.push(`${suite}: ${relative('.', file.name)}\n    ${firstLine(file.message)}`);
  }
}
function playwrightFailures(suite, path = []) {
  for (const spec of suite.specs ?? []) {
    for (const t of spec.tests ?? []) {
      if (t.status !== 'unexpected') continue;
      const error = t.results?.at(-1)?.errors?.[0]?.message;
      failures.push(`journeys: ${spec.file} › ${[...path, spec.title].join(' › ')}\n    ${firstLine(error)}`);
    }
  }
  for (const child of suite.suites ?? []) playwrightFailures(child, [...path, child.title]);
}

const v = readJson('test-results/vitest.json');
if (v) { passed += v.numPassedTests; failed += v.numFailedTests; skipped += v.numPendingTests + (v.numTodoTests ?? 0); vitestFailures('unit', v); }
const w = readJson('test-results/wtr-summary.json');
if (w) {
  passed += w.passed; failed += w.failed; skipped += w.skipped;
  for (const f of w.failures ?? []) failures.push(`browser: ${f.file} › ${f.name}\n    ${firstLine(f.error)}`);
}
const p = readJson('test-results/playwright.json');
if (p?.stats) {
  passed += p.stats.expected; failed += p.stats.unexpected; skipped += p.stats.skipped;
  for (const suite of p.suites ?? []) playwrightFailures(suite);
}
const s = readJson('test-results/storybook.json');
if (s) { passed += s.numPassedTests; failed += s.numFailedTests; skipped += s.numPendingTests; vitestFailures('stories', s); }

if (failures.length) {
  console.log('\n── failed ──');
  for (const f of failures) console.log(f);
}
console.log('\n── summary ──');
for (const st of steps) console.log(`${st.ok ? 'ok  ' : 'FAIL'} ${st.name} (${st.seconds.toFixed(1)} s)`);
const allOk = steps.every((st) => st.ok);
if (!allOk && failed === 0) failed = steps.filter((st) => !st.ok).length;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(allOk ? 0 : 1);
