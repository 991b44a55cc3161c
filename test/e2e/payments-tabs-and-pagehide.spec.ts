// Payments when the viewer moves, against the REAL reference payment API (server/app.ts): a second tab of
// the same viewer takes the meter over ("Watch here") and continues the same session, and a page left
// while playing still settles through pagehide (keepalive requests and a pre-signed final tick).
import { test, expect, type BrowserContext } from '@playwright/test';
import { api, credit, expectCleanLedger, ledgerTicks, open, pause, paused, pendingOf, play, playPaid, session, state, stored, usePaymentsServers } from './support/payments-journey.js';

// Its own build folder: a build empties its folder, and other spec files may run in other workers.
const OUT = '.cache/e2e-payments-tabs';

usePaymentsServers(OUT);

test('two tabs of one viewer: the second shows "Playing in another tab"; "Watch here" moves the meter', async ({ context }: { context: BrowserContext }) => {
  const a = await api();
  try {
    const one = await context.newPage();
    const principal = await open(one, a);
    await credit(a, principal, 1_000_000);
    await play(one);
    await expect.poll(async () => (await state(one)).acked.seconds, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);

    const two = await context.newPage();
    await open(two, a);
    await play(two);
    await expect.poll(async () => (await state(two)).status).toBe('elsewhere');
    expect(await paused(two)).toBe(true);
    const overlay = two.locator('payments-host').locator('[part~="payment"]');
    await expect(overlay).toContainText('Playing in another tab');

    await overlay.getByRole('button', { name: 'Watch here' }).click();
    await expect.poll(async () => (await state(one)).status).toBe('elsewhere');
    expect(await paused(one)).toBe(true);
    const sessionId = (await state(one)).sessionId;
    await expect.poll(async () => (await state(two)).acked.seconds, { timeout: 20_000 }).toBeGreaterThan((await state(one)).acked.seconds);
    expect((await state(two)).sessionId).toBe(sessionId); // the same session, continued from storage
    await pause(two);
    await expect.poll(async () => pendingOf(two)).toBe(null);
    const row = (await stored(two))[0];
    const server = await session(a, sessionId!);
    expect(server.billedSeconds).toBe(row.signed.seconds);
    await expectCleanLedger(a, sessionId!, row.signed);
  } finally {
    await a.close();
  }
});

test('leaving the page while playing (pagehide): the stored tick and a pre-signed final tick go out with keepalive and settle', async ({ page }) => {
  const a = await api();
  try {
    const { sessionId } = await playPaid(page, a, { ackedAtLeast: 2 });
    // Wait until the standby final tick for the newest totals is stored (signed ahead: pagehide cannot await).
    await expect.poll(async () => page.evaluate(() => {
      const r = (window.fixture.host.payments as unknown as { outbox: { record: { standby?: { tick: { seconds: number } } | null; signed: { seconds: number } } } }).outbox.record;
      return !!r.standby && r.standby.tick.seconds === r.signed.seconds;
    })).toBe(true);
    // No pause: the page leaves while playing, so only pagehide can send the final tick.
    const before = (await stored(page))[0].signed;
    await page.goto('about:blank');
    // The stored totals reach the ledger without the page, and the final tick settles them.
    await expect.poll(async () => (await session(a, sessionId!)).status, { timeout: 10_000 }).toBe('paused');
    const server = await session(a, sessionId!);
    expect(server.billedSeconds).toBeGreaterThanOrEqual(before.seconds);
    expect(server.settlements).toBeGreaterThanOrEqual(1);
    const ticks = await ledgerTicks(a, sessionId!);
    // The settling tick is the standby: final, one seq above the last regular tick.
    expect(ticks.at(-1)!.final).toBe(true);
    expect(ticks.at(-1)!.seq).toBe(ticks.at(-2)!.seq + 1);
  } finally {
    await a.close();
  }
});
