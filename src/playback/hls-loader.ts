import type Hls from 'hls.js';
import type { SipparErrorCode } from '../errors.js';

export type HlsClass = typeof Hls;

/**
 * Loads hls.js lazily, from the chunk beside the bundle: hls.js/light (no subtitles, no EME,
 * 111 KB gz) for most videos, the full build (174 KB gz) when manifest-sniff.ts found subtitle
 * or caption renditions.
 */
export async function loadHls(full: boolean): Promise<HlsClass> {
  const mod = full ? await import('hls.js') : await import('hls.js/light');
  return mod.default;
}

/** Stable code for an hls.js error, from its type/details strings (no hls.js import needed). */
export function codeForHlsError(type: string, details: string, status?: number): SipparErrorCode {
  if (details === 'manifestIncompatibleCodecsError') return 'CODEC_UNSUPPORTED';
  if (details === 'manifestLoadError' || details === 'manifestLoadTimeOut') {
    return status && status >= 400 && status < 500 ? 'MANIFEST_NOT_FOUND' : 'NETWORK_ERROR';
  }
  if (details === 'manifestParsingError' || details === 'levelEmptyError') return 'MANIFEST_INVALID';
  if (details === 'fragParsingError' || details === 'bufferAppendError') return 'SEGMENT_DECODE';
  if (type === 'networkError') return 'NETWORK_ERROR';
  if (type === 'mediaError') return 'MEDIA_DECODE';
  return 'MEDIA_DECODE';
}
