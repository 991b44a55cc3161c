/**
 * What the ads handlers need from a database, for SQLite (ads-sqlite-store.ts: one process, synchronous)
 * and PostgreSQL (ads-postgres-store.ts: any number of API processes). The handlers' decide-and-write code
 * is written once, as generator functions over `AdsTx` steps: a SQLite step returns at once and never
 * yields, so a SQLite transaction runs synchronously from BEGIN to COMMIT and nothing else in the process
 * can interleave with it (the ledger shares its file); a PostgreSQL step yields its query and is resumed
 * with the rows. Stores only load and store: the rules are in auction.ts and ad-charge-rules.ts. Every step
 * that moves money (credit, placeHold, updateHold's release, insertCharge) also inserts its transfers
 * (server/ledger/transfer-rules.ts) in the same transaction.
 */
import type { AdTitleAnalytics } from '../../src/payments/ad-protocol.js';
import type { HoldState, Shares, Split } from './ad-charge-rules.js';
import type { AuctionAudit, StandingBid } from './auction.js';

/** A step of a transaction: yields pending queries (PostgreSQL only), returns T. */
export type Step<T> = Generator<Promise<unknown>, T, unknown>;

/** Runs steps that never yield (SQLite) synchronously. */
export function runSync<T>(g: Step<T>): T {
  const r = g.next();
  if (!r.done) throw new Error('a synchronous store step yielded');
  return r.value;
}

/** Runs steps that yield queries: each yielded promise's value (or error) is sent back into the generator. */
export async function runAsync<T>(g: Step<T>): Promise<T> {
  let r = g.next();
  while (!r.done) {
    let value: unknown;
    try {
      value = await r.value;
    } catch (e) {
      r = g.throw(e);
      continue;
    }
    r = g.next(value);
  }
  return r.value;
}

export interface StoredAnswer {
  requestHash: string;
  status: number;
  body: string;
}

export interface AgentRow {
  id: string;
  name: string;
  balance: number;
}

export interface CreativeRow {
  id: string;
  agentId: string;
  uri: string;
  durationSeconds: number;
  name: string;
}

export interface AuctionRecord {
  id: string;
  sessionId: string;
  contentId: string;
  breakIndex: number;
  viewer: string;
  floor: number;
  entries: AuctionAudit;
  winner?: { bidId: string; agentId: string; creativeId: string; clearing: number; holdSeconds: number };
  answer: string;
  servedAt: number;
}

export interface AdChargeEvidence {
  agentId: string;
  contentId: string;
  adSeconds: number;
  final: boolean;
  clientTime: number;
  tickHash: Uint8Array;
  signature: Uint8Array;
  answer: string;
  /** The viewer whose session signed the tick (credited `viewer` share when the split names the viewer). */
  viewer: string;
  /** The viewer's share was added to the viewer's ledger balance in this transaction. */
  viewerCredited: boolean;
}

export type StoredHold = HoldState & { agentId: string; bidId: string; contentId: string; day: number; split: Split };

export interface AuctionInputs {
  /** The answer already given to this (session, title, break), if any (then the other fields may be empty). */
  stored?: string;
  /** Unsettled holds of the session. */
  openHolds: number;
  bidsVersion: string;
  /** Every agent's available balance. */
  balances: ReadonlyMap<string, number>;
  /** Committed today (charges + open holds) per bid. */
  committed: ReadonlyMap<string, number>;
  /** Breaks this viewer was shown today per bid. */
  wins: ReadonlyMap<string, number>;
}

/** One transaction's reads and writes (only valid inside `AdsStore.tx`). */
export interface AdsTx {
  /** Runs `fn` so that an error it throws undoes only its own writes (a savepoint). */
  savepoint<T>(fn: (s: AdsTx) => Step<T>): Step<T>;
  agent(id: string): Step<AgentRow | undefined>;
  insertAgent(id: string, name: string, keyId: string, publicKey: Uint8Array, now: number): Step<void>;
  keyRegistered(keyId: string): Step<boolean>;
  credit(agentId: string, micro: number, source: string, now: number): Step<number>;
  /** Every agent's available balance. */
  balances(): Step<ReadonlyMap<string, number>>;
  storedAnswer(scope: string, key: string): Step<StoredAnswer | undefined>;
  storeAnswer(scope: string, key: string, a: StoredAnswer, now: number): Step<void>;
  insertCreative(c: CreativeRow, now: number): Step<void>;
  creative(id: string): Step<CreativeRow | undefined>;
  bidOwner(id: string): Step<{ agentId: string; createdAt: number; active: boolean } | undefined>;
  upsertBid(b: StandingBid, now: number): Step<void>;
  withdrawBid(id: string, now: number): Step<void>;
  /** Changes with every bid change committed by any process: the standing bids are cached against it. */
  bidsVersion(): Step<string>;
  activeBids(agentId?: string): Step<StandingBid[]>;
  /** Everything an auction reads before deciding (one round trip on PostgreSQL). */
  auctionInputs(q: { sessionId: string; contentId: string; breakIndex: number; viewer: string; day: number }): Step<AuctionInputs>;
  recordAuction(a: AuctionRecord): Step<void>;
  /** Moves `h.remaining` from the agent's balance into a new hold; false (nothing written) when the balance is short. */
  placeHold(h: HoldState, x: { agentId: string; bidId: string; contentId: string; viewer: string; day: number; split: Split }): Step<boolean>;
  hold(auctionId: string): Step<StoredHold | undefined>;
  expiredHolds(now: number, limit: number): Step<string[]>;
  chargeAnswer(auctionId: string, seq: number): Step<{ answer: string; tickHash: Uint8Array } | undefined>;
  /**
   * Writes a hold's new state, gives `release` back to the agent and lowers the bid's committed spend by it;
   * `finalSeq`: the final ad tick that closed the break, null when the hold expired (the release's evidence).
   */
  updateHold(h: HoldState, x: { agentId: string; bidId: string; day: number }, release: number, finalSeq: number | null, now: number): Step<void>;
  insertCharge(auctionId: string, seq: number, chargedSeconds: number, micro: number, s: Shares, release: number, e: AdChargeEvidence, now: number): Step<void>;
  /**
   * Adds the viewer's share of a charge to the viewer's balance in the payment ledger, in this same
   * transaction (exactly once with the charge); false when the ads tables are not in the ledger's database.
   */
  creditViewer(principal: string, micro: number, now: number): Step<boolean>;
}

/** An agent's results per title (its report). */
export interface AgentTitleRow {
  contentId: string;
  wins: number;
  losses: number;
  chargedSeconds: number;
  spentMicroAlgos: number;
  heldMicroAlgos: number;
}

/** The platform's ad figures per title (analytics), before the fill rate is computed. */
export type AdTitleTotals = Omit<AdTitleAnalytics, 'fillRate'>;

export interface AdsReads {
  agentReport(agentId: string): Promise<{ credited: number; held: number; titles: AgentTitleRow[]; creatives: unknown[] }>;
  auctions(contentId: string | null, limit: number): Promise<Array<Record<string, unknown>>>;
  titleTotals(now: number, contentId?: string): Promise<AdTitleTotals[]>;
}

export interface AdsStore extends AdsReads {
  /** Runs `fn` as one transaction, serialised with every other ads transaction (of any process). */
  tx<T>(fn: (s: AdsTx) => Step<T>): Promise<T>;
  keyOwner(keyId: string): Promise<{ agentId: string; publicKey: Uint8Array } | undefined>;
  /** Records the nonce; false when this key already used it (within its life). */
  useNonce(keyId: string, nonce: string, expiresAt: number, now: number): Promise<boolean>;
  close(): Promise<void>;
}
