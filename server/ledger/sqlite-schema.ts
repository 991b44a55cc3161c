/**
 * The SQLite ledger's tables and prepared statements (better-sqlite3). A PostgreSQL store keeps the same
 * tables; the guards of storage.ts are the WHERE clauses of `updateSession` and `debit` and the
 * UNIQUE (session_id, seq) of `ticks`.
 */
import type Database from 'better-sqlite3';
import type { SessionState } from './tick-rules.js';

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS viewers (
  principal TEXT PRIMARY KEY,
  algorand_address TEXT NOT NULL,
  balance INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0),
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS credits (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  principal TEXT NOT NULL REFERENCES viewers(principal),
  micro_algos INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  principal TEXT NOT NULL REFERENCES viewers(principal),
  content_id TEXT NOT NULL,
  rate INTEGER NOT NULL,
  session_key BLOB NOT NULL,
  start_hash BLOB NOT NULL UNIQUE,
  started_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'active',
  seq INTEGER NOT NULL DEFAULT 0,
  claimed_seconds INTEGER NOT NULL DEFAULT 0,
  billed_seconds INTEGER NOT NULL DEFAULT 0,
  billed_micro INTEGER NOT NULL DEFAULT 0,
  settled_seconds INTEGER NOT NULL DEFAULT 0,
  settled_micro INTEGER NOT NULL DEFAULT 0,
  ticks INTEGER NOT NULL DEFAULT 0,
  last_activity INTEGER NOT NULL,
  free_seconds INTEGER NOT NULL DEFAULT 0,
  splits TEXT,
  budget INTEGER,
  rate_tokens_ms INTEGER
);
CREATE INDEX IF NOT EXISTS sessions_content ON sessions(content_id);
CREATE TABLE IF NOT EXISTS ticks (
  session_id TEXT NOT NULL REFERENCES sessions(id),
  seq INTEGER NOT NULL,
  seconds INTEGER NOT NULL,
  micro_algos INTEGER NOT NULL,
  charged INTEGER NOT NULL,
  media_time INTEGER NOT NULL,
  client_time INTEGER NOT NULL,
  final INTEGER NOT NULL,
  tick_hash BLOB NOT NULL,
  signature BLOB NOT NULL,
  http_status INTEGER NOT NULL,
  answer TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  UNIQUE (session_id, seq)
);
CREATE TABLE IF NOT EXISTS settlements (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL REFERENCES sessions(id),
  seq INTEGER NOT NULL,
  seconds INTEGER NOT NULL,
  micro_algos INTEGER NOT NULL,
  total_seconds INTEGER NOT NULL,
  total_micro INTEGER NOT NULL,
  platform_fee INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  splits TEXT
);
CREATE INDEX IF NOT EXISTS settlements_session ON settlements(session_id);
CREATE TABLE IF NOT EXISTS platform_earnings (
  content_id TEXT PRIMARY KEY,
  settled_micro INTEGER NOT NULL DEFAULT 0,
  fee_micro INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS catalog (
  content_id TEXT PRIMARY KEY,
  entry TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
-- Gated media (sqlite-media-keys.ts; PostgreSQL: migrations/005_media_keys.sql).
CREATE TABLE IF NOT EXISTS media_keys (
  content_id TEXT NOT NULL,
  key_index INTEGER NOT NULL,
  key BLOB NOT NULL,
  media_start_ms INTEGER NOT NULL,
  media_end_ms INTEGER NOT NULL,
  PRIMARY KEY (content_id, key_index)
);
CREATE TABLE IF NOT EXISTS key_releases (
  principal TEXT NOT NULL,
  content_id TEXT NOT NULL,
  key_index INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  released_at INTEGER NOT NULL,
  PRIMARY KEY (principal, content_id, key_index)
);
CREATE INDEX IF NOT EXISTS sessions_viewer_content ON sessions(principal, content_id);
CREATE TABLE IF NOT EXISTS revoked_keys (
  session_key BLOB PRIMARY KEY,
  principal TEXT NOT NULL,
  revoked_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
`;

/**
 * Columns added after a database file was first created (CREATE TABLE IF NOT EXISTS leaves an old table as
 * it is): v3's free seconds and splits (migrations/003 on PostgreSQL), the session budget and rate bucket
 * (004). NULL means none and full.
 */
const ADDED_COLUMNS: ReadonlyArray<[table: string, column: string, type: string]> = [
  ['sessions', 'free_seconds', 'INTEGER NOT NULL DEFAULT 0'],
  ['sessions', 'splits', 'TEXT'],
  ['settlements', 'splits', 'TEXT'],
  ['sessions', 'budget', 'INTEGER'],
  ['sessions', 'rate_tokens_ms', 'INTEGER'],
];

/** Brings an existing database file up to SCHEMA, then the indexes that read the added columns. */
export function upgradeSchema(db: Database.Database): void {
  for (const [table, column, type] of ADDED_COLUMNS) {
    const has = (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).some((c) => c.name === column);
    if (!has) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }
  db.exec('CREATE INDEX IF NOT EXISTS sessions_viewer_content ON sessions(principal, content_id)');
  db.exec('CREATE INDEX IF NOT EXISTS sessions_principal ON sessions(principal, last_activity)');
}

/** A row of `sessions` as better-sqlite3 returns it. */
export interface SessionRow {
  id: string;
  principal: string;
  content_id: string;
  rate: number;
  session_key: Buffer;
  started_at: number;
  expires_at: number;
  status: 'active' | 'paused' | 'exhausted';
  seq: number;
  claimed_seconds: number;
  billed_seconds: number;
  billed_micro: number;
  settled_seconds: number;
  settled_micro: number;
  ticks: number;
  last_activity: number;
  free_seconds: number;
  /** JSON of Split[]; null before v3. */
  splits: string | null;
  budget: number | null;
  rate_tokens_ms: number | null;
}

/** A session row as the rules read it. */
export function stateOf(s: SessionRow): SessionState {
  return {
    id: s.id,
    principal: s.principal,
    contentId: s.content_id,
    rate: s.rate,
    startedAt: s.started_at,
    status: s.status,
    seq: s.seq,
    claimedSeconds: s.claimed_seconds,
    billedSeconds: s.billed_seconds,
    billedMicro: s.billed_micro,
    settledSeconds: s.settled_seconds,
    settledMicro: s.settled_micro,
    freeSeconds: s.free_seconds,
    splits: s.splits === null ? null : JSON.parse(s.splits),
    budget: s.budget,
    lastActivity: s.last_activity,
    rateTokensMs: s.rate_tokens_ms,
  };
}

const TOTALS = `SELECT count(*) AS sessions, count(DISTINCT principal) AS viewers, coalesce(sum(billed_seconds),0) AS watchSeconds,
  coalesce(sum(billed_micro),0) AS microAlgos, coalesce(sum(ticks),0) AS ticks,
  coalesce(sum(status = 'active' AND last_activity > ?),0) AS liveSessions FROM sessions`;

export function prepareStatements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    viewer: p('SELECT principal, algorand_address, balance FROM viewers WHERE principal = ?'),
    balance: p('SELECT balance FROM viewers WHERE principal = ?').pluck(),
    insertViewer: p('INSERT OR IGNORE INTO viewers (principal, algorand_address, balance, created_at) VALUES (?, ?, 0, ?)'),
    credit: p('UPDATE viewers SET balance = balance + ? WHERE principal = ?'),
    insertCredit: p('INSERT INTO credits (principal, micro_algos, created_at) VALUES (?, ?, ?)'),
    // Guard: never below zero, whatever another session of the same viewer charged meanwhile.
    debit: p('UPDATE viewers SET balance = balance - ? WHERE principal = ? AND balance >= ?'),
    session: p('SELECT * FROM sessions WHERE id = ?'),
    insertSession: p(
      `INSERT INTO sessions (id, principal, content_id, rate, session_key, start_hash, started_at, expires_at, last_activity, free_seconds, splits, budget)
       VALUES (@id, @principal, @contentId, @rate, @sessionKey, @startHash, @startedAt, @expiresAt, @startedAt, @freeSeconds, @splits, @budget)`,
    ),
    // Live sessions of a viewer (tick-rules.ts decideSessionLimit): not settled, not expired, not revoked, recent.
    liveSessions: p(
      `SELECT count(*) FROM sessions s WHERE s.principal = ? AND s.status != 'paused' AND s.expires_at > ? AND s.last_activity > ?
       AND NOT EXISTS (SELECT 1 FROM revoked_keys r WHERE r.session_key = s.session_key)`,
    ).pluck(),
    revoke: p('INSERT OR IGNORE INTO revoked_keys (session_key, principal, revoked_at, expires_at) VALUES (?, ?, ?, ?)'),
    revokedAt: p('SELECT revoked_at FROM revoked_keys WHERE session_key = ?').pluck(),
    startHashUsed: p('SELECT 1 FROM sessions WHERE start_hash = ?'),
    tick: p('SELECT tick_hash, http_status, answer FROM ticks WHERE session_id = ? AND seq = ?'),
    insertTick: p(
      `INSERT OR IGNORE INTO ticks (session_id, seq, seconds, micro_algos, charged, media_time, client_time, final, tick_hash, signature, http_status, answer, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // Guard: only while no other tick moved the session since the rules read it.
    updateSession: p(
      `UPDATE sessions SET seq = ?, claimed_seconds = ?, billed_seconds = ?, billed_micro = ?, settled_seconds = ?, settled_micro = ?,
       status = ?, ticks = ticks + 1, last_activity = ?, rate_tokens_ms = ? WHERE id = ? AND seq = ?`,
    ),
    insertSettlement: p(
      `INSERT INTO settlements (session_id, seq, seconds, micro_algos, total_seconds, total_micro, platform_fee, created_at, splits)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    earn: p(
      `INSERT INTO platform_earnings (content_id, settled_micro, fee_micro) VALUES (?, ?, ?)
       ON CONFLICT(content_id) DO UPDATE SET settled_micro = settled_micro + excluded.settled_micro, fee_micro = fee_micro + excluded.fee_micro`,
    ),
    putTitle: p(
      `INSERT INTO catalog (content_id, entry, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(content_id) DO UPDATE SET entry = excluded.entry, updated_at = excluded.updated_at`,
    ),
    deleteTitle: p('DELETE FROM catalog WHERE content_id = ?'),
    title: p('SELECT entry FROM catalog WHERE content_id = ?').pluck(),
    titles: p('SELECT entry FROM catalog ORDER BY content_id').pluck(),
    previewUse: p('SELECT free_seconds AS freeSeconds, billed_seconds AS billedSeconds FROM sessions WHERE principal = ? AND content_id = ?'),
    settlementCount: p('SELECT count(*) AS n FROM settlements WHERE session_id = ?'),
    totalsAll: p(TOTALS),
    totalsContent: p(`${TOTALS} WHERE content_id = ?`),
    earningsAll: p('SELECT coalesce(sum(settled_micro),0) AS settled, coalesce(sum(fee_micro),0) AS fee FROM platform_earnings'),
    earningsContent: p('SELECT coalesce(sum(settled_micro),0) AS settled, coalesce(sum(fee_micro),0) AS fee FROM platform_earnings WHERE content_id = ?'),
  };
}
