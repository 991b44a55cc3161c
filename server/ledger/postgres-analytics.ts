/** The platform's analytics read from PostgreSQL: one session, or totals (per content id or all). */
import type { QueryResult } from 'pg';
import type { SessionAnalytics, TotalsAnalytics } from '../../src/payments/protocol.js';

type Query = (text: string, params?: unknown[]) => Promise<QueryResult>;

export async function sessionAnalytics(q: Query, id: string): Promise<SessionAnalytics | undefined> {
  const { rows } = await q('SELECT s.*, (SELECT count(*) FROM settlements WHERE session_id = s.id) AS n FROM sessions s WHERE s.id = $1', [id]);
  const s = rows[0];
  if (!s) return undefined;
  return {
    sessionId: s.id, contentId: s.content_id, principal: s.principal, rateMicroAlgos: s.rate, billedSeconds: s.billed_seconds,
    microAlgos: s.billed_micro, ticks: s.ticks, settlements: s.n, status: s.status, startedAt: s.started_at,
    lastTickAt: s.ticks > 0 ? s.last_activity : null,
  };
}

export async function totals(q: Query, now: number, liveWindowMs: number, contentId?: string): Promise<TotalsAnalytics> {
  const only = contentId === undefined ? '' : 'WHERE content_id = $2';
  const [t, e] = await Promise.all([
    q(
      `SELECT count(*) AS sessions, count(DISTINCT principal) AS viewers, coalesce(sum(billed_seconds),0)::bigint AS "watchSeconds",
         coalesce(sum(billed_micro),0)::bigint AS "microAlgos", coalesce(sum(ticks),0)::bigint AS ticks,
         count(*) FILTER (WHERE status = 'active' AND last_activity > $1) AS "liveSessions"
       FROM sessions ${only}`,
      contentId === undefined ? [now - liveWindowMs] : [now - liveWindowMs, contentId],
    ),
    q(
      `SELECT coalesce(sum(settled_micro),0)::bigint AS settled, coalesce(sum(fee_micro),0)::bigint AS fee FROM platform_earnings ${only.replace('$2', '$1')}`,
      contentId === undefined ? [] : [contentId],
    ),
  ]);
  const r = t.rows[0];
  return {
    ...(contentId !== undefined && { contentId }),
    sessions: r.sessions, viewers: r.viewers, watchSeconds: r.watchSeconds, microAlgos: r.microAlgos, ticks: r.ticks, liveSessions: r.liveSessions,
    settledMicroAlgos: e.rows[0].settled, earningsMicroAlgos: e.rows[0].fee,
  };
}
