/**
 * GET /streaming/ads/asset-list?contentId=…&break=…&sessionId=… — what hls.js fetches shortly before a
 * break (X-ASSET-LIST; it adds `_HLS_primary_id` and `_HLS_start_offset`, ignored here). The first request
 * of a (session, title, break) runs the auction (auction.ts) in memory, moves the winner's hold out of its
 * balance and records the auction; every later one (a seek back, hls.js re-fetching on seek) gets the same
 * answer and changes nothing. No eligible bid: an empty ASSETS list, and the content plays on.
 */
import type { AssetListResponse } from '../../src/payments/ad-protocol.js';
import { CONTENT_ID_PATTERN, SESSION_ID_PATTERN } from '../../src/payments/tick.js';
import { ApiError } from '../errors.js';
import type { Answer } from '../handlers/ticks.js';
import { expireHold, type HoldState } from './ad-charge-rules.js';
import { resolveBreak } from './ad-settings.js';
import { dayOf, type AdsContext } from './ads-context.js';
import type { AdsTx, Step } from './ads-store.js';
import { newId } from './agent-ops.js';
import { auditOf, runAuction, type BidState } from './auction.js';

const NO_STORE = { 'cache-control': 'no-store' };
/**
 * Unsettled breaks one session may hold at once. An honest player settles a break when its ad ends (or the
 * hold expires after a crash), so it never needs more than a couple; without a bound, one session of a
 * title with a hundred breaks could lock a hundred holds of the agents' money by fetching every asset list.
 */
export const MAX_OPEN_HOLDS_PER_SESSION = 3;

/** Gives back every expired hold (a few per call: the sweep rides on the traffic). */
export function* sweepExpiredHolds(s: AdsTx, now: number): Step<void> {
  for (const id of yield* s.expiredHolds(now, 20)) {
    const h = (yield* s.hold(id))!;
    const out = expireHold(h, now);
    if (out) yield* s.updateHold(out.hold, h, out.release, null, now);
  }
}

export async function assetList(c: AdsContext, q: URLSearchParams): Promise<Answer> {
  const contentId = q.get('contentId') ?? '';
  const sessionId = q.get('sessionId') ?? '';
  const breakText = q.get('break') ?? '';
  if (!CONTENT_ID_PATTERN.test(contentId)) throw new ApiError('BAD_REQUEST', 'contentId is missing or malformed');
  if (!SESSION_ID_PATTERN.test(sessionId)) throw new ApiError('BAD_REQUEST', 'sessionId is missing or malformed');
  if (!/^\d{1,4}$/.test(breakText)) throw new ApiError('BAD_REQUEST', 'break must be the break index');
  const breakIndex = Number(breakText);
  const settings = await c.catalog.adSettings(contentId);
  const brk = settings && resolveBreak(settings, breakIndex);
  if (!settings || !brk) throw new ApiError('NOT_FOUND', 'this title has no such ad break');
  const session = await c.sessions.session(sessionId);
  if (!session) throw new ApiError('NOT_FOUND', 'unknown session');
  if (session.contentId !== contentId) throw new ApiError('NOT_SESSION_OWNER', 'this session plays another title');
  const now = c.o.now();
  if (session.expiresAt <= now) throw new ApiError('SESSION_EXPIRED', 'the session has expired');

  return c.store.tx(function* (s): Step<Answer> {
    yield* sweepExpiredHolds(s, now);
    const day = dayOf(now);
    const { stored, openHolds, bidsVersion, balances, committed, wins } = yield* s.auctionInputs({ sessionId, contentId, breakIndex, viewer: session.principal, day });
    if (stored) return { status: 200, body: JSON.parse(stored) as unknown, headers: NO_STORE };
    // Not recorded: once the session settles a break, this one can still be auctioned.
    if (openHolds >= MAX_OPEN_HOLDS_PER_SESSION) return { status: 200, body: { ASSETS: [] }, headers: NO_STORE };
    const bids = yield* c.bids(s, bidsVersion);
    const state = new Map<string, BidState>();
    for (const b of bids) {
      state.set(b.bidId, { agentBalance: balances.get(b.agentId) ?? 0, committedToday: committed.get(b.bidId) ?? 0, viewerWinsToday: wins.get(b.bidId) ?? 0 });
    }
    const result = runAuction({ settings, contentId, breakMaxSeconds: brk.maxSeconds, bids, state });
    const id = newId('auc');
    const w = result.winner;
    let body: AssetListResponse = { ASSETS: [] };
    if (w) {
      const creative = (yield* s.creative(w.bid.creativeId))!;
      const advertiser = (yield* s.agent(w.bid.agentId))!.name;
      const hold: HoldState = {
        auctionId: id,
        sessionId,
        priceMicroAlgosPerSecond: w.clearingMicroAlgosPerSecond,
        holdSeconds: w.holdSeconds,
        creativeSeconds: creative.durationSeconds,
        remaining: w.holdMicroAlgos,
        chargedSeconds: 0,
        charged: 0,
        seq: 0,
        adSeconds: 0,
        servedAt: now,
        expiresAt: now + (w.holdSeconds + c.o.holdGraceSeconds) * 1000,
        closed: false,
      };
      yield* s.recordAuction({
        id, sessionId, contentId, breakIndex, viewer: session.principal, floor: settings.floorMicroAlgosPerSecond, entries: auditOf(result), servedAt: now,
        winner: { bidId: w.bid.bidId, agentId: w.bid.agentId, creativeId: creative.id, clearing: w.clearingMicroAlgosPerSecond, holdSeconds: w.holdSeconds },
        answer: JSON.stringify((body = { ASSETS: [{ URI: creative.uri, DURATION: creative.durationSeconds, 'X-SIPPAR-AUCTION': id, 'X-SIPPAR-ADVERTISER': advertiser }] })),
      });
      // The auction checked the balance in this same transaction: the hold cannot fail here.
      if (!(yield* s.placeHold(hold, { agentId: w.bid.agentId, bidId: w.bid.bidId, contentId, viewer: session.principal, day, split: settings.split }))) {
        throw new Error('hold refused after an auction that saw the balance');
      }
    } else {
      yield* s.recordAuction({ id, sessionId, contentId, breakIndex, viewer: session.principal, floor: settings.floorMicroAlgosPerSecond, entries: auditOf(result), servedAt: now, answer: JSON.stringify(body) });
    }
    return { status: 200, body, headers: NO_STORE };
  });
}
