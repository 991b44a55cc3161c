// The whole journey on the demo page, served by the same servers `npm start` runs (scripts/start.mjs):
// the element from a <script> tag under CSP script-src 'self', sign-in through the local IdP popup
// (another origin), a top-up, watching with a pause and a seek, and the platform's analytics agreeing
// with what the player played. Screenshot of the player mid-session: test-results/journey-screenshot.png,
// or docs/screenshot.png (the README's) with UPDATE_SCREENSHOT=1.
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: plain ESM script, no declarations
import { prepare, startDemo } from '../../scripts/start.mjs';

interface Demo { url: string; idpUrl: string; apiUrl: string; close(): Promise<void> }
let demo: Demo;
let dbDir: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  prepare({ log: () => undefined });
  dbDir = mkdtempSync(join(tmpdir(), 'sippar-journey-'));
  // A private build of the element (the same two Vite builds as scripts/build.mjs), so a rebuild of
  // dist/ by anything else running in this tree cannot pull files from under the page.
  const distDir = join(dbDir, 'dist');
  const vite = (...args: string[]) => execFileSync('node_modules/.bin/vite', ['build', '--outDir', distDir, '--logLevel', 'warn', ...args], { stdio: 'inherit' });
  vite();
  vite('--mode', 'loader');
  demo = await startDemo({ port: 0, idpPort: 0, dbPath: join(dbDir, 'demo.sqlite'), distDir });
});
test.afterAll(async () => {
  await demo?.close();
  if (dbDir) rmSync(dbDir, { recursive: true, force: true });
});

const PAID = '#paid';
// Playwright locators pierce the open shadow root: this is the paid player's inner <video>.
const paidVideo = (page: Page) => page.locator('#paid video');
const isPaused = (page: Page) => paidVideo(page).evaluate((v: HTMLVideoElement) => v.paused);
/** Seconds of content the paid player has played (its TimeRanges), rounded to 0.1 s. */
const playedSeconds = (page: Page) =>
  page.evaluate(() => {
    const p = document.querySelector('#paid')!.shadowRoot!.querySelector('video')!.played;
    let sum = 0;
    for (let i = 0; i < p.length; i++) sum += p.end(i) - p.start(i);
    return Math.round(sum * 10) / 10;
  });

test('demo journey: script tag, sign in, top up, watch, pause, seek, analytics agree', async ({ page }) => {
  test.setTimeout(90_000);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (/Content.Security.Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`); });

  await page.goto(demo.url);
  await page.waitForFunction(() => customElements.get('sippar-player') !== undefined);
  // The element came from the classic script tag, not from a module the page imported itself.
  expect(await page.evaluate(() => [...document.scripts].some((s) => s.src.endsWith('/dist/sippar-player.iife.js') && !s.type))).toBe(true);
  await expect(page.getByTestId('live-sessions')).toHaveText('0');

  // The free preview: 5 s without signing in, then the sign-in dialog over the paused picture.
  await page.evaluate(() => { const p = document.querySelector('#paid') as HTMLElement & { muted: boolean; play(): Promise<void> }; p.muted = true; return p.play(); });
  const dialog = page.locator(PAID).getByRole('dialog');
  await expect(dialog).toContainText('0.001 ALGO per second', { timeout: 15_000 });
  expect(await isPaused(page)).toBe(true);

  // Sign in through the IdP window (another origin, as II is).
  const popupPromise = page.waitForEvent('popup');
  await page.locator(PAID).getByRole('button', { name: /sign in with internet identity/i }).click();
  const popup = await popupPromise;
  expect(new URL(popup.url()).origin).toBe(new URL(demo.idpUrl).origin);
  // Listen before clicking: the client closes the window as soon as the IdP answers.
  const closed = popup.waitForEvent('close', { timeout: 15_000 });
  await popup.getByTestId('idp-approve').click();
  await closed;
  await expect(page.getByTestId('viewer-principal')).not.toHaveText(/signed out|signing in/);

  // Top up 1 ALGO through the dev endpoint: the balance shows it.
  await expect(page.getByTestId('top-up')).toBeEnabled();
  await page.getByTestId('top-up').click();
  await expect(page.getByTestId('balance')).toHaveText('1.000000');

  const playedBefore = await playedSeconds(page);
  // Watch ~5 s.
  await paidVideo(page).evaluate((v: HTMLVideoElement) => v.play());
  await expect.poll(() => isPaused(page)).toBe(false);
  await page.waitForTimeout(2_500);
  await page.locator(PAID).hover(); // shows the controls for the picture
  // Every run leaves one in test-results/; UPDATE_SCREENSHOT=1 also refreshes the README's picture.
  await page.locator(PAID).screenshot({ path: process.env.UPDATE_SCREENSHOT === '1' ? 'docs/screenshot.png' : 'test-results/journey-screenshot.png' });
  await page.waitForTimeout(2_500);
  // Pause 3 s: nothing may be billed meanwhile.
  await paidVideo(page).evaluate((v: HTMLVideoElement) => v.pause());
  await page.waitForTimeout(3_000);
  // Seek forward and watch ~3 s.
  await paidVideo(page).evaluate((v: HTMLVideoElement) => { v.currentTime = 30; });
  await expect.poll(() => paidVideo(page).evaluate((v: HTMLVideoElement) => v.seeking)).toBe(false);
  await paidVideo(page).evaluate((v: HTMLVideoElement) => v.play());
  await page.waitForTimeout(3_000);
  await paidVideo(page).evaluate((v: HTMLVideoElement) => v.pause());

  const played = (await playedSeconds(page)) - playedBefore;
  expect(played).toBeGreaterThan(6);
  // The platform's view: billed seconds for this content, once the player's last tick has landed.
  const billed = async () => {
    const res = await fetch(`${demo.apiUrl}/streaming/session/analytics?contentId=demo-paid`);
    const body = (await res.json()) as { totals: { watchSeconds: number; microAlgos: number } };
    return body.totals;
  };
  await expect.poll(async () => Math.abs((await billed()).watchSeconds - played), { timeout: 15_000 }).toBeLessThanOrEqual(1);
  const totals = await billed();
  expect(totals.microAlgos).toBe(totals.watchSeconds * 1000); // 0.001 ALGO = 1000 microAlgos per second
  // The page's platform panel shows the same totals on its next refresh, and the balance went down.
  await expect(page.getByTestId('watch-time')).toHaveText(String(totals.watchSeconds), { timeout: 10_000 });
  await expect(page.getByTestId('billed')).toHaveText((totals.microAlgos / 1e6).toFixed(6));
  await expect(page.getByTestId('balance')).toHaveText(((1_000_000 - totals.microAlgos) / 1e6).toFixed(6), { timeout: 10_000 });
  expect(problems).toEqual([]);
});
