// The meter during ads (ads/ad-break.ts): no second of an ad is ever credited as content, whatever the ad's
// media clock shows, and the content seconds around it still are (but the fraction of a sample interval
// cut by the ad's start, as a seek cuts one).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Meter } from '../../../src/metering/meter.js';

type Part =
  | { k: 'content'; seconds: number }
  /** `clock`: what the <video> shows during the ad — the ad's own 0…D (hls.js's asset player), or a clock
   *  that runs on from the content's as if it were content (the worst case for a meter that reads time). */
  | { k: 'ad'; seconds: number; clock: 'ad' | 'content-like' }
  | { k: 'pause'; seconds: number };

const part: fc.Arbitrary<Part> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('content' as const), seconds: fc.double({ min: 0.05, max: 40, noNaN: true }) }), weight: 3 },
  fc.record({ k: fc.constant('ad' as const), seconds: fc.double({ min: 0.05, max: 30, noNaN: true }), clock: fc.constantFrom('ad' as const, 'content-like' as const) }),
  fc.record({ k: fc.constant('pause' as const), seconds: fc.double({ min: 0, max: 10, noNaN: true }) }),
);

function simulate(parts: Part[], step: number) {
  let wall = 0;
  let content = 0; // the title's playhead
  let truth = 0; // content seconds really played
  let cut = 0; // content seconds the start of an ad cut from the interval before it (≤ one step each)
  const meter = new Meter({ now: () => wall, rateMicroAlgos: 1, previewSeconds: 0 });
  const sample = (mediaTime: number, ad: boolean, status: 'playing' | 'paused' = 'playing') => meter.sample({ mediaTime, playbackRate: 1, status, ad });
  sample(0, false);
  let sinceSample = 0;
  for (const p of parts) {
    if (p.k === 'content') {
      for (let left = p.seconds; left > 1e-9; ) {
        const dt = Math.min(step - sinceSample, left);
        wall += dt * 1000; content += dt; truth += dt; left -= dt; sinceSample += dt;
        if (sinceSample >= step - 1e-9) { sample(content, false); sinceSample = 0; }
      }
    } else if (p.k === 'ad') {
      // The ad starts between two timeupdates: what played since the last one is lost, as at a seek.
      cut += sinceSample;
      sinceSample = 0;
      let adTime = p.clock === 'ad' ? 0 : content;
      sample(adTime, true);
      for (let left = p.seconds; left > 1e-9; left -= step) {
        const dt = Math.min(step, left);
        wall += dt * 1000; adTime += dt;
        sample(adTime, true);
      }
      // The title resumes where it stopped (X-RESUME-OFFSET=0).
      sample(content, false);
    } else {
      sample(content, false, 'paused');
      wall += p.seconds * 1000;
      sample(content, false, 'playing');
    }
  }
  return { meter, truth, cut };
}

describe('the meter during ads', () => {
  it('property: credited content ≤ content played, ≥ content played − what ad starts cut; never an ad second', () => {
    fc.assert(
      fc.property(fc.array(part, { maxLength: 25 }), fc.constantFrom(0.25, 0.1, 0.5, 1), (parts, step) => {
        const { meter, truth, cut } = simulate(parts, step);
        const credited = meter.state.watchedSeconds;
        expect(credited).toBeLessThanOrEqual(Math.floor(truth + 1e-6));
        expect(credited).toBeGreaterThanOrEqual(Math.floor(truth - cut - 1e-6) - 1);
      }),
      { numRuns: 400 },
    );
  });

  it('example: 10 s of title, a 30 s ad whose clock looks like the title\'s, 10 s more: 20 s credited', () => {
    const { meter } = simulate([{ k: 'content', seconds: 10 }, { k: 'ad', seconds: 30, clock: 'content-like' }, { k: 'content', seconds: 10 }], 0.25);
    expect(meter.state.watchedSeconds).toBe(20);
    const adOnly = simulate([{ k: 'ad', seconds: 30, clock: 'content-like' }], 0.25);
    expect(adOnly.meter.state.watchedSeconds).toBe(0);
  });
});
