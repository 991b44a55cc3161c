/**
 * A title's ad settings: the catalog's `ads` field (plan-s3.md; docs/ADS.md §Catalog), validated here, and
 * read through `AdCatalog` so that the catalog store (another branch) can serve them without this module
 * knowing where they live. `MemoryAdCatalog` is the stand-in until then, and what tests use.
 */
import { isUint } from '../../src/payments/tick.js';

export interface AdBreak {
  /** Position in the title, seconds (0 = pre-roll). */
  atSeconds: number;
  /** Longest ad this break takes, seconds. */
  maxSeconds: number;
}

export interface AdSettings {
  /** Explicit breaks, by index… */
  breaks?: AdBreak[];
  /** …or one every `seconds` (break k at (k + 1) × seconds), up to `count` breaks. */
  every?: { seconds: number; maxSeconds: number; count: number };
  /** µALGO per ad second under which no bid wins (OpenRTB's mincpmpersec, per second). */
  floorMicroAlgosPerSecond: number;
  targeting: { categories: string[]; tags: string[]; language?: string; rating?: string };
  /** Ad revenue split in basis points; sums to 10 000. `viewerBps` is a discount credit to the viewer. */
  split: { creatorBps: number; platformBps: number; viewerBps: number };
  /** The player plays an unwatched break before seeking past it (the player's concern; passed through). */
  playUnwatchedBreaks: boolean;
}

export interface AdCatalog {
  /** The ad settings of a title; undefined when it has none (no breaks). */
  adSettings(contentId: string): Promise<AdSettings | undefined>;
  /** The title's public HLS playlist URL (the catalog's `media.src`): the API serves it with its breaks. */
  mediaSrc?(contentId: string): Promise<string | undefined>;
}

export class MemoryAdCatalog implements AdCatalog {
  private readonly titles = new Map<string, AdSettings>();
  private readonly media = new Map<string, string>();
  constructor(entries: Iterable<[string, unknown, string?]> = []) {
    for (const [id, ads, src] of entries) this.set(id, ads, src);
  }
  set(contentId: string, ads: unknown, mediaSrc?: string): void {
    this.titles.set(contentId, parseAdSettings(ads));
    if (mediaSrc === undefined) this.media.delete(contentId);
    else this.media.set(contentId, mediaSrc);
  }
  delete(contentId: string): void {
    this.titles.delete(contentId);
    this.media.delete(contentId);
  }
  async adSettings(contentId: string): Promise<AdSettings | undefined> {
    return this.titles.get(contentId);
  }
  async mediaSrc(contentId: string): Promise<string | undefined> {
    return this.media.get(contentId);
  }
}

/** The catalog file's shape (`{titles:[{contentId, media?:{src}, ads?}]}`): the titles that carry `ads`. */
export function adCatalogFromCatalogJson(json: unknown): MemoryAdCatalog {
  const titles = (json as { titles?: unknown })?.titles;
  if (!Array.isArray(titles)) throw new TypeError('catalog: titles must be an array');
  const entries: [string, unknown, string?][] = [];
  for (const t of titles as Array<{ contentId?: unknown; ads?: unknown; media?: { src?: unknown } }>) {
    const src = typeof t?.media?.src === 'string' ? t.media.src : undefined;
    if (t?.ads !== undefined && typeof t.contentId === 'string') entries.push([t.contentId, t.ads, src]);
  }
  return new MemoryAdCatalog(entries);
}

/** The break at `index`, or undefined when the title has no such break. */
export function resolveBreak(s: AdSettings, index: number): AdBreak | undefined {
  if (!Number.isSafeInteger(index) || index < 0) return undefined;
  if (s.breaks) return s.breaks[index];
  if (s.every && index < s.every.count) return { atSeconds: (index + 1) * s.every.seconds, maxSeconds: s.every.maxSeconds };
  return undefined;
}

const TEXT = /^[\p{L}\p{N} ._:/-]{1,64}$/u;
const MAX_BREAK_SECONDS = 600;

function textList(v: unknown, name: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length > 32 || !v.every((x) => typeof x === 'string' && TEXT.test(x))) throw new TypeError(`ads.${name} must be a list of short texts`);
  return [...v] as string[];
}

const uint = (v: unknown, name: string, min: number, max: number): number => {
  if (!isUint(v) || v < min || v > max) throw new TypeError(`ads.${name} must be an integer ${min}…${max}`);
  return v;
};

/** Throws TypeError naming the first bad field; returns the settings with defaults filled in. */
export function parseAdSettings(input: unknown): AdSettings {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError('ads must be an object');
  const a = input as Record<string, unknown>;
  const out: AdSettings = {
    floorMicroAlgosPerSecond: uint(a.floorMicroAlgosPerSecond ?? 0, 'floorMicroAlgosPerSecond', 0, 1e9),
    targeting: { categories: [], tags: [] },
    split: { creatorBps: 7_000, platformBps: 3_000, viewerBps: 0 },
    playUnwatchedBreaks: a.playUnwatchedBreaks === undefined ? true : a.playUnwatchedBreaks === true,
  };
  if (a.playUnwatchedBreaks !== undefined && typeof a.playUnwatchedBreaks !== 'boolean') throw new TypeError('ads.playUnwatchedBreaks must be boolean');
  if ((a.breaks === undefined) === (a.every === undefined)) throw new TypeError('ads needs exactly one of breaks or every');
  if (a.breaks !== undefined) {
    if (!Array.isArray(a.breaks) || a.breaks.length === 0 || a.breaks.length > 100) throw new TypeError('ads.breaks must be a list of 1…100 breaks');
    out.breaks = a.breaks.map((b: Record<string, unknown>, i) => ({
      atSeconds: uint(b?.atSeconds, `breaks[${i}].atSeconds`, 0, 1e7),
      maxSeconds: uint(b?.maxSeconds, `breaks[${i}].maxSeconds`, 1, MAX_BREAK_SECONDS),
    }));
  } else {
    const e = a.every as Record<string, unknown>;
    out.every = {
      seconds: uint(e?.seconds, 'every.seconds', 30, 1e7),
      maxSeconds: uint(e?.maxSeconds, 'every.maxSeconds', 1, MAX_BREAK_SECONDS),
      count: uint(e?.count ?? 100, 'every.count', 1, 1000),
    };
  }
  const t = (a.targeting ?? {}) as Record<string, unknown>;
  out.targeting = { categories: textList(t.categories, 'targeting.categories'), tags: textList(t.tags, 'targeting.tags') };
  for (const k of ['language', 'rating'] as const) {
    if (t[k] === undefined) continue;
    if (typeof t[k] !== 'string' || !TEXT.test(t[k] as string)) throw new TypeError(`ads.targeting.${k} must be a short text`);
    out.targeting[k] = t[k] as string;
  }
  if (a.split !== undefined) {
    const s = a.split as Record<string, unknown>;
    out.split = {
      creatorBps: uint(s?.creatorBps ?? 0, 'split.creatorBps', 0, 10_000),
      platformBps: uint(s?.platformBps ?? 0, 'split.platformBps', 0, 10_000),
      viewerBps: uint(s?.viewerBps ?? 0, 'split.viewerBps', 0, 10_000),
    };
    if (out.split.creatorBps + out.split.platformBps + out.split.viewerBps !== 10_000) throw new TypeError('ads.split must sum to 10000 bps');
  }
  return out;
}
