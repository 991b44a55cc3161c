/**
 * Which engine plays a source. MSE through hls.js wherever MediaSource (or Safari's
 * ManagedMediaSource) exists; native HLS only without MSE, because Chromium ≥ 141 answers "maybe"
 * to canPlayType(HLS) but fails on some streams. Anything else is a file the <video> plays itself.
 */
export type Engine = 'hls' | 'native' | 'file';

export interface EngineEnv {
  hasMse: boolean;
  nativeHls: boolean;
}

export function isHlsUrl(url: URL): boolean {
  return /\.m3u8$/i.test(url.pathname) || /mpegurl/i.test(url.searchParams.get('type') ?? '');
}

export function chooseEngine(url: URL, env: EngineEnv): Engine {
  if (!isHlsUrl(url)) return 'file';
  if (env.hasMse) return 'hls';
  return env.nativeHls ? 'native' : 'hls';
}

export function browserEnv(video: HTMLVideoElement): EngineEnv {
  const w = globalThis as Record<string, unknown>;
  return {
    hasMse: typeof w['ManagedMediaSource'] === 'function' || typeof w['MediaSource'] === 'function',
    nativeHls: video.canPlayType('application/vnd.apple.mpegurl') !== '',
  };
}

/** Parses `src` against the page; undefined when it is not a usable http(s)/blob URL. */
export function parseSrc(src: string, base: string): URL | undefined {
  try {
    const url = new URL(src, base);
    return /^(https?|blob|data):$/.test(url.protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}
