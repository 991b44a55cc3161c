// The key-release rule (pure), then the same bound through every store with concurrent requests: the media
// seconds of keys a viewer holds never pass max(0, Σ billed − clear) + lead.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideKeyRelease, keyAllowanceMs, type KeyReleaseState } from '../../../../server/ledger/key-release-rules.js';
import { releaseKey } from '../../../../server/ledger/key-release-service.js';
import { MemoryLedgerStorage } from '../../../../server/ledger/memory-storage.js';
import { PostgresLedgerStorage } from '../../../../server/ledger/postgres-storage.js';
import { SqliteLedgerStorage } from '../../../../server/ledger/sqlite-storage.js';
import type { LedgerStorage, MediaKey } from '../../../../server/ledger/storage.js';
import { STORES } from './stores.js';

/** A title: `clearMs` of clear media, then keys of random lengths back to back. */
const title = fc.record({
  clearMs: fc.integer({ min: 0, max: 20_000 }),
  lengths: fc.array(fc.integer({ min: 1, max: 12_000 }), { minLength: 1, maxLength: 12 }),
}).map(({ clearMs, lengths }) => {
  let t = clearMs;
  const keys = lengths.map((len, index) => ({ index, startMs: t, endMs: (t += len) }));
  return { clearMs, keys };
});
/** What a viewer does: ask for a key (by position), or get more seconds billed. */
const op = fc.oneof(fc.record({ ask: fc.nat() }), fc.record({ bill: fc.integer({ min: 0, max: 20 }) }));
const lead = fc.integer({ min: 0, max: 60 });

type Keys = Array<{ index: number; startMs: number; endMs: number }>;
const heldMs = (keys: Keys, held: Set<number>) => [...held].reduce((a, i) => a + keys[i].endMs - keys[i].startMs, 0);

describe('decideKeyRelease (pure)', () => {
  it('property: whatever the order of requests and billing, held key seconds ≤ max(0, billed − clear) + lead', () => {
    fc.assert(fc.property(title, fc.array(op, { maxLength: 60 }), lead, ({ clearMs, keys }, ops, leadS) => {
      const held = new Set<number>();
      let billed = 0;
      for (const o of ops) {
        if ('bill' in o) billed += o.bill;
        else {
          const k = keys[o.ask % keys.length];
          const state: KeyReleaseState = { key: k, clearMs, billedSeconds: billed, released: held.has(k.index), releasedMs: heldMs(keys, held) };
          const d = decideKeyRelease(state, leadS);
          if (d.release && d.fresh) held.add(k.index);
          // Liveness: refused only when holding it too would pass the allowance.
          if (!d.release) expect(state.releasedMs + k.endMs - k.startMs).toBeGreaterThan(d.allowanceMs);
        }
        expect(heldMs(keys, held)).toBeLessThanOrEqual(keyAllowanceMs(billed, clearMs, leadS));
      }
    }), { numRuns: 500 });
  });

  it('property: a key held is given again for free, at any billing', () => {
    fc.assert(fc.property(title, fc.nat(), fc.nat({ max: 10_000 }), lead, ({ clearMs, keys }, i, billed, leadS) => {
      const k = keys[i % keys.length];
      const d = decideKeyRelease({ key: k, clearMs, billedSeconds: billed, released: true, releasedMs: 10 ** 9 }, leadS);
      expect(d).toMatchObject({ release: true, fresh: false });
    }));
  });

  it('property: watching straight through, every key that ends before the paid point plus the lead is released', () => {
    fc.assert(fc.property(title, fc.nat({ max: 200 }), lead, ({ clearMs, keys }, billed, leadS) => {
      const held = new Set<number>();
      const point = clearMs + Math.max(0, billed * 1000 - clearMs) + leadS * 1000;
      for (const k of keys) {
        const d = decideKeyRelease({ key: k, clearMs, billedSeconds: billed, released: false, releasedMs: heldMs(keys, held) }, leadS);
        expect(d.release, `key ${k.index} [${k.startMs}, ${k.endMs}) vs ${point}`).toBe(k.endMs <= point);
        if (!d.release) break;
        held.add(k.index);
      }
    }));
  });

  it('property: more billing never refuses what less billing released', () => {
    fc.assert(fc.property(title, fc.nat(), fc.nat({ max: 500 }), fc.nat({ max: 500 }), fc.nat({ max: 100_000 }), lead, ({ clearMs, keys }, i, a, b, releasedMs, leadS) => {
      const k = keys[i % keys.length];
      const at = (billed: number) => decideKeyRelease({ key: k, clearMs, billedSeconds: billed, released: false, releasedMs }, leadS).release;
      if (at(Math.min(a, b))) expect(at(Math.max(a, b))).toBe(true);
    }));
  });
});

/** Sets a session's billed seconds the way applied ticks would leave them (the rule reads only the sum). */
async function setBilled(l: LedgerStorage, sessionId: string, seconds: number): Promise<void> {
  if (l instanceof MemoryLedgerStorage) l.sessions.get(sessionId)!.billedSeconds = seconds;
  else if (l instanceof SqliteLedgerStorage) l.db.prepare('UPDATE sessions SET billed_seconds = ? WHERE id = ?').run(seconds, sessionId);
  else if (l instanceof PostgresLedgerStorage) await l.pool.query('UPDATE sessions SET billed_seconds = $1 WHERE id = $2', [seconds, sessionId]);
  else throw new Error('unknown store');
}

describe.each(STORES)('releaseKey on $name', (store) => {
  it('property: concurrent requests of one viewer hold no more than the allowance; the store agrees with the rule', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(title, fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), { maxLength: 6 }), fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 6 }), lead, async ({ keys }, rounds, bills, leadS) => {
        const l = await store.make();
        try {
          const principal = `viewer-${run++}`;
          const media: MediaKey[] = keys.map((k) => ({ ...k, key: new Uint8Array(16).fill(k.index) }));
          await l.putMediaKeys('t', media);
          await l.ensureViewer(principal, 'ADDR', 0);
          await l.createSession({ id: `s-${run}`, principal, contentId: 't', rate: 1, budget: null, sessionKey: new Uint8Array(4), startHash: new Uint8Array([run, 1]), startedAt: 0, expiresAt: 1e13, freeSeconds: 0, splits: null });
          let billed = 0;
          for (const [r, asks] of rounds.entries()) {
            billed += bills[r] ?? 0;
            await setBilled(l, `s-${run}`, billed);
            const out = await Promise.all(asks.map((i) => releaseKey(l, { principal, contentId: 't', index: i % keys.length, sessionId: `s-${run}`, now: r, leadSeconds: leadS })));
            for (const d of out) expect(d).toBeDefined();
            const ctx = await l.keyRelease(principal, 't', 0);
            expect(ctx.clearMs).toBe(keys[0].startMs);
            expect(ctx.releasedMs).toBeLessThanOrEqual(keyAllowanceMs(billed, ctx.clearMs, leadS));
            expect(ctx.billedSeconds).toBe(billed);
          }
          expect(await releaseKey(l, { principal, contentId: 't', index: keys.length, sessionId: `s-${run}`, now: 0, leadSeconds: leadS })).toBeUndefined();
        } finally {
          await l.close();
        }
      }),
      { numRuns: store.name === 'postgres' ? 15 : 60 },
    );
  });
});
