/**
 * The player's one IndexedDB database (`sippar-payments`): the payment sessions' outbox rows (outbox-store.ts)
 * and, since version 2, the ad breaks' tick rows (ads/ad-tick-store.ts). One place opens it, so both stores
 * agree on its version and its upgrade: a store opening it at an older version would fail (VersionError).
 */
export const PAYMENTS_DB = 'sippar-payments';
export const SESSIONS_STORE = 'sessions';
export const AD_TICKS_STORE = 'ad-ticks';
const VERSION = 2;

/** Opens the database, or null where IndexedDB is missing or refused (some private modes): callers fall back to memory. */
export function openPaymentsDb(name = PAYMENTS_DB): Promise<IDBDatabase | null> {
  return new Promise<IDBDatabase | null>((resolve) => {
    if (typeof indexedDB === 'undefined') return resolve(null);
    try {
      const req = indexedDB.open(name, VERSION);
      req.onupgradeneeded = () => {
        const d = req.result;
        // From nothing, or from version 1 (sessions only): the sessions' rows stay as they are.
        for (const store of [SESSIONS_STORE, AD_TICKS_STORE]) if (!d.objectStoreNames.contains(store)) d.createObjectStore(store, { keyPath: 'key' });
      };
      req.onsuccess = () => {
        const d = req.result;
        // Another tab upgrading the schema: step aside instead of blocking it.
        d.onversionchange = () => d.close();
        resolve(d);
      };
      req.onerror = () => resolve(null);
      req.onblocked = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
}

export function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}
