/**
 * Load → decide (key-release-rules.ts) → record, for one key request, on any MediaKeyStorage. The record's
 * guard (the count of the viewer's releases of the title) makes concurrent requests of one viewer decide
 * one after another: a request that lost the race loads and decides again.
 */
import { decideKeyRelease, type KeyReleaseDecision } from './key-release-rules.js';
import { WriteConflict, type MediaKey, type MediaKeyStorage } from './storage.js';

const MAX_ATTEMPTS = 8;

export interface KeyAsk {
  principal: string;
  contentId: string;
  index: number;
  sessionId: string;
  now: number;
  leadSeconds: number;
}

/** undefined: no such key. Otherwise the decision, with the key when released. */
export async function releaseKey(store: MediaKeyStorage, a: KeyAsk): Promise<(KeyReleaseDecision & { key?: MediaKey }) | undefined> {
  for (let attempt = 1; ; attempt++) {
    const ctx = await store.keyRelease(a.principal, a.contentId, a.index);
    if (!ctx.key) return undefined;
    const d = decideKeyRelease({ ...ctx, key: ctx.key }, a.leadSeconds);
    if (!d.release) return d;
    if (d.fresh) {
      try {
        await store.recordKeyRelease({ principal: a.principal, contentId: a.contentId, index: a.index, sessionId: a.sessionId, at: a.now }, ctx.releases);
      } catch (e) {
        if (e instanceof WriteConflict && attempt < MAX_ATTEMPTS) continue;
        throw e;
      }
    }
    return { ...d, key: ctx.key };
  }
}
