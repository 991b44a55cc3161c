import { describe, it, expect } from 'vitest';

describe('SSR', () => {
  it('imports the package entry in Node without a DOM and without throwing', async () => {
    expect(typeof (globalThis as Record<string, unknown>)['document']).toBe('undefined');
    const mod = await import('../../../src/index.js');
    expect(typeof mod.SipparPlayer).toBe('function');
    expect(mod.playbackDebug.liveEngines).toBe(0);
  });
});
