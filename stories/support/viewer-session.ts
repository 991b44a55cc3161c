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
