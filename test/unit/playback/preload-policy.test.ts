import { describe, expect, it } from 'vitest';
import { loadDepth, prefetchSegments } from '../../../src/playback/preload-policy.js';

describe('loadDepth follows <video> preload', () => {
  it('defaults to the manifest only (metadata), for a missing or unknown value', () => {
    expect(loadDepth(undefined, false)).toBe('manifest');
    expect(loadDepth(null, false)).toBe('manifest');
    expect(loadDepth('metadata', false)).toBe('manifest');
    expect(loadDepth('whatever', false)).toBe('manifest');
  });
  it('none loads nothing; auto and the empty string buffer', () => {
    expect(loadDepth('none', false)).toBe('none');
    expect(loadDepth(' NONE ', false)).toBe('none');
    expect(loadDepth('auto', false)).toBe('buffer');
    expect(loadDepth('', false)).toBe('buffer');
  });
  it('autoplay overrides preload, as on <video>', () => {
    expect(loadDepth('none', true)).toBe('buffer');
    expect(loadDepth('metadata', true)).toBe('buffer');
  });
  it('prefetches segments only for a free player that buffers', () => {
    expect(prefetchSegments('buffer', null)).toBe(true);
    expect(prefetchSegments('buffer', '0')).toBe(true);
    expect(prefetchSegments('buffer', '0.001')).toBe(false);
    expect(prefetchSegments('manifest', null)).toBe(false);
  });
});
