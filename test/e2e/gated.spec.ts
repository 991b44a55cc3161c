// Gated media against the demo (its paid title is packaged by npm run package-media: 6 s clear, then AES-128
// with a key every 6 s). A TAMPERED player — a page script that keeps calling the inner <video>.play() and
// aborts every tick request — cannot play past what was paid plus the key lead (30 s), because the API
// releases no key beyond it. The honest viewer plays on and re-fetches keys for free.
import { test, expect, type Page } from '@playwright/test';
import { PAID, credit, ledgerRows, payState, signIn, useDemo } from './support/demo-journey.js';

const demo = useDemo();

const CLEAR_S = 6;
const LEAD_S = 30;
const KEY_S = 6;
/** The last decoded audio/video frame may end a few tens of ms past a segment boundary; one more segment is 2 s. */
const FRAME_SLACK_S = 0.1;

/** The tamper: whatever the player's play policy says, the inner <video> is told to play every 250 ms. */
async function tamper(page: Page) {
  await page.route(/\/streaming\/session\/(extend|pause)$/, (route) => route.abort());
  await page.evaluate(() => {
    const v = document.querySelector('#paid')!.shadowRoot!.querySelector('video')!;
    v.muted = true;
    setInterval(() => { if (v.paused && !v.ended) v.play().catch(() => undefined); }, 250);
  });
}

/** The furthest media time the page played, once it has stayed put for `quietMs` (stalled for good). */
async function furthestWhenStalled(page: Page, quietMs = 8_000, timeout = 90_000): Promise<number> {
  const furthest = () => page.evaluate(() => {
    const v = document.querySelector('#paid')!.shadowRoot!.querySelector('video')!;
    let end = 0;
    for (let i = 0; i < v.played.length; i++) end = Math.max(end, v.played.end(i));
    return end;
  });
  const deadline = Date.now() + timeout;
  let last = await furthest();
  let since = Date.now();
  while (Date.now() < deadline) {
    await page.waitForTimeout(500);
    const now = await furthest();
    if (now > last + 0.01) { last = now; since = Date.now(); } else if (Date.now() - since >= quietMs) return last;
  }
  throw new Error(`still playing after ${timeout} ms (at ${last} s)`);
}

const playerFailed = (page: Page) => page.evaluate((sel) => (document.querySelector(sel) as unknown as { playback: { status: string } }).playback.status === 'error', PAID);

test('signed out and tampered: nothing past the clear opening', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(demo.current().url);
  await page.waitForFunction(() => customElements.get('sippar-player') !== undefined);
  await tamper(page);
  const furthest = await furthestWhenStalled(page);
  console.log(`gated: signed out, tampered: played to ${furthest.toFixed(2)} s (clear ${CLEAR_S} s)`);
  expect(furthest).toBeLessThanOrEqual(CLEAR_S + FRAME_SLACK_S);
  expect(furthest).toBeGreaterThan(CLEAR_S - 1); // it did play the clear part
  expect(await playerFailed(page)).toBe(false);
});

test('signed in, ticks blocked, tampered: playback stops at the paid point plus the lead', async ({ page }) => {
  test.setTimeout(150_000);
  // Blocked before the session starts: the ledger never bills a second.
  await page.route(/\/streaming\/session\/(extend|pause)$/, (route) => route.abort());
  const principal = await signIn(page, 'bob');
  await credit(principal, 1_000_000);
  await tamper(page);
  const furthest = await furthestWhenStalled(page, 10_000, 120_000);
  const sessionId = (await payState(page)).sessionId!;
  const billed = Number(ledgerRows('SELECT billed_seconds AS b FROM sessions WHERE id = ?', sessionId)[0].b);
  const released = ledgerRows('SELECT key_index FROM key_releases WHERE principal = ? AND content_id = ? ORDER BY key_index', principal, 'demo-paid').map((r) => Number(r.key_index));
  const paidPoint = CLEAR_S + Math.max(0, billed - CLEAR_S);
  console.log(`gated: ticks blocked, tampered: billed ${billed} s, keys ${JSON.stringify(released)}, played to ${furthest.toFixed(2)} s = paid point ${paidPoint} s + ${(furthest - paidPoint).toFixed(2)} s (lead ${LEAD_S} s)`);
  expect(billed).toBe(0);
  expect(released.length * KEY_S).toBeLessThanOrEqual(LEAD_S);
  expect(furthest - paidPoint).toBeLessThanOrEqual(LEAD_S + FRAME_SLACK_S);
  expect(await playerFailed(page)).toBe(false);
});

test('honest viewer: plays through encrypted media, keys re-fetched for free; key round trip from the browser', async ({ page }) => {
  test.setTimeout(150_000);
  const principal = await signIn(page, 'alice');
  await credit(principal, 1_000_000);
  await expect.poll(async () => (await payState(page)).status, { timeout: 15_000 }).toBe('active');
  // Well past the lead: every key after the first five was released by billing.
  await expect.poll(() => page.evaluate((sel) => (document.querySelector(sel) as HTMLMediaElement).currentTime, PAID), { timeout: 60_000 }).toBeGreaterThan(CLEAR_S + LEAD_S + 2 * KEY_S);
  expect(await playerFailed(page)).toBe(false);
  // The round trip of a key request as the player makes it: sign with the session key, GET, 16 bytes.
  const ms = await page.evaluate(async (sel) => {
    const p = document.querySelector(sel) as unknown as { payments: { keyAuthoriser: { authorise(u: string, s: AbortSignal): Promise<string | undefined> } } };
    const out: number[] = [];
    // Paced under the API's per-viewer limit (10/s, shared with ticks): a player asks for a key every few seconds.
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setTimeout(r, 120));
      const t0 = performance.now();
      const signed = await p.payments.keyAuthoriser.authorise(new URL('/streaming/keys/demo-paid/0', location.href).href, new AbortController().signal);
      const r = await fetch(signed!);
      if (r.status !== 200 || (await r.arrayBuffer()).byteLength !== 16) throw new Error(`key answered ${r.status}`);
      out.push(performance.now() - t0);
    }
    return out.sort((a, b) => a - b);
  }, PAID);
  const q = (f: number) => ms[Math.min(ms.length - 1, Math.floor(f * ms.length))].toFixed(1);
  console.log(`gated: key request round trip (sign + GET through the demo proxy), 100 re-fetches: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms`);
});
