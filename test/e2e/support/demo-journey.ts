// The demo page of `npm start` for journeys: its servers started once per spec file on free ports with a
// private build of the element, and the helpers that read the player, the ledger and the analytics.
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: plain ESM script, no declarations
import { prepare, startDemo } from '../../../scripts/start.mjs';

export interface Demo { url: string; idpUrl: string; apiUrl: string; close(): Promise<void> }
let demo: Demo;
let dbDir: string;

/** Starts the demo before the spec's tests and stops it after; `current()` is the running demo. */
export function useDemo(): { current(): Demo } {
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    prepare({ log: () => undefined });
    dbDir = mkdtempSync(join(tmpdir(), 'sippar-journey-'));
    // A private build of the element (the same two Vite builds as scripts/build.mjs), so a rebuild of
    // dist/ by anything else running in this tree cannot pull files from under the page.
    const distDir = join(dbDir, 'dist');
    const vite = (...args: string[]) => execFileSync('node_modules/.bin/vite', ['build', '--outDir', distDir, '--logLevel', 'warn', ...args], { stdio: 'inherit' });
    vite();
    vite('--mode', 'loader');
    demo = await startDemo({ port: 0, idpPort: 0, dbPath: join(dbDir, 'demo.sqlite'), distDir });
  });
  test.afterAll(async () => {
    await demo?.close();
    if (dbDir) rmSync(dbDir, { recursive: true, force: true });
  });
  return { current: () => demo };
}

/** Where startDemo keeps the demo agents' keys (its default: `agents/` beside the database). */
export const agentKeysDir = () => join(dbDir, 'agents');

export const PAID = '#paid';
/** demo/catalog.json's paid title: its free preview (per viewer, held by the server) and its rate. */
export const DEMO_PREVIEW = 5;
export const DEMO_RATE = 1_000;
// Playwright locators pierce the open shadow root: this is the paid player's inner <video>.
export const paidVideo = (page: Page) => page.locator('#paid video');
/** Plays the paid player (muted) from the page. The element attaches its stream as it starts, which may
 *  abort a play() made meanwhile ("interrupted by a new load request"): tried again until one holds. */
export const startPreview = (page: Page) =>
  expect.poll(() => page.evaluate(() => {
    const p = document.querySelector('#paid') as HTMLElement & { muted: boolean; play(): Promise<void> };
    p.muted = true;
    return p.play().then(() => true, () => false);
  }), { timeout: 10_000 }).toBe(true);


export type Ledger = { db: { prepare(q: string): { all(...p: unknown[]): Array<Record<string, number | string>> } } };
export type DemoApi = { stop(): Promise<void>; start(): Promise<void>; ledger: Ledger | undefined };
export const demoApi = () => (demo as unknown as { api: DemoApi }).api;
/** Rows of the API's SQLite ledger, read directly (as identity-session.spec.ts does for revoked keys). */
export const ledgerRows = (sql: string, ...params: unknown[]) => demoApi().ledger!.db.prepare(sql).all(...params);

/** The paid player's payment state (sippar-player's PaymentsController). */
export const payState = (page: Page) =>
  page.evaluate(() => {
    const s = (document.querySelector('#paid') as unknown as { payments: { state: { status: string; sessionId?: string; acknowledged: { seq: number; seconds: number }; balanceMicroAlgos?: number; error?: { code: string } } } }).payments.state;
    return { status: s.status, sessionId: s.sessionId, acked: s.acknowledged?.seconds ?? 0, balance: s.balanceMicroAlgos, error: s.error?.code };
  });
export const meterSeconds = (page: Page) =>
  page.evaluate(() => (document.querySelector('#paid') as unknown as { meter: { store: { get(): { billedSeconds: number } } } }).meter.store.get().billedSeconds);
/** Seconds played on this page load past its first 5 s: the paid part of a first visit (the preview is 5 s). */
export const paidPlayed = (page: Page) =>
  paidVideo(page).evaluate((v: HTMLVideoElement) => {
    let sum = 0;
    for (let i = 0; i < v.played.length; i++) sum += Math.max(0, v.played.end(i) - Math.max(v.played.start(i), 5));
    return Math.round(sum * 10) / 10;
  });
/** Every second of media played on this page load (a reload gets no preview again: all of it is paid). */
export const allPlayed = (page: Page) =>
  paidVideo(page).evaluate((v: HTMLVideoElement) => {
    let sum = 0;
    for (let i = 0; i < v.played.length; i++) sum += v.played.end(i) - v.played.start(i);
    return Math.round(sum * 10) / 10;
  });
export const playPaid = (page: Page) => paidVideo(page).evaluate((v: HTMLVideoElement) => { v.muted = true; return v.play(); });
export const pausePaid = (page: Page) => paidVideo(page).evaluate((v: HTMLVideoElement) => v.pause());

export async function sessionBilled(sessionId: string) {
  const r = await fetch(`${demo.apiUrl}/streaming/session/analytics?sessionId=${encodeURIComponent(sessionId)}`);
  return ((await r.json()) as { session: { billedSeconds: number; microAlgos: number } }).session;
}
/** A viewer's sessions (started since `since`, ms), from the ledger's sessions table. */
export const viewerSessions = (principal: string, since = 0) =>
  ledgerRows('SELECT id FROM sessions WHERE principal = ? AND started_at >= ? ORDER BY started_at', principal, since).map((r) => String(r.id));
/** No (session, seq) in the ledger twice, and a session's totals never go back. */
export function expectNoDoubleTicks(sessionIds: string[]) {
  for (const id of sessionIds) {
    const ticks = ledgerRows('SELECT seq, seconds, charged FROM ticks WHERE session_id = ? ORDER BY seq', id) as Array<{ seq: number; seconds: number; charged: number }>;
    expect(new Set(ticks.map((t) => t.seq)).size, `seq applied twice in ${id}`).toBe(ticks.length);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i].seconds).toBeGreaterThanOrEqual(ticks[i - 1].seconds);
  }
}

export async function credit(principal: string, microAlgos: number) {
  const r = await fetch(`${demo.apiUrl}/streaming/dev/credit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ principal, microAlgos }) });
  expect(r.status).toBe(200);
}

/** Plays the free preview to its end, signs in through the IdP popup; answers the principal. */
export async function signIn(page: Page, user = 'alice'): Promise<string> {
  await page.goto(demo.url);
  await page.waitForFunction(() => customElements.get('sippar-player') !== undefined);
  await startPreview(page);
  const popupPromise = page.waitForEvent('popup');
  await page.locator(PAID).getByRole('button', { name: /sign in with internet identity/i }).click({ timeout: 15_000 });
  const popup = await popupPromise;
  const closed = popup.waitForEvent('close', { timeout: 15_000 });
  await popup.getByTestId('idp-user').selectOption(user); // one test user per journey: balances apart
  await popup.getByTestId('idp-approve').click();
  await closed;
  await expect(page.getByTestId('viewer-principal')).not.toHaveText(/signed out|signing in/);
  return (await page.getByTestId('viewer-principal').textContent())!.trim();
}

