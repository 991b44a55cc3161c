import { describe, it, expect } from 'vitest';
import { chooseEngine, parseSrc } from '../../../src/playback/engine.js';
import { codeForHlsError } from '../../../src/playback/hls-errors.js';

const base = 'https://example.test/page/';

describe('chooseEngine', () => {
  const hls = parseSrc('/v/index.m3u8', base)!;
  it('uses MSE wherever it exists, even when native HLS says maybe', () => {
    expect(chooseEngine(hls, { hasMse: true, nativeHls: true })).toBe('hls');
  });
  it('uses native HLS only without MSE', () => {
    expect(chooseEngine(hls, { hasMse: false, nativeHls: true })).toBe('native');
  });
  it('plays files without hls.js', () => {
    expect(chooseEngine(parseSrc('clip.mp4', base)!, { hasMse: true, nativeHls: false })).toBe('file');
  });
});

describe('parseSrc', () => {
  it('resolves relative URLs and refuses unusable ones', () => {
    expect(parseSrc('a.m3u8', base)?.href).toBe('https://example.test/page/a.m3u8');
    expect(parseSrc('http://[bad', base)).toBeUndefined();
    expect(parseSrc('javascript:alert(1)', base)).toBeUndefined();
  });
});

describe('codeForHlsError', () => {
  it('maps hls.js details to stable codes', () => {
    expect(codeForHlsError('networkError', 'manifestLoadError', 404)).toBe('MANIFEST_NOT_FOUND');
    expect(codeForHlsError('networkError', 'manifestLoadError', 0)).toBe('NETWORK_ERROR');
    expect(codeForHlsError('mediaError', 'manifestIncompatibleCodecsError')).toBe('CODEC_UNSUPPORTED');
    expect(codeForHlsError('mediaError', 'fragParsingError')).toBe('SEGMENT_DECODE');
    expect(codeForHlsError('mediaError', 'bufferStalledError')).toBe('MEDIA_DECODE');
    expect(codeForHlsError('networkError', 'fragLoadError', 503)).toBe('NETWORK_ERROR');
  });
});
