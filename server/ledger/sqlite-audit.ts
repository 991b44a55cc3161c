/** The audit export's reads in SQLite (see storage.ts AuditQuery): accepted ticks and settlements by session, content and period. */
import type Database from 'better-sqlite3';
import type { AuditQuery, AuditSettlement, AuditTick } from './storage.js';

function where(q: AuditQuery, at: string): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (cond: string, v: unknown) => {
    if (v === undefined) return;
    parts.push(cond);
    params.push(v);
  };
  add('s.id = ?', q.sessionId);
  add('s.content_id = ?', q.contentId);
  add(`x.${at} >= ?`, q.from);
  add(`x.${at} < ?`, q.to);
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

export function auditTicks(db: Database.Database, q: AuditQuery): AuditTick[] {
  const w = where(q, 'received_at');
  const rows = db
    .prepare(
      `SELECT x.session_id AS sessionId, s.content_id AS contentId, s.principal, x.seq, x.seconds, x.micro_algos AS microAlgos, x.charged,
              x.media_time AS mediaTime, x.client_time AS clientTime, x.final, x.http_status AS httpStatus, x.received_at AS receivedAt,
              hex(x.tick_hash) AS tickHash, hex(x.signature) AS signature, hex(s.session_key) AS sessionKey
       FROM ticks x JOIN sessions s ON s.id = x.session_id ${w.sql}
       ORDER BY x.received_at, x.session_id, x.seq LIMIT ?`,
    )
    .all(...w.params, q.limit) as Array<Omit<AuditTick, 'final'> & { final: number }>;
  return rows.map((r) => ({
    ...r,
    final: r.final === 1,
    tickHash: r.tickHash.toLowerCase(),
    signature: r.signature.toLowerCase(),
    sessionKey: r.sessionKey.toLowerCase(),
  }));
}

export function auditSettlements(db: Database.Database, q: AuditQuery): AuditSettlement[] {
  const w = where(q, 'created_at');
  const rows = db
    .prepare(
      `SELECT x.id, x.session_id AS sessionId, s.content_id AS contentId, s.principal, x.seq, x.seconds, x.micro_algos AS microAlgos,
              x.total_seconds AS totalSeconds, x.total_micro AS totalMicroAlgos, x.platform_fee AS platformFee, x.created_at AS createdAt, x.splits
       FROM settlements x JOIN sessions s ON s.id = x.session_id ${w.sql}
       ORDER BY x.id LIMIT ?`,
    )
    .all(...w.params, q.limit) as Array<Omit<AuditSettlement, 'splits'> & { splits: string | null }>;
  return rows.map((r) => ({ ...r, splits: r.splits === null ? [] : (JSON.parse(r.splits) as AuditSettlement['splits']) }));
}
