// The double-entry ledger (issue #14 item 5): for random sequences of both money flows — deposits, session
// starts (402 included), ticks (402, budget refusals, settlements by splits), agent credits, auctions with
// holds, ad ticks (late, out of order, final) and hold expiries — every account's balance from its
// transfers equals the balance the tables cache, and the transfers of all accounts sum to 0, after every
// operation, on SQLite (ledger and ads in one file) and PostgreSQL (one database), and the memory ledger.
// Every transfer names its evidence: a tick row, an ad charge row, a hold, a credit.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { adTickSigningBytes, type AdTick } from '../../../../src/payments/ad-tick.js';
import { tickAmount, toHex, type Tick } from '../../../../src/payments/tick.js';
import { adTick } from '../../../../server/ads/ad-ticks.js';
import { MemoryAdCatalog } from '../../../../server/ads/ad-settings.js';
import { createAdsContext, ledgerSessions } from '../../../../server/ads/ads-context.js';
import { PostgresAdsStore } from '../../../../server/ads/ads-postgres-store.js';
import { SqliteAdsStore } from '../../../../server/ads/ads-sqlite-store.js';
import type { AdsStore } from '../../../../server/ads/ads-store.js';
import { assetList } from '../../../../server/ads/break-auction.js';
import type { Split } from '../../../../server/catalog/catalog-rules.js';
import { ApiError } from '../../../../server/errors.js';
import { applyTick, openSession } from '../../../../server/ledger/ledger-service.js';
import { MemoryLedgerStorage } from '../../../../server/ledger/memory-storage.js';
import type { PostgresLedgerStorage } from '../../../../server/ledger/postgres-storage.js';
import { SqliteLedgerStorage } from '../../../../server/ledger/sqlite-storage.js';
import type { LedgerStorage } from '../../../../server/ledger/storage.js';
import { postgresStore } from '../../../support/postgres-store.js';

type Rows = Array<Record<string, unknown>>;
interface World {
  ledger: LedgerStorage;
  ads?: AdsStore;
  /** Reads the database directly (the evidence checks); absent for the memory ledger. */
  rows?(sql: string): Promise<Rows>;
  done(): Promise<void>;
}

const sqlite = async (): Promise<World> => {
  const ledger = new SqliteLedgerStorage(':memory:');
  const ads = new SqliteAdsStore(ledger.db);
  return { ledger, ads, rows: async (sql) => ledger.db.prepare(sql).all() as Rows, done: () => ledger.close() };
};

let pg: PostgresLedgerStorage | undefined;
const TABLES = `transfers, ticks, settlements, platform_earnings, revoked_keys, credits, sessions, viewers,
  agents, agent_keys, agent_credits, ad_nonces, ad_idempotency, creatives, bids, auctions, holds, bid_spend, viewer_wins, ad_charges`;
const postgres = async (): Promise<World> => {
  pg ??= await postgresStore(2);
  await pg.pool.query(`TRUNCATE ${TABLES}`);
  const ads = new PostgresAdsStore(pg.pool, pg.ready);
  return { ledger: pg, ads, rows: async (sql) => (await pg!.pool.query(sql)).rows as Rows, done: async () => {} };
};

const memory = async (): Promise<World> => ({ ledger: new MemoryLedgerStorage(), done: async () => {} });

const VIEWERS = ['2vxsx-fae', 'aaaaa-aa'];
const KEYS = VIEWERS.map(() => generateKeyPairSync('ed25519'));
const RATE = 10;
/** A recipient with an address and two without: both kinds of recipient account. */
const SPLITS: Split[] = [{ recipient: 'creator', address: 'CREATORADDR', bps: 6_667 }, { recipient: 'studio', bps: 2_333 }, { recipient: 'platform', bps: 1_000 }];
const LIMITS = { maxPlaybackRate: 2, slackSeconds: 5, platformFeeBps: 1000 };

const op = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('deposit' as const), viewer: fc.nat(1), micro: fc.integer({ min: 1, max: 400 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('start' as const), viewer: fc.nat(1), budget: fc.option(fc.integer({ min: 0, max: 300 })), free: fc.nat(3) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('tick' as const), which: fc.nat(), more: fc.nat(12), dt: fc.nat(6_000), final: fc.boolean() }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('agentCredit' as const), agent: fc.nat(1), micro: fc.integer({ min: 1, max: 30_000 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('break' as const), which: fc.nat(), breakIndex: fc.nat(2) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('adTick' as const), which: fc.nat(), dt: fc.nat(8_000), adSeconds: fc.nat(20), seqStep: fc.nat(2), final: fc.nat(3).map((n) => n === 0) }), weight: 4 },
  // A break watched at once: served, watched for `seconds`, one ad tick (final or not) — the charge and release path.
  { arbitrary: fc.record({ kind: fc.constant('watch' as const), which: fc.nat(), breakIndex: fc.nat(2), seconds: fc.nat(20), final: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 200_000 })) }), weight: 2 },
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

/** What the runs reached, over all runs of a property. */
interface Reached {
  refusedStarts: number;
  ticks402: number;
  budgetRefusals: number;
  kinds: Map<string, number>;
  viewerAdCredits: number;
}

async function run(make: () => Promise<World>, ops: Op[], reached: Reached): Promise<void> {
  const w = await make();
  let now = 1_700_000_000_000;
  const sessions: Array<{ id: string; viewer: number; free: number; seq: number; seconds: number }> = [];
  const served: Array<{ sessionId: string; viewer: number; auctionId: string; seq: number }> = [];
  const ads = w.ads;
  const c =
    ads &&
    createAdsContext(
      { now: () => now, dev: true, maxClockSkewMs: 300_000, maxBodyBytes: 16_384, holdGraceSeconds: 5 },
      ads,
      new MemoryAdCatalog([['t', { breaks: [{ atSeconds: 0, maxSeconds: 20 }, { atSeconds: 30, maxSeconds: 10 }, { atSeconds: 60, maxSeconds: 15 }], floorMicroAlgosPerSecond: 50, split: { creatorBps: 7000, platformBps: 2000, viewerBps: 1000 } }]]),
      ledgerSessions(w.ledger),
    );
  if (ads) {
    await ads.tx(function* (s) {
      for (const i of [0, 1]) {
        yield* s.insertAgent(`agt${i}`, `Agent ${i}`, `k${i}`, new Uint8Array(1), now);
        yield* s.insertCreative({ id: `c${i}`, agentId: `agt${i}`, uri: 'https://x/a.m3u8', durationSeconds: 6 + i * 4, name: '' }, now);
        yield* s.upsertBid({ bidId: `b${i}`, agentId: `agt${i}`, creativeId: `c${i}`, creativeSeconds: 6 + i * 4, microAlgosPerSecond: 300 + 200 * i, maxSecondsPerBreak: 20, dailyBudgetMicroAlgos: 1e9, targeting: {}, frequencyCapPerViewerPerDay: 0, createdAt: i }, now);
      }
      yield* s.credit('agt0', 20_000, 'test', now);
    });
  }
  /** Refusals (a used seq with another total, a closed break) are part of the sequence: they change nothing. */
  const sendAdTick = async (ctx: NonNullable<typeof c>, b: (typeof served)[number], seqStep: number, adSeconds: number, final: boolean) => {
    b.seq += seqStep;
    const tick: AdTick = { sessionId: b.sessionId, auctionId: b.auctionId, seq: Math.max(1, b.seq), adSeconds, clientTime: 0, final };
    await adTick(ctx, { tick, signature: toHex(sign(null, adTickSigningBytes(tick), KEYS[b.viewer]!.privateKey as KeyObject)) }).catch((e: unknown) => refused(e));
  };
  const refused = (e: unknown, code?: string) => {
    if (!(e instanceof ApiError)) throw e;
    if (code !== undefined && e.code === code) return true;
    return false;
  };
  try {
    for (const o of ops) {
      if (o.kind === 'deposit') await w.ledger.credit(VIEWERS[o.viewer]!, 'ADDR', o.micro, now);
      else if (o.kind === 'wait') now += o.ms;
      else if (o.kind === 'start') {
        const id = `s${sessions.length}_${now}`;
        const sessionKey = new Uint8Array(KEYS[o.viewer]!.publicKey.export({ format: 'der', type: 'spki' }));
        const n = { id, principal: VIEWERS[o.viewer]!, contentId: 't', rate: RATE, budget: o.budget, sessionKey, startHash: new TextEncoder().encode(id), startedAt: now, expiresAt: now + 1e10, freeSeconds: o.free, splits: SPLITS };
        try {
          await openSession(w.ledger, n, 'ADDR');
          sessions.push({ id, viewer: o.viewer, free: o.free, seq: 0, seconds: 0 });
        } catch (e) {
          if (refused(e, 'INSUFFICIENT_FUNDS')) reached.refusedStarts++;
          else throw e;
        }
      } else if (o.kind === 'tick' && sessions.length > 0) {
        const s = sessions[o.which % sessions.length]!;
        now += o.dt;
        const seconds = s.seconds + o.more;
        const tick: Tick = { sessionId: s.id, seq: s.seq + 1, seconds, microAlgos: tickAmount(seconds, RATE, s.free), mediaTime: 0, clientTime: 0, final: o.final };
        try {
          const out = await applyTick(w.ledger, { tick, tickHash: new TextEncoder().encode(JSON.stringify(tick)), signature: new Uint8Array([1]) }, { ...LIMITS, now, settle: o.final });
          s.seq = tick.seq;
          s.seconds = seconds;
          if (out.status === 402) reached.ticks402++;
        } catch (e) {
          // The rate ceiling and the budget refuse; nothing is written, so the next tick reuses this seq.
          if (refused(e, 'BUDGET_EXCEEDED')) reached.budgetRefusals++;
          else if (!refused(e, 'RATE_EXCEEDED')) throw e;
        }
      } else if (o.kind === 'agentCredit' && ads) {
        await ads.tx((s) => s.credit(`agt${o.agent}`, o.micro, 'test', now));
      } else if ((o.kind === 'break' || o.kind === 'watch') && c && sessions.length > 0) {
        const s = sessions[o.which % sessions.length]!;
        const res = await assetList(c, new URLSearchParams({ contentId: 't', break: String(o.breakIndex), sessionId: s.id }));
        const asset = (res.body as { ASSETS: Array<Record<string, string>> }).ASSETS[0];
        let b = asset && served.find((x) => x.auctionId === asset['X-SIPPAR-AUCTION']);
        if (asset && !b) served.push((b = { sessionId: s.id, viewer: s.viewer, auctionId: asset['X-SIPPAR-AUCTION']!, seq: 0 }));
        if (b && o.kind === 'watch') {
          now += o.seconds * 1000;
          await sendAdTick(c, b, 1, o.seconds, o.final);
        }
      } else if (o.kind === 'adTick' && c && served.length > 0) {
        now += o.dt;
        await sendAdTick(c, served[o.which % served.length]!, o.seqStep, o.adSeconds, o.final);
      }
      const check = await w.ledger.ledgerCheck();
      expect(check.mismatches).toEqual([]);
      expect(check.total).toBe(0);
      expect(check.ok).toBe(true);
    }
    if (w.rows) await evidence(w.rows, reached);
    else if (w.ledger instanceof MemoryLedgerStorage) for (const t of w.ledger.transfers) reached.kinds.set(t.kind, (reached.kinds.get(t.kind) ?? 0) + 1);
  } finally {
    await w.done();
  }
}

/** Every transfer points at the row that caused it, and counts what the run reached. */
async function evidence(rows: (sql: string) => Promise<Rows>, reached: Reached): Promise<void> {
  const orphans = await rows(`SELECT kind, evidence, seq FROM transfers t WHERE
      (kind IN ('tick', 'settlement') AND NOT EXISTS (SELECT 1 FROM ticks k WHERE k.session_id = t.evidence AND k.seq = t.seq))
   OR (kind = 'ad-charge' AND NOT EXISTS (SELECT 1 FROM ad_charges a WHERE a.auction_id = t.evidence AND a.seq = t.seq))
   OR (kind IN ('hold', 'release', 'expiry') AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.auction_id = t.evidence))
   OR (kind = 'release' AND NOT EXISTS (SELECT 1 FROM ad_charges a WHERE a.auction_id = t.evidence AND a.seq = t.seq AND a.released = t.micro_algos))`);
  expect(orphans).toEqual([]);
  for (const r of await rows('SELECT kind, count(*) AS n FROM transfers GROUP BY kind')) reached.kinds.set(r.kind as string, (reached.kinds.get(r.kind as string) ?? 0) + Number(r.n));
  reached.viewerAdCredits += Number((await rows("SELECT count(*) AS n FROM transfers WHERE kind = 'ad-charge' AND to_account LIKE 'viewer:%'"))[0]!.n);
}

async function property(make: () => Promise<World>, numRuns: number, withAds: boolean): Promise<Reached> {
  const reached: Reached = { refusedStarts: 0, ticks402: 0, budgetRefusals: 0, kinds: new Map(), viewerAdCredits: 0 };
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 40 }), (ops) => run(make, ops, reached)),
    { numRuns },
  );
  // The sequences reached what the property speaks of, not only refusals and empty breaks.
  expect(reached.ticks402).toBeGreaterThan(0);
  expect(reached.budgetRefusals).toBeGreaterThan(0);
  expect(reached.refusedStarts).toBeGreaterThan(0);
  for (const kind of ['deposit', 'tick', 'settlement']) expect(reached.kinds.get(kind) ?? 0, kind).toBeGreaterThan(0);
  if (withAds) {
    for (const kind of ['hold', 'ad-charge', 'release', 'expiry']) expect(reached.kinds.get(kind) ?? 0, kind).toBeGreaterThan(0);
    expect(reached.viewerAdCredits).toBeGreaterThan(0);
  }
  return reached;
}

describe('the double-entry ledger: balances = Σ transfers, Σ over accounts = 0, after every operation', () => {
  it('property (SQLite, ledger and ads in one file)', () => property(sqlite, 60, true), 60_000);
  it('property (PostgreSQL, ledger and ads in one database)', () => property(postgres, 30, true), 120_000);
  it('property (memory ledger: viewers, ticks, settlements)', () => property(memory, 60, false), 60_000);
});

afterAll(() => pg?.close());
