import { createDecipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encryptSegment, gatedPlaylist, parsePlaylist, planKeys, sequenceIv } from '../../../server/packaging/encrypted-hls.js';

const FFMPEG = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-MAP:URI="init.mp4"
${Array.from({ length: 10 }, (_, i) => `#EXTINF:${i === 9 ? '1.480000' : '2.000000'},\nseg${i}.m4s`).join('\n')}
#EXT-X-ENDLIST
`;

describe('encrypted HLS packaging', () => {
  it('reads ffmpeg’s playlist: header through EXT-X-MAP, segments with their durations', () => {
    const p = parsePlaylist(FFMPEG);
    expect(p.header.at(-1)).toBe('#EXT-X-MAP:URI="init.mp4"');
    expect(p.segments).toHaveLength(10);
    expect(p.segments[9]).toEqual({ uri: 'seg9.m4s', durationMs: 1480 });
    expect(() => parsePlaylist(FFMPEG.replace('#EXT-X-MAP', '#EXT-X-KEY:METHOD=AES-128,URI="k"\n#EXT-X-MAP'))).toThrow(/already encrypted/);
  });

  it('keeps the preview clear, rounded up to whole segments, and rotates a key every N segments', () => {
    const { segments } = parsePlaylist(FFMPEG);
    const plan = planKeys(segments, 5, 3);
    expect(plan.clearSegments).toBe(3);
    expect(plan.clearMs).toBe(6000);
    expect(plan.keys).toEqual([
      { index: 0, startMs: 6000, endMs: 12000 },
      { index: 1, startMs: 12000, endMs: 18000 },
      { index: 2, startMs: 18000, endMs: 19480 },
    ]);
    expect(planKeys(segments, 0, 3).clearSegments).toBe(0);
    expect(planKeys(segments, 4, 3).clearMs).toBe(4000);
    expect(planKeys(segments, 1000, 3).keys).toEqual([]);
  });

  it('property: keys cover the encrypted media back to back, each at most N segments', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 40 }), fc.nat({ max: 120 }), fc.integer({ min: 1, max: 8 }), (durations, preview, n) => {
      const plan = planKeys(durations.map((durationMs) => ({ durationMs })), preview, n);
      const total = durations.reduce((a, b) => a + b, 0);
      expect(plan.clearMs).toBeGreaterThanOrEqual(Math.min(total, preview * 1000));
      let t = plan.clearMs;
      for (const k of plan.keys) {
        expect(k.startMs).toBe(t);
        t = k.endMs;
        expect(plan.keyOf.filter((x) => x === k.index).length).toBeLessThanOrEqual(n);
      }
      expect(t).toBe(plan.keys.length ? total : plan.clearMs);
    }));
  });

  it('writes one EXT-X-KEY per key period after the map, and AES-128-CBC that decrypts with the sequence IV', () => {
    const clear = parsePlaylist(FFMPEG);
    const text = gatedPlaylist(clear, planKeys(clear.segments, 5, 3), (i) => `https://pay.example/streaming/keys/film/${i}`);
    const lines = text.split('\n');
    expect(lines.filter((l) => l.startsWith('#EXT-X-KEY'))).toEqual([0, 1, 2].map((i) => `#EXT-X-KEY:METHOD=AES-128,URI="https://pay.example/streaming/keys/film/${i}"`));
    expect(lines.indexOf('#EXT-X-MAP:URI="init.mp4"')).toBeLessThan(lines.findIndex((l) => l.startsWith('#EXT-X-KEY')));
    expect(lines[lines.indexOf('seg2.m4s') + 1]).toMatch(/^#EXT-X-KEY.*\/0"$/);
    expect(lines.at(-2)).toBe('#EXT-X-ENDLIST');

    const key = new Uint8Array(16).fill(7);
    const data = new Uint8Array(1000).map((_, i) => i % 251);
    const enc = encryptSegment(data, key, 42);
    expect(enc.length).toBe(1008); // PKCS#7 pads to the next block
    const d = createDecipheriv('aes-128-cbc', key, sequenceIv(42));
    expect(Buffer.concat([d.update(enc), d.final()])).toEqual(Buffer.from(data));
    expect(sequenceIv(258).toString('hex')).toBe('00000000000000000000000000000102');
  });
});
