/**
 * Where a break's ad ticks live between page loads: the payments database's `ad-ticks` store (IndexedDB, one
 * row per (api, principal, auction)), beside the payment sessions' rows. A row holds the break's highest seq
 * used, its signed adSeconds and its unsent tick, so a reload mid-break continues above them and sends what
 * is owed; a write never moves them back (a late write of an older page must not make a seq reusable).
 */
import { AD_TICKS_STORE as STORE, PAYMENTS_DB, committed, done, openPaymentsDb } from '../payments/payments-db.js';
import { newRecord, withSentNote, type AdTickRecord, type SignedAdTick } from './ad-tick-state.js';

export interface StoredAdBreak extends AdTickRecord {
  key: string;
  /** api|principal: whose breaks (adTickOwner). */
  owner: string;
  updatedAt: number;
}

export interface AdTickStore {
  /** The owner's breaks, with any standby sent on pagehide folded in. */
  loadAll(owner: string): Promise<AdTickRecord[]>;
  save(owner: string, record: AdTickRecord): Promise<void>;
  /** Synchronously notes a tick sent while the page went away (an IndexedDB write may never land). */
  noteSent(owner: string, signed: SignedAdTick): void;
}

export const adTickOwner = (api: string, principal: string): string => `${api}|${principal}`;
const keyOf = (owner: string, auctionId: string) => `${owner}|${auctionId}`;

/** Rows of settled breaks are kept a day (a replayed break must still find its used seqs), then dropped. */
const KEEP_CLOSED_MS = 24 * 3_600_000;

/** Dropped: a write that would move the break's used seqs or signed adSeconds back. */
function isStale(existing: AdTickRecord | undefined, r: AdTickRecord): boolean {
  return !!existing && (existing.reserved > r.reserved || existing.signed.seq > r.signed.seq || (existing.closed && !r.closed));
}

/** The owner's rows with the notes folded in; a note whose row never landed is a record of its own. */
function withNotes(rows: AdTickRecord[], notes: SignedAdTick[]): AdTickRecord[] {
  const out = rows.map((r) => withSentNote(r, notes.find((n) => n.tick.auctionId === r.auctionId)));
  for (const n of notes) if (!rows.some((r) => r.auctionId === n.tick.auctionId)) out.push(withSentNote(newRecord(n.tick.auctionId, n.tick.sessionId), n));
  return out;
}

const rowOf = (owner: string, r: AdTickRecord, now: number): StoredAdBreak => ({ ...structuredClone(r), key: keyOf(owner, r.auctionId), owner, updatedAt: now });
const recordOfRow = ({ key: _k, owner: _o, updatedAt: _u, ...r }: StoredAdBreak): AdTickRecord => r;

export function memoryAdTickStore(now: () => number = Date.now): AdTickStore & { rows: Map<string, StoredAdBreak>; notes: Map<string, SignedAdTick> } {
  const rows = new Map<string, StoredAdBreak>();
  const notes = new Map<string, SignedAdTick>();
  return {
    rows,
    notes,
    loadAll: async (owner) => {
      const mine = (key: string) => key.startsWith(`${owner}|`);
      const own = [...rows.values()].filter((r) => r.owner === owner).map(recordOfRow);
      return structuredClone(withNotes(own, [...notes.entries()].filter(([k]) => mine(k)).map(([, n]) => n)));
    },
    save: async (owner, r) => {
      const key = keyOf(owner, r.auctionId);
      if (!isStale(rows.get(key), r)) rows.set(key, rowOf(owner, r, now()));
    },
    noteSent: (owner, st) => void notes.set(keyOf(owner, st.tick.auctionId), structuredClone(st)),
  };
}

/** IndexedDB store; falls back to memory where IndexedDB is missing or refused. */
export function indexedDbAdTickStore(dbName = PAYMENTS_DB): AdTickStore {
  let db: Promise<IDBDatabase | null> | undefined;
  const fallback = memoryAdTickStore();
  const open = () => (db ??= openPaymentsDb(dbName));
  // localStorage because it is synchronous: a write at pagehide is done when the call returns.
  const noteKey = (key: string) => `${dbName}:ad-sent:${key}`;
  const readNotes = (prefix: string): SignedAdTick[] => {
    const out: SignedAdTick[] = [];
    try {
      const ls = globalThis.localStorage;
      for (let i = 0; ls && i < ls.length; i++) {
        const k = ls.key(i);
        if (k?.startsWith(noteKey(prefix))) out.push(JSON.parse(ls.getItem(k)!) as SignedAdTick);
      }
    } catch {
      // storage refused: no notes
    }
    return out;
  };
  return {
    async loadAll(owner) {
      const d = await open();
      if (!d) return fallback.loadAll(owner);
      const range = IDBKeyRange.bound(`${owner}|`, `${owner}|\uffff`);
      const rows = (await done(d.transaction(STORE, 'readonly').objectStore(STORE).getAll(range))) as StoredAdBreak[];
      const old = rows.filter((r) => r.closed && r.updatedAt < Date.now() - KEEP_CLOSED_MS);
      if (old.length > 0) {
        const tx = d.transaction(STORE, 'readwrite');
        for (const r of old) tx.objectStore(STORE).delete(r.key);
        for (const r of old) globalThis.localStorage?.removeItem(noteKey(r.key));
        await committed(tx).catch(() => undefined);
      }
      return withNotes(rows.filter((r) => !old.includes(r)).map(recordOfRow), readNotes(`${owner}|`));
    },
    async save(owner, r) {
      const d = await open();
      if (!d) return fallback.save(owner, r);
      // 'strict': the row is on disk when the promise resolves; its tick is sent only then.
      const tx = d.transaction(STORE, 'readwrite', { durability: 'strict' });
      const store = tx.objectStore(STORE);
      const row = rowOf(owner, r, Date.now());
      const get = store.get(row.key);
      get.onsuccess = () => {
        if (!isStale(get.result as StoredAdBreak | undefined, r)) store.put(row);
      };
      await committed(tx);
    },
    noteSent(owner, st) {
      try {
        globalThis.localStorage?.setItem(noteKey(keyOf(owner, st.tick.auctionId)), JSON.stringify(st));
      } catch {
        fallback.noteSent(owner, st);
      }
    },
  };
}
