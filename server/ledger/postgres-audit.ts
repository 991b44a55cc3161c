/** The audit export's reads in PostgreSQL (see storage.ts AuditQuery): accepted ticks and settlements by session, content and period. */
import type { Pool } from 'pg';
import type { AuditQuery, AuditSettlement, AuditTick } from './storage.js';

function where(q: AuditQuery, at: string): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (cond: string, v: unknown) => {
    if (v === undefined) return;
    params.push(v);
    parts.push(cond.replace('?', `$${params.length}`));
  };
  add('s.id = ?', q.sessionId);
  add('s.content_id = ?', q.contentId);
  add(`x.${at} >= ?`, q.from);
  add(`x.${at} < ?`, q.to);
  params.push(q.limit);
  return { sql: `${parts.length ? `WHERE ${parts.join(' AND ')}` : ''}`, params };
}

export async function auditTicks(pool: Pool, q: AuditQuery): Promise<AuditTick[]> {
  const w = where(q, 'received_at');
  const { rows } = await pool.query(
    `SELECT x.session_id AS "sessionId", s.content_id AS "contentId", s.principal, x.seq, x.seconds, x.micro_algos AS "microAlgos", x.charged,
            x.media_time AS "mediaTime", x.client_time AS "clientTime", x.final, x.http_status AS "httpStatus", x.received_at AS "receivedAt",
            encode(x.tick_hash, 'hex') AS "tickHash", encode(x.signature, 'hex') AS signature, encode(s.session_key, 'hex') AS "sessionKey"
     FROM ticks x JOIN sessions s ON s.id = x.session_id ${w.sql}
     ORDER BY x.received_at, x.session_id, x.seq LIMIT $${w.params.length}`,
    w.params,
  );
  return rows as AuditTick[];
}

export async function auditSettlements(pool: Pool, q: AuditQuery): Promise<AuditSettlement[]> {
  const w = where(q, 'created_at');
  const { rows } = await pool.query(
    `SELECT x.id, x.session_id AS "sessionId", s.content_id AS "contentId", s.principal, x.seq, x.seconds, x.micro_algos AS "microAlgos",
            x.total_seconds AS "totalSeconds", x.total_micro AS "totalMicroAlgos", x.platform_fee AS "platformFee", x.created_at AS "createdAt",
            coalesce(x.splits, '[]'::jsonb) AS splits
     FROM settlements x JOIN sessions s ON s.id = x.session_id ${w.sql}
     ORDER BY x.id LIMIT $${w.params.length}`,
    w.params,
  );
  return rows as AuditSettlement[];
}
