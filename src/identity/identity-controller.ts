// Who is watching: a Lit ReactiveController over a nanostores atom. The element composes it, shows the
// login overlay from its state, and stops charging whenever `status` is not 'signed-in'.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { atom, type ReadableAtom } from 'nanostores';
import type { DelegationIdentity, LoginRun, Session } from './auth.js';
import type { LoginConfig } from './options.js';
import type { SipparErrorCode } from '../errors.js';

export type AuthStatus = 'idle' | 'restoring' | 'signed-out' | 'signing-in' | 'blocked' | 'failed' | 'signed-in' | 'expired';

export interface IdentityState {
  status: AuthStatus;
  principal?: string;
  /** Checked with algosdk; absent until the payment API answered. */
  algorandAddress?: string;
  balanceMicroAlgos?: number;
  /** Epoch ms at which the delegation expires. */
  expiresAt?: number;
  error?: { code: SipparErrorCode; message: string; fatal: boolean };
}

export interface IdentityOptions {
  /** Parsed once from the attributes (config/player-config.ts); null when they are invalid. */
  login: LoginConfig | null;
  /** Why `login` is null: the code and the exact reason. */
  loginError?: { code: 'IDP_URL_INVALID'; message: string };
  /** Payment API base URL. */
  api: string;
}

type Host = ReactiveControllerHost & HTMLElement;

// setTimeout's delay is a signed 32-bit ms count; longer delegations re-arm.
const MAX_TIMER_MS = 2 ** 31 - 1;

export class IdentityController implements ReactiveController {
  readonly #state = atom<IdentityState>({ status: 'idle' });
  readonly state: ReadableAtom<IdentityState> = this.#state;
  #identity: DelegationIdentity | undefined;
  #run: LoginRun | undefined;
  #expiryTimer: ReturnType<typeof setTimeout> | undefined;
  #unsubscribe: (() => void) | undefined;
  #viewerAbort: AbortController | undefined;
  #client: unknown;

  constructor(
    private readonly host: Host,
    private readonly options: () => IdentityOptions,
    /** How long the IdP may take to post 'authorize-ready'. */
    private readonly readyTimeoutMs = 15_000,
  ) {
    host.addController(this);
  }

  /**
   * The DelegationIdentity for the payments code (getDelegation, getPublicKey, sign): only while signed in
   * and without a fatal error (ADDRESS_INVALID), so no tick is signed for an expired or unpayable viewer.
   */
  get identity(): DelegationIdentity | undefined {
    return this.canCharge ? this.#identity : undefined;
  }

  /** Signed in with a valid address: the only state in which the element may charge. */
  get canCharge(): boolean {
    const s = this.#state.get();
    return s.status === 'signed-in' && !s.error?.fatal;
  }

  hostConnected(): void {
    let last: AuthStatus | undefined;
    this.#unsubscribe = this.#state.subscribe((s) => {
      this.host.requestUpdate();
      if (s.status === last) return;
      last = s.status;
      this.host.dispatchEvent(new CustomEvent('sippar-auth-state', {
        bubbles: true, composed: true, detail: { status: s.status, principal: s.principal },
      }));
    });
    document.addEventListener('visibilitychange', this.#checkExpiry);
    window.addEventListener('pageshow', this.#checkExpiry);
    window.addEventListener('focus', this.#checkExpiry);
  }

  hostDisconnected(): void {
    this.#unsubscribe?.();
    document.removeEventListener('visibilitychange', this.#checkExpiry);
    window.removeEventListener('pageshow', this.#checkExpiry);
    window.removeEventListener('focus', this.#checkExpiry);
    clearTimeout(this.#expiryTimer);
    this.#viewerAbort?.abort();
    this.#run?.cancel();
  }

  /** Loads the auth client and restores a stored session. Call once a paid video needs a viewer. */
  async prepare(): Promise<void> {
    if (this.#state.get().status !== 'idle') return;
    this.#set({ status: 'restoring' });
    try {
      const auth = await import('./auth.js');
      this.#client = await auth.authClient();
      const session = await auth.restoreSession();
      if (session) this.#signedIn(session);
      else this.#set({ status: 'signed-out' });
    } catch (error) {
      this.#fail('AUTH_UNAVAILABLE', `Could not start the sign-in client: ${(error as Error).message}`);
    }
  }

  /** Call from a click handler: the IdP window needs the click's user activation. */
  async signIn(): Promise<void> {
    const { login, loginError } = this.options();
    if (!login) return this.#fail('IDP_URL_INVALID', loginError?.message ?? 'identity-provider is not valid', true);
    const config: LoginConfig = login;
    // auth.js is a lazy chunk, already loaded by prepare(): awaiting it here costs a microtask, well
    // within the click's user activation that window.open needs.
    const auth = await import('./auth.js');
    this.#run?.cancel();
    // Already loaded by prepare() in the normal case, so login runs within the click's activation.
    const client = (this.#client ??= await auth.authClient()) as Parameters<typeof auth.startLogin>[0];
    const run = (this.#run = auth.startLogin(client, config, this.readyTimeoutMs));
    this.#set({ status: 'signing-in' });
    const result = await run.done;
    if (this.#run !== run) return;
    this.#run = undefined;
    if ('identity' in result) return this.#signedIn(result);
    if (result.reason === 'blocked') {
      this.#set({ status: 'blocked', error: { code: 'POPUP_BLOCKED', message: 'Your browser blocked the sign-in window.', fatal: false } });
    } else {
      const code = result.reason === 'timeout' ? 'IDP_UNREACHABLE' : 'LOGIN_FAILED';
      this.#fail(code, result.message);
    }
  }

  /**
   * The sign-in attributes were refused when they were set (the composition already reported it): show
   * it at once instead of at the click. A valid configuration later lifts it.
   */
  refuse(code: 'IDP_URL_INVALID', message: string): void {
    const s = this.#state.get();
    if (s.status === 'signed-in' || (s.status === 'failed' && s.error?.code === code)) return;
    this.#run?.cancel();
    this.#set({ status: 'failed', error: { code, message, fatal: true } });
  }

  /** The attributes were fixed: start again from a clean state. */
  accept(): void {
    const s = this.#state.get();
    if (s.status === 'failed' && s.error?.code === 'IDP_URL_INVALID') this.#set({ status: 'idle' });
  }

  /** Asks the payment API for the viewer's balance again (after a top-up). */
  refreshViewer(): void {
    if (this.canCharge && this.#identity) void this.#loadViewer(this.#identity);
  }

  /**
   * Payments let go of the key at once (the host update hands them no identity), and the payment API is
   * told to revoke it (revoke.ts: best effort, one retry, bounded) with the key still in hand: it signs from
   * memory, so dropping the stored key meanwhile does not stop it, and a slow or unreachable API never holds
   * the sign-out up. Resolves once the API has answered or been given up on.
   */
  async signOut(): Promise<void> {
    const identity = this.#identity;
    this.#run?.cancel();
    this.#viewerAbort?.abort();
    clearTimeout(this.#expiryTimer);
    this.#identity = undefined;
    this.host.requestUpdate();
    const revoked = identity && import('./revoke.js').then((m) => m.revokeSessionKey(this.options().api, identity)).catch(() => 'unreachable' as const);
    const auth = await import('./auth.js');
    this.#client = await auth.logout();
    this.#set({ status: 'signed-out' });
    if ((await revoked) === 'unreachable') console.warn('sippar-player: the payment API could not be told of the sign-out; the session key stays valid there until it expires');
  }

  #signedIn(session: Session): void {
    this.#identity = session.identity;
    this.#set({ status: 'signed-in', principal: session.principal, expiresAt: session.expiresAt });
    this.#armExpiry();
    void this.#loadViewer(session.identity);
  }

  async #loadViewer(identity: DelegationIdentity): Promise<void> {
    this.#viewerAbort?.abort();
    const abort = (this.#viewerAbort = new AbortController());
    try {
      const { fetchViewer } = await import('./viewer.js');
      const viewer = await fetchViewer(this.options().api, identity, abort.signal);
      if (abort.signal.aborted || this.#identity !== identity) return;
      this.#set({ ...this.#state.get(), algorandAddress: viewer.algorandAddress, balanceMicroAlgos: viewer.balanceMicroAlgos, error: undefined });
    } catch (error) {
      if (abort.signal.aborted || this.#identity !== identity) return;
      // Duck-typed: a static import of ViewerError would pull viewer.ts (and the tick codec) into the initial script.
      const code: SipparErrorCode = (error as { code?: string }).code === 'ADDRESS_INVALID' ? 'ADDRESS_INVALID' : 'VIEWER_UNAVAILABLE';
      // An unreachable API is retried by the payments code; a malformed address is never paid into.
      const fatal = code === 'ADDRESS_INVALID';
      this.#set({ ...this.#state.get(), algorandAddress: undefined, error: { code, message: (error as Error).message, fatal } });
      this.#emitError(code, (error as Error).message, fatal);
    }
  }

  #armExpiry(): void {
    clearTimeout(this.#expiryTimer);
    const expiresAt = this.#state.get().expiresAt;
    if (expiresAt === undefined) return;
    const delay = expiresAt - Date.now();
    if (delay <= 0) return this.#expire();
    this.#expiryTimer = setTimeout(() => this.#armExpiry(), Math.min(delay, MAX_TIMER_MS));
  }

  // Timers sleep with a suspended tab or laptop: check again when the page comes back.
  #checkExpiry = (): void => {
    const s = this.#state.get();
    if (s.status === 'signed-in' && s.expiresAt !== undefined && s.expiresAt <= Date.now()) this.#expire();
  };

  #expire(): void {
    this.#identity = undefined;
    this.#viewerAbort?.abort();
    const { principal } = this.#state.get();
    this.#set({ status: 'expired', principal, error: { code: 'SESSION_EXPIRED', message: 'Your sign-in has expired. Sign in again to keep watching.', fatal: false } });
  }

  #fail(code: SipparErrorCode, message: string, fatal = false): void {
    this.#set({ status: 'failed', error: { code, message, fatal } });
    this.#emitError(code, message, fatal);
  }

  #emitError(code: SipparErrorCode, message: string, fatal: boolean): void {
    this.host.dispatchEvent(new CustomEvent('sippar-error', { bubbles: true, composed: true, detail: { code, message, fatal } }));
  }

  #set(next: IdentityState): void {
    this.#state.set(next);
  }
}
