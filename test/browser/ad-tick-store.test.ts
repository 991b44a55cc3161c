// The ad breaks' rows in the payments IndexedDB database (src/ads/ad-tick-store.ts), in a real browser: a
// reload finds them, a late write never moves a break back, a tick noted at pagehide is folded in, and the
// database's move to version 2 keeps the payment sessions' rows. Assertions compare strings and numbers only.
import { adTickOwner, indexedDbAdTickStore } from '../../src/ads/ad-tick-store.js';
import { newRecord, type AdTickRecord, type SignedAdTick } from '../../src/ads/ad-tick-state.js';
import { indexedDbStore, sessionKey, type StoredSession } from '../../src/payments/outbox-store.js';
import { check, equal } from './helpers.js';

const owner = adTickOwner('http://api', 'viewer');
const signed = (auctionId: string, seq: number, adSeconds: number, final = false): SignedAdTick => ({
  tick: { sessionId: 's1', auctionId, seq, adSeconds, clientTime: 1, ...(final && { final: true }) }, signature: `sig-${seq}`,
});
const record = (auctionId: string, seq: number, adSeconds: number, extra: Partial<AdTickRecord> = {}): AdTickRecord => ({
  ...newRecord(auctionId, 's1'), reserved: seq, signed: { seq, adSeconds, final: false }, pending: signed(auctionId, seq, adSeconds), ...extra,
});
const dbName = () => `sippar-ads-test-${Math.random()}`;

describe('ad-tick store (IndexedDB)', () => {
  it('a reload finds each break; a late write never moves its seq back nor reopens a settled break', async () => {
    const name = dbName();
    const a = indexedDbAdTickStore(name);
    await a.save(owner, record('auc1', 5, 4));
    await a.save(owner, record('auc2', 2, 1));
    await a.save(adTickOwner('http://api', 'someone-else'), record('auc3', 1, 1));
    const b = indexedDbAdTickStore(name); // a fresh connection, as after a reload
    const rows = await b.loadAll(owner);
    equal(rows.map((r) => `${r.auctionId}:${r.signed.seq}`).sort().join(), 'auc1:5,auc2:2', 'this owner’s breaks');
    await a.save(owner, record('auc1', 3, 2)); // a late write of an older page
    equal((await b.loadAll(owner)).find((r) => r.auctionId === 'auc1')?.signed.seq, 5, 'seq after a late write');
    await a.save(owner, record('auc2', 2, 1, { closed: true, pending: null }));
    await a.save(owner, record('auc2', 2, 1));
    equal((await b.loadAll(owner)).find((r) => r.auctionId === 'auc2')?.closed, true, 'a settled break stays settled');
  });

  it('a tick noted as the page left is the break’s newest, with or without its row', async () => {
    const name = dbName();
    const a = indexedDbAdTickStore(name);
    await a.save(owner, record('auc1', 2, 2));
    a.noteSent(owner, signed('auc1', 3, 3, true)); // the standby twin sent on pagehide
    a.noteSent(owner, signed('auc9', 1, 1)); // a tick whose row had not landed
    const rows = await indexedDbAdTickStore(name).loadAll(owner);
    const one = rows.find((r) => r.auctionId === 'auc1');
    equal(`${one?.signed.seq}:${one?.signed.adSeconds}:${one?.signed.final}:${one?.pending?.signature}`, '3:3:true:sig-3', 'noted final folded in');
    const nine = rows.find((r) => r.auctionId === 'auc9');
    equal(`${nine?.reserved}:${nine?.signed.adSeconds}:${nine?.pending?.signature}`, '1:1:sig-1', 'a note without its row');
    for (const k of Object.keys(localStorage)) if (k.startsWith(name)) localStorage.removeItem(k);
  });

  it('the payments database moves from version 1 to 2 with its sessions’ rows', async () => {
    const name = dbName();
    const key = sessionKey('http://api', 'viewer', 'film');
    const row: StoredSession = { key, api: 'http://api', principal: 'viewer', contentId: 'film', updatedAt: 0, sessionId: 's1', rateMicroAlgos: 1000, acked: null, signed: { seq: 4, seconds: 4, microAlgos: 4000 }, pending: null };
    // As an older player left it: version 1, the sessions store only.
    await new Promise<void>((resolve, reject) => {
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => req.result.createObjectStore('sessions', { keyPath: 'key' }).put(row);
      req.onsuccess = () => { req.result.close(); resolve(); };
      req.onerror = () => reject(req.error);
    });
    await indexedDbAdTickStore(name).save(owner, record('auc1', 1, 1));
    equal((await indexedDbStore(name).load(key))?.signed.seq, 4, 'session row after the upgrade');
    equal((await indexedDbAdTickStore(name).loadAll(owner)).length, 1, 'ad row beside it');
    const versions = await indexedDB.databases();
    check(versions.some((d) => d.name === name && d.version === 2), 'database at version 2');
  });
});
