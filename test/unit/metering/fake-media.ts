import { Meter, type MeterOptions } from '../../../src/metering/meter.js';
import type { MeterTick, PlayStatus } from '../../../src/metering/meter-store.js';

export interface FakeMedia {
  mediaTime: number;
  playbackRate: number;
  status: PlayStatus;
  ticks: MeterTick[];
  meter: Meter;
  sample(): MeterTick[];
  set(status: PlayStatus): MeterTick[];
  pass(seconds: number, advancing?: boolean): void;
  run(seconds: number, step?: number): void;
  readonly wall: number;
}

/** A fake wall clock and media clock driving a Meter the way MeterController does. */
export function fakeMedia(opts: Omit<MeterOptions, 'now'> = {}): FakeMedia {
  let wall = 0;
  const m: FakeMedia = {
    mediaTime: 0,
    playbackRate: 1,
    status: 'idle' as PlayStatus,
    ticks: [] as MeterTick[],
    meter: undefined as unknown as Meter,
    sample() {
      const t = m.meter.sample({ mediaTime: m.mediaTime, playbackRate: m.playbackRate, status: m.status });
      m.ticks.push(...t);
      return t;
    },
    set(status: PlayStatus) { m.status = status; return m.sample(); },
    /** Let `seconds` of wall time pass; media advances only when `advancing` (default: while playing). */
    pass(seconds: number, advancing = m.status === 'playing') {
      wall += seconds * 1000;
      if (advancing) m.mediaTime += seconds * m.playbackRate;
    },
    /** Play for `seconds` of wall time with a sample every `step` seconds (timeupdate is ~0.25 s). */
    run(seconds: number, step = 0.25) {
      for (let t = 0; t < seconds - 1e-9; t += step) { m.pass(Math.min(step, seconds - t)); m.sample(); }
    },
    get wall() { return wall; },
  };
  m.meter = new Meter({ ...opts, now: () => wall });
  return m;
}
