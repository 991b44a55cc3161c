// The whole journey on the demo page, served by the same servers `npm start` runs (scripts/start.mjs):
// the element from a <script> tag under CSP script-src 'self', sign-in through the local IdP popup
// (another origin), a top-up, watching with a pause and a seek, and the platform's analytics agreeing
// with what the player played. Screenshot of the player mid-session: test-results/journey-screenshot.png,
// or docs/screenshot.png (the README's) with UPDATE_SCREENSHOT=1.
import { test, expect, type Page } from '@playwright/test';
import {
  DEMO_PREVIEW, DEMO_RATE, PAID, allPlayed, credit, ledgerRows, demoApi, expectNoDoubleTicks, meterSeconds, paidPlayed, paidVideo, pausePaid, payState, playPaid, sessionBilled, signIn, startPreview, useDemo,
  viewerSessions,
} from './support/demo-journey.js';

const demo = useDemo();
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

  await page.goto(demo.current().url);
  await page.waitForFunction(() => customElements.get('sippar-player') !== undefined);
  // The element came from the classic script tag, not from a module the page imported itself.
  expect(await page.evaluate(() => [...document.scripts].some((s) => s.src.endsWith('/dist/sippar-player.iife.js') && !s.type))).toBe(true);
  await expect(page.getByTestId('live-sessions')).toHaveText('0');
  // The ad figures beside content earnings: none yet (the demo's titles have no breaks), shown as zeros, no title row.
  await expect(page.getByTestId('ad-revenue')).toHaveText('0.000000');
  await expect(page.getByTestId('ad-fill-rate')).toHaveText('0.0 % of 0');
  await expect(page.getByTestId('ad-titles').locator('tbody tr')).toHaveCount(0);

  // The free preview: 5 s without signing in, then the sign-in dialog over the paused picture.
  await startPreview(page);
  const dialog = page.locator(PAID).getByRole('dialog');
  await expect(dialog).toContainText('0.001 ALGO per second', { timeout: 15_000 });
  expect(await isPaused(page)).toBe(true);

  // Sign in through the IdP window (another origin, as II is).
  const popupPromise = page.waitForEvent('popup');
  await page.locator(PAID).getByRole('button', { name: /sign in with internet identity/i }).click();
  const popup = await popupPromise;
  expect(new URL(popup.url()).origin).toBe(new URL(demo.current().idpUrl).origin);
  // Listen before clicking: the client closes the window as soon as the IdP answers.
  const closed = popup.waitForEvent('close', { timeout: 15_000 });
  await popup.getByTestId('idp-approve').click();
  await closed;
  await expect(page.getByTestId('viewer-principal')).not.toHaveText(/signed out|signing in/);

  // Top up 1 ALGO through the dev endpoint: the balance shows it.
  await expect(page.getByTestId('top-up')).toBeEnabled();
  await page.getByTestId('top-up').click();
  // The credit lands. The session opened at sign-in (the title is gated: its keys need one), so playback the
  // viewer asked for resumes as soon as the funds are there, and billing may already have begun.
  await expect.poll(async () => Number(await page.getByTestId('balance').textContent()), { timeout: 10_000 }).toBeGreaterThan(0.99);

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

  // The signed-in badge shows the balance the payment API last answered, in the player itself.
  await expect(page.locator(PAID).locator('[part~="login-signed-in"]')).toContainText(/Balance 0\.99\d+ ALGO/, { timeout: 10_000 });
  const played = (await playedSeconds(page)) - playedBefore;
  expect(played).toBeGreaterThan(6);
  // The platform's view: billed seconds for this content, once the player's last tick has landed.
  const billed = async () => {
    const res = await fetch(`${demo.current().apiUrl}/streaming/session/analytics?contentId=demo-paid`);
    const body = (await res.json()) as { totals: { watchSeconds: number; microAlgos: number } };
    return body.totals;
  };
  // v3: watch time counts the free preview too (the server holds it); the paid seconds are what was played since.
  // Every second played past the preview is paid, whenever playback resumed after the top-up.
  const paidPlayed = (await playedSeconds(page)) - DEMO_PREVIEW;
  await expect.poll(async () => Math.abs((await billed()).microAlgos / DEMO_RATE - paidPlayed), { timeout: 15_000 }).toBeLessThanOrEqual(1);
  const totals = await billed();
  expect(totals.microAlgos).toBe((totals.watchSeconds - DEMO_PREVIEW) * DEMO_RATE); // 0.001 ALGO = 1000 microAlgos per second, past the preview
  // The page's platform panel shows the same totals on its next refresh, and the balance went down.
  await expect(page.getByTestId('watch-time')).toHaveText(String(totals.watchSeconds), { timeout: 10_000 });
  await expect(page.getByTestId('billed')).toHaveText((totals.microAlgos / 1e6).toFixed(6));
  await expect(page.getByTestId('balance')).toHaveText(((1_000_000 - totals.microAlgos) / 1e6).toFixed(6), { timeout: 10_000 });
  expect(problems).toEqual([]);
});

// ---- Journeys that stress the money path on the demo page: reload, API restart, balance running out.

test('a reload mid-session bills nothing twice and grants no second preview: billed = seconds played, past the preview on the first load only', async ({ page }) => {
  test.setTimeout(45_000);
  const since = Date.now();
  const principal = await signIn(page);
  await credit(principal, 1_000_000);
  // ~3 s of paid video, then a reload while it plays (pagehide sends what the page had signed).
  await playPaid(page);
  await expect.poll(() => paidPlayed(page), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
  const sessionId = (await payState(page)).sessionId!;
  // What this load played, measured as it unloads (it plays on until then).
  await page.evaluate(() => addEventListener('pagehide', () => {
    const v = document.querySelector('#paid')!.shadowRoot!.querySelector('video')!;
    let sum = 0;
    for (let i = 0; i < v.played.length; i++) sum += Math.max(0, v.played.end(i) - Math.max(v.played.start(i), 5));
    sessionStorage.setItem('paid-played', String(sum));
  }));
  await page.reload();
  const firstLoad = Number(await page.evaluate(() => sessionStorage.getItem('paid-played')));
  expect(firstLoad).toBeGreaterThanOrEqual(3);
  await page.waitForFunction(() => customElements.get('sippar-player') !== undefined);
  await expect(page.getByTestId('viewer-principal')).toHaveText(principal); // still signed in
  // Billing is by whole seconds: each page load may leave up to one second unbilled, never more.
  // v3: the session's seconds count the 5 s watched before sign-in too; of them, the free ones are what the
  // server left this viewer of the preview (alice used hers in the first journey: none).
  const free = Number(ledgerRows('SELECT free_seconds AS f FROM sessions WHERE id = ?', sessionId)[0]!.f);
  expect(free).toBe(0);
  await expect.poll(async () => firstLoad - ((await sessionBilled(sessionId)).billedSeconds - DEMO_PREVIEW), { timeout: 10_000 }).toBeLessThanOrEqual(1);
  const billedFirst = (await sessionBilled(sessionId)).billedSeconds;
  expect(billedFirst - DEMO_PREVIEW).toBeLessThanOrEqual(firstLoad);
  expect(firstLoad - (billedFirst - DEMO_PREVIEW)).toBeLessThanOrEqual(1);

  // The new page starts the video from 0 and the preview is not free again: ~3 s, all paid.
  await playPaid(page);
  await expect.poll(() => allPlayed(page), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
  await pausePaid(page);
  const secondLoad = await allPlayed(page);
  await expect.poll(async () => (await payState(page)).acked, { timeout: 10_000 }).toBe(billedFirst + (await meterSeconds(page)));
  const billed = (await sessionBilled(sessionId)).billedSeconds;
  expect(secondLoad - (billed - billedFirst)).toBeGreaterThan(-0.1); // played is rounded to 0.1 s
  expect(secondLoad - (billed - billedFirst)).toBeLessThanOrEqual(1);
  // Across both loads: billed = played (past the 5 s before sign-in), never more, short by at most 1 s per load;
  // charged = every billed second past the free ones.
  expect(billed - DEMO_PREVIEW).toBeLessThanOrEqual(firstLoad + secondLoad + 0.1);
  expect(firstLoad + secondLoad - (billed - DEMO_PREVIEW)).toBeLessThanOrEqual(2);
  expect((await sessionBilled(sessionId)).microAlgos).toBe((billed - free) * DEMO_RATE);
  // One session, resumed after the reload, and no (session, seq) applied twice.
  expect(viewerSessions(principal, since)).toEqual([sessionId]);
  expectNoDoubleTicks([sessionId]);
});

test('the payment API stopped ~10 s mid-playback and restarted: playback goes on in grace, the outbox drains, nothing lost', async ({ page }) => {
  test.setTimeout(60_000);
  // Real jitter: the outbox's backoff ceiling is capped at 5 s (backoff.ts), so whatever the draws, a retry
  // reaches the restarted API within ~5 s, well inside the grace period and the 15 s poll below.
  const principal = await signIn(page, 'bob');
  await credit(principal, 1_000_000);
  const before = await playedSeconds(page);
  await playPaid(page);
  await expect.poll(async () => (await payState(page)).acked, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
  const sessionId = (await payState(page)).sessionId!;
  // The title is gated: its keys come from the API, so through an outage playback goes on only as far as
  // the media buffered with its keys. Stop the API once 12 s are buffered ahead, as a viewer a few seconds
  // in has (under load hls.js may take longer to get there).
  const ahead = () => paidVideo(page).evaluate((v: HTMLVideoElement) => (v.buffered.length ? v.buffered.end(v.buffered.length - 1) - v.currentTime : 0));
  await expect.poll(ahead, { timeout: 20_000 }).toBeGreaterThanOrEqual(12);

  await demoApi().stop();
  try {
    await expect.poll(async () => (await payState(page)).status, { timeout: 10_000 }).toBe('grace');
    const mediaAt = await paidVideo(page).evaluate((v: HTMLVideoElement) => v.currentTime);
    await page.waitForTimeout(8_000); // the API stays down ~10 s in all
    expect(await isPaused(page)).toBe(false); // within grace (30 s): still playing…
    expect(await paidVideo(page).evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(mediaAt + 6); // …and moving
  } finally {
    await demoApi().start();
  }
  // The outbox drains on its own next retry (no "retry now"), and playback never stopped.
  await expect.poll(async () => (await payState(page)).status, { timeout: 15_000 }).toBe('active');
  expect(await isPaused(page)).toBe(false);
  await pausePaid(page);
  const played = (await playedSeconds(page)) - before;
  expect(played).toBeGreaterThan(10);
  const meter = await meterSeconds(page);
  // The outbox drained: the server acknowledged everything the meter counted (the preview's seconds too)…
  await expect.poll(async () => (await payState(page)).acked, { timeout: 15_000 }).toBe(meter + DEMO_PREVIEW);
  // …and billed what was played, once.
  await expect.poll(async () => (await sessionBilled(sessionId)).billedSeconds, { timeout: 10_000 }).toBe(meter + DEMO_PREVIEW);
  expect(Math.abs(meter - played)).toBeLessThanOrEqual(1);
  expect((await sessionBilled(sessionId)).microAlgos).toBe(meter * DEMO_RATE);
  expect(viewerSessions(principal)).toEqual([sessionId]);
  expectNoDoubleTicks([sessionId]);
});

test('a balance that runs out pauses the video with the 402 message; the server billed what it covered', async ({ page }) => {
  test.setTimeout(45_000);
  const principal = await signIn(page, 'carol'); // nobody else's balance: this one starts at 0
  await credit(principal, 3_000); // three seconds at 0.001 ALGO/s
  await playPaid(page);
  await expect.poll(async () => (await payState(page)).status, { timeout: 15_000 }).toBe('insufficient-funds');
  await expect.poll(() => isPaused(page)).toBe(true);
  const s = await payState(page);
  expect(s.error).toBe('INSUFFICIENT_FUNDS');
  expect(s.balance).toBe(0);
  const overlay = page.locator(PAID).locator('[part~="payment"]');
  await expect(overlay).toHaveAttribute('data-code', 'INSUFFICIENT_FUNDS');
  await expect(overlay).toContainText('Not enough funds');
  await expect(overlay).toContainText('Balance: 0.000 ALGO');
  const server = await sessionBilled(s.sessionId!);
  expect(server.billedSeconds).toBe(DEMO_PREVIEW + 3); // v3: the free preview's seconds, then three paid
  expect(server.microAlgos).toBe(3_000);
  await expect(page.getByTestId('balance')).toHaveText('0.000000');
  expectNoDoubleTicks([s.sessionId!]);
});
