/**
 * Where the outbox record lives between page loads: IndexedDB, one row per (api, principal, content).
 * It holds the session id, the last acknowledged ledger, the signed head and the unsent tick, so a reload
 * (or a crash, or a closed laptop lid) resumes the same session from the same seq and sends what is owed.
 *
 * IndexedDB rather than sessionStorage: it survives closing the tab (the owed tick is still sent next
 * time), it is shared by the tabs the Web Lock arbitrates, and a write can be awaited (store-before-send).
 */
import type { OutboxRecord } from './outbox.js';

export interface StoredSession extends OutboxRecord {
  key: string;
  api: string;
  principal: string;
  contentId: string;
  /** Hex DER of the session key that opened the session: ticks signed by another key would be refused. */
  sessionPublicKey?: string;
  /** Unix ms after which the server refuses ticks for this session (its delegation expired). */
  expiresAt?: number;
  updatedAt: number;
}

export interface SessionStore {
  load(key: string): Promise<StoredSession | undefined>;
  save(row: StoredSession): Promise<void>;
  remove(key: string): Promise<void>;
}

export function sessionKey(api: string, principal: string, contentId: string): string {
  return `${api}|${principal}|${contentId}`;
}

export function memoryStore(): SessionStore {
  const rows = new Map<string, StoredSession>();
  return {
    load: async (key) => structuredClone(rows.get(key)),
    save: async (row) => {
      if (!isStale(rows.get(row.key), row)) rows.set(row.key, structuredClone(row));
    },
    remove: async (key) => void rows.delete(key),
  };
}

const STORE = 'sessions';

/**
 * A write that would move a session's signed head back is dropped: a tab that just lost the Web Lock may
 * still have a write queued after the tab that took over wrote a newer head, and going back would make the
 * next tick reuse a seq.
 */
function isStale(existing: StoredSession | undefined, row: StoredSession): boolean {
  return !!existing && existing.sessionId === row.sessionId && existing.signed.seq > row.signed.seq;
}

function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

/** IndexedDB store; falls back to memory where IndexedDB is missing or refused (some private modes). */
export function indexedDbStore(dbName = 'sippar-payments'): SessionStore {
  let db: Promise<IDBDatabase | null> | undefined;
  const fallback = memoryStore();
  const open = () =>
    (db ??= new Promise<IDBDatabase | null>((resolve) => {
      if (typeof indexedDB === 'undefined') return resolve(null);
      try {
        const req = indexedDB.open(dbName, 1);
        req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key' });
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
    }));
  return {
    async load(key) {
      const d = await open();
      if (!d) return fallback.load(key);
      return (await done(d.transaction(STORE, 'readonly').objectStore(STORE).get(key))) as StoredSession | undefined;
    },
    async save(row) {
      const d = await open();
      if (!d) return fallback.save(row);
      // 'strict': the write is on disk when the promise resolves; the tick is sent only then.
      const tx = d.transaction(STORE, 'readwrite', { durability: 'strict' });
      const store = tx.objectStore(STORE);
      const get = store.get(row.key);
      get.onsuccess = () => {
        if (!isStale(get.result as StoredSession | undefined, row)) store.put(row);
      };
      await committed(tx);
    },
    async remove(key) {
      const d = await open();
      if (!d) return fallback.remove(key);
      const tx = d.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).delete(key);
      await committed(tx);
    },
  };
}
