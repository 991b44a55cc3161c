import { describe, it, expect } from 'vitest';
import { MediaRecovery } from '../../../src/playback/media-recovery.js';

describe('MediaRecovery', () => {
  it('recovers, then swaps codec and recovers, then gives up when errors come fast', () => {
    let now = 0;
    const r = new MediaRecovery(() => now, 3000);
    const seen = [r.onFatal(), (now += 500, r.onFatal()), (now += 500, r.onFatal())];
    expect(seen).toEqual(['recover', 'swap-and-recover', 'give-up']);
  });

  it('keeps recovering errors that are far apart', () => {
    let now = 0;
    const r = new MediaRecovery(() => now, 3000);
    const seen = [0, 1, 2, 3].map(() => { now += 5000; return r.onFatal(); });
    expect(seen).toEqual(['recover', 'recover', 'recover', 'recover']);
  });
});
