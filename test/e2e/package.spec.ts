// The published package as consumers get it: `npm pack`, then installed into throwaway vanilla-TS,
// React 19 and Node projects (test/e2e/package-fixtures), each type-checked strictly; Node imports it
// (SSR); the vanilla and React pages are built with Vite and played in Chromium; and the classic
// script is loaded from a second origin, with and without CORS.
// TypeScript and Vite are the repository's own (the same pinned 5.9 and 8.3.8), pointed at the
// consumer folders, so only the tarball, React and their types are installed, from npm's cache first.
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startStaticServer, type StaticServer } from './support/static-server.js';
import { preloadList } from '../../scripts/preload-list.mjs';
import { COMPILE_HINT } from '../../scripts/build/compile-hints.js';

const repo = resolve('.');
const fixtures = join(repo, 'test/e2e/package-fixtures');
const tsc = join(repo, 'node_modules/typescript/bin/tsc');
const vite = join(repo, 'node_modules/vite/bin/vite.js');
const REACT = ['react@19.3.1', 'react-dom@19.3.1', '@types/react@19.3.3', '@types/react-dom@19'];

let work: string;
let tarball: string;
let packed: { size: number; unpackedSize: number; files: { path: string }[] };
const servers: StaticServer[] = [];

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} in ${cwd} failed:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
  }
}

/** A fixture project copied to the temp folder with the tarball (and `extra` packages) installed. */
function consumer(name: string, extra: string[] = []): string {
  const dir = join(work, name);
  cpSync(join(fixtures, name), dir, { recursive: true });
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball, ...extra], dir);
  return dir;
}

function megabytes(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return Math.round(bytes / 1e5) / 10;
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  if (!existsSync(join(repo, 'dist/sippar-player.js'))) run('node', ['scripts/build.mjs'], repo);
  work = mkdtempSync(join(tmpdir(), 'sippar-package-'));
  [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], repo));
  tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
});

test.afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the tarball carries the licence, the notices and the manifest, and no source maps', () => {
  const files = packed.files.map((f) => f.path);
  for (const f of ['LICENSE', 'dist/THIRD-PARTY-NOTICES.md', 'custom-elements.json', 'dist/types/index.d.ts', 'dist/types/react.d.ts', 'dist/sippar-player.iife.js']) {
    expect(files, f).toContain(f);
  }
  expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  const notices = readFileSync(join(repo, 'dist/THIRD-PARTY-NOTICES.md'), 'utf8');
  for (const lib of ['lit', 'hls.js', '@dfinity/auth-client', 'algosdk']) expect(notices, lib).toContain(`## ${lib} - `);
  test.info().annotations.push({ type: 'size', description: `packed ${packed.size} B, unpacked ${packed.unpackedSize} B, ${files.length} files` });
});

test('the files a free first frame runs through open with V8\'s compile hint; chunks loaded on demand do not', () => {
  // scripts/build/compile-hints.ts: compiled off the main thread while they stream in. The packed files,
  // as a CDN serves them (a platform's own bundler drops comments, and the hint with them).
  const dir = join(work, 'hints');
  mkdirSync(dir);
  run('tar', ['-xzf', tarball, '-C', dir], repo);
  const dist = join(dir, 'package/dist');
  const { module, hls } = preloadList(dist) as { module: string[]; hls: string[] };
  const firstLine = (f: string) => readFileSync(join(dist, f), 'utf8').split('\n', 1)[0];
  const hinted = [...module, ...hls];
  expect(hinted.some((f) => /hls\.light-/.test(f)), hinted.join()).toBe(true);
  for (const f of hinted) expect(firstLine(f), f).toBe(COMPILE_HINT);
  const onDemand = readdirSync(join(dist, 'chunks')).filter((f) => /^(commerce|auth|esm|api-client)-.*\.js$/.test(f));
  expect(onDemand.length).toBeGreaterThan(3);
  for (const f of onDemand) expect(firstLine(`chunks/${f}`), f).not.toContain('allFunctionsCalledOnLoad');
});

test('Node: importing the package does not throw, and NodeNext type-checks it strictly', () => {
  const dir = consumer('node');
  const out = JSON.parse(run('node', ['ssr.mjs'], dir));
  expect(out.exports).toContain('SipparPlayer');
  expect(out.manifest).toBeTruthy();
  run('node', [tsc, '-p', 'tsconfig.json'], dir);
  // What a consumer installs: the bundled libraries (hls.js, algosdk, …) must not come along.
  const installed = readdirSync(join(dir, 'node_modules'));
  expect(installed).not.toContain('hls.js');
  expect(installed).not.toContain('algosdk');
  test.info().annotations.push({ type: 'install', description: `node_modules ${megabytes(join(dir, 'node_modules'))} MB` });
});

async function plays(page: Page, url: string): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => [...document.querySelectorAll('sippar-player')]
    .some((p) => (p as HTMLElement & { currentTime: number }).currentTime > 0.5), undefined, { timeout: 20_000 });
  expect(errors).toEqual([]);
  return page.evaluate(() => (window as unknown as { consumerLog: string[] }).consumerLog);
}

/** Builds a fixture with Vite (the repository's) and serves its output beside the test streams. */
async function buildAndServe(dir: string): Promise<StaticServer> {
  run('node', [vite, 'build', dir, '--outDir', join(dir, 'dist'), '--logLevel', 'warn'], dir);
  const server = await startStaticServer({ roots: { '/': join(dir, 'dist'), '/media/': join(repo, 'media') } });
  servers.push(server);
  return server;
}

test('vanilla TypeScript: strict type-check, Vite build, plays in Chromium', async ({ page }) => {
  const dir = consumer('vanilla');
  run('node', [tsc, '-p', 'tsconfig.json'], dir);
  const server = await buildAndServe(dir);
  await plays(page, `${server.origin}/`);
  expect(await page.locator('sippar-player').getAttribute('title')).toBe('sippar-player from its manifest');
});

test('React 19: TSX with attributes and event props type-checks strictly, builds and plays', async ({ page }) => {
  test.setTimeout(180_000);
  const dir = consumer('react', REACT);
  run('node', [tsc, '-p', 'tsconfig.json'], dir);
  const server = await buildAndServe(dir);
  const log = await plays(page, `${server.origin}/`);
  await expect(page.locator('#state')).toHaveText('playing');
  // The lowercase event props became listeners: a media event and a sippar-* event with its detail.
  await page.waitForFunction(() => (window as unknown as { consumerLog: string[] }).consumerLog.includes('error MANIFEST_NOT_FOUND'));
  expect(log).toContain('ref sippar-player');
  expect(log).toContain('playing');
  // React passed kebab-case props as attributes.
  expect(await page.locator('sippar-player[title="Trailer"]').getAttribute('preview-seconds')).toBe('30');
});

test('the classic script from another origin: plays with CORS, says why without', async ({ page }) => {
  const dist = join(work, 'node', 'node_modules', 'sippar-player', 'dist');
  const withCors = await startStaticServer({ roots: { '/': dist }, cors: '*' });
  const withoutCors = await startStaticServer({ roots: { '/': dist } });
  const pages = join(work, 'pages');
  mkdirSync(pages);
  const html = (origin: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CDN</title>
    <script src="${origin}/sippar-player.iife.js"></script></head>
    <body><sippar-player title="From a CDN" src="/media/basic/index.m3u8" muted autoplay style="width:320px;height:180px"></sippar-player></body></html>`;
  writeFileSync(join(pages, 'cors.html'), html(withCors.origin));
  writeFileSync(join(pages, 'no-cors.html'), html(withoutCors.origin));
  const site = await startStaticServer({ roots: { '/': pages, '/media/': join(repo, 'media') } });
  servers.push(withCors, withoutCors, site);

  await plays(page, `${site.origin}/cors.html`);

  await page.goto(`${site.origin}/no-cors.html`);
  const alert = page.locator('sippar-player[role="alert"]');
  await expect(alert).toContainText(`could not load ${withoutCors.origin}/sippar-player.js (CORS?)`);
  const box = await alert.boundingBox();
  expect(box && box.width > 100 && box.height > 50, 'the message fills the player box').toBe(true);
});
