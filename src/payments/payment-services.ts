/**
 * Everything payments talks to, injectable (`player.services = {...}`; Storybook and tests replace them
 * without a server), and the defaults the element uses: the API client on the `api` attribute, IndexedDB,
 * Web Locks, the system clock.
 */
import { systemClock, type OutboxClock } from './outbox.js';
import { indexedDbStore, type SessionStore } from './outbox-store.js';
import type { SessionIdentity } from './signer.js';
import { defaultLocks, type LockManagerLike } from './tab-lock.js';
import { createPaymentApi, type PaymentApi } from './transport.js';
import type { CatalogService } from '../config/price-source.js';

/** Who is paying. The element passes its IdentityController; tests pass an identity made in the page. */
export interface PaymentAuth {
  /** The signed-in DelegationIdentity, or undefined (signed out, expired). */
  readonly identity: SessionIdentity | undefined;
}

export interface PaymentServices {
  /** Payment API (start, extend, pause). Default: api-client on the `api` attribute, with timeouts. */
  api?: PaymentApi;
  /** Same API sending with fetch keepalive, for the ticks sent on pagehide. Default: built from `api`. */
  keepaliveApi?: PaymentApi;
  auth?: PaymentAuth;
  /** Where the session survives reloads. Default: IndexedDB. */
  store?: SessionStore;
  /** Web Locks. Default: navigator.locks; null disables the one-tab rule. */
  locks?: LockManagerLike | null;
  clock?: OutboxClock;
  /** The catalog's price lookup (protocol v3). Default: the API client on `api`, unless `api` is injected. */
  catalog?: CatalogService;
}

export interface ResolvedServices {
  api: PaymentApi;
  keepaliveApi: PaymentApi;
  store: SessionStore;
  locks: LockManagerLike | undefined;
  clock: OutboxClock;
}

/** The injected services over the defaults for one API base URL; the defaults are made once per URL. */
export function servicesResolver(): (injected: PaymentServices, api: string) => ResolvedServices {
  let defaults: { api: string; client: PaymentApi; keepalive: PaymentApi; store: SessionStore } | undefined;
  return (s, api) => {
    if (!defaults || defaults.api !== api) {
      defaults = { api, client: createPaymentApi(api), keepalive: createPaymentApi(api, { keepalive: true }), store: defaults?.store ?? indexedDbStore() };
    }
    return {
      api: s.api ?? defaults.client,
      keepaliveApi: s.keepaliveApi ?? s.api ?? defaults.keepalive,
      store: s.store ?? defaults.store,
      locks: s.locks === undefined ? defaultLocks() : (s.locks ?? undefined),
      clock: s.clock ?? systemClock,
    };
  };
}
