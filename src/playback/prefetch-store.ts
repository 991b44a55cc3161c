/**
 * The page-wide store of responses requested ahead (prefetch.ts), keyed by URL, each handed to hls.js
 * once (handover-loader.ts). The classic loader and the element share it through a global symbol, so
 * a request the loader started while the page was parsing is never made twice. Apart from prefetch.ts
 * so that the hls.js session, and an element whose loader already made the requests, need not load
 * the code that makes them.
 */
export interface Prefetched {
  status: number;
  /** The URL after redirects (hls.js resolves relative URIs against it). */
  url: string;
  body: ArrayBuffer;
  /** performance.now() when the request started, its first byte and its end: hls.js's load stats. */
  start: number;
  first: number;
  end: number;
}

const KEY = Symbol.for('sippar-player.prefetch');

type Store = Map<string, Promise<Prefetched | undefined>>;

export function store(): Store {
  const g = globalThis as unknown as Record<symbol, Store | undefined>;
  return (g[KEY] ??= new Map());
}

/** The waiting response for `url`, removed from the store (a response is handed over once). */
export function takePrefetched(url: string): Promise<Prefetched | undefined> | undefined {
  const s = store();
  const entry = s.get(url);
  s.delete(url);
  return entry;
}

/** Puts a response back for the next taker: a player that fetched its manifest early offers it to hls.js when it starts. */
export function offer(url: string, entry: Promise<Prefetched | undefined>): void {
  store().set(url, entry);
}
