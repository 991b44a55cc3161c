/**
 * One PostgreSQL ads transaction's steps (ads-store.ts AdsTx): each yields its query and is resumed with
 * the result, inside the transaction and lock that ads-postgres-store.ts holds. Same tables and meaning as
 * ads-sqlite-store.ts; BIGINT comes back as a number (the ledger pool's type parser), SUMs as text.
 */
import type { PoolClient, QueryResult } from 'pg';
import type { Targeting } from '../../src/payments/ad-protocol.js';
import type { HoldState, Shares, Split } from './ad-charge-rules.js';
import type { AdChargeEvidence, AdsTx, AuctionInputs, AgentRow, AuctionRecord, CreativeRow, Step, StoredAnswer, StoredHold } from './ads-store.js';
import type { StandingBid } from './auction.js';
import { transfersInsert } from '../ledger/postgres-transfers.js';
import { account, adChargeTransfers, depositTransfers, holdTransfers, releaseTransfers, type Transfer } from '../ledger/transfer-rules.js';

let savepoints = 0;
type Pair = [string, number];

export class PostgresAdsTx implements AdsTx {
  constructor(private readonly c: PoolClient) {}

  private *q(text: string, params: unknown[] = []): Step<QueryResult> {
    return (yield this.c.query(text, params)) as QueryResult;
  }

  private *one<T>(text: string, params: unknown[] = []): Step<T | undefined> {
    return (yield* this.q(text, params)).rows[0] as T | undefined;
  }

  *savepoint<T>(fn: (s: AdsTx) => Step<T>): Step<T> {
    const name = `sp${++savepoints}`;
    yield* this.q(`SAVEPOINT ${name}`);
    try {
      const out = yield* fn(this);
      yield* this.q(`RELEASE SAVEPOINT ${name}`);
      return out;
    } catch (e) {
      yield* this.q(`ROLLBACK TO SAVEPOINT ${name}`);
      throw e;
    }
  }

  *agent(id: string): Step<AgentRow | undefined> {
    return yield* this.one<AgentRow>('SELECT id, name, balance FROM agents WHERE id = $1', [id]);
  }
  *keyRegistered(keyId: string): Step<boolean> {
    return (yield* this.q('SELECT 1 FROM agent_keys WHERE key_id = $1', [keyId])).rowCount === 1;
  }
  *insertAgent(id: string, name: string, keyId: string, publicKey: Uint8Array, now: number): Step<void> {
    yield* this.q('INSERT INTO agents (id, name, created_at) VALUES ($1, $2, $3)', [id, name, now]);
    yield* this.q('INSERT INTO agent_keys (key_id, agent_id, public_key, created_at) VALUES ($1, $2, $3, $4)', [keyId, id, Buffer.from(publicKey), now]);
  }
  /** The transfers of one step, in one multi-row INSERT. */
  private *transfers(rows: Transfer[]): Step<void> {
    const ins = transfersInsert(rows);
    if (ins.text) yield* this.q(ins.text, ins.values);
  }
  *credit(agentId: string, micro: number, source: string, now: number): Step<number> {
    const { id } = (yield* this.one<{ id: number }>('INSERT INTO agent_credits (agent_id, micro_algos, source, created_at) VALUES ($1, $2, $3, $4) RETURNING id', [agentId, micro, source, now]))!;
    yield* this.transfers(depositTransfers(account.agent(agentId), micro, `agent-credit:${id}`, now));
    return (yield* this.one<{ balance: number }>('UPDATE agents SET balance = balance + $1 WHERE id = $2 RETURNING balance', [micro, agentId]))!.balance;
  }
  *balances(): Step<ReadonlyMap<string, number>> {
    const r = yield* this.q({ text: 'SELECT id, balance FROM agents', rowMode: 'array' } as never);
    return new Map(r.rows as unknown as [string, number][]);
  }
  *storedAnswer(scope: string, key: string): Step<StoredAnswer | undefined> {
    const r = yield* this.one<{ request_hash: string; status: number; body: string }>('SELECT request_hash, status, body FROM ad_idempotency WHERE scope = $1 AND idem_key = $2', [scope, key]);
    return r && { requestHash: r.request_hash, status: r.status, body: r.body };
  }
  *storeAnswer(scope: string, key: string, a: StoredAnswer, now: number): Step<void> {
    yield* this.q('INSERT INTO ad_idempotency (scope, idem_key, request_hash, status, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [scope, key, a.requestHash, a.status, a.body, now]);
  }
  *insertCreative(c: CreativeRow, now: number): Step<void> {
    yield* this.q('INSERT INTO creatives (id, agent_id, uri, duration_seconds, name, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [c.id, c.agentId, c.uri, c.durationSeconds, c.name, now]);
  }
  *creative(id: string): Step<CreativeRow | undefined> {
    return yield* this.one<CreativeRow>('SELECT id, agent_id AS "agentId", uri, duration_seconds AS "durationSeconds", name FROM creatives WHERE id = $1', [id]);
  }
  *bidOwner(id: string): Step<{ agentId: string; createdAt: number; active: boolean } | undefined> {
    return yield* this.one('SELECT agent_id AS "agentId", created_at AS "createdAt", active FROM bids WHERE id = $1', [id]);
  }
  *upsertBid(b: StandingBid, now: number): Step<void> {
    yield* this.q(
      `INSERT INTO bids (id, agent_id, creative_id, price, max_seconds, daily_budget, targeting, frequency_cap, active, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true, $9, $10)
       ON CONFLICT (id) DO UPDATE SET creative_id = excluded.creative_id, price = excluded.price, max_seconds = excluded.max_seconds,
         daily_budget = excluded.daily_budget, targeting = excluded.targeting, frequency_cap = excluded.frequency_cap, active = true, updated_at = excluded.updated_at`,
      [b.bidId, b.agentId, b.creativeId, b.microAlgosPerSecond, b.maxSecondsPerBreak, b.dailyBudgetMicroAlgos, JSON.stringify(b.targeting), b.frequencyCapPerViewerPerDay, b.createdAt, now],
    );
    yield* this.q('UPDATE ad_bids_version SET v = v + 1');
  }
  *withdrawBid(id: string, now: number): Step<void> {
    yield* this.q('UPDATE bids SET active = false, updated_at = $1 WHERE id = $2', [now, id]);
    yield* this.q('UPDATE ad_bids_version SET v = v + 1');
  }
  *bidsVersion(): Step<string> {
    return String((yield* this.one<{ v: number }>('SELECT v FROM ad_bids_version'))!.v);
  }
  *activeBids(agentId?: string): Step<StandingBid[]> {
    const r = yield* this.q(
      `SELECT b.id, b.agent_id, b.creative_id, c.duration_seconds, b.price, b.max_seconds, b.daily_budget, b.targeting, b.frequency_cap, b.created_at
       FROM bids b JOIN creatives c ON c.id = b.creative_id WHERE b.active ${agentId ? 'AND b.agent_id = $1' : ''} ORDER BY b.id`,
      agentId ? [agentId] : [],
    );
    return r.rows.map((x) => ({
      bidId: x.id,
      agentId: x.agent_id,
      creativeId: x.creative_id,
      creativeSeconds: x.duration_seconds,
      microAlgosPerSecond: x.price,
      maxSecondsPerBreak: x.max_seconds,
      dailyBudgetMicroAlgos: x.daily_budget,
      targeting: x.targeting as Targeting,
      frequencyCapPerViewerPerDay: x.frequency_cap,
      createdAt: x.created_at,
    }));
  }
  *auctionInputs(q: { sessionId: string; contentId: string; breakIndex: number; viewer: string; day: number }): Step<AuctionInputs> {
    // One round trip: under load each one waits for the database's process to be scheduled.
    const r = (yield* this.one<{ stored: string | null; open_holds: number; version: number; balances: Pair[]; committed: Pair[]; wins: Pair[] }>(
      `SELECT (SELECT answer FROM auctions WHERE session_id = $1 AND content_id = $2 AND break_index = $3) AS stored,
              (SELECT COUNT(*) FROM holds WHERE session_id = $1 AND NOT closed) AS open_holds,
              (SELECT v FROM ad_bids_version) AS version,
              (SELECT COALESCE(json_agg(json_build_array(id, balance)), '[]') FROM agents) AS balances,
              (SELECT COALESCE(json_agg(json_build_array(bid_id, committed)), '[]') FROM bid_spend WHERE day = $5) AS committed,
              (SELECT COALESCE(json_agg(json_build_array(bid_id, wins)), '[]') FROM viewer_wins WHERE viewer = $4 AND day = $5) AS wins`,
      [q.sessionId, q.contentId, q.breakIndex, q.viewer, q.day],
    ))!;
    return {
      ...(r.stored !== null && { stored: r.stored }),
      openHolds: Number(r.open_holds),
      bidsVersion: String(r.version),
      balances: new Map(r.balances),
      committed: new Map(r.committed),
      wins: new Map(r.wins),
    };
  }
  *recordAuction(a: AuctionRecord): Step<void> {
    yield* this.q(
      `INSERT INTO auctions (id, session_id, content_id, break_index, viewer, floor, entries, winner_bid_id, winner_agent_id, creative_id, clearing_price, hold_seconds, answer, served_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [a.id, a.sessionId, a.contentId, a.breakIndex, a.viewer, a.floor, JSON.stringify(a.entries), a.winner?.bidId ?? null, a.winner?.agentId ?? null,
        a.winner?.creativeId ?? null, a.winner?.clearing ?? null, a.winner?.holdSeconds ?? null, a.answer, a.servedAt],
    );
  }
  *placeHold(h: HoldState, x: { agentId: string; bidId: string; contentId: string; viewer: string; day: number; split: Split }): Step<boolean> {
    // One statement: the debit's guard decides, and the other writes happen only with its row (FROM debit).
    const r = yield* this.one<{ n: number }>(
      `WITH debit AS (UPDATE agents SET balance = balance - $10::bigint WHERE id = $3 AND balance >= $10::bigint RETURNING id),
       hold AS (INSERT INTO holds (auction_id, session_id, agent_id, bid_id, content_id, day, price, hold_seconds, creative_seconds, amount, remaining, split, served_at, expires_at)
                SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::integer, $7::bigint, $8::integer, $9::integer, $10::bigint, $10::bigint, $11::jsonb, $12::bigint, $13::bigint FROM debit RETURNING 1),
       spend AS (INSERT INTO bid_spend (bid_id, day, committed) SELECT $4::text, $6::integer, $10::bigint FROM debit
                 ON CONFLICT (bid_id, day) DO UPDATE SET committed = bid_spend.committed + excluded.committed RETURNING 1),
       win AS (INSERT INTO viewer_wins (viewer, day, bid_id, wins) SELECT $14::text, $6::integer, $4::text, 1 FROM debit
               ON CONFLICT (viewer, day, bid_id) DO UPDATE SET wins = viewer_wins.wins + 1 RETURNING 1)
       SELECT COUNT(*) AS n FROM debit`,
      [h.auctionId, h.sessionId, x.agentId, x.bidId, x.contentId, x.day, h.priceMicroAlgosPerSecond, h.holdSeconds, h.creativeSeconds, h.remaining, JSON.stringify(x.split), h.servedAt, h.expiresAt, x.viewer],
    );
    if (Number(r!.n) !== 1) return false;
    yield* this.transfers(holdTransfers(x.agentId, h.auctionId, h.remaining, h.servedAt));
    return true;
  }
  *hold(auctionId: string): Step<StoredHold | undefined> {
    const r = yield* this.one<Record<string, unknown>>('SELECT * FROM holds WHERE auction_id = $1', [auctionId]);
    return r && {
      auctionId: r.auction_id as string, sessionId: r.session_id as string, agentId: r.agent_id as string, bidId: r.bid_id as string,
      contentId: r.content_id as string, day: r.day as number, priceMicroAlgosPerSecond: r.price as number, holdSeconds: r.hold_seconds as number,
      creativeSeconds: r.creative_seconds as number, remaining: r.remaining as number, chargedSeconds: r.charged_seconds as number,
      charged: r.charged as number, seq: r.seq as number, adSeconds: r.ad_seconds as number, servedAt: r.served_at as number,
      expiresAt: r.expires_at as number, closed: r.closed as boolean, split: r.split as Split,
    };
  }
  *expiredHolds(now: number, limit: number): Step<string[]> {
    return (yield* this.q('SELECT auction_id FROM holds WHERE NOT closed AND expires_at <= $1 LIMIT $2', [now, limit])).rows.map((r) => r.auction_id as string);
  }
  *chargeAnswer(auctionId: string, seq: number): Step<{ answer: string; tickHash: Uint8Array } | undefined> {
    const r = yield* this.one<{ answer: string; tick_hash: Buffer }>('SELECT answer, tick_hash FROM ad_charges WHERE auction_id = $1 AND seq = $2', [auctionId, seq]);
    return r && { answer: r.answer, tickHash: new Uint8Array(r.tick_hash) };
  }
  *updateHold(h: HoldState, x: { agentId: string; bidId: string; day: number }, release: number, finalSeq: number | null, now: number): Step<void> {
    yield* this.q('UPDATE holds SET remaining = $1, charged_seconds = $2, charged = $3, seq = $4, ad_seconds = $5, closed = $6 WHERE auction_id = $7',
      [h.remaining, h.chargedSeconds, h.charged, h.seq, h.adSeconds, h.closed, h.auctionId]);
    if (release > 0) {
      yield* this.q('UPDATE agents SET balance = balance + $1 WHERE id = $2', [release, x.agentId]);
      yield* this.q('UPDATE bid_spend SET committed = committed - $1 WHERE bid_id = $2 AND day = $3', [release, x.bidId, x.day]);
      yield* this.transfers(releaseTransfers(x.agentId, h.auctionId, release, finalSeq, now));
    }
  }
  *insertCharge(auctionId: string, seq: number, chargedSeconds: number, micro: number, s: Shares, release: number, e: AdChargeEvidence, now: number): Step<void> {
    yield* this.q(
      `INSERT INTO ad_charges (auction_id, seq, agent_id, content_id, ad_seconds, charged_seconds, micro_algos, creator, platform, viewer_share, released, final, client_time, tick_hash, signature, answer, created_at, viewer, viewer_credited)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
      [auctionId, seq, e.agentId, e.contentId, e.adSeconds, chargedSeconds, micro, s.creator, s.platform, s.viewer, release, e.final, e.clientTime,
        Buffer.from(e.tickHash), Buffer.from(e.signature), e.answer, now, e.viewer, e.viewerCredited],
    );
    yield* this.transfers(adChargeTransfers({ auctionId, seq, contentId: e.contentId, viewer: e.viewer, viewerCredited: e.viewerCredited, shares: s, at: now }));
  }
  *creditViewer(principal: string, micro: number, now: number): Step<boolean> {
    // The ledger's tables are in this database (the ads store runs on the ledger's pool).
    if ((yield* this.q('UPDATE viewers SET balance = balance + $1 WHERE principal = $2', [micro, principal])).rowCount !== 1) return false;
    yield* this.q('INSERT INTO credits (principal, micro_algos, created_at) VALUES ($1, $2, $3)', [principal, micro, now]);
    return true;
  }
}
