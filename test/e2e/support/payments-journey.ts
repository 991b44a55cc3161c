// The payments journeys' servers and helpers: a production build of payments-fixture/ (the page signs each
// tick with a DelegationIdentity made in the page: Ed25519 root → ECDSA session key) on a static server,
// the REAL reference payment API (server/app.ts) started per test, and optionally a throwaway PostgreSQL
// cluster for the ledger. Each payments spec starts them with its own build folder (usePaymentsServers)
// and stops them after its last test; the exports below serve the spec file in progress.
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStaticServer, type StaticServer } from './static-server.js';
import { buildPage } from './build-page.js';
import { startCluster, type PostgresCluster } from '../../support/postgres-cluster.js';

export type Api = { url: string; port: number; close(): Promise<void> };
type StartServer = (o: object) => Promise<Api>;

let app: StaticServer;
let startServer: StartServer;
/** A private folder of the spec file in progress (for ledgers that must outlive one server). */
export let tmp: string;
let pg: PostgresCluster | undefined;
let schemas = 0;

/** Builds the fixture into `out` (a folder of the calling spec's own: builds empty it) and starts the page's server. */
export async function startPaymentsServers(out: string, o: { postgres?: boolean } = {}): Promise<void> {
  await buildPage('test/e2e/support/payments-fixture', out);
  app = await startStaticServer({ roots: { '/': out, '/media/': 'media' } });
  ({ startServer } = (await import('../../../server/app.js')) as unknown as { startServer: StartServer });
  tmp = mkdtempSync(join(tmpdir(), 'sippar-payments-'));
  pg = o.postgres ? await startCluster() : undefined;
}

export async function stopPaymentsServers(): Promise<void> {
  await app?.close();
  pg?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}

/** The calling spec file's hooks: its servers start before its first test and stop after its last. */
export function usePaymentsServers(out: string, o: { postgres?: boolean } = {}): void {
  test.beforeAll(() => startPaymentsServers(out, o));
  test.afterAll(() => stopPaymentsServers());
}

export const api = (o: { port?: number; db?: string; tickIntervalSeconds?: number } = {}) =>
  // v3: the server sells only catalog titles; the fixture's film at the fixture's rate, no free preview.
  startServer({ port: o.port ?? 0, host: '127.0.0.1', db: o.db ?? ':memory:', dev: true, origins: [app.origin], quiet: true, tickIntervalSeconds: o.tickIntervalSeconds, catalog: { titles: [{ contentId: 'film-1', title: 'Film', rateMicroAlgos: 1_000 }] } });

export async function credit(a: Api, principal: string, microAlgos: number) {
  const r = await fetch(`${a.url}/streaming/dev/credit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ principal, microAlgos }) });
  expect(r.status).toBe(200);
}

export async function session(a: Api, sessionId: string) {
  const r = await fetch(`${a.url}/streaming/session/analytics?sessionId=${encodeURIComponent(sessionId)}`);
  return ((await r.json()) as { session: { billedSeconds: number; microAlgos: number; ticks: number; settlements: number; status: string } }).session;
}

export async function open(page: Page, a: Api, q: Record<string, string> = {}) {
  const params = new URLSearchParams({ api: a.url, content: 'film-1', rate: '0.001', ...q });
  await page.goto(`${app.origin}/?${params}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  return page.evaluate(() => window.fixture.principal);
}

/** Opens the page, credits its viewer 1 ALGO and plays until the API has acknowledged `ackedAtLeast` seconds. */
export async function playPaid(page: Page, a: Api, o: { ackedAtLeast: number }) {
  const principal = await open(page, a);
  await credit(a, principal, 1_000_000);
  await play(page);
  await expect.poll(async () => (await state(page)).acked.seconds, { timeout: 20_000 }).toBeGreaterThanOrEqual(o.ackedAtLeast);
  return state(page);
}

export const state = (page: Page) =>
  page.evaluate(() => {
    const s = window.fixture.host.payments.state;
    return { status: s.status, sessionId: s.sessionId, acked: s.acknowledged, balance: s.balanceMicroAlgos, error: s.error?.code };
  });

export const play = (page: Page) => page.evaluate(() => window.fixture.host.play());
export const pause = (page: Page) => page.evaluate(() => window.fixture.host.pause());
export const paused = (page: Page) => page.evaluate(() => window.fixture.host.media!.paused);

/** The stored outbox row (IndexedDB) of the page's session. */
export const stored = (page: Page) =>
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
export async function ledgerTicks(a: Api, sessionId: string): Promise<Array<{ seq: number; seconds: number; final: boolean }>> {
  const r = await fetch(`${a.url}/streaming/audit/ticks?sessionId=${encodeURIComponent(sessionId)}`);
  const { ticks } = (await r.json()) as { ticks: Array<{ seq: number; seconds: number; final: boolean }> };
  return ticks.sort((x, y) => x.seq - y.seq);
}

/** No seq twice, totals never going back, and the ledger's last tick is the page's signed head. */
export async function expectCleanLedger(a: Api, sessionId: string, head: { seq: number; seconds: number }) {
  const t = await ledgerTicks(a, sessionId);
  expect(new Set(t.map((x) => x.seq)).size).toBe(t.length);
  for (let i = 1; i < t.length; i++) expect(t[i].seconds).toBeGreaterThanOrEqual(t[i - 1].seconds);
  expect(t.at(-1)).toMatchObject({ seq: head.seq, seconds: head.seconds });
}

/**
 * Where a journey keeps its ledger: SQLite (a file when it must outlive one server) or PostgreSQL (a fresh
 * schema; only in a spec that started the servers with `postgres: true`).
 */
export const STORES = [
  { title: '', db: (file?: string) => file ?? ':memory:' },
  { title: ' (ledger in PostgreSQL)', db: () => `${pg!.url}?schema=journey_${++schemas}` },
];

/** The unsent tick of the stored row: null once everything was acknowledged ('no row' before the session). */
export const pendingOf = async (page: Page) => {
  const rows = await stored(page);
  return rows.length ? rows[0].pending : 'no row';
};
