// Internet Identity sign-in and the session's life, against the local IdP (demo/idp) on another origin,
// with the real @dfinity/auth-client inside a production build of the element, and the reference payment
// API: approve, deny, a blocked window, a bad or silent IdP, derivation-origin, the Algorand address the
// API gives, a reload, sign-out, and expiry (by the delegation's timer, and after a suspend).
import { test, expect } from '@playwright/test';
import { api, app, authState, expectedPrincipal, fixtureUrl, idp, signIn, signInButton, useIdentityServers } from './support/identity-journey.js';

// Its own build folder: a build empties its folder, and other spec files may run in other workers.
const OUT = '.cache/e2e-identity-session';

useIdentityServers(OUT);

test('approve in the IdP window: the element shows the principal and the Algorand address', async ({ page }) => {
  await page.goto(fixtureUrl());
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('0.001 ALGO per second');
  await expect(signInButton(page)).toBeFocused();
  await signIn(page);

  const principal = expectedPrincipal();
  await expect.poll(async () => (await authState(page)).status).toBe('signed-in');
  expect((await authState(page)).principal).toBe(principal);
  const badge = page.locator('sippar-player').locator('[part~="login-signed-in"]');
  await expect(badge).toContainText(`${principal.slice(0, 5)}-…-${principal.split('-').at(-1)}`);
  await expect(page.getByRole('dialog')).toHaveCount(0);
  if (api) {
    await expect.poll(async () => (await authState(page)).algorandAddress ?? '').toMatch(/^[A-Z2-7]{58}$/);
    const address = (await authState(page)).algorandAddress!;
    await expect(badge.locator('.address')).toHaveAttribute('title', address);
  }
  const events = await page.evaluate(() => (window as unknown as { authEvents: Array<{ status?: string }> }).authEvents.map((e) => e.status));
  expect(events).toContain('signing-in');
  expect(events).toContain('signed-in');
});

test('deny in the IdP window: failure state with the reason, and retry', async ({ page }) => {
  await page.goto(fixtureUrl());
  await signIn(page, 'deny');
  await expect.poll(async () => (await authState(page)).status).toBe('failed');
  await expect(page.getByRole('dialog')).toContainText('The user denied the sign-in request.');
  await expect(signInButton(page)).toContainText(/try again/i);
  await signIn(page);
  await expect.poll(async () => (await authState(page)).status).toBe('signed-in');
});

test('a reload keeps the session; sign-out ends it', async ({ page }) => {
  await page.goto(fixtureUrl());
  await signIn(page);
  await expect.poll(async () => (await authState(page)).status).toBe('signed-in');
  await page.reload();
  await expect.poll(async () => (await authState(page)).status).toBe('signed-in');
  expect((await authState(page)).principal).toBe(expectedPrincipal());
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // Sign out: the dialog is back; a new sign-in (fresh session key) also survives a reload.
  await page.locator('sippar-player').getByRole('button', { name: 'Sign out' }).click();
  await expect.poll(async () => (await authState(page)).status).toBe('signed-out');
  await expect(page.getByRole('dialog')).toBeVisible();
  // …and the payment API was told: the signed-out session key is revoked there (protocol v3).
  const revoked = () => (api?.ledger?.db?.prepare('SELECT count(*) AS n FROM revoked_keys').get() as { n: number } | undefined)?.n;
  if (api) await expect.poll(revoked).toBe(1);
  await signIn(page);
  await expect.poll(async () => (await authState(page)).status).toBe('signed-in');
  await page.reload();
  await expect.poll(async () => (await authState(page)).status).toBe('signed-in');
});

test('an expired delegation brings the overlay back and pauses the media', async ({ page }) => {
  // The IdP caps this delegation at 4 seconds.
  await page.goto(fixtureUrl({ idp: `${idp.origin}/?ttl=4` }));
  await signIn(page);
  await expect.poll(async () => (await authState(page)).status).toBe('signed-in');
  await page.evaluate(() => document.querySelector('sippar-player')!.shadowRoot!.querySelector('video')!.play());
  await expect.poll(() => page.evaluate(() => document.querySelector('sippar-player')!.shadowRoot!.querySelector('video')!.paused)).toBe(false);

  await expect.poll(async () => (await authState(page)).status, { timeout: 10_000 }).toBe('expired');
  expect((await authState(page)).error).toBe('SESSION_EXPIRED');
  expect(await page.evaluate(() => document.querySelector('sippar-player')!.shadowRoot!.querySelector('video')!.paused)).toBe(true);
  expect(await page.evaluate(() => document.querySelector('sippar-player')!.identity!.controller.canCharge)).toBe(false);
  await expect(page.getByRole('dialog')).toContainText(/expired/i);
  // Playing again is held until a new sign-in.
  await page.evaluate(() => document.querySelector('sippar-player')!.shadowRoot!.querySelector('video')!.play().catch(() => undefined));
  await expect.poll(() => page.evaluate(() => document.querySelector('sippar-player')!.shadowRoot!.querySelector('video')!.paused)).toBe(true);
});

test('a blocked window shows the blocked state and a real click retries', async ({ page }) => {
  // The first window.open is refused, as a popup blocker does.
  await page.addInitScript(() => {
    const open = window.open.bind(window);
    let calls = 0;
    window.open = (...args: Parameters<typeof window.open>) => (calls++ === 0 ? null : open(...args));
  });
  await page.goto(fixtureUrl());
  await signInButton(page).click();
  await expect.poll(async () => (await authState(page)).status).toBe('blocked');
  await expect(page.getByRole('dialog')).toContainText(/blocked the sign-in window/i);
  await expect(signInButton(page)).toHaveAttribute('aria-disabled', 'false');
  await signIn(page);
  await expect.poll(async () => (await authState(page)).status).toBe('signed-in');
});

test('a malformed identity-provider is refused with IDP_URL_INVALID', async ({ page }) => {
  await page.goto(fixtureUrl({ idp: 'http://not-loopback.example/' }));
  await signInButton(page).click();
  await expect.poll(async () => (await authState(page)).error).toBe('IDP_URL_INVALID');
  await expect(page.getByRole('dialog')).toContainText(/identity-provider must be https/);
});

test('an IdP that never answers ends in IDP_UNREACHABLE instead of a hang', async ({ page }) => {
  test.setTimeout(45_000);
  // A 404 page on the IdP's origin: it never posts 'authorize-ready'; the controller gives up after 15 s.
  await page.goto(fixtureUrl({ idp: `${idp.origin}/missing/` }));
  const popupPromise = page.waitForEvent('popup');
  await signInButton(page).click();
  const popup = await popupPromise;
  await expect.poll(async () => (await authState(page)).status, { timeout: 25_000 }).toBe('failed');
  expect((await authState(page)).error).toBe('IDP_UNREACHABLE');
  await expect(page.getByRole('dialog')).toContainText(/did not answer/);
  expect(popup.isClosed()).toBe(true);
});

test('an invalid Algorand address from the payment API is ADDRESS_INVALID and stops charging', async ({ page }) => {
  test.skip(!api, 'needs the reference payment API');
  await page.route(`${api!.url}/streaming/viewer`, (route) =>
    route.fulfill({
      status: 200,
      headers: { 'access-control-allow-origin': app.origin, 'content-type': 'application/json' },
      body: JSON.stringify({ principal: expectedPrincipal(), algorandAddress: 'NOT-AN-ALGORAND-ADDRESS', balanceMicroAlgos: 0 }),
    }),
  );
  await page.goto(fixtureUrl());
  await signIn(page);
  await expect.poll(async () => (await authState(page)).error).toBe('ADDRESS_INVALID');
  expect(await page.evaluate(() => {
    const player = document.querySelector('sippar-player')!;
    const gate = player.identity!;
    return { canCharge: gate.controller.canCharge, identity: gate.controller.identity === undefined, blocking: player.blockers.includes('sign-in') };
  })).toEqual({ canCharge: false, identity: true, blocking: true });
  await expect(page.locator('sippar-player').locator('[part~="login-signed-in"] [role="alert"]')).toContainText(/invalid Algorand address/);
  const errors = await page.evaluate(() => (window as unknown as { authEvents: Array<{ error?: { code: string; fatal: boolean } }> }).authEvents.filter((e) => e.error).map((e) => e.error));
  expect(errors).toContainEqual(expect.objectContaining({ code: 'ADDRESS_INVALID', fatal: true }));
});

test('derivation-origin reaches the IdP, which derives the principal for that origin; ?user picks another user', async ({ page }) => {
  await page.goto(`${fixtureUrl({ idp: `${idp.origin}/?user=bob` })}&derivation=${encodeURIComponent('https://platform.example')}`);
  const popupPromise = page.waitForEvent('popup');
  await signInButton(page).click();
  const popup = await popupPromise;
  await expect(popup.locator('#origin')).toHaveText(`${app.origin} (as https://platform.example)`);
  const closed = popup.waitForEvent('close');
  await popup.getByTestId('idp-approve').click();
  await closed;
  await expect.poll(async () => (await authState(page)).principal).toBe(expectedPrincipal('bob', 'https://platform.example'));
  expect(expectedPrincipal('bob', 'https://platform.example')).not.toBe(expectedPrincipal('alice'));
});

test('after a suspend (clock jumped past expiry, timer not yet fired) the resume check expires the session', async ({ page }) => {
  await page.goto(fixtureUrl());
  await signIn(page);
  await expect.poll(async () => (await authState(page)).status).toBe('signed-in');
  // The delegation lasts 8 h: its timer is far away. Jump the wall clock as a laptop waking up would.
  await page.evaluate(() => {
    const realNow = Date.now.bind(Date);
    Date.now = () => realNow() + 9 * 3600_000;
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await expect.poll(async () => (await authState(page)).status).toBe('expired');
  await expect(page.getByRole('dialog')).toContainText(/expired/i);
});
