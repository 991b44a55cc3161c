// The pure ad-break machine: hls.js's interstitial events in, what the viewer sees (and what ad ticks are
// owed) out. Examples for each event, then random event sequences against the rules ad ticks rely on.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adBreakStep, initialAdBreakModel, type AdBreakEvent, type AdBreakModel } from '../../../src/ads/ad-break-machine.js';
import type { AdBreakEnded } from '../../../src/ads/ad-break.js';

const run = (events: AdBreakEvent[], from: AdBreakModel = initialAdBreakModel) => events.reduce(adBreakStep, from);

describe('ad-break machine', () => {
  it('a sold pre-roll: none → playing(advertiser, auction) → none, ended completed with the seconds watched', () => {
    const sold = run([{ type: 'asset-list', breakId: 'sippar-break-0', auctionId: 'auc_1', advertiser: 'Acme', durationSeconds: 6 }]);
    expect(sold.state).toEqual({ status: 'none' });
    const playing = run([{ type: 'asset-started', breakId: 'sippar-break-0', durationSeconds: 6.02 }, { type: 'progress', seconds: 2.5 }], sold);
    expect(playing.state).toEqual({ status: 'playing', breakId: 'sippar-break-0', auctionId: 'auc_1', advertiser: 'Acme', durationSeconds: 6, watchedSeconds: 2.5 });
    const done = run([{ type: 'progress', seconds: 6.3 }, { type: 'break-ended', breakId: 'sippar-break-0' }], playing);
    expect(done.state).toEqual({ status: 'none' });
    expect(done.ended).toEqual({ auctionId: 'auc_1', watchedSeconds: 6, reason: 'completed' });
  });

  it('the playhead never goes back; an error or a teardown ends the break with its reason', () => {
    const m = run([
      { type: 'asset-list', breakId: 'b', auctionId: 'auc_2', advertiser: 'Globex', durationSeconds: 8 },
      { type: 'asset-started', breakId: 'b', durationSeconds: 8 },
      { type: 'progress', seconds: 3 },
      { type: 'progress', seconds: 1 },
    ]);
    expect(m.state.status === 'playing' && m.state.watchedSeconds).toBe(3);
    expect(run([{ type: 'break-ended', breakId: 'b', reason: 'error' }], m).ended).toEqual({ auctionId: 'auc_2', watchedSeconds: 3, reason: 'error' });
    expect(run([{ type: 'left' }], m).ended).toEqual({ auctionId: 'auc_2', watchedSeconds: 3, reason: 'left' });
    expect(run([{ type: 'left' }], m).state).toEqual({ status: 'none' });
  });

  it('an interstitial the auction did not sell plays as an ad without auction, and owes no ad tick', () => {
    const m = run([{ type: 'asset-list', breakId: 'b' }, { type: 'asset-started', breakId: 'b', durationSeconds: 4 }, { type: 'progress', seconds: 2 }]);
    expect(m.state).toEqual({ status: 'playing', breakId: 'b', auctionId: '', advertiser: '', durationSeconds: 4, watchedSeconds: 2 });
    expect(run([{ type: 'break-ended', breakId: 'b' }], m)).toMatchObject({ state: { status: 'none' }, ended: undefined });
  });

  it('an asset list heard after its first asset started (hls.js starts it from its own listener) names the break on screen', () => {
    const m = run([{ type: 'asset-started', breakId: 'b', durationSeconds: 4 }, { type: 'progress', seconds: 1 }, { type: 'asset-list', breakId: 'b', auctionId: 'auc_late', advertiser: 'Acme', durationSeconds: 4 }]);
    expect(m.state).toEqual({ status: 'playing', breakId: 'b', auctionId: 'auc_late', advertiser: 'Acme', durationSeconds: 4, watchedSeconds: 1 });
    expect(run([{ type: 'break-ended', breakId: 'b' }], m).ended).toEqual({ auctionId: 'auc_late', watchedSeconds: 1, reason: 'completed' });
  });

  it('the end of another break, or progress with nothing on screen, changes nothing', () => {
    const m = run([{ type: 'asset-list', breakId: 'a', auctionId: 'auc_a', advertiser: 'A', durationSeconds: 5 }, { type: 'asset-started', breakId: 'a', durationSeconds: 5 }]);
    expect(run([{ type: 'break-ended', breakId: 'z' }], m)).toBe(m);
    expect(run([{ type: 'progress', seconds: 3 }, { type: 'left' }])).toBe(initialAdBreakModel);
  });

  const breakId = fc.constantFrom('sippar-break-0', 'sippar-break-1', 'sippar-break-2');
  const event: fc.Arbitrary<AdBreakEvent> = fc.oneof(
    fc.record({ type: fc.constant('asset-list' as const), breakId, auctionId: fc.option(fc.constantFrom('auc_a', 'auc_b', 'auc_c'), { nil: undefined }), advertiser: fc.constantFrom('Acme', 'Globex <b>'), durationSeconds: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }) }),
    fc.record({ type: fc.constant('asset-started' as const), breakId, durationSeconds: fc.double({ min: 0, max: 40, noNaN: true }) }),
    fc.record({ type: fc.constant('progress' as const), seconds: fc.oneof(fc.double({ min: -5, max: 50, noNaN: true }), fc.constant(Number.NaN)) }),
    fc.record({ type: fc.constant('break-ended' as const), breakId, reason: fc.constantFrom(undefined, 'completed' as const, 'error' as const) }),
    fc.constant({ type: 'left' as const }),
  );

  it('property: watched seconds are monotone and within the ad; each sold break on screen ends exactly once, with its own auction', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        let m = initialAdBreakModel;
        const endings: AdBreakEnded[] = [];
        let onScreen: { auctionId: string; watched: number } | undefined;
        for (const e of events) {
          const before = m;
          m = adBreakStep(m, e);
          const s = m.state;
          if (m.ended !== before.ended) endings.push(m.ended!);
          if (s.status === 'playing') {
            expect(s.watchedSeconds).toBeGreaterThanOrEqual(0);
            if (s.durationSeconds > 0) expect(s.watchedSeconds).toBeLessThanOrEqual(s.durationSeconds);
            const same = before.state.status === 'playing' && before.state.breakId === s.breakId;
            if (same && before.state.status === 'playing') expect(s.watchedSeconds).toBeGreaterThanOrEqual(before.state.watchedSeconds);
            else expect(s.watchedSeconds).toBe(0);
          }
          // A break ends only from the screen, with the figures it had there.
          if (m.ended !== before.ended) {
            expect(before.state.status).toBe('playing');
            expect(onScreen && m.ended).toEqual({ auctionId: onScreen!.auctionId, watchedSeconds: onScreen!.watched, reason: m.ended!.reason });
            expect(m.ended!.auctionId).not.toBe('');
          }
          // …and a sold break that leaves the screen (content again, or another break) always ends.
          const left = before.state.status === 'playing' && (s.status !== 'playing' || s.breakId !== before.state.breakId);
          if (left && before.state.status === 'playing' && before.state.auctionId) expect(m.ended).not.toBe(before.ended);
          onScreen = s.status === 'playing' ? { auctionId: s.auctionId, watched: s.watchedSeconds } : undefined;
          if (e.type === 'left') expect(m.state.status).toBe('none');
        }
        expect(endings.every((e) => e.auctionId !== '')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
