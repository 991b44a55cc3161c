import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { fakeMedia } from './fake-media.js';

/**
 * Random sessions against a simulated media clock. The simulation knows the truth (content seconds
 * that advanced while playing); the meter only sees samples, as in the browser: a timeupdate every
 * 0.25 s while visible, a timer 1–60 s late while hidden, and one sample per state event.
 */
type Cmd =
  | { k: 'play' } | { k: 'pause' } | { k: 'wait' } | { k: 'hidden' } | { k: 'visible' }
  | { k: 'seek'; to: number } | { k: 'seekBy'; by: number } | { k: 'rate'; r: number } | { k: 'advance'; dt: number; delay: number };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.constant({ k: 'play' as const }),
  fc.constant({ k: 'pause' as const }),
  fc.constant({ k: 'wait' as const }),
  fc.constant({ k: 'hidden' as const }),
  fc.constant({ k: 'visible' as const }),
  fc.record({ k: fc.constant('seek' as const), to: fc.double({ min: 0, max: 600, noNaN: true }) }),
  // Small seeks, which no jump rule could tell from watching: only the seeking state can.
  fc.record({ k: fc.constant('seekBy' as const), by: fc.double({ min: -2, max: 2, noNaN: true }) }),
  fc.record({ k: fc.constant('rate' as const), r: fc.constantFrom(0.25, 0.5, 1, 1.25, 1.5, 2) }),
  { arbitrary: fc.record({ k: fc.constant('advance' as const), dt: fc.double({ min: 0, max: 30, noNaN: true }), delay: fc.integer({ min: 1, max: 60 }) }), weight: 6 },
);

function simulate(cmds: Cmd[], rate: number, previewSeconds: number) {
  const m = fakeMedia({ rateMicroAlgos: rate, previewSeconds });
  let watched = 0; // truth: content seconds advanced while playing
  let unsampled = 0; // content watched since the last sample; a seek throws it away
  let lostAtSeeks = 0;
  let hidden = false;
  const sample = () => { m.sample(); unsampled = 0; };
  for (const c of cmds) {
    switch (c.k) {
      case 'play': case 'pause': case 'wait':
        m.status = c.k === 'play' ? 'playing' : c.k === 'pause' ? 'paused' : 'waiting'; sample(); break;
      case 'hidden': case 'visible': hidden = c.k === 'hidden'; sample(); break;
      case 'rate': m.playbackRate = c.r; sample(); break;
      case 'seek': case 'seekBy': {
        const resume = m.status;
        lostAtSeeks += unsampled;
        m.mediaTime = c.k === 'seek' ? c.to : Math.max(0, m.mediaTime + c.by); m.status = 'seeking'; sample();
        m.pass(0.05); m.status = resume; sample();
        break;
      }
      case 'advance': {
        const step = hidden ? c.delay : 0.25;
        for (let left = c.dt; left > 1e-9; left -= step) {
          const s = Math.min(step, left);
          const playing = m.status === 'playing';
          m.pass(s);
          if (playing) {
            watched += s * m.playbackRate; unsampled += s * m.playbackRate;
            if (s === step) sample(); // a timeupdate or a (late) timer; no samples while paused
          }
        }
      }
    }
  }
  m.status = 'paused'; sample(); // the session ends with a pause, which samples
  return { m, watched, lostAtSeeks };
}

describe('Meter (property)', () => {
  it('bills no more than was watched, at most one second less, with gapless ticks', () => {
    fc.assert(
      fc.property(fc.array(cmd, { maxLength: 80, size: 'max' }), fc.integer({ min: 1, max: 1_000_000 }), (cmds, rate) => {
        const { m, watched, lostAtSeeks } = simulate(cmds, rate, 0);
        const billed = m.meter.state.billedSeconds;
        const observable = watched - lostAtSeeks;
        expect(billed).toBeLessThanOrEqual(watched + 1e-9);
        expect(billed).toBeGreaterThan(observable - 1 - 1e-6);
        m.ticks.forEach((t, i) => {
          expect(t.seq).toBe(i + 1);
          expect(t.seconds).toBe(t.seq);
          expect(t.microAlgos).toBe(rate);
          expect(t.totalMicroAlgos).toBe(t.seconds * rate);
          if (i > 0) expect(t.totalMicroAlgos).toBeGreaterThan(m.ticks[i - 1]!.totalMicroAlgos);
        });
        expect(m.ticks.length).toBe(billed);
        expect(m.meter.state.totalMicroAlgos).toBe(billed * rate);
      }),
      { numRuns: 500 },
    );
  });

  it('without seeks, it never falls more than one second behind', () => {
    const noSeek = cmd.filter((c) => c.k !== 'seek' && c.k !== 'seekBy');
    fc.assert(
      fc.property(fc.array(noSeek, { maxLength: 80, size: 'max' }), (cmds) => {
        const { m, watched } = simulate(cmds, 1000, 0);
        const billed = m.meter.state.billedSeconds;
        expect(billed).toBeLessThanOrEqual(watched + 1e-9);
        expect(billed).toBeGreaterThan(watched - 1 - 1e-6);
      }),
      { numRuns: 500 },
    );
  });

  it('preview seconds come first and are never billed', () => {
    fc.assert(
      fc.property(fc.array(cmd, { maxLength: 60, size: 'max' }), fc.integer({ min: 0, max: 120 }), (cmds, preview) => {
        const { m, watched } = simulate(cmds, 1000, preview);
        const st = m.meter.state;
        expect(st.previewUsed).toBe(Math.min(preview, st.watchedSeconds));
        expect(st.billedSeconds).toBe(Math.max(0, st.watchedSeconds - preview));
        expect(st.previewUsed + st.billedSeconds).toBeLessThanOrEqual(watched + 1e-9);
      }),
      { numRuns: 300 },
    );
  });
});

describe('Meter (property, clock jitter)', () => {
  it('loses nothing when media and wall clocks are read at slightly different moments', () => {
    // Each sample sees the media clock lag the wall clock by a fresh 0–80 ms: a timer that wakes just
    // before the media position moves, then a timeupdate just after.
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 0.08, noNaN: true }), { minLength: 100, maxLength: 400 }), fc.constantFrom(0.5, 1, 2), (lags, rate) => {
        const m = fakeMedia({ rateMicroAlgos: 1000 });
        m.playbackRate = rate;
        m.set('playing');
        let wallS = 0;
        for (const lag of lags) {
          wallS += 0.25;
          m.pass(0.25, false);
          m.mediaTime = Math.max(m.mediaTime, (wallS - lag) * rate);
          m.sample();
        }
        const watched = m.mediaTime;
        const billed = m.meter.state.billedSeconds;
        expect(billed).toBeLessThanOrEqual(watched + 1e-9);
        expect(billed).toBeGreaterThan(watched - 1 - 1e-6);
      }),
      { numRuns: 300 },
    );
  });
});
