import { describe, it, expect } from 'vitest';
import { fakeMedia } from './fake-media.js';

const RATE = 1000; // 0.001 ALGO/s

describe('Meter', () => {
  it('counts nothing before play and nothing while paused', () => {
    const m = fakeMedia({ rateMicroAlgos: RATE });
    m.pass(5); m.sample();
    m.set('paused'); m.pass(30); m.sample();
    expect(m.ticks).toEqual([]);
    expect(m.meter.state.watchedSeconds).toBe(0);
  });

  it('bills each whole second of playing with seq and cumulative totals', () => {
    const m = fakeMedia({ rateMicroAlgos: RATE });
    m.set('playing'); m.run(3.5);
    expect(m.ticks.map((t) => [t.seq, t.seconds, t.microAlgos, t.totalMicroAlgos])).toEqual([
      [1, 1, 1000, 1000], [2, 2, 1000, 2000], [3, 3, 1000, 3000],
    ]);
    expect(m.ticks.map((t) => t.mediaTime)).toEqual([1, 2, 3]);
    m.set('paused'); m.pass(10); m.sample();
    expect(m.meter.state).toMatchObject({ status: 'paused', billedSeconds: 3, totalMicroAlgos: 3000, watchedSeconds: 3 });
    m.set('playing'); m.run(0.5);
    expect(m.ticks.length).toBe(4); // 3.5 + 0.5: the half seconds on both sides of a pause add up
  });

  it('stops counting at pause: time after the pause event is not billed', () => {
    const m = fakeMedia({ rateMicroAlgos: RATE });
    m.set('playing'); m.run(2.75);
    m.set('paused'); m.pass(100, true); m.sample(); // a media clock that lies while paused changes nothing
    expect(m.meter.state.billedSeconds).toBe(2);
  });

  it('does not count while waiting (stalled)', () => {
    const m = fakeMedia({ rateMicroAlgos: RATE });
    m.set('playing'); m.run(2);
    m.set('waiting'); m.pass(20); m.sample();
    m.set('playing'); m.run(1);
    expect(m.meter.state.billedSeconds).toBe(3);
  });

  it('treats a seek as a jump, not watching, and counts re-watched content again', () => {
    const m = fakeMedia({ rateMicroAlgos: RATE });
    m.set('playing'); m.run(5);
    m.mediaTime = 60; m.set('seeking'); m.pass(0.5); m.sample();
    m.set('playing'); // seeked while playing
    m.run(2);
    m.mediaTime = 0; m.set('seeking'); m.set('playing'); m.run(3); // back to the start: watched again
    expect(m.meter.state.billedSeconds).toBe(10);
  });

  it('does not count a small forward seek that a jump rule alone would let through', () => {
    const m = fakeMedia({ rateMicroAlgos: RATE });
    m.set('playing'); m.run(30); // long enough for the carried allowance to be full
    m.mediaTime += 1.5; m.set('seeking'); m.pass(0.05); m.set('playing');
    m.run(0.5);
    m.set('paused');
    expect(m.meter.state.watchedSeconds).toBe(30);
  });

  it('discards a jump that arrives without a seeking event', () => {
    const m = fakeMedia({ rateMicroAlgos: RATE });
    m.set('playing'); m.run(1);
    m.pass(0.25); m.mediaTime += 30; m.sample();
    m.run(1);
    expect(m.meter.state.billedSeconds).toBe(2);
  });

  it('counts nothing after ended, error or removal', () => {
    for (const end of ['ended', 'error', 'idle'] as const) {
      const m = fakeMedia({ rateMicroAlgos: RATE });
      m.set('playing'); m.run(2);
      m.set(end); m.pass(10, true); m.sample();
      expect(m.meter.state.billedSeconds).toBe(2);
      expect(m.meter.state.status).toBe(end);
    }
  });

  it('counts content seconds at 2× and 0.5×', () => {
    const m = fakeMedia({ rateMicroAlgos: RATE });
    m.set('playing');
    m.playbackRate = 2; m.sample(); m.run(5); // 10 content seconds in 5 wall seconds
    expect(m.meter.state.billedSeconds).toBe(10);
    m.playbackRate = 0.5; m.sample(); m.run(4); // 2 more
    expect(m.meter.state.billedSeconds).toBe(12);
  });

  it('never credits more than the wall clock allows at the current rate', () => {
    const m = fakeMedia({ rateMicroAlgos: RATE });
    m.set('playing'); m.run(1);
    m.pass(1); m.mediaTime += 0.8; m.sample(); // media ran 1.8 s in 1 s of wall at 1×: allowance 1.05 s
    expect(m.meter.state.watchedSeconds).toBe(2);
  });

  it('catches up after a timer 60 s late (hidden tab) with 60 ticks, none lost or doubled', () => {
    const m = fakeMedia({ rateMicroAlgos: RATE });
    m.set('playing'); m.run(1, 1);
    m.pass(60); m.sample();
    expect(m.ticks.map((t) => t.seq)).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
    expect(m.ticks.at(-1)!.totalMicroAlgos).toBe(61 * RATE);
    expect(m.ticks[30]!.mediaTime).toBe(31);
    m.sample(); // the same instant again: nothing new
    expect(m.ticks.length).toBe(61);
  });

  it('does not count a video that claims to play while its time does not advance', () => {
    const m = fakeMedia({ rateMicroAlgos: RATE });
    m.set('playing');
    for (let i = 0; i < 40; i++) { m.pass(0.25, false); m.sample(); }
    expect(m.meter.state.watchedSeconds).toBe(0);
  });

  it('starts a new session on reset (src change)', () => {
    const m = fakeMedia({ rateMicroAlgos: RATE });
    m.set('playing'); m.run(3);
    m.meter.reset(); m.ticks.length = 0; m.mediaTime = 0;
    expect(m.meter.state).toMatchObject({ status: 'idle', billedSeconds: 0, totalMicroAlgos: 0, lastTick: null });
    m.set('playing'); m.run(1);
    expect(m.ticks.map((t) => t.seq)).toEqual([1]);
  });

  it('is free when the rate is 0: watched time, no ticks', () => {
    const m = fakeMedia({ rateMicroAlgos: 0 });
    m.set('playing'); m.run(5);
    expect(m.ticks).toEqual([]);
    expect(m.meter.state).toMatchObject({ watchedSeconds: 5, billedSeconds: 0, totalMicroAlgos: 0 });
  });

  it('gives preview seconds free, then bills from seq 1', () => {
    const m = fakeMedia({ rateMicroAlgos: RATE, previewSeconds: 3 });
    m.set('playing'); m.run(2);
    expect(m.ticks).toEqual([]);
    expect(m.meter.state).toMatchObject({ previewUsed: 2, watchedSeconds: 2 });
    m.run(2);
    expect(m.ticks.map((t) => [t.seq, t.totalMicroAlgos, t.mediaTime])).toEqual([[1, 1000, 4]]);
    expect(m.meter.state).toMatchObject({ previewUsed: 3, watchedSeconds: 4, billedSeconds: 1 });
  });

  it('warns at 90 % of the budget and reaches it when the next second would pass it', () => {
    const m = fakeMedia({ rateMicroAlgos: RATE, budgetMicroAlgos: 10_500 });
    m.set('playing'); m.run(9);
    expect(m.meter.state.budgetState).toBe('ok'); // 9000 < 9450
    m.run(1);
    expect(m.meter.state).toMatchObject({ budgetState: 'reached', totalMicroAlgos: 10_000 });
    m.run(3); // the pause takes a moment to land: nothing past the budget is billed
    expect(m.meter.state.totalMicroAlgos).toBe(10_000);
    m.set('paused');
    m.meter.raiseBudget(10_500);
    // The 3 s watched before the pause landed are billed now that the budget allows.
    expect(m.meter.state).toMatchObject({ budgetState: 'ok', budgetMicroAlgos: 21_000, totalMicroAlgos: 13_000 });
    m.set('playing'); m.run(6);
    expect(m.meter.state).toMatchObject({ budgetState: 'warning', totalMicroAlgos: 19_000 });
  });

  it('budget ≥ 90 % is a warning', () => {
    const m = fakeMedia({ rateMicroAlgos: RATE, budgetMicroAlgos: 10_000 });
    m.set('playing'); m.run(9);
    expect(m.meter.state.budgetState).toBe('warning');
  });

  it('writes the store at most once per second or state change, not per timeupdate', () => {
    const m = fakeMedia({ rateMicroAlgos: RATE });
    let writes = 0;
    m.meter.store.listen(() => writes++);
    m.set('playing'); m.run(10);
    expect(writes).toBe(11);
  });
});
