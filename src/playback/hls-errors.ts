import type { SipparErrorCode } from '../errors.js';

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
