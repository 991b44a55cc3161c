/**
 * The viewer's ad ticks as a pure machine: `step(state, event, now) → [state, effects]`, as the payments
 * machine (payments/payments-machine.ts) is for content. Per break (auction): cumulative whole ad seconds,
 * seq from 1 strictly up, at most one tick a second while the ad plays and one at once when it ends (final),
 * stored before sent, one request in flight, the same signed bytes retried with backoff, a stop on refusals.
 * Breaks are independent: one's final tick may still be retrying while the next plays.
 *
 * Seq space (as payments): every signed tick takes `reserved + 1`; the standby pair signed after each tick
 * reserves one seq of its own, because pagehide may send it without a chance to record that it did. The
 * server allows gaps, never a reuse.
 *
 * No DOM, timers, IndexedDB, network or Lit: test/unit/ads/ad-tick-machine.property.test.ts drives random
 * sequences through it against the server's own charge rules.
 */
import { AUCTION_ID_PATTERN } from '../payments/ad-tick.js';
import { breakOf, initialAdTickState, newRecord, recordOf, standbyUsable, type AdLedger, type AdTickEffect, type AdTickEvent, type AdTickState, type BreakState, type UnsignedAdTick } from './ad-tick-state.js';

export * from './ad-tick-state.js';
export { initialAdTickState };

/** At most one tick a second while an ad plays: its server charges by the second anyway. */
export const TICK_SPACING_MS = 1_000;

export function step(prev: AdTickState, ev: AdTickEvent, now: number): [AdTickState, AdTickEffect[]] {
  if ('epoch' in ev && ev.epoch !== prev.epoch) return [prev, []];
  const s = structuredClone(prev);
  const fx: AdTickEffect[] = [];
  const b = 'auctionId' in ev ? s.breaks[ev.auctionId] : undefined;
  switch (ev.type) {
    case 'session': {
      const ownerChanged = ev.owner !== s.owner;
      if (ownerChanged) {
        s.owner = ev.owner;
        s.loaded = false;
        if (ev.owner) fx.push({ type: 'load', owner: ev.owner });
      }
      if (ownerChanged || ev.sessionId !== s.sessionId) {
        s.epoch += 1;
        s.sessionId = ev.sessionId;
        // A signature asked for under the old session will be dropped when it comes (stale epoch).
        for (const x of Object.values(s.breaks)) if (x.signing !== 'none') x.signing = 'none';
      }
      break;
    }
    case 'loaded':
      if (ev.owner !== s.owner) break;
      s.loaded = true;
      for (const r of ev.records) {
        const seen = s.breaks[r.auctionId];
        // Seen playing before storage answered (nothing signed meanwhile): the stored record is its base. One
        // this page signed for already (the same viewer signed in again) is ahead of storage: it stays.
        if (!seen) s.breaks[r.auctionId] = breakOf(r, ev.owner);
        else if (seen.owner === ev.owner && seen.reserved === 0) s.breaks[r.auctionId] = { ...breakOf(r, ev.owner, seen.watched), ended: seen.ended };
      }
      break;
    case 'playing':
    case 'ended': {
      const x = b ?? newBreak(s, ev.auctionId);
      if (!x || x.ended) break;
      x.watched = Math.max(x.watched, Math.floor(ev.watchedSeconds));
      if (ev.type === 'ended') {
        x.ended = true;
        if (x.throttled) fx.push({ type: 'clear-timer', auctionId: x.auctionId, name: 'tick' });
        x.throttled = false;
      }
      break;
    }
    case 'signed':
      if (b) signed(b, ev.ticks, fx, now);
      break;
    case 'persisted':
      if (b) b.durable = Math.max(b.durable, ev.seq);
      break;
    case 'answer':
      if (b && b.inFlight === ev.seq) answer(b, ev.seq, ev.outcome, fx);
      break;
    case 'timer':
      if (!b) break;
      if (ev.name === 'retry') b.waiting = false;
      else b.throttled = false;
      break;
    case 'pagehide':
      for (const x of Object.values(s.breaks)) pagehide(x, fx);
      break;
    case 'kick':
      for (const x of Object.values(s.breaks)) {
        if (!x.waiting) continue;
        x.waiting = false;
        fx.push({ type: 'clear-timer', auctionId: x.auctionId, name: 'retry' });
      }
      break;
  }
  for (const x of Object.values(s.breaks)) advance(s, x, fx, now);
  return [s, fx];
}

/**
 * A break first seen now: it was served to the open session (the asset list waits for one). An interstitial
 * the auction did not sell (playback's `auctionId` '') owes no tick.
 */
function newBreak(s: AdTickState, auctionId: string): BreakState | undefined {
  if (!s.owner || !s.sessionId || !AUCTION_ID_PATTERN.test(auctionId)) return undefined;
  return (s.breaks[auctionId] = breakOf(newRecord(auctionId, s.sessionId), s.owner));
}

const persist = (b: BreakState, fx: AdTickEffect[]) => fx.push({ type: 'persist', owner: b.owner, record: recordOf(b) });

function signed(b: BreakState, ticks: Extract<AdTickEvent, { type: 'signed' }>['ticks'], fx: AdTickEffect[], now: number): void {
  const purpose = b.signing;
  if (purpose === 'none') return;
  b.signing = 'none';
  b.signFailed = !ticks;
  if (!ticks) b.lastSignAt = now;
  // The page went away meanwhile and sent a standby: that was the break's final tick.
  if (!ticks || b.signed.final) return;
  const [t, next] = ticks;
  if (purpose === 'tick') {
    b.pending = t!;
    b.signed = { seq: t!.tick.seq, adSeconds: t!.tick.adSeconds, final: t!.tick.final === true };
    b.standby = b.standbyNext = null;
  } else {
    b.standby = t!;
    b.standbyNext = next!;
  }
  persist(b, fx);
}

function settle(b: BreakState, ledger: AdLedger | undefined): void {
  if (ledger && (!b.acked || ledger.seq > b.acked.seq)) b.acked = ledger;
  if (ledger?.closed) close(b);
}

function close(b: BreakState): void {
  b.closed = true;
  b.pending = b.standby = b.standbyNext = null;
}

function answer(b: BreakState, seq: number, o: Extract<AdTickEvent, { type: 'answer' }>['outcome'], fx: AdTickEffect[]): void {
  b.inFlight = null;
  // Settled: accepted, or refused with a ledger already at or past this seq (a copy sent on pagehide got there first).
  if (o.ok || (o.ledger && o.ledger.seq >= seq)) {
    if (b.pending && b.pending.tick.seq <= seq) b.pending = null;
    b.attempt = 0;
    settle(b, o.ledger);
    return void persist(b, fx);
  }
  if (o.code === 'AD_BREAK_CLOSED') {
    // Settled or expired without this tick: nothing more is charged, nothing more is worth sending.
    settle(b, o.ledger);
    close(b);
    return void persist(b, fx);
  }
  if (o.retryable) {
    b.attempt += 1;
    b.waiting = true;
    fx.push({ type: 'set-timer', auctionId: b.auctionId, name: 'retry', ms: 0, attempt: b.attempt });
    return;
  }
  b.halted = o.code;
}

/**
 * The page goes away: nothing async is sure to finish. Send the stored unsent tick, and the pre-signed final
 * that matches what was watched: the same adSeconds, or one more. The agent then pays for what was seen.
 */
function pagehide(b: BreakState, fx: AdTickEffect[]): void {
  if (b.closed || b.halted) return;
  // A tick not yet in storage is noted as it leaves (store before send): the next page continues above it.
  if (b.pending) fx.push({ type: 'send-keepalive', owner: b.owner, signed: b.pending, note: b.durable < b.pending.tick.seq });
  if (!standbyUsable(b)) return;
  const sent = b.base + b.watched >= b.signed.adSeconds + 1 ? b.standbyNext! : b.standby!;
  fx.push({ type: 'send-keepalive', owner: b.owner, signed: sent, note: true });
  // If the page lives on (bfcache), the standby is the break's final tick, owed like any other.
  b.pending = sent;
  b.signed = { seq: sent.tick.seq, adSeconds: sent.tick.adSeconds, final: true };
  b.reserved = Math.max(b.reserved, sent.tick.seq);
  b.durable = sent.tick.seq;
  b.standby = b.standbyNext = null;
  b.ended = true;
  persist(b, fx);
}

/** What the break does next, given everything known: the one place that starts work. */
function advance(s: AdTickState, b: BreakState, fx: AdTickEffect[], now: number): void {
  if (b.closed) return;
  if (!b.halted && b.pending && b.durable >= b.pending.tick.seq && b.inFlight === null && !b.waiting) {
    b.inFlight = b.pending.tick.seq;
    fx.push({ type: 'send', signed: b.pending });
  }
  // Only the break's own session signs, only once storage said where the break stands, one signature at a time.
  if (b.halted || b.signing !== 'none' || b.signed.final || !s.loaded || b.owner !== s.owner || b.sessionId !== s.sessionId) return;
  const target = Math.max(b.signed.adSeconds, b.base + b.watched);
  const wants = b.ended || target > b.signed.adSeconds || (b.signed.seq > 0 && !standbyUsable(b));
  // While the ad plays (or after a failed signature), a second apart; a break that ended, at once.
  const wait = !wants || (b.ended && !b.signFailed) || b.lastSignAt === null ? 0 : b.lastSignAt + TICK_SPACING_MS - now;
  const standbyOnly = !b.ended && target === b.signed.adSeconds;
  if (wait > 0 && (!standbyOnly || b.signFailed)) {
    if (!b.throttled) fx.push({ type: 'set-timer', auctionId: b.auctionId, name: 'tick', ms: wait });
    b.throttled = true;
    return;
  }
  const tick = (adSeconds: number, final: boolean): UnsignedAdTick => ({ sessionId: b.sessionId, auctionId: b.auctionId, seq: b.reserved + 1, adSeconds, ...(final && { final: true }) });
  if (!standbyOnly) {
    const t = tick(target, b.ended);
    b.reserved = t.seq;
    b.signing = 'tick';
    b.lastSignAt = now;
    fx.push({ type: 'sign', epoch: s.epoch, auctionId: b.auctionId, tick: t });
    return;
  }
  if (b.signed.seq > 0 && !standbyUsable(b)) {
    const final = tick(b.signed.adSeconds, true);
    b.reserved = final.seq;
    b.signing = 'standby';
    fx.push({ type: 'sign-standby', epoch: s.epoch, auctionId: b.auctionId, final, next: { ...final, adSeconds: final.adSeconds + 1 } });
  }
}
