/**
 * Reads the manifest before any engine loads: a few hundred bytes that tell a 404 apart at once
 * and say whether it declares subtitle/caption renditions (then the full hls.js, else light).
 * Choosing up front avoids starting hls.js/light and swapping engines mid-play.
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

