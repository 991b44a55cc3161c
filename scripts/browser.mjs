// Which Chromium to drive, chosen by what exists: Playwright's own build where it was
// installed, else Debian's /usr/bin/chromium (Playwright's download is unreachable here).
import { existsSync } from 'node:fs';
import { chromium } from 'playwright';

const DEBIAN_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

export function chromiumExecutable() {
  let own;
  try { own = chromium.executablePath(); } catch { own = undefined; }
  if (own && existsSync(own)) return undefined; // Playwright finds its own build.
  const debian = DEBIAN_CHROMIUM.find((p) => existsSync(p));
  if (!debian) throw new Error('No Chromium found: install Debian\'s chromium or run `npx playwright install chromium`.');
  return debian;
}

export function chromiumLaunchOptions(extraArgs = []) {
  return { headless: true, executablePath: chromiumExecutable(), args: [...CHROMIUM_ARGS, ...extraArgs] };
}
