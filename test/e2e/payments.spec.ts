// Payments against the REAL reference payment API (server/app.ts): the page signs each tick with a
// DelegationIdentity made in the page (Ed25519 root → ECDSA session key), the server verifies the chain
// and every tick signature before it bills. Covers: ticks accepted, reload resuming the same session,
// the API down long enough to pause playback and back again with nothing lost or doubled, 402, two tabs.
// The first journey and the API-down one also run with the ledger in PostgreSQL (a throwaway cluster).
import { test, expect, type Page, type BrowserContext } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStaticServer, type StaticServer } from './support/static-server.js';
import { buildPage } from './support/build-page.js';
import { startCluster, type PostgresCluster } from '../support/postgres-cluster.js';

type Api = { url: string; port: number; close(): Promise<void> };
type StartServer = (o: object) => Promise<Api>;

const OUT = '.cache/e2e-payments';
let app: StaticServer;
let startServer: StartServer;
let tmp: string;
let pg: PostgresCluster;
let schemas = 0;

test.beforeAll(async () => {
  await buildPage('test/e2e/support/payments-fixture', OUT);
  app = await startStaticServer({ roots: { '/': OUT, '/media/': 'media' } });
  ({ startServer } = (await import('../../server/app.js')) as unknown as { startServer: StartServer });
  tmp = mkdtempSync(join(tmpdir(), 'sippar-payments-'));
  pg = await startCluster();
});

test.afterAll(async () => {
  await app?.close();
  pg?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const api = (o: { port?: number; db?: string } = {}) =>
  // v3: the server sells only catalog titles; the fixture's film at the fixture's rate, no free preview.
  startServer({ port: o.port ?? 0, host: '127.0.0.1', db: o.db ?? ':memory:', dev: true, origins: [app.origin], quiet: true, catalog: { titles: [{ contentId: 'film-1', title: 'Film', rateMicroAlgos: 1_000 }] } });

async function credit(a: Api, principal: string, microAlgos: number) {
  const r = await fetch(`${a.url}/streaming/dev/credit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ principal, microAlgos }) });
  expect(r.status).toBe(200);
}

async function session(a: Api, sessionId: string) {
  const r = await fetch(`${a.url}/streaming/session/analytics?sessionId=${encodeURIComponent(sessionId)}`);
  return ((await r.json()) as { session: { billedSeconds: number; microAlgos: number; ticks: number; settlements: number; status: string } }).session;
}

async function open(page: Page, a: Api, q: Record<string, string> = {}) {
  const params = new URLSearchParams({ api: a.url, content: 'film-1', rate: '0.001', ...q });
  await page.goto(`${app.origin}/?${params}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  return page.evaluate(() => window.fixture.principal);
}

const state = (page: Page) =>
  page.evaluate(() => {
    const s = window.fixture.host.payments.state;
    return { status: s.status, sessionId: s.sessionId, acked: s.acknowledged, balance: s.balanceMicroAlgos, error: s.error?.code };
  });

const play = (page: Page) => page.evaluate(() => window.fixture.host.play());
const pause = (page: Page) => page.evaluate(() => window.fixture.host.pause());
const paused = (page: Page) => page.evaluate(() => window.fixture.host.media!.paused);

/** The stored outbox row (IndexedDB) of the page's session. */
const stored = (page: Page) =>
  page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((r) => { const o = indexedDB.open('sippar-payments'); o.onsuccess = () => r(o.result); });
    const rows = await new Promise<Array<{ sessionId: string; signed: { seq: number; seconds: number }; pending: unknown }>>((r) => {
      const q = db.transaction('sessions').objectStore('sessions').getAll();
      q.onsuccess = () => r(q.result);
    });
    db.close();
    return rows;
  });

/** The ticks the server's ledger accepted for a session, in seq order (its audit export, whatever the store). */
async function ledgerTicks(a: Api, sessionId: string): Promise<Array<{ seq: number; seconds: number; final: boolean }>> {
  const r = await fetch(`${a.url}/streaming/audit/ticks?sessionId=${encodeURIComponent(sessionId)}`);
  const { ticks } = (await r.json()) as { ticks: Array<{ seq: number; seconds: number; final: boolean }> };
  return ticks.sort((x, y) => x.seq - y.seq);
}

/** No seq twice, totals never going back, and the ledger's last tick is the page's signed head. */
async function expectCleanLedger(a: Api, sessionId: string, head: { seq: number; seconds: number }) {
  const t = await ledgerTicks(a, sessionId);
  expect(new Set(t.map((x) => x.seq)).size).toBe(t.length);
  for (let i = 1; i < t.length; i++) expect(t[i].seconds).toBeGreaterThanOrEqual(t[i - 1].seconds);
  expect(t.at(-1)).toMatchObject({ seq: head.seq, seconds: head.seconds });
}

/** Where a journey keeps its ledger: SQLite (a file when it must outlive one server) or PostgreSQL (a fresh schema). */
const STORES = [
  { title: '', db: (file?: string) => file ?? ':memory:' },
  { title: ' (ledger in PostgreSQL)', db: () => `${pg.url}?schema=journey_${++schemas}` },
];

/** The unsent tick of the stored row: null once everything was acknowledged ('no row' before the session). */
const pendingOf = async (page: Page) => {
  const rows = await stored(page);
  return rows.length ? rows[0].pending : 'no row';
};

for (const store of STORES) {
  test(`ticks are signed, verified and billed; pause sends a final tick that settles${store.title}`, async ({ page }) => {
    const a = await api({ db: store.db() });
    try {
      const principal = await open(page, a);
      await credit(a, principal, 1_000_000);
      await play(page);
      await expect.poll(async () => (await state(page)).acked.seconds, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
      const s = await state(page);
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

test('a reload resumes the same session from the next seq', async ({ page }) => {
  const a = await api();
  try {
    const principal = await open(page, a);
    await credit(a, principal, 1_000_000);
    await play(page);
    await expect.poll(async () => (await state(page)).acked.seconds, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    const before = await state(page);
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
    const principal = await open(page, a);
    await credit(a, principal, 1_000_000);
    await play(page);
    await expect.poll(async () => (await state(page)).acked.seconds, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    const { sessionId } = await state(page);
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
