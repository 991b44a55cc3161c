/**
 * Applies the numbered migrations of ./migrations (001_*.sql, 002_*.sql, …) that a PostgreSQL database has
 * not seen yet, each in its own transaction together with its row in schema_migrations. Several API
 * processes may start at once on one database: a transaction-level advisory lock makes them take turns,
 * and each applies only what the one before it left undone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Pool } from 'pg';

const DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
/** Any fixed number: it only has to differ from other advisory locks taken on the same database. */
const LOCK_KEY = 5_157_706_172;

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
export async function migrate(pool: Pool, list = migrations()): Promise<number[]> {
  const c = await pool.connect();
  const applied: number[] = [];
  try {
    for (const m of list) {
      await c.query('BEGIN');
      try {
        await c.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
        await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
        const seen = await c.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
        if (seen.rowCount === 0) {
          await c.query(m.sql); // simple protocol: a file may hold many statements
          await c.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
          applied.push(m.version);
        }
        await c.query('COMMIT');
      } catch (e) {
        await c.query('ROLLBACK').catch(() => {});
        throw e;
      }
    }
  } finally {
    c.release();
  }
  return applied;
}
