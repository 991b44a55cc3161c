// A returning viewer for stories: the session @dfinity/auth-client would have stored after a sign-in
// (an ECDSA session key and a delegation chain in its IndexedDB), made in the page. The element then
// restores it exactly as it does after a reload, with no identity provider and no popup.
// The root is an Ed25519 key from a public seed, as the local IdP (demo/idp) uses: development only.
import { IdbStorage, KEY_STORAGE_DELEGATION, KEY_STORAGE_KEY } from '@dfinity/auth-client';
import { DelegationChain, ECDSAKeyIdentity, Ed25519KeyIdentity } from '@dfinity/identity';

export async function signInReturningViewer(user = 'alice', ttlMs = 8 * 3600_000): Promise<string> {
  const seed = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`sippar-story:${user}`)));
  const root = Ed25519KeyIdentity.generate(seed);
  const session = await ECDSAKeyIdentity.generate();
  const chain = await DelegationChain.create(root, session.getPublicKey(), new Date(Date.now() + ttlMs));
  const storage = new IdbStorage();
  await storage.set(KEY_STORAGE_KEY, session.getKeyPair());
  await storage.set(KEY_STORAGE_DELEGATION, JSON.stringify(chain.toJSON()));
  return root.getPrincipal().toText();
}

/** Forget any stored session, so the story starts signed out. */
export async function signOutViewer(): Promise<void> {
  const storage = new IdbStorage();
  await storage.remove(KEY_STORAGE_KEY);
  await storage.remove(KEY_STORAGE_DELEGATION);
}

/**
 * The element keeps one auth client per page (it owns the session key), created on first use. In the
 * Storybook UI stories share one page, so a paid story that follows another reloads its frame to start
 * from what IndexedDB holds, as a real page load would. The story test loads every story fresh.
 */
export async function freshPageFor(storyId: string): Promise<void> {
  const w = window as unknown as { __sipparPaidStory?: string };
  if (w.__sipparPaidStory !== undefined && w.__sipparPaidStory !== storyId) {
    location.replace(`iframe.html?id=${encodeURIComponent(storyId)}&viewMode=story`);
    await new Promise(() => {}); // the page is going away
  }
  w.__sipparPaidStory = storyId;
}
