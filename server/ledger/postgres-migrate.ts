/**
 * Applies the numbered migrations of ./migrations (001_*.sql, 002_*.sql, …) that a PostgreSQL database has
 * not seen yet, each in its own transaction together with its row in schema_migrations. Several API
 * processes may start at once on one database: a transaction-level advisory lock makes them take turns,
 * and each applies only what the one before it left undone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Sql } from 'postgres';

const DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
/** Any fixed 64-bit number: it only has to differ from other advisory locks of the same database. */
const LOCK_KEY = 0x5157_7061_7200;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function migrations(dir = DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d+_[\w-]+\.sql$/.test(f))
    .map((f) => ({ version: Number(f.split('_')[0]), name: f, sql: readFileSync(dir + f, 'utf8') }))
    .sort((a, b) => a.version - b.version);
}

/** Answers the versions it applied (empty when the database was up to date). */
export async function migrate(sql: Sql, list = migrations()): Promise<number[]> {
  await sql`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`;
  const applied: number[] = [];
  for (const m of list) {
    const done = await sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${LOCK_KEY})`;
      const [seen] = await tx`SELECT 1 FROM schema_migrations WHERE version = ${m.version}`;
      if (seen) return false;
      await tx.unsafe(m.sql);
      await tx`INSERT INTO schema_migrations (version, name) VALUES (${m.version}, ${m.name})`;
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}
