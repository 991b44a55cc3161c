/**
 * POST /streaming/ads/tick `{tick, signature}`: the viewer's session key signs the cumulative ad seconds
 * of one break (src/payments/ad-tick.ts). The agent that won the break is charged what ad-charge-rules.ts
 * decides, the charge is split (creator, platform, viewer credit) and booked with its evidence (the signed
 * tick). The same tick again gets the same answer; another tick under a used seq is refused.
 */
import { createHash } from 'node:crypto';
import type { AdTickResponse } from '../../src/payments/ad-protocol.js';
import { adTickSigningBytes, validateAdTick } from '../../src/payments/ad-tick.js';
import { ApiError } from '../errors.js';
import { obj, signatureBytes } from '../http-io.js';
import type { Answer } from '../handlers/ticks.js';
import { parseSigningKey, verifySignature } from '../verify/keys.js';
import { decideAdTick, expireHold, type HoldState } from './ad-charge-rules.js';
import type { AdsContext } from './ads-context.js';
import type { Step } from './ads-store.js';

const stateOf = (h: HoldState): AdTickResponse => ({
  auctionId: h.auctionId,
  seq: h.seq,
  adSeconds: h.adSeconds,
  chargedSeconds: h.chargedSeconds,
  chargedMicroAlgos: h.charged,
  closed: h.closed,
});

const MESSAGES = {
  SEQ_OUT_OF_ORDER: 'seq is not above the last accepted ad tick of this break',
  TOTALS_DECREASED: 'adSeconds is below what this break already signed',
  AD_BREAK_CLOSED: 'this break is settled; nothing more is charged',
} as const;

export async function adTick(c: AdsContext, body: unknown): Promise<Answer> {
  const b = obj(body);
  let t;
  try {
    t = validateAdTick(b.tick);
  } catch (e) {
    throw new ApiError('BAD_REQUEST', (e as Error).message);
  }
  const signature = signatureBytes(b.signature);
  const session = await c.sessions.session(t.sessionId);
  if (!session) throw new ApiError('NOT_FOUND', 'unknown session');
  const bytes = adTickSigningBytes(t);
  if (!(await verifySignature(parseSigningKey(session.sessionKey), bytes, signature))) {
    throw new ApiError('BAD_SIGNATURE', 'ad tick signature does not verify with the session key');
  }
  const tickHash = createHash('sha256').update(bytes).digest();
  const now = c.o.now();
  // As for billing ticks: a key whose delegation expired speaks for no one (the hold goes back at expiry).
  if (session.expiresAt <= now) throw new ApiError('SESSION_EXPIRED', 'the delegation behind this session has expired');

  return c.store.tx(function* (s): Step<Answer> {
    const h = yield* s.hold(t.auctionId);
    if (!h) throw new ApiError('NOT_FOUND', 'no ad was served under this auction');
    if (h.sessionId !== t.sessionId) throw new ApiError('NOT_SESSION_OWNER', 'this break was served to another session');
    const stored = yield* s.chargeAnswer(t.auctionId, t.seq);
    if (stored) {
      if (Buffer.compare(Buffer.from(stored.tickHash), tickHash) !== 0) throw new ApiError('SEQ_OUT_OF_ORDER', 'another ad tick was accepted under this seq');
      return { status: 200, body: JSON.parse(stored.answer) as unknown };
    }
    let hold: typeof h = h;
    const expired = expireHold(h, now);
    if (expired) {
      yield* s.updateHold(expired.hold, h, expired.release, null, now);
      hold = { ...h, ...expired.hold };
    }
    const d = decideAdTick(hold, t, now, h.split);
    if (typeof d === 'string') {
      const e = new ApiError(d, MESSAGES[d]);
      // A refused ad tick still tells the client where the break stands (as tick refusals carry `ledger`).
      return { status: e.status, body: { ...e.body(), adLedger: stateOf(hold) } };
    }
    const answer = stateOf(d.hold);
    yield* s.updateHold(d.hold, h, d.release, t.seq, now);
    // The viewer's share (a split naming the viewer) goes to the viewer's balance with the charge, exactly once.
    const viewerCredited = d.shares.viewer > 0 && (yield* s.creditViewer(session.principal, d.shares.viewer, now));
    yield* s.insertCharge(t.auctionId, t.seq, d.billableSeconds, d.charge, d.shares, d.release, {
      agentId: h.agentId,
      contentId: h.contentId,
      adSeconds: t.adSeconds,
      final: t.final === true,
      clientTime: t.clientTime,
      tickHash,
      signature,
      answer: JSON.stringify(answer),
      viewer: session.principal,
      viewerCredited,
    }, now);
    return { status: 200, body: answer };
  });
}
