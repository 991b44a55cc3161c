/**
 * Media keys and their releases in memory (the MediaKeyStorage part of memory-storage.ts), with the same
 * guard as SQLite and PostgreSQL. Browser-safe: no Node imports.
 */
import { WriteConflict, type KeyRelease, type KeyReleaseContext, type MediaKey } from './storage.js';

interface BilledSession {
  principal: string;
  contentId: string;
  billedSeconds: number;
}

const same = (a: MediaKey, b: MediaKey) =>
  a.startMs === b.startMs && a.endMs === b.endMs && a.key.length === b.key.length && a.key.every((x, i) => x === b.key[i]);

export class MemoryMediaKeys {
  /** contentId → index → key. */
  readonly keys = new Map<string, Map<number, MediaKey>>();
  /** `${principal} ${contentId}` → indexes released. */
  readonly releases = new Map<string, Set<number>>();

  constructor(private readonly sessions: () => Iterable<BilledSession>) {}

  put(contentId: string, keys: readonly MediaKey[]): void {
    const old = this.keys.get(contentId) ?? new Map<number, MediaKey>();
    const next = new Map(keys.map((k) => [k.index, { ...k, key: k.key.slice() }]));
    const stale = [...old.keys()].filter((i) => !next.has(i) || !same(old.get(i)!, next.get(i)!));
    for (const [who, set] of this.releases) if (who.endsWith(` ${contentId}`)) for (const i of stale) set.delete(i);
    this.keys.set(contentId, next);
  }

  context(principal: string, contentId: string, index: number): KeyReleaseContext {
    const title = this.keys.get(contentId);
    const held = this.releases.get(`${principal} ${contentId}`) ?? new Set<number>();
    let billedSeconds = 0;
    for (const s of this.sessions()) if (s.principal === principal && s.contentId === contentId) billedSeconds += s.billedSeconds;
    let releasedMs = 0;
    for (const i of held) {
      const k = title?.get(i);
      if (k) releasedMs += k.endMs - k.startMs;
    }
    const starts = title ? [...title.values()].map((k) => k.startMs) : [];
    return {
      key: title?.get(index),
      clearMs: starts.length ? Math.min(...starts) : 0,
      billedSeconds,
      released: held.has(index),
      releasedMs,
      releases: held.size,
    };
  }

  record(r: KeyRelease, expectReleases: number): void {
    const who = `${r.principal} ${r.contentId}`;
    const held = this.releases.get(who) ?? new Set<number>();
    if (held.has(r.index)) return;
    if (held.size !== expectReleases) throw new WriteConflict(`${who} now holds ${held.size} keys, not ${expectReleases}`);
    held.add(r.index);
    this.releases.set(who, held);
  }
}
