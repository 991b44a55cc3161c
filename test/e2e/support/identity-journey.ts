// The Internet Identity journeys' servers and helpers: a production build of identity-fixture/ on one
// origin, the local IdP (demo/idp) on another, and the reference payment API when its module is present.
// Each identity spec starts them with its own build folders (useIdentityServers) and stops them after its
// last test; the exports below are the running servers of the spec file in progress.
import { test, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { startStaticServer, type StaticServer } from './static-server.js';
import { buildPage } from './build-page.js';

export type IdentityApi = { url: string; close(): Promise<void>; ledger?: { db?: { prepare(sql: string): { get(): unknown } } } };

export let app: StaticServer;
export let idp: StaticServer;
export let api: IdentityApi | undefined;
/** Paths the app server was asked for, in order (a spec empties it before the requests it checks). */
export const requested: string[] = [];

/**
 * Builds the fixture into `out` and the IdP into `${out}-idp`, and starts the servers. Folders of the calling
 * spec's own, not dist-demo/idp (scripts/build-idp.mjs): a build empties its folder, and spec files in other
 * workers serve theirs meanwhile.
 */
export async function startIdentityServers(out: string): Promise<void> {
  await buildPage('demo/idp', `${out}-idp`);
  await buildPage('test/e2e/support/identity-fixture', out);
  app = await startStaticServer({ roots: { '/': out, '/media/': 'media' }, csp: "script-src 'self'", onRequest: (p) => requested.push(p) });
  idp = await startStaticServer({ roots: { '/': `${out}-idp` }, csp: "script-src 'self'" });
  api = undefined;
  try {
    // The reference payment API, when the server engineer's module is present.
    const { startServer } = (await import('../../../server/app.js')) as {
      startServer(o: object): Promise<IdentityApi>;
    };
    // v3: the fixture's player names no content-id: its src is what it sells, at the fixture's rate.
    const catalog = { titles: [{ contentId: '/media/basic.mp4', title: 'Basic', rateMicroAlgos: 1_000 }] };
    api = await startServer({ port: 0, host: '127.0.0.1', db: ':memory:', dev: true, origins: [app.origin], quiet: true, catalog });
  } catch (error) {
    console.warn('payment API not available, address checks skipped:', (error as Error).message);
  }
}

export async function stopIdentityServers(): Promise<void> {
  await Promise.all([app?.close(), idp?.close(), api?.close()]);
}

/** The calling spec file's hooks: its servers start before its first test and stop after its last. */
export function useIdentityServers(out: string): void {
  test.beforeAll(() => startIdentityServers(out));
  test.afterAll(() => stopIdentityServers());
}

/** The principal the local IdP gives `user` at the app's origin (stable seeds, see demo/idp/idp.ts). */
export function expectedPrincipal(user = 'alice', origin = app.origin): string {
  const seed = createHash('sha256').update(`sippar-test-idp:${user}:${origin}`).digest();
  return Ed25519KeyIdentity.generate(new Uint8Array(seed)).getPrincipal().toText();
}

export function fixtureUrl(opts: { idp?: string; ttl?: string; preview?: string } = {}): string {
  const q = new URLSearchParams({ idp: opts.idp ?? `${idp.origin}/` });
  if (api) q.set('api', api.url);
  if (opts.ttl) q.set('ttl', opts.ttl);
  if (opts.preview) q.set('preview', opts.preview);
  return `${app.origin}/?${q}`;
}

export const authState = (page: Page) =>
  page.evaluate(() => {
    const gate = document.querySelector('sippar-player')!.identity;
    // A free video (or a paid one whose chunk is still arriving) has no identity at all.
    if (!gate) return { status: 'absent', principal: undefined, algorandAddress: undefined, error: undefined, message: undefined };
    const s = gate.controller.state.get();
    return { status: s.status, principal: s.principal, algorandAddress: s.algorandAddress, error: s.error?.code, message: s.error?.message };
  });

export const signInButton = (page: Page) => page.getByRole('button', { name: /sign in with internet identity/i });

export async function signIn(page: Page, action: 'approve' | 'deny' = 'approve'): Promise<void> {
  const popupPromise = page.waitForEvent('popup');
  await signInButton(page).click();
  const popup = await popupPromise;
  // The auth client closes the window as soon as the answer arrives: listen before clicking.
  const closed = popup.waitForEvent('close');
  await popup.getByTestId(`idp-${action}`).click();
  await closed;
}
