/**
 * The reference agent's budget pacing (`npm run agent`). Pure: what it observed → its next bid.
 *
 * In a second-price auction the agent's best bid is its value per ad second (auction.test.ts shows it);
 * pacing only shades that bid so a daily budget lasts the day instead of going in the first hour. The
 * agent compares the rate it spent at in the last interval with the rate that would spend what is left
 * evenly over what is left of the day: too fast → lower the bid (fewer, cheaper wins), too slow while
 * still losing auctions → raise it toward its value. The bid never leaves [floor, value]; with nothing
 * left to spend, or a value under the floor, the agent withdraws.
 */

export interface PacingInput {
  /** The most one ad second is worth to the advertiser, µALGO (never bid above it). */
  valueMicroAlgosPerSecond: number;
  /** The lowest floor among the targeted titles: a bid under it takes part in nothing. */
  floorMicroAlgosPerSecond: number;
  currentBidMicroAlgosPerSecond: number;
  /** Daily budget minus what was charged or held today. */
  budgetLeftMicroAlgos: number;
  /** The least one break costs at the floor (floor × the creative's seconds): below it, nothing can be bought. */
  leastBreakMicroAlgos: number;
  secondsLeftInDay: number;
  /** Charged and held during the last interval. */
  spentLastIntervalMicroAlgos: number;
  intervalSeconds: number;
  /** Auctions the bid took part in during the last interval, and how many it won. */
  auctionsLastInterval: number;
  winsLastInterval: number;
}

export type PacingReason = 'budget-spent' | 'value-below-floor' | 'too-fast' | 'too-slow' | 'on-pace';

export interface PacingDecision {
  /** 0: withdraw the bid. */
  bidMicroAlgosPerSecond: number;
  reason: PacingReason;
}

/** How far off pace before the bid moves, and by how much (multiplicative steps: a few intervals to converge). */
export const PACING = { tolerance: 0.2, down: 0.8, up: 1.25 } as const;

export function paceBid(p: PacingInput): PacingDecision {
  if (p.valueMicroAlgosPerSecond < p.floorMicroAlgosPerSecond) return { bidMicroAlgosPerSecond: 0, reason: 'value-below-floor' };
  if (p.budgetLeftMicroAlgos < Math.max(1, p.leastBreakMicroAlgos)) return { bidMicroAlgosPerSecond: 0, reason: 'budget-spent' };
  // At least 1 µALGO/s: a bid of 0 means "withdraw" (and the API refuses a price of 0), even under a 0 floor.
  const clamp = (x: number) => Math.min(p.valueMicroAlgosPerSecond, Math.max(p.floorMicroAlgosPerSecond, 1, Math.round(x)));
  const current = clamp(p.currentBidMicroAlgosPerSecond);
  const targetRate = p.budgetLeftMicroAlgos / Math.max(1, p.secondsLeftInDay);
  const observedRate = p.spentLastIntervalMicroAlgos / Math.max(1, p.intervalSeconds);
  if (observedRate > targetRate * (1 + PACING.tolerance)) {
    return { bidMicroAlgosPerSecond: clamp(Math.floor(current * PACING.down)), reason: 'too-fast' };
  }
  const losing = p.auctionsLastInterval > 0 && p.winsLastInterval < p.auctionsLastInterval;
  if (observedRate < targetRate * (1 - PACING.tolerance) && losing) {
    return { bidMicroAlgosPerSecond: clamp(Math.ceil(current * PACING.up)), reason: 'too-slow' };
  }
  return { bidMicroAlgosPerSecond: current, reason: 'on-pace' };
}
