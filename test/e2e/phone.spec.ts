// The player on a phone (375x740, touch): every control inside the player and at least 44 px, each one
// operable by a tap, the centre play button, the settings menu (speed, volume, picture-in-picture) by
// touch and by keyboard, and the controls, the cost counter and the signed-in badge hiding together.
import { test, expect, type Locator, type Page } from '@playwright/test';
import { startStaticServer, type StaticServer } from './support/static-server.js';
import { buildPage } from './support/build-page.js';

const OUT = '.cache/e2e-phone';
let app: StaticServer;

test.use({ viewport: { width: 375, height: 740 }, hasTouch: true, isMobile: true });

test.beforeAll(async () => {
  await buildPage('test/e2e/support/phone-fixture', OUT);
  app = await startStaticServer({ roots: { '/': OUT, '/media/': 'media' } });
});
test.afterAll(async () => { await app?.close(); });

async function open(page: Page, q: Record<string, string> = {}) {
  await page.goto(`${app.origin}/?${new URLSearchParams(q)}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  await expect(part(page, 'controls')).toBeAttached();
  await page.waitForFunction(() => window.player.duration > 0);
}

const part = (page: Page, name: string) => page.locator(`sippar-player [part~="${name}"]`);
const player = (page: Page) => page.locator('sippar-player');
const currentTime = (page: Page) => page.evaluate(() => window.player.currentTime);
const state = (page: Page) => page.evaluate(() => {
  const v = window.player.media!;
  return { paused: v.paused, muted: v.muted, rate: v.playbackRate, volume: v.volume };
});
const hidden = (page: Page) => page.evaluate(() => window.player.hasAttribute('data-controls-hidden'));
const opacity = (l: Locator) => l.evaluate((el) => getComputedStyle(el).opacity);

/** Every box lies inside the player's and is at least 44x44; returns what it measured, for the message. */
async function checkBoxes(page: Page, selector: string) {
  const box = (await player(page).boundingBox())!;
  const controls = page.locator(`sippar-player ${selector}`);
  const n = await controls.count();
  expect(n).toBeGreaterThan(0);
  for (let i = 0; i < n; i++) {
    const c = controls.nth(i);
    const b = (await c.boundingBox())!;
    const what = `${await c.getAttribute('part') ?? await c.textContent()} ${JSON.stringify(b)} in ${JSON.stringify(box)}`;
    expect(b.x, what).toBeGreaterThanOrEqual(box.x - 0.5);
    expect(b.y, what).toBeGreaterThanOrEqual(box.y - 0.5);
    expect(b.x + b.width, what).toBeLessThanOrEqual(box.x + box.width + 0.5);
    expect(b.y + b.height, what).toBeLessThanOrEqual(box.y + box.height + 0.5);
    expect(b.width, what).toBeGreaterThanOrEqual(44);
    expect(b.height, what).toBeGreaterThanOrEqual(44);
  }
  return n;
}

test('at 375 px every control, menu item and the centre play button lies inside the player, 44 px or more', async ({ page }) => {
  await open(page);
  // Narrow: speed, volume and picture-in-picture moved into the settings menu.
  await expect(part(page, 'settings-button')).toBeVisible();
  await expect(part(page, 'rate')).toHaveCount(0);
  await expect(part(page, 'volume')).toHaveCount(0);
  expect(await checkBoxes(page, '.controls :is(button, input)')).toBeGreaterThanOrEqual(5);
  await checkBoxes(page, '[part~="center-play"]');
  await part(page, 'settings-button').tap();
  await expect(part(page, 'menu')).toBeVisible();
  expect(await checkBoxes(page, '[part~="menu-item"]')).toBeGreaterThanOrEqual(11);
  // The bar under the open menu stays where it was: still inside, still reachable.
  await checkBoxes(page, '.bar button');
});

test('taps: centre play, play/pause, mute, menu (speed, volume, picture-in-picture) and full screen', async ({ page }) => {
  await open(page);
  await part(page, 'center-play').tap();
  await expect.poll(async () => (await state(page)).paused).toBe(false);
  await expect(part(page, 'center-play')).toHaveCount(0);

  await part(page, 'play-button').tap();
  await expect.poll(async () => (await state(page)).paused).toBe(true);
  await expect(part(page, 'center-play')).toBeVisible();

  await part(page, 'mute-button').tap();
  await expect.poll(async () => (await state(page)).muted).toBe(false);
  await part(page, 'mute-button').tap();
  await expect.poll(async () => (await state(page)).muted).toBe(true);

  const settings = part(page, 'settings-button');
  await settings.tap();
  await expect(settings).toHaveAttribute('aria-expanded', 'true');
  const menu = part(page, 'menu');
  await menu.getByRole('menuitemradio', { name: '1.5×' }).tap();
  await expect.poll(async () => (await state(page)).rate).toBe(1.5);
  await expect(menu.getByRole('menuitemradio', { name: '1.5×' })).toHaveAttribute('aria-checked', 'true');
  await menu.getByRole('menuitemradio', { name: '50%' }).tap();
  await expect.poll(async () => (await state(page)).volume).toBe(0.5);

  const pip = menu.getByRole('menuitem', { name: 'Picture in picture' });
  if (await page.evaluate(() => document.pictureInPictureEnabled)) {
    await pip.tap();
    // The document sees the host (retargeted out of the shadow root); the shadow root sees the <video>.
    const inPip = () => page.evaluate(() => window.player.shadowRoot!.pictureInPictureElement === window.player.media);
    await expect.poll(inPip).toBe(true);
    // The same item leaves picture-in-picture.
    await part(page, 'settings-button').tap();
    await pip.tap();
    await expect.poll(inPip).toBe(false);
  } else {
    // Without picture-in-picture in this browser the menu offers none (and the bar never did).
    await expect(pip).toHaveCount(0);
  }

  // A tap outside the open menu closes it, without playing.
  await settings.tap();
  await expect(settings).toHaveAttribute('aria-expanded', 'true');
  await page.locator('sippar-player video').tap({ position: { x: 10, y: 10 } }); // left of the menu
  await expect(menu).toHaveCount(0);
  expect((await state(page)).paused).toBe(true);

  await part(page, 'fullscreen-button').tap();
  await expect.poll(() => page.evaluate(() => document.fullscreenElement === window.player)).toBe(true);
  await part(page, 'fullscreen-button').tap();
  await expect.poll(() => page.evaluate(() => document.fullscreenElement)).toBe(null);
});

test('the settings menu by keyboard: aria-expanded, arrows, Escape closes and gives focus back', async ({ page }) => {
  await open(page);
  const settings = part(page, 'settings-button');
  await settings.focus();
  await page.keyboard.press('Enter');
  await expect(settings).toHaveAttribute('aria-expanded', 'true');
  // Focus lands on the checked speed; the arrows move through the items, not the video.
  await expect(part(page, 'menu').getByRole('menuitemradio', { name: '1×' })).toBeFocused();
  const time = await currentTime(page);
  await page.keyboard.press('ArrowRight');
  await expect(part(page, 'menu').getByRole('menuitemradio', { name: '1.25×' })).toBeFocused();
  expect(await currentTime(page)).toBe(time);
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await state(page)).rate).toBe(1.25);
  await page.keyboard.press('Escape');
  await expect(part(page, 'menu')).toHaveCount(0);
  await expect(settings).toBeFocused();
  await expect(settings).toHaveAttribute('aria-expanded', 'false');
});

test('a paid player: the counter and the signed-in badge hide and show with the controls', async ({ page }) => {
  await open(page, { paid: 'in' });
  const counter = part(page, 'counter');
  const badge = part(page, 'login-signed-in');
  await expect(badge).toBeVisible();
  await expect(counter).toBeVisible();
  await expect(part(page, 'center-play')).toBeVisible();
  const [b, c] = [(await badge.boundingBox())!, (await counter.boundingBox())!];
  expect(b.x + b.width <= c.x || b.y + b.height <= c.y, `badge ${JSON.stringify(b)} overlaps counter ${JSON.stringify(c)}`).toBe(true);
  if (process.env.UPDATE_SCREENSHOT === '1') await player(page).screenshot({ path: 'docs/phone-375.png' });
  await part(page, 'settings-button').tap();
  await expect(part(page, 'menu')).toBeVisible();
  await player(page).screenshot({ path: process.env.UPDATE_SCREENSHOT === '1' ? 'docs/phone-375-menu.png' : 'test-results/phone-375-menu.png' });
  await part(page, 'settings-button').tap();

  await part(page, 'center-play').tap();
  await expect.poll(async () => (await state(page)).paused).toBe(false);
  // Playing: a tap on the picture hides the controls, the counter and the badge together…
  await page.locator('sippar-player video').tap({ position: { x: 180, y: 90 } });
  expect(await hidden(page)).toBe(true);
  expect((await state(page)).paused).toBe(false);
  for (const l of [part(page, 'controls'), counter, badge]) await expect.poll(() => opacity(l)).toBe('0');
  // …and the next tap brings them back.
  await page.locator('sippar-player video').tap({ position: { x: 180, y: 90 } });
  expect(await hidden(page)).toBe(false);
  for (const l of [part(page, 'controls'), counter, badge]) await expect.poll(() => opacity(l)).toBe('1');
  // Left alone while playing, they hide by themselves.
  await expect.poll(() => hidden(page), { timeout: 6_000 }).toBe(true);
  await expect.poll(() => opacity(counter)).toBe('0');
  // Paused, they stay.
  await page.evaluate(() => window.player.pause());
  await expect.poll(() => hidden(page)).toBe(false);
  await expect.poll(() => opacity(badge)).toBe('1');
});

test('signed out at 375 px: the sign-in dialog fits the player and its title clears the counter', async ({ page }) => {
  await open(page, { paid: 'out' });
  const dialog = page.locator('sippar-player [part~="login"][role="dialog"]');
  await expect(dialog).toBeVisible();
  await player(page).screenshot({ path: process.env.UPDATE_SCREENSHOT === '1' ? 'docs/phone-375-sign-in.png' : 'test-results/phone-375-sign-in.png' });
  const box = (await player(page).boundingBox())!;
  const counter = await part(page, 'counter').boundingBox();
  for (const l of [dialog.locator('h2'), dialog.locator('button')]) {
    const b = (await l.boundingBox())!;
    expect(b.y).toBeGreaterThanOrEqual(box.y);
    expect(b.y + b.height).toBeLessThanOrEqual(box.y + box.height);
    if (counter) {
      const apart = b.y >= counter.y + counter.height || b.x >= counter.x + counter.width || b.x + b.width <= counter.x;
      expect(apart, `${JSON.stringify(b)} overlaps the counter ${JSON.stringify(counter)}`).toBe(true);
    }
  }
  // Nothing to play from here: the dialog's own button is the way on, not a centre play button.
  await expect(part(page, 'center-play')).toHaveCount(0);
});
