/**
 * The ads tables in SQLite (better-sqlite3): every step returns at once, so a transaction runs from BEGIN to
 * COMMIT without giving the event loop back, and no other request (nor the ledger, which may share this
 * file) can interleave its decisions. `:memory:` is the in-memory store (tests, benches, a memory ledger).
 * Only loads and stores: the rules are in auction.ts and ad-charge-rules.ts.
 */
import Database from 'better-sqlite3';
import type { Targeting } from '../../src/payments/ad-protocol.js';
import type { HoldState, Shares, Split } from './ad-charge-rules.js';
import { ADS_SCHEMA, upgradeAdsSchema } from './ads-sqlite-schema.js';
import { sqliteReads } from './ads-sqlite-reads.js';
import { runSync, type AdChargeEvidence, type AdsReads, type AdsStore, type AdsTx, type AgentRow, type AuctionInputs, type AuctionRecord, type CreativeRow, type Step, type StoredAnswer, type StoredHold } from './ads-store.js';
import type { StandingBid } from './auction.js';
import { ensureTransfers, insertTransfers } from '../ledger/sqlite-transfers.js';
import { account, adChargeTransfers, depositTransfers, holdTransfers, releaseTransfers } from '../ledger/transfer-rules.js';

const row = <T>(v: unknown) => v as T | undefined;

export class SqliteAdsStore implements AdsStore, AdsTx {
  readonly db: Database.Database;
  private readonly own: boolean;
  /**
   * agents.balance by agent, kept in step by the methods that change it and dropped whenever a transaction
   * rolls back: every auction reads every bidder's balance, and a thousand-row read was its largest cost.
   */
  private balanceMirror: Map<string, number> | undefined;

  /** `db`: the ledger's open database (shared, one writer per file) or a path / ':memory:' of its own. */
  private readonly reads: AdsReads;
  /** Bumped by every bid change: one process writes this file, so an in-memory counter is exact. */
  private bidChanges = 0;
  /** Whether the payment ledger's tables are in this database (viewer credits are then booked with the charge). */
  private readonly withLedger: boolean;

  constructor(db: Database.Database | string) {
    this.own = typeof db === 'string';
    this.db = typeof db === 'string' ? new Database(db) : db;
    if (this.own) this.db.pragma('journal_mode = WAL');
    this.db.exec(ADS_SCHEMA);
    upgradeAdsSchema(this.db);
    ensureTransfers(this.db, Date.now());
    this.withLedger = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'viewers'").get() !== undefined;
    this.reads = sqliteReads(this.db);
  }

  /** Synchronous from start to end (see above); answered as a promise like the PostgreSQL store's. */
  tx<T>(fn: (s: AdsTx) => Step<T>): Promise<T> {
    try {
      return Promise.resolve(this.db.transaction(() => runSync(fn(this)))());
    } catch (e) {
      this.balanceMirror = undefined;
      return Promise.reject(e);
    }
  }

  *savepoint<T>(fn: (s: AdsTx) => Step<T>): Step<T> {
    try {
      return this.db.transaction(() => runSync(fn(this)))();
    } catch (e) {
      this.balanceMirror = undefined;
      throw e;
    }
  }

  agentReport(agentId: string) {
    return this.reads.agentReport(agentId);
  }
  auctions(contentId: string | null, limit: number) {
    return this.reads.auctions(contentId, limit);
  }
  titleTotals(now: number, contentId?: string) {
    return this.reads.titleTotals(now, contentId);
  }

  private readonly statements = new Map<string, Database.Statement>();
  /** Prepared once per SQL text: preparing costs more than running most of these statements. */
  private st(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  private moved(agentId: string, delta: number): void {
    const m = this.balanceMirror;
    if (m) m.set(agentId, (m.get(agentId) ?? 0) + delta);
  }

  async close(): Promise<void> {
    if (this.own) this.db.close();
  }

  // ---- agents, keys, credits
  async keyOwner(keyId: string): Promise<{ agentId: string; publicKey: Uint8Array } | undefined> {
    const r = row<{ agent_id: string; public_key: Buffer }>(this.st('SELECT agent_id, public_key FROM agent_keys WHERE key_id = ?').get(keyId));
    return r && { agentId: r.agent_id, publicKey: new Uint8Array(r.public_key) };
  }
  *keyRegistered(keyId: string): Step<boolean> {
    return this.st('SELECT 1 FROM agent_keys WHERE key_id = ?').get(keyId) !== undefined;
  }
  *insertAgent(id: string, name: string, keyId: string, publicKey: Uint8Array, now: number): Step<void> {
    this.st('INSERT INTO agents (id, name, created_at) VALUES (?, ?, ?)').run(id, name, now);
    this.st('INSERT INTO agent_keys (key_id, agent_id, public_key, created_at) VALUES (?, ?, ?, ?)').run(keyId, id, Buffer.from(publicKey), now);
    this.moved(id, 0);
  }
  *agent(id: string): Step<AgentRow | undefined> {
    return row<AgentRow>(this.st('SELECT id, name, balance FROM agents WHERE id = ?').get(id));
  }
  *credit(agentId: string, micro: number, source: string, now: number): Step<number> {
    const id = this.st('INSERT INTO agent_credits (agent_id, micro_algos, source, created_at) VALUES (?, ?, ?, ?)').run(agentId, micro, source, now).lastInsertRowid;
    insertTransfers(this.db, depositTransfers(account.agent(agentId), micro, `agent-credit:${id}`, now));
    this.st('UPDATE agents SET balance = balance + ? WHERE id = ?').run(micro, agentId);
    this.moved(agentId, micro);
    return (this.st('SELECT balance FROM agents WHERE id = ?').get(agentId) as { balance: number }).balance;
  }
  /** Every agent's available balance (a live view: read it inside the transaction that decides). */
  *balances(): Step<ReadonlyMap<string, number>> {
    return (this.balanceMirror ??= new Map(this.st('SELECT id, balance FROM agents').raw().all() as [string, number][]));
  }

  // ---- replay and idempotency
  /** Records the nonce; false when this key already used it (within its life). */
  async useNonce(keyId: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    this.st('DELETE FROM ad_nonces WHERE expires_at < ?').run(now);
    return this.st('INSERT OR IGNORE INTO ad_nonces (key_id, nonce, expires_at) VALUES (?, ?, ?)').run(keyId, nonce, expiresAt).changes === 1;
  }
  *storedAnswer(scope: string, key: string): Step<StoredAnswer | undefined> {
    const r = row<{ request_hash: string; status: number; body: string }>(
      this.st('SELECT request_hash, status, body FROM ad_idempotency WHERE scope = ? AND idem_key = ?').get(scope, key),
    );
    return r && { requestHash: r.request_hash, status: r.status, body: r.body };
  }
  *storeAnswer(scope: string, key: string, a: StoredAnswer, now: number): Step<void> {
    this.st('INSERT INTO ad_idempotency (scope, idem_key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(scope, key, a.requestHash, a.status, a.body, now);
  }

  // ---- creatives and bids
  *insertCreative(c: CreativeRow, now: number): Step<void> {
    this.st('INSERT INTO creatives (id, agent_id, uri, duration_seconds, name, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(c.id, c.agentId, c.uri, c.durationSeconds, c.name, now);
  }
  *creative(id: string): Step<CreativeRow | undefined> {
    return row<CreativeRow>(this.st('SELECT id, agent_id AS agentId, uri, duration_seconds AS durationSeconds, name FROM creatives WHERE id = ?').get(id));
  }
  *bidOwner(id: string): Step<{ agentId: string; createdAt: number; active: boolean } | undefined> {
    const r = row<{ agent_id: string; created_at: number; active: number }>(this.st('SELECT agent_id, created_at, active FROM bids WHERE id = ?').get(id));
    return r && { agentId: r.agent_id, createdAt: r.created_at, active: r.active === 1 };
  }
  *bidsVersion(): Step<string> {
    return String(this.bidChanges);
  }
  *upsertBid(b: StandingBid, now: number): Step<void> {
    this.bidChanges++;
    this.st(
      `INSERT INTO bids (id, agent_id, creative_id, price, max_seconds, daily_budget, targeting, frequency_cap, active, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET creative_id = excluded.creative_id, price = excluded.price, max_seconds = excluded.max_seconds,
         daily_budget = excluded.daily_budget, targeting = excluded.targeting, frequency_cap = excluded.frequency_cap, active = 1, updated_at = excluded.updated_at`,
    ).run(b.bidId, b.agentId, b.creativeId, b.microAlgosPerSecond, b.maxSecondsPerBreak, b.dailyBudgetMicroAlgos, JSON.stringify(b.targeting), b.frequencyCapPerViewerPerDay, b.createdAt, now);
  }
  *withdrawBid(id: string, now: number): Step<void> {
    this.bidChanges++;
    this.st('UPDATE bids SET active = 0, updated_at = ? WHERE id = ?').run(now, id);
  }
  *activeBids(agentId?: string): Step<StandingBid[]> {
    const sql = `SELECT b.id, b.agent_id, b.creative_id, c.duration_seconds, b.price, b.max_seconds, b.daily_budget, b.targeting, b.frequency_cap, b.created_at
                 FROM bids b JOIN creatives c ON c.id = b.creative_id WHERE b.active = 1 ${agentId ? 'AND b.agent_id = ?' : ''} ORDER BY b.id`;
    const rows = this.st(sql).raw().all(...(agentId ? [agentId] : [])) as [string, string, string, number, number, number, number, string, number, number][];
    return rows.map((r) => ({
      bidId: r[0],
      agentId: r[1],
      creativeId: r[2],
      creativeSeconds: r[3],
      microAlgosPerSecond: r[4],
      maxSecondsPerBreak: r[5],
      dailyBudgetMicroAlgos: r[6],
      targeting: JSON.parse(r[7]) as Targeting,
      frequencyCapPerViewerPerDay: r[8],
      createdAt: r[9],
    }));
  }

  // ---- auction inputs and records
  *auctionInputs(q: { sessionId: string; contentId: string; breakIndex: number; viewer: string; day: number }): Step<AuctionInputs> {
    const stored = yield* this.auctionAnswer(q.sessionId, q.contentId, q.breakIndex);
    if (stored !== undefined) return { stored, openHolds: 0, bidsVersion: '', balances: new Map(), committed: new Map(), wins: new Map() };
    return {
      openHolds: (this.st('SELECT COUNT(*) AS n FROM holds WHERE session_id = ? AND closed = 0').get(q.sessionId) as { n: number }).n,
      bidsVersion: yield* this.bidsVersion(),
      balances: yield* this.balances(),
      committed: yield* this.committedOn(q.day),
      wins: yield* this.viewerWinsOn(q.viewer, q.day),
    };
  }
  *committedOn(day: number): Step<Map<string, number>> {
    return new Map(this.st('SELECT bid_id, committed FROM bid_spend WHERE day = ?').raw().all(day) as [string, number][]);
  }
  *viewerWinsOn(viewer: string, day: number): Step<Map<string, number>> {
    return new Map(this.st('SELECT bid_id, wins FROM viewer_wins WHERE viewer = ? AND day = ?').raw().all(viewer, day) as [string, number][]);
  }
  *auctionAnswer(sessionId: string, contentId: string, breakIndex: number): Step<string | undefined> {
    const r = row<{ answer: string }>(this.st('SELECT answer FROM auctions WHERE session_id = ? AND content_id = ? AND break_index = ?').get(sessionId, contentId, breakIndex));
    return r?.answer;
  }
  *recordAuction(a: AuctionRecord): Step<void> {
    this.st(
      `INSERT INTO auctions (id, session_id, content_id, break_index, viewer, floor, entries, winner_bid_id, winner_agent_id, creative_id, clearing_price, hold_seconds, answer, served_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(a.id, a.sessionId, a.contentId, a.breakIndex, a.viewer, a.floor, JSON.stringify(a.entries), a.winner?.bidId ?? null, a.winner?.agentId ?? null,
        a.winner?.creativeId ?? null, a.winner?.clearing ?? null, a.winner?.holdSeconds ?? null, a.answer, a.servedAt);
  }
  /** Moves `h.remaining` from the agent's balance into a new hold; false (nothing written) when the balance is short. */
  *placeHold(h: HoldState, x: { agentId: string; bidId: string; contentId: string; viewer: string; day: number; split: Split }): Step<boolean> {
    if (this.st('UPDATE agents SET balance = balance - ? WHERE id = ? AND balance >= ?').run(h.remaining, x.agentId, h.remaining).changes !== 1) return false;
    this.moved(x.agentId, -h.remaining);
    this.st(
      `INSERT INTO holds (auction_id, session_id, agent_id, bid_id, content_id, day, price, hold_seconds, creative_seconds, amount, remaining, split, served_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(h.auctionId, h.sessionId, x.agentId, x.bidId, x.contentId, x.day, h.priceMicroAlgosPerSecond, h.holdSeconds, h.creativeSeconds, h.remaining, h.remaining, JSON.stringify(x.split), h.servedAt, h.expiresAt);
    this.st('INSERT INTO bid_spend (bid_id, day, committed) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET committed = committed + excluded.committed').run(x.bidId, x.day, h.remaining);
    this.st('INSERT INTO viewer_wins (viewer, day, bid_id, wins) VALUES (?, ?, ?, 1) ON CONFLICT DO UPDATE SET wins = wins + 1').run(x.viewer, x.day, x.bidId);
    insertTransfers(this.db, holdTransfers(x.agentId, h.auctionId, h.remaining, h.servedAt));
    return true;
  }

  // ---- holds and charges
  *hold(auctionId: string): Step<StoredHold | undefined> {
    const r = row<Record<string, number | string>>(this.st('SELECT * FROM holds WHERE auction_id = ?').get(auctionId));
    return r && holdOf(r);
  }
  *expiredHolds(now: number, limit: number): Step<string[]> {
    return (this.st('SELECT auction_id FROM holds WHERE closed = 0 AND expires_at <= ? LIMIT ?').raw().all(now, limit) as [string][]).map((r) => r[0]);
  }
  *chargeAnswer(auctionId: string, seq: number): Step<{ answer: string; tickHash: Uint8Array } | undefined> {
    const r = row<{ answer: string; tick_hash: Buffer }>(this.st('SELECT answer, tick_hash FROM ad_charges WHERE auction_id = ? AND seq = ?').get(auctionId, seq));
    return r && { answer: r.answer, tickHash: new Uint8Array(r.tick_hash) };
  }
  /** Writes a hold's new state, gives `release` back to the agent and lowers the bid's committed spend by it. */
  *updateHold(h: HoldState, x: { agentId: string; bidId: string; day: number }, release: number, finalSeq: number | null, now: number): Step<void> {
    this.st('UPDATE holds SET remaining = ?, charged_seconds = ?, charged = ?, seq = ?, ad_seconds = ?, closed = ? WHERE auction_id = ?')
      .run(h.remaining, h.chargedSeconds, h.charged, h.seq, h.adSeconds, h.closed ? 1 : 0, h.auctionId);
    if (release > 0) {
      this.st('UPDATE agents SET balance = balance + ? WHERE id = ?').run(release, x.agentId);
      this.moved(x.agentId, release);
      this.st('UPDATE bid_spend SET committed = committed - ? WHERE bid_id = ? AND day = ?').run(release, x.bidId, x.day);
      insertTransfers(this.db, releaseTransfers(x.agentId, h.auctionId, release, finalSeq, now));
    }
  }
  *insertCharge(auctionId: string, seq: number, chargedSeconds: number, micro: number, s: Shares, release: number, e: AdChargeEvidence, now: number): Step<void> {
    this.st(
      `INSERT INTO ad_charges (auction_id, seq, agent_id, content_id, ad_seconds, charged_seconds, micro_algos, creator, platform, viewer_share, released, final, client_time, tick_hash, signature, answer, created_at, viewer, viewer_credited)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(auctionId, seq, e.agentId, e.contentId, e.adSeconds, chargedSeconds, micro, s.creator, s.platform, s.viewer, release, e.final ? 1 : 0, e.clientTime,
        Buffer.from(e.tickHash), Buffer.from(e.signature), e.answer, now, e.viewer, e.viewerCredited ? 1 : 0);
    insertTransfers(this.db, adChargeTransfers({ auctionId, seq, contentId: e.contentId, viewer: e.viewer, viewerCredited: e.viewerCredited, shares: s, at: now }));
  }
  *creditViewer(principal: string, micro: number, now: number): Step<boolean> {
    if (!this.withLedger) return false;
    if (this.st('UPDATE viewers SET balance = balance + ? WHERE principal = ?').run(micro, principal).changes !== 1) return false;
    this.st('INSERT INTO credits (principal, micro_algos, created_at) VALUES (?, ?, ?)').run(principal, micro, now);
    return true;
  }
}

export function holdOf(r: Record<string, number | string>) {
  return {
    auctionId: r.auction_id as string,
    sessionId: r.session_id as string,
    agentId: r.agent_id as string,
    bidId: r.bid_id as string,
    contentId: r.content_id as string,
    day: r.day as number,
    priceMicroAlgosPerSecond: r.price as number,
    holdSeconds: r.hold_seconds as number,
    creativeSeconds: r.creative_seconds as number,
    remaining: r.remaining as number,
    chargedSeconds: r.charged_seconds as number,
    charged: r.charged as number,
    seq: r.seq as number,
    adSeconds: r.ad_seconds as number,
    servedAt: r.served_at as number,
    expiresAt: r.expires_at as number,
    closed: r.closed === 1,
    split: JSON.parse(r.split as string) as Split,
  };
}
