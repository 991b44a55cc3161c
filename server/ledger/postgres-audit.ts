/** The audit export's reads in PostgreSQL (see storage.ts AuditQuery): accepted ticks and settlements by session, content and period. */
import type { Sql } from 'postgres';
import type { AuditQuery, AuditSettlement, AuditTick } from './storage.js';

function where(sql: Sql<{ bigint: number }>, q: AuditQuery, at: string) {
  const time = sql(at);
  return sql`WHERE true
    ${q.sessionId !== undefined ? sql`AND s.id = ${q.sessionId}` : sql``}
    ${q.contentId !== undefined ? sql`AND s.content_id = ${q.contentId}` : sql``}
    ${q.from !== undefined ? sql`AND x.${time} >= ${q.from}` : sql``}
    ${q.to !== undefined ? sql`AND x.${time} < ${q.to}` : sql``}`;
}

export async function auditTicks(sql: Sql<{ bigint: number }>, q: AuditQuery): Promise<AuditTick[]> {
  const rows = await sql`
    SELECT x.session_id, s.content_id, s.principal, x.seq, x.seconds, x.micro_algos, x.charged, x.media_time, x.client_time, x.final,
           x.http_status, x.received_at, x.tick_hash, x.signature, s.session_key
    FROM ticks x JOIN sessions s ON s.id = x.session_id
    ${where(sql, q, 'received_at')}
    ORDER BY x.received_at, x.session_id, x.seq LIMIT ${q.limit}`;
  return rows.map((r) => ({
    sessionId: r.session_id, contentId: r.content_id, principal: r.principal, seq: r.seq, seconds: r.seconds, microAlgos: r.micro_algos,
    charged: r.charged, mediaTime: r.media_time, clientTime: r.client_time, final: r.final, httpStatus: r.http_status, receivedAt: r.received_at,
    tickHash: (r.tick_hash as Buffer).toString('hex'), signature: (r.signature as Buffer).toString('hex'), sessionKey: (r.session_key as Buffer).toString('hex'),
  }));
}

export async function auditSettlements(sql: Sql<{ bigint: number }>, q: AuditQuery): Promise<AuditSettlement[]> {
  const rows = await sql`
    SELECT x.*, s.content_id, s.principal FROM settlements x JOIN sessions s ON s.id = x.session_id
    ${where(sql, q, 'created_at')}
    ORDER BY x.id LIMIT ${q.limit}`;
  return rows.map((r) => ({
    id: r.id, sessionId: r.session_id, contentId: r.content_id, principal: r.principal, seq: r.seq, seconds: r.seconds, microAlgos: r.micro_algos,
    totalSeconds: r.total_seconds, totalMicroAlgos: r.total_micro, platformFee: r.platform_fee, createdAt: r.created_at,
  }));
}
