/**
 * The ledger in PostgreSQL (porsager's `postgres` driver), for any number of stateless API processes on one
 * database. Nothing that decides money lives in a process: each tick's writes are one transaction whose
 * guards are the database's own (storage.ts's contract) — the session UPDATE only where seq is still the
 * one read, the debit only where the balance covers it, the tick row's primary key (session_id, seq). Under
 * READ COMMITTED a second writer of the same row waits for the first and then re-checks the WHERE clause
 * against the committed row, so a guard that no longer holds updates nothing and the service decides again.
 * Rows are locked in one order (session, viewer, earnings, tick), so concurrent ticks cannot deadlock.
 */
import postgres, { type Sql } from 'postgres';
import type { SessionAnalytics, SessionStatus, TickResponse, TotalsAnalytics } from '../../src/payments/protocol.js';
import { ApiError } from '../errors.js';
import { auditSettlements, auditTicks } from './postgres-audit.js';
import { migrate } from './postgres-migrate.js';
import { WriteConflict, type AuditQuery, type AuditSettlement, type AuditTick, type LedgerStorage, type NewSession, type SessionKeyRecord } from './storage.js';
import { answerWithSettlementId, type TickContext, type TickWrites } from './tick-rules.js';

export interface PostgresOptions {
  /** Connections in this process's pool. */
  max?: number;
  /** A schema of its own (created if missing): tests give every store a fresh one on a shared cluster. */
  schema?: string;
}

/** Money and Unix-ms times are BIGINT; every value fits a double (2^53 µALGO is 9 billion ALGO). */
const bigintAsNumber = { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) };

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//.test(db);
}

export class PostgresLedgerStorage implements LedgerStorage {
  readonly sql: Sql<{ bigint: number }>;
  /** Resolves once the migrations are applied; every call waits for it, so the constructor stays synchronous. */
  readonly ready: Promise<void>;

  /** `url` may name the schema as `?schema=name` (not a PostgreSQL parameter: taken out before connecting). */
  constructor(url: string, opts: PostgresOptions = {}) {
    const u = new URL(url);
    const schema = opts.schema ?? u.searchParams.get('schema') ?? undefined;
    u.searchParams.delete('schema');
    url = u.toString();
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`bad schema name ${schema}`);
    const sql = (this.sql = postgres(url, {
      max: opts.max ?? 10,
      types: { bigint: bigintAsNumber },
      onnotice: () => {},
      ...(schema && { connection: { search_path: schema } }),
    }));
    this.ready = (async () => {
      if (schema) await sql.unsafe(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await migrate(sql);
    })();
    this.ready.catch(() => {}); // reported by the first call that awaits it
  }

  async ensureViewer(principal: string, address: string, now: number): Promise<number> {
    await this.ready;
    const [v] = await this.sql`
      WITH ins AS (INSERT INTO viewers (principal, algorand_address, created_at) VALUES (${principal}, ${address}, ${now})
                   ON CONFLICT (principal) DO NOTHING RETURNING balance)
      SELECT balance FROM ins UNION ALL SELECT balance FROM viewers WHERE principal = ${principal}`;
    return v.balance as number;
  }

  async credit(principal: string, address: string, microAlgos: number, now: number): Promise<number> {
    await this.ready;
    return this.sql.begin(async (tx) => {
      const [v] = await tx`
        INSERT INTO viewers (principal, algorand_address, balance, created_at) VALUES (${principal}, ${address}, ${microAlgos}, ${now})
        ON CONFLICT (principal) DO UPDATE SET balance = viewers.balance + excluded.balance RETURNING balance`;
      await tx`INSERT INTO credits (principal, micro_algos, created_at) VALUES (${principal}, ${microAlgos}, ${now})`;
      return v.balance as number;
    });
  }

  async createSession(n: NewSession): Promise<void> {
    await this.ready;
    const rows = await this.sql`
      INSERT INTO sessions (id, principal, content_id, rate, session_key, start_hash, started_at, expires_at, last_activity)
      VALUES (${n.id}, ${n.principal}, ${n.contentId}, ${n.rate}, ${Buffer.from(n.sessionKey)}, ${Buffer.from(n.startHash)}, ${n.startedAt}, ${n.expiresAt}, ${n.startedAt})
      ON CONFLICT (start_hash) DO NOTHING RETURNING 1`;
    if (rows.length === 0) throw new ApiError('REPLAYED', 'this start message was already used');
  }

  async sessionKey(id: string): Promise<SessionKeyRecord | undefined> {
    await this.ready;
    const [s] = await this.sql`SELECT session_key, expires_at, status FROM sessions WHERE id = ${id}`;
    return s && { sessionKey: new Uint8Array(s.session_key as Buffer), expiresAt: s.expires_at as number, status: s.status as SessionStatus };
  }

  /** One round trip: the session, its viewer's balance and the tick already held under seq. */
  async loadTick(sessionId: string, seq: number): Promise<TickContext | undefined> {
    await this.ready;
    const [r] = await this.sql`
      SELECT s.*, v.balance, t.tick_hash, t.http_status, t.answer
      FROM sessions s JOIN viewers v ON v.principal = s.principal
      LEFT JOIN ticks t ON t.session_id = s.id AND t.seq = ${seq}
      WHERE s.id = ${sessionId}`;
    if (!r) return undefined;
    return {
      session: {
        id: r.id, principal: r.principal, contentId: r.content_id, rate: r.rate, startedAt: r.started_at, status: r.status, seq: r.seq,
        claimedSeconds: r.claimed_seconds, billedSeconds: r.billed_seconds, billedMicro: r.billed_micro,
        settledSeconds: r.settled_seconds, settledMicro: r.settled_micro,
      },
      balance: r.balance as number,
      ...(r.tick_hash && { stored: { tickHash: new Uint8Array(r.tick_hash as Buffer), httpStatus: r.http_status as number, answer: r.answer as TickResponse } }),
    };
  }

  /**
   * One transaction; its statements are pipelined (sent together, answered together) and checked after:
   * a guard that did not hold throws WriteConflict, which rolls every statement back.
   */
  async applyTick(w: TickWrites): Promise<TickResponse> {
    await this.ready;
    return this.sql.begin(async (tx) => {
      const u = w.session;
      const t = w.tick;
      const st = w.settlement;
      const insertTick = (answer: TickResponse) => tx`
        INSERT INTO ticks (session_id, seq, seconds, micro_algos, charged, media_time, client_time, final, tick_hash, signature, http_status, answer, received_at)
        VALUES (${w.sessionId}, ${t.tick.seq}, ${t.tick.seconds}, ${t.tick.microAlgos}, ${t.charged}, ${t.tick.mediaTime}, ${t.tick.clientTime},
                ${t.tick.final === true}, ${Buffer.from(t.tickHash)}, ${Buffer.from(t.signature)}, ${t.httpStatus}, ${tx.json(answer as never)}, ${t.receivedAt})
        ON CONFLICT (session_id, seq) DO NOTHING RETURNING 1`;
      const [moved, debited, settled, , inserted] = await Promise.all([
        tx`UPDATE sessions SET seq = ${u.seq}, claimed_seconds = ${u.claimedSeconds}, billed_seconds = ${u.billedSeconds}, billed_micro = ${u.billedMicro},
             settled_seconds = ${u.settledSeconds}, settled_micro = ${u.settledMicro}, status = ${u.status}, ticks = ticks + 1, last_activity = ${u.lastActivity}
           WHERE id = ${w.sessionId} AND seq = ${w.expectSeq}`,
        w.debit
          ? tx`UPDATE viewers SET balance = balance - ${w.debit.microAlgos} WHERE principal = ${w.debit.principal} AND balance >= ${w.debit.microAlgos}`
          : undefined,
        st
          ? tx`INSERT INTO settlements (session_id, seq, seconds, micro_algos, total_seconds, total_micro, platform_fee, created_at)
               VALUES (${st.sessionId}, ${st.seq}, ${st.seconds}, ${st.microAlgos}, ${st.totalSeconds}, ${st.totalMicroAlgos}, ${st.platformFee}, ${st.createdAt}) RETURNING id`
          : undefined,
        st
          ? tx`INSERT INTO platform_earnings (content_id, settled_micro, fee_micro) VALUES (${st.contentId}, ${st.microAlgos}, ${st.platformFee})
               ON CONFLICT (content_id) DO UPDATE SET settled_micro = platform_earnings.settled_micro + excluded.settled_micro,
                 fee_micro = platform_earnings.fee_micro + excluded.fee_micro`
          : undefined,
        // Without a settlement the answer is final now, so the tick row joins the pipeline.
        st ? undefined : insertTick(w.answer),
      ]);
      if (moved.count !== 1) throw new WriteConflict(`session ${w.sessionId} is no longer at seq ${w.expectSeq}`);
      if (debited && debited.count !== 1) throw new WriteConflict(`balance of ${w.debit!.principal} no longer covers ${w.debit!.microAlgos}`);
      const answer = answerWithSettlementId(w.answer, settled?.[0].id as number | undefined);
      const row = inserted ?? (await insertTick(answer));
      if (row.count !== 1) throw new WriteConflict(`seq ${t.tick.seq} of ${w.sessionId} is already stored`);
      return answer;
    });
  }

  async sessionAnalytics(id: string): Promise<SessionAnalytics | undefined> {
    await this.ready;
    const [s] = await this.sql`SELECT s.*, (SELECT count(*) FROM settlements WHERE session_id = s.id) AS n FROM sessions s WHERE s.id = ${id}`;
    if (!s) return undefined;
    return {
      sessionId: s.id, contentId: s.content_id, principal: s.principal, rateMicroAlgos: s.rate, billedSeconds: s.billed_seconds,
      microAlgos: s.billed_micro, ticks: s.ticks, settlements: s.n, status: s.status, startedAt: s.started_at,
      lastTickAt: s.ticks > 0 ? s.last_activity : null,
    };
  }

  async totals(now: number, liveWindowMs: number, contentId?: string): Promise<TotalsAnalytics> {
    await this.ready;
    const only = contentId === undefined ? this.sql`` : this.sql`WHERE content_id = ${contentId}`;
    const [[t], [e]] = await Promise.all([
      this.sql`SELECT count(*) AS sessions, count(DISTINCT principal) AS viewers, coalesce(sum(billed_seconds),0)::bigint AS "watchSeconds",
          coalesce(sum(billed_micro),0)::bigint AS "microAlgos", coalesce(sum(ticks),0)::bigint AS ticks,
          count(*) FILTER (WHERE status = 'active' AND last_activity > ${now - liveWindowMs}) AS "liveSessions"
        FROM sessions ${only}`,
      this.sql`SELECT coalesce(sum(settled_micro),0)::bigint AS settled, coalesce(sum(fee_micro),0)::bigint AS fee FROM platform_earnings ${only}`,
    ]);
    return {
      ...(contentId !== undefined && { contentId }),
      sessions: t.sessions, viewers: t.viewers, watchSeconds: t.watchSeconds, microAlgos: t.microAlgos, ticks: t.ticks, liveSessions: t.liveSessions,
      settledMicroAlgos: e.settled, earningsMicroAlgos: e.fee,
    };
  }

  async auditTicks(q: AuditQuery): Promise<AuditTick[]> {
    await this.ready;
    return auditTicks(this.sql, q);
  }

  async auditSettlements(q: AuditQuery): Promise<AuditSettlement[]> {
    await this.ready;
    return auditSettlements(this.sql, q);
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}
