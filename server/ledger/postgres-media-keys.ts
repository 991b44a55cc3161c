/**
 * Media keys and their releases in PostgreSQL (migrations/005_media_keys.sql). A release takes a
 * transaction-level advisory lock on (viewer, title) before it counts and inserts, so two API processes
 * releasing keys to the same viewer take turns and the count guard means what it says.
 */
import type { PoolClient, QueryResult } from 'pg';
import { WriteConflict, type KeyRelease, type KeyReleaseContext, type MediaKey } from './storage.js';

type Query = (text: string, params?: unknown[]) => Promise<QueryResult>;
type Transaction = <T>(fn: (c: PoolClient) => Promise<T>) => Promise<T>;

export async function putMediaKeys(tx: Transaction, contentId: string, keys: readonly MediaKey[]): Promise<void> {
  await tx(async (c) => {
    const { rows } = await c.query('SELECT key_index, key, media_start_ms, media_end_ms FROM media_keys WHERE content_id = $1 FOR UPDATE', [contentId]);
    const next = new Map(keys.map((k) => [k.index, k]));
    for (const r of rows) {
      const k = next.get(r.key_index as number);
      if (k && r.media_start_ms === k.startMs && r.media_end_ms === k.endMs && Buffer.from(k.key).equals(r.key as Buffer)) continue;
      await c.query('DELETE FROM key_releases WHERE content_id = $1 AND key_index = $2', [contentId, r.key_index]);
      if (!k) await c.query('DELETE FROM media_keys WHERE content_id = $1 AND key_index = $2', [contentId, r.key_index]);
    }
    for (const k of keys) {
      await c.query(
        `INSERT INTO media_keys (content_id, key_index, key, media_start_ms, media_end_ms) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (content_id, key_index) DO UPDATE SET key = excluded.key, media_start_ms = excluded.media_start_ms, media_end_ms = excluded.media_end_ms`,
        [contentId, k.index, Buffer.from(k.key), k.startMs, k.endMs],
      );
    }
  });
}

/** One round trip. */
export async function keyRelease(query: Query, principal: string, contentId: string, index: number): Promise<KeyReleaseContext> {
  const { rows } = await query(
    `SELECT
       (SELECT min(media_start_ms) FROM media_keys WHERE content_id = $2) AS clear_ms,
       (SELECT coalesce(sum(billed_seconds), 0)::bigint FROM sessions WHERE principal = $1 AND content_id = $2) AS billed,
       (SELECT count(*) FROM key_releases WHERE principal = $1 AND content_id = $2) AS n,
       (SELECT coalesce(sum(k.media_end_ms - k.media_start_ms), 0)::bigint FROM key_releases r
          JOIN media_keys k ON k.content_id = r.content_id AND k.key_index = r.key_index
          WHERE r.principal = $1 AND r.content_id = $2) AS ms,
       EXISTS (SELECT 1 FROM key_releases WHERE principal = $1 AND content_id = $2 AND key_index = $3) AS mine,
       k.key, k.media_start_ms, k.media_end_ms
     FROM (SELECT 1) one LEFT JOIN media_keys k ON k.content_id = $2 AND k.key_index = $3`,
    [principal, contentId, index],
  );
  const r = rows[0];
  return {
    key: r.key ? { index, key: new Uint8Array(r.key as Buffer), startMs: r.media_start_ms as number, endMs: r.media_end_ms as number } : undefined,
    clearMs: (r.clear_ms as number | null) ?? 0,
    billedSeconds: r.billed as number,
    released: r.mine as boolean,
    releasedMs: r.ms as number,
    releases: r.n as number,
  };
}

export async function recordKeyRelease(tx: Transaction, r: KeyRelease, expectReleases: number): Promise<void> {
  await tx(async (c) => {
    await c.query("SELECT pg_advisory_xact_lock(hashtextextended($1 || ' ' || $2, 0))", [r.principal, r.contentId]);
    const { rows } = await c.query(
      `SELECT count(*) AS n, count(*) FILTER (WHERE key_index = $3) AS mine FROM key_releases WHERE principal = $1 AND content_id = $2`,
      [r.principal, r.contentId, r.index],
    );
    if ((rows[0].mine as number) > 0) return;
    if ((rows[0].n as number) !== expectReleases) throw new WriteConflict(`${r.principal} now holds ${rows[0].n} keys of ${r.contentId}, not ${expectReleases}`);
    await c.query(
      'INSERT INTO key_releases (principal, content_id, key_index, session_id, released_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
      [r.principal, r.contentId, r.index, r.sessionId, r.at],
    );
  });
}
