/**
 * Where the outbox record lives between page loads: IndexedDB, one row per (api, principal, content).
 * It holds the session id, the last acknowledged ledger, the signed head and the unsent tick, so a reload
 * (or a crash, or a closed laptop lid) resumes the same session from the same seq and sends what is owed.
 *
 * IndexedDB rather than sessionStorage: it survives closing the tab (the owed tick is still sent next
 * time), it is shared by the tabs the Web Lock arbitrates, and a write can be awaited (store-before-send).
 */
import type { OutboxRecord } from './outbox.js';
import type { Tick } from './tick.js';
import { PAYMENTS_DB, SESSIONS_STORE as STORE, committed, done, openPaymentsDb } from './payments-db.js';

export interface StoredSession extends OutboxRecord {
  key: string;
  api: string;
  principal: string;
  contentId: string;
  /** Hex DER of the session key that opened the session: ticks signed by another key would be refused. */
  sessionPublicKey?: string;
  /** Unix ms after which the server refuses ticks for this session (its delegation expired). */
  expiresAt?: number;
  /** The budget the session was started with (v3; null = none); absent in rows of older players. */
  budgetMicroAlgos?: number | null;
  updatedAt: number;
}

export interface SessionStore {
  load(key: string): Promise<StoredSession | undefined>;
  save(row: StoredSession): Promise<void>;
  remove(key: string): Promise<void>;
  /**
   * Synchronously notes a tick sent on pagehide (a standby, never stored as `signed`): the page may die
   * before an IndexedDB write lands, and the next load must continue from it. `load` folds it back in.
   */
  noteSent(key: string, tick: Tick): void;
}

/** A tick sent while the page went away moves the stored signed head on (see SessionStore.noteSent). */
export function withSentNote(row: StoredSession | undefined, note: Tick | undefined): StoredSession | undefined {
  if (!row || !note || note.sessionId !== row.sessionId || note.seq <= row.signed.seq) return row;
  return { ...row, signed: { seq: note.seq, seconds: note.seconds, microAlgos: note.microAlgos }, standby: null, standbyNext: null };
}

export function sessionKey(api: string, principal: string, contentId: string): string {
  return `${api}|${principal}|${contentId}`;
}

export function memoryStore(): SessionStore {
  const rows = new Map<string, StoredSession>();
  const notes = new Map<string, Tick>();
  return {
    load: async (key) => structuredClone(withSentNote(rows.get(key), notes.get(key))),
    noteSent: (key, tick) => void notes.set(key, tick),
    save: async (row) => {
      if (!isStale(rows.get(row.key), row)) rows.set(row.key, structuredClone(row));
    },
    remove: async (key) => {
      rows.delete(key);
      notes.delete(key);
    },
  };
}

/**
 * A write that would move a session's signed head back is dropped: a tab that just lost the Web Lock may
 * still have a write queued after the tab that took over wrote a newer head, and going back would make the
 * next tick reuse a seq.
 */
function isStale(existing: StoredSession | undefined, row: StoredSession): boolean {
  return !!existing && existing.sessionId === row.sessionId && existing.signed.seq > row.signed.seq;
}

/** IndexedDB store; falls back to memory where IndexedDB is missing or refused (some private modes). */
export function indexedDbStore(dbName = PAYMENTS_DB): SessionStore {
  let db: Promise<IDBDatabase | null> | undefined;
  const fallback = memoryStore();
  // localStorage because it is synchronous: a write at pagehide is done when the call returns.
  const noteKey = (key: string) => `sippar-payments:sent:${key}`;
  const readNote = (key: string): Tick | undefined => {
    try {
      const text = globalThis.localStorage?.getItem(noteKey(key));
      return text ? (JSON.parse(text) as Tick) : undefined;
    } catch {
      return undefined;
    }
  };
  const open = () => (db ??= openPaymentsDb(dbName));
  return {
    async load(key) {
      const d = await open();
      if (!d) return fallback.load(key);
      return withSentNote((await done(d.transaction(STORE, 'readonly').objectStore(STORE).get(key))) as StoredSession | undefined, readNote(key));
    },
    noteSent(key, tick) {
      try {
        globalThis.localStorage?.setItem(noteKey(key), JSON.stringify(tick));
      } catch {
        fallback.noteSent(key, tick);
      }
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
      try {
        globalThis.localStorage?.removeItem(noteKey(key));
      } catch {
        // nothing noted, or storage refused: nothing to clear
      }
      const d = await open();
      if (!d) return fallback.remove(key);
      const tx = d.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).delete(key);
      await committed(tx);
    },
  };
}
