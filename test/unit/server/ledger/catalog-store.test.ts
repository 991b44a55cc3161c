// The v3 storage contract of the catalog, run against EVERY store of stores.ts (memory, SQLite, PostgreSQL):
// titles stored whole and replaced by id, listed in id order, deleted once; the preview a viewer used of a
// title read from their sessions of it; a session's free seconds and splits kept from its start.
import { describe, expect, it } from 'vitest';
import { openSession, applyTick } from '../../../../server/ledger/ledger-service.js';
import type { CatalogTitle } from '../../../../server/catalog/catalog-rules.js';
import { canonicalTickJson, type Tick } from '../../../../src/payments/tick.js';
import { STORES } from './stores.js';

const enc = new TextEncoder();
const title = (contentId: string, rateMicroAlgos: number, extra: Partial<CatalogTitle> = {}): CatalogTitle => ({
  contentId, title: `Title ${contentId}`, rateMicroAlgos, previewSeconds: 10, splits: [{ recipient: 'creator', bps: 7_000 }, { recipient: 'platform', bps: 3_000 }], ...extra,
});

describe.each(STORES)('the catalog on the $name store', (store) => {
  it('put (replacing by id), get, list in id order, delete once', async () => {
    const l = await store.make();
    try {
      expect(await l.titles()).toEqual([]);
      expect(await l.title('b')).toBeUndefined();
      await l.putTitle(title('b', 5), 1);
      await l.putTitle(title('a/1', 7, { media: { src: '/m.m3u8' }, keys: '/abs/keys.json', ads: { breaks: [30] } }), 2);
      await l.putTitle(title('B', 9), 3);
      await l.putTitle(title('b', 6), 4); // replaced
      expect(await l.title('b')).toEqual(title('b', 6));
      expect(await l.title('a/1')).toEqual(title('a/1', 7, { media: { src: '/m.m3u8' }, keys: '/abs/keys.json', ads: { breaks: [30] } }));
      expect((await l.titles()).map((t) => t.contentId)).toEqual(['B', 'a/1', 'b']);
      expect(await l.deleteTitle('b')).toBe(true);
      expect(await l.deleteTitle('b')).toBe(false);
      expect(await l.title('b')).toBeUndefined();
    } finally {
      await l.close();
    }
  });

  it('previewUse: the free and billed seconds of each of the viewer’s sessions of the title, and a session’s splits book its settlement', async () => {
    const l = await store.make();
    try {
      await l.credit('p', 'ADDR', 100_000, 0);
      await l.credit('q', 'ADDR2', 100_000, 0);
      const splits = title('x', 100).splits;
      const open = (id: string, principal: string, contentId: string, freeSeconds: number) =>
        openSession(l, { id, principal, contentId, rate: 100, budget: null, sessionKey: new Uint8Array([1]), startHash: enc.encode(id), startedAt: 0, expiresAt: 1e15, freeSeconds, splits }, 'ADDR');
      await open('s1', 'p', 'x', 10);
      await open('s2', 'q', 'x', 10);
      await open('s3', 'p', 'y', 10);
      const tick: Tick = { sessionId: 's1', seq: 1, seconds: 13, microAlgos: 300, mediaTime: 0, clientTime: 0, final: true };
      const out = await applyTick(l, { tick, tickHash: enc.encode(canonicalTickJson(tick)), signature: new Uint8Array([2]) }, { now: 60_000, maxPlaybackRate: 2, slackSeconds: 90, platformFeeBps: 1_000, settle: true });
      expect(out.body).toMatchObject({ seconds: 13, microAlgos: 300, settlement: { seconds: 13, microAlgos: 300 } });
      expect(await l.previewUse('p', 'x')).toEqual([{ freeSeconds: 10, billedSeconds: 13 }]);
      expect(await l.previewUse('q', 'x')).toEqual([{ freeSeconds: 10, billedSeconds: 0 }]);
      expect(await l.previewUse('p', 'z')).toEqual([]);
      const [st] = await l.auditSettlements({ sessionId: 's1', limit: 10 });
      expect(st).toMatchObject({ microAlgos: 300, platformFee: 90, splits: [{ recipient: 'creator', microAlgos: 210 }, { recipient: 'platform', microAlgos: 90 }] });
      expect((await l.totals(60_000, 30_000, 'x')).earningsMicroAlgos).toBe(90);
    } finally {
      await l.close();
    }
  });
});
