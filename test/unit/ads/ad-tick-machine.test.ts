// The ad-tick machine's plain cases, one by one (the properties beside it cover the sequences).
import { describe, it, expect } from 'vitest';
import { initialAdTickState, step, type AdTickEffect, type AdTickEvent, type AdTickState } from '../../../src/ads/ad-tick-machine.js';

function run(events: AdTickEvent[], now = 0): { s: AdTickState; fx: AdTickEffect[] } {
  let s = initialAdTickState();
  const fx: AdTickEffect[] = [];
  for (const ev of events) {
    const [next, out] = step(s, ev, now);
    s = next;
    fx.push(...out);
  }
  return { s, fx };
}
const open: AdTickEvent[] = [{ type: 'session', sessionId: 's1', owner: 'api|p' }, { type: 'loaded', owner: 'api|p', records: [] }];

describe('ad-tick machine', () => {
  it('signs nothing for an interstitial the auction did not sell (auctionId "")', () => {
    const { s, fx } = run([...open, { type: 'playing', auctionId: '', watchedSeconds: 3 }, { type: 'ended', auctionId: '', watchedSeconds: 3 }]);
    expect(Object.keys(s.breaks)).toEqual([]);
    expect(fx.filter((e) => e.type === 'sign')).toEqual([]);
  });
  it('signs nothing before the stored breaks were read, then continues above them', () => {
    const before = run([{ type: 'session', sessionId: 's1', owner: 'api|p' }, { type: 'playing', auctionId: 'auc1', watchedSeconds: 2 }]);
    expect(before.fx.filter((e) => e.type === 'sign')).toEqual([]);
    const stored = { auctionId: 'auc1', sessionId: 's1', reserved: 7, signed: { seq: 6, adSeconds: 4, final: false }, pending: null, acked: null, standby: null, standbyNext: null, closed: false };
    const [, fx] = step(before.s, { type: 'loaded', owner: 'api|p', records: [stored] }, 0);
    expect(fx.filter((e) => e.type === 'sign').map((e) => e.type === 'sign' && e.tick)).toEqual([{ sessionId: 's1', auctionId: 'auc1', seq: 8, adSeconds: 6 }]);
  });
  it('a break that ends signs its final tick at once, even within a second of the last tick', () => {
    let { s } = run([...open, { type: 'playing', auctionId: 'auc1', watchedSeconds: 1.2 }], 1000);
    expect(s.breaks.auc1!.signing).toBe('tick');
    [s] = step(s, { type: 'signed', epoch: s.epoch, auctionId: 'auc1', ticks: [{ tick: { sessionId: 's1', auctionId: 'auc1', seq: 1, adSeconds: 1, clientTime: 0 }, signature: 'a' }] }, 1100);
    expect(s.breaks.auc1!.signing).toBe('standby'); // the pagehide pair, seq 2
    [s] = step(s, { type: 'ended', auctionId: 'auc1', watchedSeconds: 1.9 }, 1200);
    const st = (seq: number, adSeconds: number) => ({ tick: { sessionId: 's1', auctionId: 'auc1', seq, adSeconds, clientTime: 0, final: true }, signature: `b${adSeconds}` });
    const [, fx] = step(s, { type: 'signed', epoch: s.epoch, auctionId: 'auc1', ticks: [st(2, 1), st(2, 2)] }, 1300);
    expect(fx.find((e) => e.type === 'sign')).toMatchObject({ tick: { seq: 3, adSeconds: 1, final: true } });
  });
});
