// Money is never made or lost on the ads side: for random sequences of credits, auctions, ad ticks
// (honest, late, out of order, final or not) and hold expiries, every agent's credits equal its balance
// plus its open holds plus its charges, every charge splits exactly, and no hold goes below zero. The pure
// rule of one ad tick is checked on its own first.
import { generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { adTickSigningBytes, type AdTick } from '../../../../src/payments/ad-tick.js';
import { toHex } from '../../../../src/payments/tick.js';
import { decideAdTick, splitCharge, type HoldState } from '../../../../server/ads/ad-charge-rules.js';
import { adTick } from '../../../../server/ads/ad-ticks.js';
import { MemoryAdCatalog } from '../../../../server/ads/ad-settings.js';
import { createAdsContext, type AdSession } from '../../../../server/ads/ads-context.js';
import type { AdsStore } from '../../../../server/ads/ads-store.js';
import { PostgresAdsStore } from '../../../../server/ads/ads-postgres-store.js';
import { SqliteAdsStore } from '../../../../server/ads/ads-sqlite-store.js';
import { assetList } from '../../../../server/ads/break-auction.js';
import { ApiError } from '../../../../server/errors.js';
import { postgresStore } from '../../../support/postgres-store.js';
import type { PostgresLedgerStorage } from '../../../../server/ledger/postgres-storage.js';
import { MONEY_PER_AGENT } from './ads-harness.js';

/** A store under test and how to read its tables (the same SQL on SQLite and PostgreSQL). */
interface Under {
  store: AdsStore;
  rows<T>(sql: string): Promise<T[]>;
  done(): Promise<void>;
}

const sqlite = async (): Promise<Under> => {
  const store = new SqliteAdsStore(':memory:');
  return { store, rows: async (sql) => store.db.prepare(sql).all() as never, done: () => store.close() };
};

let pg: PostgresLedgerStorage | undefined;
const ADS_TABLES = 'agents, agent_keys, agent_credits, ad_nonces, ad_idempotency, creatives, bids, auctions, holds, bid_spend, viewer_wins, ad_charges';
const postgres = async (): Promise<Under> => {
  pg ??= await postgresStore(2);
  await pg.pool.query(`TRUNCATE ${ADS_TABLES}`);
  const store = new PostgresAdsStore(pg.pool, pg.ready);
  // SUM and COUNT come back as text from PostgreSQL.
  const rows = async <T>(sql: string) => (await pg!.pool.query(sql)).rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v]))) as T[];
  return { store, rows, done: async () => {} };
};

const hold = (o: Partial<HoldState> = {}): HoldState => ({
  auctionId: 'a', sessionId: 's', priceMicroAlgosPerSecond: 300, holdSeconds: 30, creativeSeconds: 15, remaining: 9000,
  chargedSeconds: 0, charged: 0, seq: 0, adSeconds: 0, servedAt: 0, expiresAt: 1e9, closed: false, ...o,
});
const SPLIT = { creatorBps: 7000, platformBps: 2000, viewerBps: 1000 };

describe('decideAdTick', () => {
  it('property: charges price × min(signed, creative, hold, elapsed) cumulatively; hold = charged + remaining + released', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.record({ adSeconds: fc.integer({ min: 0, max: 80 }), dt: fc.integer({ min: 0, max: 20_000 }), final: fc.boolean(), seqStep: fc.integer({ min: 0, max: 2 }) }), { maxLength: 12 }),
        (price, holdSeconds, creativeSeconds, ticks) => {
          let h = hold({ priceMicroAlgosPerSecond: price, holdSeconds, creativeSeconds, remaining: price * holdSeconds });
          const amount = h.remaining;
          let now = 0;
          let released = 0;
          let maxSigned = 0;
          for (const t of ticks) {
            now += t.dt;
            const d = decideAdTick(h, { sessionId: 's', auctionId: 'a', seq: h.seq + t.seqStep, adSeconds: t.adSeconds, clientTime: 0, final: t.final }, now, SPLIT);
            if (typeof d === 'string') continue;
            maxSigned = Math.max(maxSigned, t.adSeconds);
            expect(d.charge).toBeGreaterThanOrEqual(0);
            expect(d.shares.creator + d.shares.platform + d.shares.viewer).toBe(d.charge);
            released += d.release;
            h = d.hold;
            expect(h.remaining).toBeGreaterThanOrEqual(0);
            expect(h.charged + h.remaining + released).toBe(amount);
            expect(h.charged).toBe(h.chargedSeconds * price);
            expect(h.chargedSeconds).toBeLessThanOrEqual(Math.min(maxSigned, creativeSeconds, holdSeconds, Math.floor(now / 1000)));
          }
          if (h.closed) expect(h.remaining).toBe(0);
        },
      ),
    );
  });

  it('refuses a used seq, a lower total and a closed break', () => {
    const h = hold({ seq: 2, adSeconds: 5 });
    const t = (seq: number, adSeconds: number): AdTick => ({ sessionId: 's', auctionId: 'a', seq, adSeconds, clientTime: 0 });
    expect(decideAdTick(h, t(2, 6), 10_000, SPLIT)).toBe('SEQ_OUT_OF_ORDER');
    expect(decideAdTick(h, t(3, 4), 10_000, SPLIT)).toBe('TOTALS_DECREASED');
    expect(decideAdTick({ ...h, closed: true }, t(3, 6), 10_000, SPLIT)).toBe('AD_BREAK_CLOSED');
  });

  it('splits with the dust to the platform', () => {
    expect(splitCharge(1, SPLIT)).toEqual({ creator: 0, platform: 1, viewer: 0 });
    expect(splitCharge(4500, SPLIT)).toEqual({ creator: 3150, platform: 900, viewer: 450 });
  });
});

describe('ads money across agents, holds and charges', () => {
  // Weighted toward breaks, waits and ticks, so that every run is likely to charge and release.
  const op = fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant('credit' as const), agent: fc.nat(3), micro: fc.integer({ min: 1, max: 50_000 }) }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('break' as const), breakIndex: fc.nat(2) }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant('tick' as const), which: fc.nat(), adSeconds: fc.nat(40), seqStep: fc.nat(2), final: fc.boolean() }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 400_000 })) }), weight: 2 },
  );


  async function property(make: () => Promise<Under>, numRuns: number) {
    let charged = 0;
    let released = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), fc.array(fc.integer({ min: 50, max: 2000 }), { minLength: 4, maxLength: 4 }), async (ops, prices) => {
        let now = 1_700_000_000_000;
        const { store, rows, done } = await make();
        const sessions = new Map<string, AdSession & { sign(b: Uint8Array): Uint8Array }>();
        const catalog = new MemoryAdCatalog([['t', { breaks: [{ atSeconds: 0, maxSeconds: 30 }, { atSeconds: 60, maxSeconds: 10 }, { atSeconds: 90, maxSeconds: 20 }], floorMicroAlgosPerSecond: 60 }]]);
        const c = createAdsContext({ now: () => now, dev: true, maxClockSkewMs: 300_000, maxBodyBytes: 16_384, holdGraceSeconds: 60 }, store, catalog, { session: async (id) => sessions.get(id) });
        await store.tx(function* (s) {
          for (const [i, price] of prices.entries()) {
            yield* s.insertAgent(`agt${i}`, `Agent ${i}`, `k${i}`, new Uint8Array(1), now);
            if (i % 2 === 0) yield* s.credit(`agt${i}`, 100_000, 'test', now);
            yield* s.insertCreative({ id: `c${i}`, agentId: `agt${i}`, uri: 'https://x/a.m3u8', durationSeconds: 5 + i * 3, name: '' }, now);
            yield* s.upsertBid({ bidId: `b${i}`, agentId: `agt${i}`, creativeId: `c${i}`, creativeSeconds: 5 + i * 3, microAlgosPerSecond: price, maxSecondsPerBreak: 30, dailyBudgetMicroAlgos: 200_000, targeting: {}, frequencyCapPerViewerPerDay: i === 0 ? 1 : 0, createdAt: i }, now);
          }
        });
        const served: Array<{ sessionId: string; auctionId: string; seq: number }> = [];
        let n = 0;
        for (const o of ops) {
          if (o.kind === 'credit') await store.tx((s) => s.credit(`agt${o.agent}`, o.micro, 'test', now));
          else if (o.kind === 'wait') now += o.ms;
          else if (o.kind === 'break') {
            const id = `s${n++}`;
            const key = generateKeyPairSync('ed25519');
            sessions.set(id, { principal: `viewer${n % 3}`, contentId: 't', expiresAt: now + 1e9, sessionKey: new Uint8Array(key.publicKey.export({ format: 'der', type: 'spki' })), sign: (b) => sign(null, b, key.privateKey) });
            const res = await assetList(c, new URLSearchParams({ contentId: 't', break: String(o.breakIndex), sessionId: id }));
            const asset = (res.body as { ASSETS: Array<Record<string, string>> }).ASSETS[0];
            if (asset) served.push({ sessionId: id, auctionId: asset['X-SIPPAR-AUCTION']!, seq: 0 });
          } else if (served.length > 0) {
            const s = served[o.which % served.length]!;
            s.seq += o.seqStep;
            const tick: AdTick = { sessionId: s.sessionId, auctionId: s.auctionId, seq: Math.max(1, s.seq), adSeconds: o.adSeconds, clientTime: 0, final: o.final };
            // Refusals (a reused seq with another total) are part of the sequence: they must change nothing.
            await adTick(c, { tick, signature: toHex(sessions.get(s.sessionId)!.sign(adTickSigningBytes(tick))) }).catch((e: unknown) => {
              if (!(e instanceof ApiError)) throw e;
            });
          }
          for (const m of await rows<{ credited: number; balance: number; held: number; charged: number }>(MONEY_PER_AGENT)) expect(m.credited).toBe(m.balance + m.held + m.charged);
          // The SQLite store's in-memory view of balances (what auctions read) agrees with the table.
          if (store instanceof SqliteAdsStore) {
            const mirror = await store.tx((s) => s.balances());
            expect(new Map(mirror)).toEqual(new Map(store.db.prepare('SELECT id, balance FROM agents').raw().all() as [string, number][]));
          }
          const [bad] = await rows<{ n: number }>('SELECT COUNT(*) AS n FROM ad_charges WHERE creator + platform + viewer_share != micro_algos OR micro_algos < 0');
          expect(bad!.n).toBe(0);
        }
        charged += (await rows<{ n: number }>('SELECT COUNT(*) AS n FROM ad_charges WHERE micro_algos > 0'))[0]!.n;
        released += (await rows<{ n: number }>('SELECT COUNT(*) AS n FROM holds WHERE closed'))[0]!.n;
        await done();
      }),
      { numRuns },
    );
    // The sequences did reach the money paths, not only refusals and empty breaks.
    expect(charged).toBeGreaterThan(0);
    expect(released).toBeGreaterThan(0);
  }

  it('property (SQLite): credited = balance + open holds + charges, for every agent, after every step', () => property(sqlite, 150), 60_000);

  // The same sequences through the PostgreSQL store on the run's cluster.
  it('property (PostgreSQL): the same, through the PostgreSQL store', () => property(postgres, 80), 120_000);
});

afterAll(() => pg?.close());
