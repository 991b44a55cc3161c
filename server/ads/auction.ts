/**
 * The break auction: sealed bids, second price, one winner per break. Pure: the service loads the standing
 * bids and what each has spent, this decides. Eligibility first (why a bid may not take part is recorded
 * for the audit), then the ranking and the price.
 *
 * Rules (docs/ADS.md §Auction):
 * - a bid takes part when its price ≥ the floor, its creative fits the break, its targeting matches the
 *   title, its agent's balance covers `price × holdSeconds`, its daily budget covers that on top of what it
 *   already committed today, and its frequency cap for this viewer today is not reached;
 * - one bid per agent (its highest): an agent never sets its own price;
 * - rank by price, highest first; ties by the older bid, then by bid id (deterministic, no coin flip);
 * - the winner pays max(second price, floor) per second, which is never above its own price.
 */
import type { Targeting } from '../../src/payments/ad-protocol.js';
import type { AdSettings } from './ad-settings.js';

export interface StandingBid {
  bidId: string;
  agentId: string;
  creativeId: string;
  creativeSeconds: number;
  microAlgosPerSecond: number;
  maxSecondsPerBreak: number;
  dailyBudgetMicroAlgos: number;
  targeting: Targeting;
  frequencyCapPerViewerPerDay: number;
  /** Unix ms; the older bid wins a tie. */
  createdAt: number;
}

export interface BidState {
  /** The agent's available balance (holds already taken out). */
  agentBalance: number;
  /** What the bid committed today: charges plus open holds. */
  committedToday: number;
  /** Breaks this viewer was shown from this bid today. */
  viewerWinsToday: number;
}

export type Ineligible = 'below-floor' | 'too-long' | 'targeting' | 'balance' | 'daily-budget' | 'frequency-cap' | 'outbid-by-own-bid';

export interface AuctionEntry {
  bidId: string;
  agentId: string;
  microAlgosPerSecond: number;
  /** Absent: the bid took part. */
  ineligible?: Ineligible;
}

export interface AuctionWin {
  bid: StandingBid;
  clearingMicroAlgosPerSecond: number;
  /** The hold's seconds: min(break maximum, bid's maximum). */
  holdSeconds: number;
  holdMicroAlgos: number;
}

export interface AuctionResult {
  entries: AuctionEntry[];
  winner?: AuctionWin;
}

export interface AuctionInput {
  settings: AdSettings;
  contentId: string;
  breakMaxSeconds: number;
  bids: readonly StandingBid[];
  /** Per bid id; a missing entry counts as nothing spent and no balance. */
  state: ReadonlyMap<string, BidState>;
}

const overlaps = (want: readonly string[] | undefined, have: readonly string[]) => !want?.length || want.some((w) => have.includes(w));
const contains = (want: readonly string[] | undefined, have: string | undefined) => !want?.length || (have !== undefined && want.includes(have));

export function targetingMatches(t: Targeting, contentId: string, s: AdSettings): boolean {
  return (
    contains(t.contentIds, contentId) &&
    overlaps(t.categories, s.targeting.categories) &&
    overlaps(t.tags, s.targeting.tags) &&
    contains(t.languages, s.targeting.language) &&
    contains(t.ratings, s.targeting.rating)
  );
}

export const holdSecondsOf = (bid: StandingBid, breakMaxSeconds: number) => Math.min(breakMaxSeconds, bid.maxSecondsPerBreak);

/** Why `bid` may not take part, or undefined when it may. */
export function ineligibility(bid: StandingBid, input: AuctionInput): Ineligible | undefined {
  const { settings, breakMaxSeconds } = input;
  if (bid.microAlgosPerSecond < settings.floorMicroAlgosPerSecond) return 'below-floor';
  const holdSeconds = holdSecondsOf(bid, breakMaxSeconds);
  if (bid.creativeSeconds > holdSeconds) return 'too-long';
  if (!targetingMatches(bid.targeting, input.contentId, settings)) return 'targeting';
  const st = input.state.get(bid.bidId) ?? { agentBalance: 0, committedToday: 0, viewerWinsToday: 0 };
  const most = bid.microAlgosPerSecond * holdSeconds;
  if (st.agentBalance < most) return 'balance';
  if (st.committedToday + most > bid.dailyBudgetMicroAlgos) return 'daily-budget';
  if (bid.frequencyCapPerViewerPerDay > 0 && st.viewerWinsToday >= bid.frequencyCapPerViewerPerDay) return 'frequency-cap';
  return undefined;
}

/** Highest price first; ties: older bid, then smaller bid id. */
export function compareBids(a: StandingBid, b: StandingBid): number {
  return b.microAlgosPerSecond - a.microAlgosPerSecond || a.createdAt - b.createdAt || (a.bidId < b.bidId ? -1 : a.bidId > b.bidId ? 1 : 0);
}

export function runAuction(input: AuctionInput): AuctionResult {
  const entries: AuctionEntry[] = [];
  const bestOfAgent = new Map<string, StandingBid>();
  for (const bid of input.bids) {
    const why = ineligibility(bid, input);
    entries.push({ bidId: bid.bidId, agentId: bid.agentId, microAlgosPerSecond: bid.microAlgosPerSecond, ...(why && { ineligible: why }) });
    if (why) continue;
    const best = bestOfAgent.get(bid.agentId);
    if (!best || compareBids(bid, best) < 0) bestOfAgent.set(bid.agentId, bid);
  }
  const ranked = [...bestOfAgent.values()].sort(compareBids);
  for (const e of entries) {
    if (!e.ineligible && bestOfAgent.get(e.agentId)?.bidId !== e.bidId) e.ineligible = 'outbid-by-own-bid';
  }
  const first = ranked[0];
  if (!first) return { entries };
  const second = ranked[1]?.microAlgosPerSecond ?? 0;
  const clearing = Math.min(first.microAlgosPerSecond, Math.max(second, input.settings.floorMicroAlgosPerSecond));
  const holdSeconds = holdSecondsOf(first, input.breakMaxSeconds);
  return { entries, winner: { bid: first, clearingMicroAlgosPerSecond: clearing, holdSeconds, holdMicroAlgos: clearing * holdSeconds } };
}

/**
 * What an auction's record keeps (auctions.entries): every bid that took part with its price, best first,
 * and how many were out for each reason. Compact on purpose: a thousand standing bids would otherwise
 * write some 80 KB per break.
 */
export interface AuctionAudit {
  took: Array<[bidId: string, microAlgosPerSecond: number]>;
  out: Partial<Record<Ineligible, number>>;
}

export function auditOf(r: AuctionResult): AuctionAudit {
  const took: AuctionAudit['took'] = [];
  const out: AuctionAudit['out'] = {};
  for (const e of r.entries) {
    if (e.ineligible) out[e.ineligible] = (out[e.ineligible] ?? 0) + 1;
    else took.push([e.bidId, e.microAlgosPerSecond]);
  }
  took.sort((a, b) => b[1] - a[1]);
  return { took, out };
}
