/**
 * The double-entry ledger's rules, once, for every store (SQLite, PostgreSQL, memory) and both money flows:
 * which transfers each balance-changing write books. A transfer moves µALGO (integer > 0) from one named
 * account to another, with its evidence: the tick (session, seq), the ad tick (auction, seq), the auction
 * that placed a hold, or the deposit's reference. Pure: no I/O; stores insert the rows these functions
 * build in the same transaction as the balance change, and `checkLedger` compares what the transfers add
 * up to with the balances the stores cache (viewers.balance, agents.balance, holds.remaining, …).
 *
 * Accounts (what their transfers add up to, Σ in − Σ out):
 * - `external:deposits`: money entering (dev/admin/x402 credits of viewers, agent funding); always ≤ 0.
 * - `viewer:<principal>`: viewers.balance.
 * - `session:<id>`: µALGO a session billed and has not settled yet (billed_micro − settled_micro).
 * - `recipient:<address>` or `recipient:<name>@<contentId>`: a split's share of settlements and ad charges.
 *   A name without an address is the title's (two titles' "creator" are not the same person).
 * - `agent:<id>`: agents.balance; `hold:<auctionId>`: holds.remaining.
 * - `viewer-share:<principal>`: the viewer's share of ad charges booked but not credited to a viewer balance
 *   (the ads tables in a database of their own, beside an in-memory ledger).
 */
import type { SplitAmount } from '../catalog/catalog-rules.js';
import type { TickWrites } from './tick-rules.js';

export type TransferKind =
  /** Money entering: a viewer's or an agent's credit. */
  | 'deposit'
  /** A tick's charge: viewer → session. */
  | 'tick'
  /** A settlement's share: session → recipient. */
  | 'settlement'
  /** An auction's winner: agent → hold. */
  | 'hold'
  /** An ad tick's charge, split: hold → recipients and viewer. */
  | 'ad-charge'
  /** The rest of a hold back to its agent: on the final ad tick… */
  | 'release'
  /** …or once the hold expired. */
  | 'expiry'
  /** What a database held before it kept transfers (migration 009, SQLite's upgrade), from external:deposits. */
  | 'opening';

export interface Transfer {
  at: number;
  from: string;
  to: string;
  /** Integer > 0. */
  microAlgos: number;
  kind: TransferKind;
  /** Session id (tick, settlement), auction id (hold, ad charge, release, expiry) or deposit reference. */
  evidence: string;
  /** The tick's or ad tick's seq; null for deposits, holds and expiries. */
  seq: number | null;
}

export const DEPOSITS = 'external:deposits';
export const account = {
  viewer: (principal: string) => `viewer:${principal}`,
  session: (id: string) => `session:${id}`,
  agent: (id: string) => `agent:${id}`,
  hold: (auctionId: string) => `hold:${auctionId}`,
  viewerShare: (principal: string) => `viewer-share:${principal}`,
  recipient: (s: Pick<SplitAmount, 'recipient' | 'address'>, contentId: string) => (s.address ? `recipient:${s.address}` : `recipient:${s.recipient}@${contentId}`),
};

/** Transfers of nothing are not booked: every row moves money. */
function rows(list: Transfer[]): Transfer[] {
  return list.filter((t) => t.microAlgos > 0);
}

/** A deposit into `to` (an account of `account`), e.g. `credit:17` or `agent-credit:4` as reference. */
export function depositTransfers(to: string, microAlgos: number, reference: string, at: number): Transfer[] {
  return rows([{ at, from: DEPOSITS, to, microAlgos, kind: 'deposit', evidence: reference, seq: null }]);
}

/** A tick's writes (tick-rules.ts): its charge into the session, then its settlement's shares out of it. */
export function tickTransfers(w: TickWrites): Transfer[] {
  const at = w.tick.receivedAt;
  const seq = w.tick.tick.seq;
  const session = account.session(w.sessionId);
  const out: Transfer[] = [];
  if (w.debit) out.push({ at, from: account.viewer(w.debit.principal), to: session, microAlgos: w.debit.microAlgos, kind: 'tick', evidence: w.sessionId, seq });
  for (const s of w.settlement?.splits ?? []) {
    out.push({ at, from: session, to: account.recipient(s, w.settlement!.contentId), microAlgos: s.microAlgos, kind: 'settlement', evidence: w.sessionId, seq });
  }
  return rows(out);
}

/** The winner's hold, out of its balance. */
export function holdTransfers(agentId: string, auctionId: string, microAlgos: number, at: number): Transfer[] {
  return rows([{ at, from: account.agent(agentId), to: account.hold(auctionId), microAlgos, kind: 'hold', evidence: auctionId, seq: null }]);
}

/** An ad tick's charge split (ad-charge-rules.ts Shares); the viewer's share to its balance when credited. */
export function adChargeTransfers(c: {
  auctionId: string;
  seq: number;
  contentId: string;
  viewer: string;
  viewerCredited: boolean;
  shares: { creator: number; platform: number; viewer: number };
  at: number;
}): Transfer[] {
  const from = account.hold(c.auctionId);
  const base = { at: c.at, from, kind: 'ad-charge' as const, evidence: c.auctionId, seq: c.seq };
  return rows([
    { ...base, to: account.recipient({ recipient: 'creator' }, c.contentId), microAlgos: c.shares.creator },
    { ...base, to: account.recipient({ recipient: 'platform' }, c.contentId), microAlgos: c.shares.platform },
    { ...base, to: c.viewerCredited ? account.viewer(c.viewer) : account.viewerShare(c.viewer), microAlgos: c.shares.viewer },
  ]);
}

/** The rest of a hold back to its agent: `seq` is the final ad tick's, null for an expiry. */
export function releaseTransfers(agentId: string, auctionId: string, microAlgos: number, seq: number | null, at: number): Transfer[] {
  return rows([{ at, from: account.hold(auctionId), to: account.agent(agentId), microAlgos, kind: seq === null ? 'expiry' : 'release', evidence: auctionId, seq }]);
}

/** Σ in − Σ out per account. */
export function balancesOf(transfers: Iterable<Pick<Transfer, 'from' | 'to' | 'microAlgos'>>): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of transfers) {
    m.set(t.from, (m.get(t.from) ?? 0) - t.microAlgos);
    m.set(t.to, (m.get(t.to) ?? 0) + t.microAlgos);
  }
  return m;
}

export interface LedgerMismatch {
  account: string;
  /** What its transfers add up to. */
  transfers: number;
  /** What the store's balance columns hold for it. */
  cached: number;
}

export interface LedgerCheck {
  ok: boolean;
  /** Accounts seen in transfers or in cached balances. */
  accounts: number;
  /** Σ over every account's transfers: 0 unless money was made or lost. */
  total: number;
  mismatches: LedgerMismatch[];
}

/**
 * Every cached balance equals its account's transfers (an account absent from one side counts 0 there),
 * and the transfers of all accounts sum to 0.
 */
export function checkLedger(fromTransfers: ReadonlyMap<string, number>, cached: ReadonlyMap<string, number>): LedgerCheck {
  const names = new Set([...fromTransfers.keys(), ...cached.keys()]);
  const mismatches: LedgerMismatch[] = [];
  let total = 0;
  for (const name of [...names].sort()) {
    const t = fromTransfers.get(name) ?? 0;
    const c = cached.get(name) ?? 0;
    total += t;
    if (t !== c) mismatches.push({ account: name, transfers: t, cached: c });
  }
  return { ok: mismatches.length === 0 && total === 0, accounts: names.size, total, mismatches };
}

/** Adds `micro` to `name` in `m` (cached balances are built from several tables). */
export function addTo(m: Map<string, number>, name: string, micro: number): void {
  if (micro !== 0) m.set(name, (m.get(name) ?? 0) + micro);
}
