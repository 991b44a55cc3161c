// Payments when the money cannot flow, against the REAL reference payment API (server/app.ts): the API
// down long enough to pause playback and back again with nothing lost or doubled (also with the ledger in
// PostgreSQL, a throwaway cluster), and 402 (insufficient funds) billing only what was affordable.
import { test, expect } from '@playwright/test';
import { join } from 'node:path';
import { api, credit, expectCleanLedger, open, pause, paused, pendingOf, play, session, state, stored, STORES, tmp, usePaymentsServers } from './support/payments-journey.js';

// Its own build folder: a build empties its folder, and other spec files may run in other workers.
const OUT = '.cache/e2e-payments-failures';

usePaymentsServers(OUT, { postgres: true });

for (const store of STORES) {
  test(`API down past grace-seconds pauses with PAYMENT_API_UNREACHABLE; back up, the outbox drains and playback resumes${store.title}`, async ({ page }) => {
    const db = store.db(join(tmp, 'ledger.sqlite'));
    let a = await api({ db });
    const port = a.port;
    const principal = await open(page, a, { grace: '3' });
    await credit(a, principal, 1_000_000);
    const errors: string[] = [];
    await page.exposeFunction('reportError', (c: string) => errors.push(c));
    await page.evaluate(() => window.fixture.host.addEventListener('sippar-error', (e) => (window as unknown as { reportError(c: string): void }).reportError((e as CustomEvent).detail.code)));
    await play(page);
    await expect.poll(async () => (await state(page)).acked.seconds, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    const sessionId = (await state(page)).sessionId!;

    await a.close(); // the API is gone; the page keeps metering and signing into the outbox
    await expect.poll(async () => (await state(page)).status, { timeout: 10_000 }).toBe('grace');
    expect(await paused(page)).toBe(false);
    await expect.poll(async () => (await state(page)).status, { timeout: 15_000 }).toBe('paused-unreachable');
    expect(await paused(page)).toBe(true);
    expect(errors).toContain('PAYMENT_API_UNREACHABLE');
    await expect(page.locator('payments-host').locator('[part~="payment"]')).toContainText('Payment service unreachable');

    a = await api({ db, port }); // same database, same port
    try {
      await page.evaluate(() => window.fixture.host.payments.retry()); // what "Retry now" does (also `online`)
      await expect.poll(async () => (await state(page)).status, { timeout: 15_000 }).toBe('active');
      await expect.poll(() => paused(page)).toBe(false); // resumed by the controller that paused it
      await expect.poll(async () => (await state(page)).acked.seconds, { timeout: 20_000 }).toBeGreaterThan(4);
      await pause(page);
      await expect.poll(async () => pendingOf(page), { timeout: 15_000 }).toBe(null);
      const row = (await stored(page))[0];
      const meterSeconds = await page.evaluate(() => window.fixture.ticks.at(-1));
      const server = await session(a, sessionId);
      expect(row.sessionId).toBe(sessionId);
      expect(row.signed.seconds).toBe(meterSeconds); // nothing the meter counted was lost…
      expect(server.billedSeconds).toBe(meterSeconds); // …or billed twice
      expect(server.microAlgos).toBe(meterSeconds! * 1000);
      await expectCleanLedger(a, sessionId, row.signed);
    } finally {
      await a.close();
    }
  });
}

test('402: playback pauses with INSUFFICIENT_FUNDS and the balance; the server billed what was affordable', async ({ page }) => {
  const a = await api();
  try {
    const principal = await open(page, a);
    await credit(a, principal, 3_000); // three seconds at 0.001 ALGO/s
    await play(page);
    await expect.poll(async () => (await state(page)).status, { timeout: 20_000 }).toBe('insufficient-funds');
    expect(await paused(page)).toBe(true);
    const s = await state(page);
    expect(s.error).toBe('INSUFFICIENT_FUNDS');
    expect(s.balance).toBe(0);
    const overlay = page.locator('payments-host').locator('[part~="payment"]');
    await expect(overlay).toContainText('Not enough funds');
    await expect(overlay).toContainText('Balance: 0.000 ALGO');
    const server = await session(a, s.sessionId!);
    expect(server.billedSeconds).toBe(3);
    expect(server.microAlgos).toBe(3_000);
  } finally {
    await a.close();
  }
});
