import type Hls from 'hls.js';
import type { SipparErrorCode } from '../errors.js';

export type HlsClass = typeof Hls;

/**
 * Loads hls.js lazily, from the chunk beside the bundle. hls.js/light (no subtitles, no EME,
 * 111 KB gz) serves most videos; the full build (174 KB gz) only when the manifest declares
 * subtitle or caption renditions, which we learn by reading the manifest first. That read is a
 * few hundred bytes, it tells a 404 apart before any engine loads, and it avoids starting light
 * then swapping engines mid-play.
 */
export interface ManifestSniff {
  status: number;
  captions: boolean;
}

export async function sniffManifest(url: string, signal: AbortSignal): Promise<ManifestSniff> {
  try {
    const res = await fetch(url, { signal, credentials: 'same-origin' });
    if (!res.ok) return { status: res.status, captions: false };
    const text = await res.text();
    return { status: res.status, captions: /TYPE=(SUBTITLES|CLOSED-CAPTIONS)/.test(text) };
  } catch (error) {
    if (signal.aborted) throw error;
    // No answer (offline, CORS): status 0; hls.js will try again and report properly.
    return { status: 0, captions: false };
  }
}

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
