// The sign-in overlay as a viewer meets it: in the page's language, reachable and usable by keyboard,
// free of axe (WCAG 2 A/AA) violations, themable through custom properties and ::part, and keeping the
// session key out of Web Storage. Same local IdP and production build as identity-session.spec.ts.
import { test, expect } from '@playwright/test';
import { authState, fixtureUrl, signInButton, useIdentityServers } from './support/identity-journey.js';

// Its own build folder: a build empties its folder, and other spec files may run in other workers.
const OUT = '.cache/e2e-identity-overlay';

useIdentityServers(OUT);

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
