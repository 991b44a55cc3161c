// What a viewer gets before paying: the free preview plays without sign-in and holds at its end until
// one, and a free video never loads the paid-video chunk (auth client, algosdk, meter, payments), checked
// against the scripts the page actually fetched from the production build.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, authState, expectedPrincipal, fixtureUrl, requested, signIn, useIdentityServers } from './support/identity-journey.js';

// Its own build folder: a build empties its folder, and other spec files may run in other workers.
const OUT = '.cache/e2e-identity-free';

useIdentityServers(OUT);

test('the free preview plays without sign-in; the dialog appears and playback holds once it is used', async ({ page }) => {
  await page.goto(fixtureUrl({ preview: '1' }));
  await expect.poll(async () => (await authState(page)).status).toBe('signed-out');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  const video = () => page.evaluate(() => {
    const v = document.querySelector('sippar-player')!.shadowRoot!.querySelector('video')!;
    return { paused: v.paused, time: v.currentTime };
  });
  await page.evaluate(() => document.querySelector('sippar-player')!.shadowRoot!.querySelector('video')!.play());
  await expect(page.getByRole('dialog')).toBeVisible({ timeout: 10_000 });
  const held = await video();
  expect(held.paused).toBe(true);
  expect(held.time).toBeGreaterThanOrEqual(1);
  expect(held.time).toBeLessThan(2);
  // Past the preview a signed-in viewer pays. With the payment API here, a session opens at sign-in and one
  // started without a balance is refused INSUFFICIENT_FUNDS: the viewer's principal (derived for this
  // origin) is funded before the sign-in, so the start never races the credit.
  if (api) {
    const r = await fetch(`${api.url}/streaming/dev/credit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ principal: expectedPrincipal(), microAlgos: 1_000_000 }) });
    expect(r.status).toBe(200);
  }
  await signIn(page);
  await expect.poll(async () => (await authState(page)).status).toBe('signed-in');
  if (api) expect((await authState(page)).principal).toBe(expectedPrincipal());
  await page.evaluate(() => document.querySelector('sippar-player')!.shadowRoot!.querySelector('video')!.play());
  await expect.poll(async () => (await video()).time, { timeout: 10_000 }).toBeGreaterThan(held.time + 0.5);
});

test('a free video never loads the auth client (nor algosdk)', async ({ page }) => {
  requested.length = 0;
  await page.goto(`${fixtureUrl()}&rate=0`);
  await page.evaluate(() => document.querySelector('sippar-player')!.shadowRoot!.querySelector('video')!.play());
  await page.waitForTimeout(1500);
  const scripts = requested.filter((p) => p.endsWith('.js'));
  expect(scripts.length).toBeGreaterThan(0);
  const loaded = scripts.map((p) => readFileSync(join(OUT, p), 'utf8'));
  expect(loaded.some((code) => code.includes('authorize-client'))).toBe(false);
  expect(loaded.some((code) => /isValidAddress|sha512_256/.test(code))).toBe(false);
  // The whole paid-video chunk stays away: no identity, meter or payments on the element.
  expect(await authState(page)).toMatchObject({ status: 'absent' });
  expect(await page.evaluate(() => { const p = document.querySelector('sippar-player')!; return [p.meter, p.payments].every((c) => c === undefined); })).toBe(true);
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // The same check is not vacuous: a paid video does load the auth client (to restore a session).
  requested.length = 0;
  await page.goto(fixtureUrl());
  await expect.poll(async () => (await authState(page)).status).toBe('signed-out');
  const paid = requested.filter((p) => p.endsWith('.js')).map((p) => readFileSync(join(OUT, p), 'utf8'));
  expect(paid.some((code) => code.includes('authorize-client'))).toBe(true);
});
