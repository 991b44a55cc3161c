// The ONLY module that imports @dfinity/auth-client, and only by dynamic import: the client (~30 KB gz)
// stays out of the initial script and loads when a paid video needs a viewer. Keeping it behind this
// small surface means a move to @icp-sdk/auth (JSON-RPC protocol) stays a local change.
import type { AuthClient } from '@dfinity/auth-client';
import type { DelegationIdentity } from '@dfinity/identity';
import { chainExpiryMs, type LoginConfig } from './options.js';

export type { DelegationIdentity };

/** Why a login did not end in a session. `blocked`: the browser refused the window (no user activation). */
export type LoginFailure =
  | { reason: 'blocked' }
  | { reason: 'cancelled'; message: string }
  | { reason: 'timeout'; message: string }
  | { reason: 'denied'; message: string };

export interface Session {
  identity: DelegationIdentity;
  principal: string;
  /** Epoch ms of the earliest delegation expiration. */
  expiresAt: number;
}

export interface LoginRun {
  /** Resolves with the session or a failure; never hangs (IdP readiness has a deadline). */
  done: Promise<Session | LoginFailure>;
  cancel(): void;
}

let clientPromise: Promise<AuthClient> | undefined;

/** One client per page: it owns the non-extractable session key in IndexedDB and restores it on reload. */
export function authClient(): Promise<AuthClient> {
  clientPromise ??= import('@dfinity/auth-client').then(({ AuthClient }) =>
    // disableIdle: a viewer watching a film moves neither mouse nor keys; the default would log out and reload.
    AuthClient.create({ idleOptions: { disableIdle: true } }),
  );
  clientPromise.catch(() => { clientPromise = undefined; });
  return clientPromise;
}

function sessionOf(client: AuthClient): Session {
  const identity = client.getIdentity() as DelegationIdentity;
  const expiresAt = chainExpiryMs(identity.getDelegation().delegations.map((d) => d.delegation.expiration)) ?? 0;
  return { identity, principal: identity.getPrincipal().toText(), expiresAt };
}

/** The session restored from IndexedDB, if still valid. */
export async function restoreSession(): Promise<Session | undefined> {
  const client = await authClient();
  return (await client.isAuthenticated()) ? sessionOf(client) : undefined;
}

/**
 * Opens the IdP window. Call it synchronously inside a click handler with an already-created client
 * (`authClient()` resolved earlier), or the browser blocks the window for lack of user activation.
 */
export function startLogin(client: AuthClient, config: LoginConfig, readyTimeoutMs: number): LoginRun {
  const idpOrigin = new URL(config.identityProvider).origin;
  let settle!: (r: Session | LoginFailure) => void;
  const done = new Promise<Session | LoginFailure>((resolve) => { settle = resolve; });
  let finished = false;
  const finish = (r: Session | LoginFailure) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    window.removeEventListener('message', onReady);
    settle(r);
  };
  // The auth client waits for 'authorize-ready' forever; an IdP that never answers must not hang the overlay.
  const onReady = (e: MessageEvent) => {
    if (e.origin === idpOrigin && (e.data as { kind?: unknown } | null)?.kind === 'authorize-ready') clearTimeout(timer);
  };
  window.addEventListener('message', onReady);
  const timer = setTimeout(() => {
    abandon(client);
    finish({ reason: 'timeout', message: `The identity provider (${idpOrigin}) did not answer within ${Math.round(readyTimeoutMs / 1000)} s.` });
  }, readyTimeoutMs);

  void client.login({
    identityProvider: config.identityProvider,
    derivationOrigin: config.derivationOrigin,
    maxTimeToLive: config.maxTimeToLive,
    windowOpenerFeatures: 'toolbar=0,location=0,menubar=0,width=500,height=640',
    onSuccess: () => finish(sessionOf(client)),
    onError: (text) =>
      finish(text === 'UserInterrupt'
        ? { reason: 'cancelled', message: 'The sign-in window was closed.' }
        : { reason: 'denied', message: text || 'The identity provider refused the sign-in.' }),
  });
  // auth-client 3.4.3 keeps `window.open(...) ?? undefined` in `_idpWindow` and, when the browser blocked
  // the window, neither errors nor times out: it waits forever with its message listener attached.
  if (!(client as unknown as { _idpWindow?: Window })._idpWindow) {
    abandon(client);
    finish({ reason: 'blocked' });
  }
  return { done, cancel: () => { abandon(client); finish({ reason: 'cancelled', message: 'Sign-in cancelled.' }); } };
}

/** Close the IdP window and drop the client's pending message listener (private in 3.4.3). */
function abandon(client: AuthClient): void {
  const c = client as unknown as { _idpWindow?: Window; _removeEventListener?: () => void };
  c._idpWindow?.close();
  delete c._idpWindow;
  c._removeEventListener?.();
}

/**
 * Signs out and forgets the session key. auth-client 3.4.3's logout() deletes the stored key but keeps it in
 * memory, so a later login in this page would store a delegation for a key that a reload cannot find:
 * a fresh client (and key) is made instead.
 */
export async function logout(): Promise<AuthClient> {
  const client = await authClient();
  await client.logout();
  clientPromise = undefined;
  return authClient();
}
