// Payments against the REAL reference payment API (server/app.ts), which verifies the page's delegation
// chain and every tick signature before it bills: ticks accepted and billed, a final tick settling at
// pause, the tick interval the API announces, and a reload resuming the same session. The first journey
// also runs with the ledger in PostgreSQL (a throwaway cluster).
import { test, expect } from '@playwright/test';
import { api, expectCleanLedger, pause, pendingOf, play, playPaid, session, state, stored, STORES, usePaymentsServers } from './support/payments-journey.js';

// Its own build folder: a build empties its folder, and other spec files may run in other workers.
const OUT = '.cache/e2e-payments-billing';

usePaymentsServers(OUT, { postgres: true });

for (const store of STORES) {
  test(`ticks are signed, verified and billed; pause sends a final tick that settles${store.title}`, async ({ page }) => {
    const a = await api({ db: store.db() });
    try {
      const s = await playPaid(page, a, { ackedAtLeast: 3 });
      expect(s.status).toBe('active');
      await pause(page);
      await expect.poll(async () => pendingOf(page)).toBe(null);
      const row = (await stored(page))[0];
      const server = await session(a, s.sessionId!);
      // Every accepted tick passed the server's chain + signature check; billed equals what the page signed.
      expect(server.billedSeconds).toBe(row.signed.seconds);
      expect(server.microAlgos).toBe(row.signed.seconds * 1000);
      expect(server.status).toBe('paused');
      expect(server.settlements).toBe(1);
      await expectCleanLedger(a, s.sessionId!, row.signed);
    } finally {
      await a.close();
    }
  });
}

test('at the 4 s tick interval the API announces, the page sends a tick per 4 seconds, and pause still bills every second', async ({ page }) => {
  const a = await api({ tickIntervalSeconds: 4 });
  try {
    // The first second goes out at once, the next tick once four more are owed.
    const s = await playPaid(page, a, { ackedAtLeast: 5 });
    await pause(page);
    await expect.poll(async () => pendingOf(page)).toBe(null);
    const row = (await stored(page))[0];
    const server = await session(a, s.sessionId!);
    expect(server.billedSeconds).toBe(row.signed.seconds);
    expect(server.settlements).toBe(1);
    // One tick per started interval, the first one and the final (plus a tick that may be in flight at the pause).
    expect(server.ticks).toBeLessThanOrEqual(Math.ceil(server.billedSeconds / 4) + 3);
    expect(server.ticks).toBeLessThan(server.billedSeconds);
    await expectCleanLedger(a, s.sessionId!, row.signed);
  } finally {
    await a.close();
  }
});

test('a reload resumes the same session from the next seq', async ({ page }) => {
  const a = await api();
  try {
    const before = await playPaid(page, a, { ackedAtLeast: 2 });
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    await play(page);
    await expect.poll(async () => (await state(page)).acked.seconds, { timeout: 20_000 }).toBeGreaterThan(before.acked.seconds + 1);
    const after = await state(page);
    expect(after.sessionId).toBe(before.sessionId);
    await pause(page);
    await expect.poll(async () => pendingOf(page)).toBe(null);
    const row = (await stored(page))[0];
    const server = await session(a, after.sessionId!);
    expect(server.billedSeconds).toBe(row.signed.seconds);
    await expectCleanLedger(a, after.sessionId!, row.signed);
  } finally {
    await a.close();
  }
});
