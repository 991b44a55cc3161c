// Internet Identity journeys against the local IdP (demo/idp) on another origin, with the real
// @dfinity/auth-client inside a production build of the element, and the reference payment API.
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { startStaticServer, type StaticServer } from './support/static-server.js';
import { buildPage } from './support/build-page.js';

const OUT = '.cache/e2e-identity';
let app: StaticServer;
let idp: StaticServer;
let api: { url: string; close(): Promise<void>; ledger?: { db?: { prepare(sql: string): { get(): unknown } } } } | undefined;
const requested: string[] = [];

test.beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build-idp.mjs'], { stdio: 'inherit' });
  await buildPage('test/e2e/support/identity-fixture', OUT);
  app = await startStaticServer({ roots: { '/': OUT, '/media/': 'media' }, csp: "script-src 'self'", onRequest: (p) => requested.push(p) });
  idp = await startStaticServer({ roots: { '/': 'dist-demo/idp' }, csp: "script-src 'self'" });
  try {
    // The reference payment API, when the server engineer's module is present.
    const { startServer } = (await import('../../server/app.js')) as {
      startServer(o: object): Promise<NonNullable<typeof api>>;
    };
    // v3: the fixture's player names no content-id: its src is what it sells, at the fixture's rate.
    const catalog = { titles: [{ contentId: '/media/basic.mp4', title: 'Basic', rateMicroAlgos: 1_000 }] };
    api = await startServer({ port: 0, host: '127.0.0.1', db: ':memory:', dev: true, origins: [app.origin], quiet: true, catalog });
  } catch (error) {
    console.warn('payment API not available, address checks skipped:', (error as Error).message);
  }
});

test.afterAll(async () => {
  await Promise.all([app?.close(), idp?.close(), api?.close()]);
});

/** The principal the local IdP gives `user` at the app's origin (stable seeds, see demo/idp/idp.ts). */
function expectedPrincipal(user = 'alice', origin = app.origin): string {
  const seed = createHash('sha256').update(`sippar-test-idp:${user}:${origin}`).digest();
  return Ed25519KeyIdentity.generate(new Uint8Array(seed)).getPrincipal().toText();
}

function fixtureUrl(opts: { idp?: string; ttl?: string; preview?: string } = {}): string {
  const q = new URLSearchParams({ idp: opts.idp ?? `${idp.origin}/` });
  if (api) q.set('api', api.url);
  if (opts.ttl) q.set('ttl', opts.ttl);
  if (opts.preview) q.set('preview', opts.preview);
  return `${app.origin}/?${q}`;
}

const authState = (page: Page) =>
  page.evaluate(() => {
    const gate = document.querySelector('sippar-player')!.identity;
    // A free video (or a paid one whose chunk is still arriving) has no identity at all.
    if (!gate) return { status: 'absent', principal: undefined, algorandAddress: undefined, error: undefined, message: undefined };
    const s = gate.controller.state.get();
    return { status: s.status, principal: s.principal, algorandAddress: s.algorandAddress, error: s.error?.code, message: s.error?.message };
  });

const signInButton = (page: Page) => page.getByRole('button', { name: /sign in with internet identity/i });

async function signIn(page: Page, action: 'approve' | 'deny' = 'approve'): Promise<void> {
  const popupPromise = page.waitForEvent('popup');
  await signInButton(page).click();
  const popup = await popupPromise;
  // The auth client closes the window as soon as the answer arrives: listen before clicking.
  const closed = popup.waitForEvent('close');
  await popup.getByTestId(`idp-${action}`).click();
  await closed;
}

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

test('the overlay speaks the page language', async ({ page }) => {
  await page.goto(`${fixtureUrl()}&lang=fr`);
  await expect(page.getByRole('dialog')).toContainText('0.001 ALGO par seconde');
  await expect(page.getByRole('button', { name: /Se connecter avec Internet Identity/ })).toBeVisible();
});

test.describe('accessibility and theming', () => {
  // axe is injected as an inline script, which the fixture's CSP would refuse.
  test.use({ bypassCSP: true });

  test('keyboard sign-in, no axe violations in the dialog, themable through custom properties and ::part', async ({ page }) => {
    await page.goto(`${fixtureUrl()}&themed`);
    const button = signInButton(page);
    await expect(button).toBeFocused();
    await expect(page.getByRole('dialog', { name: /Keep watching for 0.001 ALGO per second/ })).toBeVisible();
    expect(await button.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(255, 0, 0)');
    expect(await page.getByRole('dialog').evaluate((el) => getComputedStyle(el).borderTopColor)).toBe('rgb(0, 128, 0)');

    await page.addScriptTag({ path: 'node_modules/axe-core/axe.min.js' });
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: Array<{ id: string; nodes: unknown[] }> }> } }).axe;
      const root = document.querySelector('sippar-player')!;
      const result = await axe.run({ include: [[root]] }, { runOnly: ['wcag2a', 'wcag2aa'] });
      return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
    });
    expect(violations).toEqual([]);

    // Enter on the focused button is a user activation too: the IdP window opens.
    const popupPromise = page.waitForEvent('popup');
    await page.keyboard.press('Enter');
    const popup = await popupPromise;
    const closed = popup.waitForEvent('close');
    await popup.getByTestId('idp-approve').click();
    await closed;
    await expect.poll(async () => (await authState(page)).status).toBe('signed-in');

    // The session key is the auth client's non-extractable CryptoKey in IndexedDB; nothing in Web Storage.
    const storage = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const r = indexedDB.open('auth-client-db');
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      const key = await new Promise<{ privateKey?: CryptoKey }>((ok, fail) => {
        const r = db.transaction('ic-keyval').objectStore('ic-keyval').get('identity');
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      return { extractable: key.privateKey?.extractable, type: key.privateKey?.type, local: localStorage.length, session: sessionStorage.length };
    });
    expect(storage).toEqual({ extractable: false, type: 'private', local: 0, session: 0 });
  });
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
  await signIn(page);
  await expect.poll(async () => (await authState(page)).status).toBe('signed-in');
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
