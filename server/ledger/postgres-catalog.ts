/**
 * The v3 price catalog in PostgreSQL (migrations/003_catalog.sql): titles stored whole as catalog-rules.ts
 * validated them, and what a start reads of the viewer's earlier sessions of a title (the preview used).
 */
import type { QueryResult } from 'pg';
import type { CatalogTitle, PreviewUse } from '../catalog/catalog-rules.js';

type Query = (text: string, params?: unknown[]) => Promise<QueryResult>;

export async function putTitle(q: Query, t: CatalogTitle, now: number): Promise<void> {
  await q(
    `INSERT INTO catalog (content_id, entry, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (content_id) DO UPDATE SET entry = excluded.entry, updated_at = excluded.updated_at`,
    [t.contentId, JSON.stringify(t), now],
  );
}

export async function deleteTitle(q: Query, contentId: string): Promise<boolean> {
  return ((await q('DELETE FROM catalog WHERE content_id = $1', [contentId])).rowCount ?? 0) === 1;
}

export async function title(q: Query, contentId: string): Promise<CatalogTitle | undefined> {
  return (await q('SELECT entry FROM catalog WHERE content_id = $1', [contentId])).rows[0]?.entry as CatalogTitle | undefined;
}

export async function titles(q: Query): Promise<CatalogTitle[]> {
  // Byte order, as SQLite and the memory store sort: the database's collation may differ.
  return (await q('SELECT entry FROM catalog ORDER BY content_id COLLATE "C"')).rows.map((r) => r.entry as CatalogTitle);
}

export async function previewUse(q: Query, principal: string, contentId: string): Promise<PreviewUse[]> {
  const { rows } = await q(
    'SELECT free_seconds AS "freeSeconds", billed_seconds AS "billedSeconds" FROM sessions WHERE principal = $1 AND content_id = $2',
    [principal, contentId],
  );
  return rows as PreviewUse[];
}
