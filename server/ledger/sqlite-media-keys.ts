/**
 * Media keys and their releases in SQLite (tables in sqlite-schema.ts). Writes go through the store's
 * grouped transaction (`batch`); the release's guard is the count of the viewer's releases of the title,
 * read in the same savepoint as the insert.
 */
import type Database from 'better-sqlite3';
import { WriteConflict, type KeyRelease, type KeyReleaseContext, type MediaKey } from './storage.js';

interface KeyRow {
  key_index: number;
  key: Buffer;
  media_start_ms: number;
  media_end_ms: number;
}

export function mediaKeyStatements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    keys: p('SELECT key_index, key, media_start_ms, media_end_ms FROM media_keys WHERE content_id = ?'),
    key: p('SELECT key_index, key, media_start_ms, media_end_ms FROM media_keys WHERE content_id = ? AND key_index = ?'),
    clear: p('SELECT min(media_start_ms) FROM media_keys WHERE content_id = ?').pluck(),
    upsert: p(
      `INSERT INTO media_keys (content_id, key_index, key, media_start_ms, media_end_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (content_id, key_index) DO UPDATE SET key = excluded.key, media_start_ms = excluded.media_start_ms, media_end_ms = excluded.media_end_ms`,
    ),
    dropKey: p('DELETE FROM media_keys WHERE content_id = ? AND key_index = ?'),
    dropReleases: p('DELETE FROM key_releases WHERE content_id = ? AND key_index = ?'),
    billed: p('SELECT coalesce(sum(billed_seconds), 0) FROM sessions WHERE principal = ? AND content_id = ?').pluck(),
    held: p(
      `SELECT count(*) AS n, coalesce(sum(k.media_end_ms - k.media_start_ms), 0) AS ms, coalesce(max(r.key_index = ?), 0) AS mine
       FROM key_releases r JOIN media_keys k ON k.content_id = r.content_id AND k.key_index = r.key_index
       WHERE r.principal = ? AND r.content_id = ?`,
    ),
    count: p('SELECT count(*) FROM key_releases WHERE principal = ? AND content_id = ?').pluck(),
    release: p('INSERT OR IGNORE INTO key_releases (principal, content_id, key_index, session_id, released_at) VALUES (?, ?, ?, ?, ?)'),
    released: p('SELECT 1 FROM key_releases WHERE principal = ? AND content_id = ? AND key_index = ?').pluck(),
  };
}

type Statements = ReturnType<typeof mediaKeyStatements>;

const sameKey = (row: KeyRow, k: MediaKey) =>
  row.media_start_ms === k.startMs && row.media_end_ms === k.endMs && Buffer.from(k.key).equals(row.key);

/** Runs inside a transaction (the caller's batch). */
export function putMediaKeys(s: Statements, contentId: string, keys: readonly MediaKey[]): void {
  const old = new Map((s.keys.all(contentId) as KeyRow[]).map((r) => [r.key_index, r]));
  const next = new Map(keys.map((k) => [k.index, k]));
  for (const [i, row] of old) {
    const k = next.get(i);
    if (k && sameKey(row, k)) continue;
    s.dropReleases.run(contentId, i);
    if (!k) s.dropKey.run(contentId, i);
  }
  for (const k of keys) s.upsert.run(contentId, k.index, Buffer.from(k.key), k.startMs, k.endMs);
}

export function keyRelease(s: Statements, principal: string, contentId: string, index: number): KeyReleaseContext {
  const row = s.key.get(contentId, index) as KeyRow | undefined;
  const held = s.held.get(index, principal, contentId) as { n: number; ms: number; mine: number };
  return {
    key: row && { index: row.key_index, key: new Uint8Array(row.key), startMs: row.media_start_ms, endMs: row.media_end_ms },
    clearMs: (s.clear.get(contentId) as number | null) ?? 0,
    billedSeconds: s.billed.get(principal, contentId) as number,
    released: held.mine === 1,
    releasedMs: held.ms,
    releases: held.n,
  };
}

/** Runs inside a savepoint (the caller's batch): the count read and the insert are one. */
export function recordKeyRelease(s: Statements, r: KeyRelease, expectReleases: number): void {
  if (s.released.get(r.principal, r.contentId, r.index)) return;
  const n = s.count.get(r.principal, r.contentId) as number;
  if (n !== expectReleases) throw new WriteConflict(`${r.principal} now holds ${n} keys of ${r.contentId}, not ${expectReleases}`);
  s.release.run(r.principal, r.contentId, r.index, r.sessionId, r.at);
}
