/**
 * The ledger in PostgreSQL (node-postgres), for any number of stateless API processes on one database.
 * Nothing that decides money lives in a process: each tick's writes are one statement (the apply_tick
 * function of migrations/002) whose guards are the database's own (storage.ts's contract) — the session
 * UPDATE only where seq is still the one read, the debit only where the balance covers it, the tick row's
 * primary key (session_id, seq). Under READ COMMITTED a second writer of the same row waits for the first
 * and then re-checks the WHERE clause against the committed row, so a guard that no longer holds updates
 * nothing and the service decides again. Rows are locked in one order (session, viewer, earnings, tick),
 * so concurrent ticks cannot deadlock.
 * A lost connection (the server restarting) fails the request in flight; the client resends and the
 * stored tick row makes the resend a repeat, never a second charge.
 */
import pg, { type Pool, type PoolClient } from 'pg';
import type { SessionAnalytics, SessionStatus, TickResponse, TotalsAnalytics } from '../../src/payments/protocol.js';
import type { CatalogTitle, PreviewUse } from '../catalog/catalog-rules.js';
import { ApiError } from '../errors.js';
import { auditSettlements, auditTicks } from './postgres-audit.js';
import * as analytics from './postgres-analytics.js';
import * as catalog from './postgres-catalog.js';
import { keyRelease, putMediaKeys, recordKeyRelease } from './postgres-media-keys.js';
import { migrate } from './postgres-migrate.js';
import { postgresLedgerCheck } from './postgres-transfers.js';
import { WriteConflict, type AuditQuery, type AuditSettlement, type AuditTick, type KeyRelease, type KeyReleaseContext, type LedgerStorage, type MediaKey, type NewSession, type Revocation, type SessionKeyRecord } from './storage.js';
import { answerWithSettlementId, decideSessionLimit, type SessionLimit, type TickContext, type TickWrites } from './tick-rules.js';
import { DEPOSITS, account, tickTransfers, type LedgerCheck } from './transfer-rules.js';

export interface PostgresOptions {
  /** Connections in this process's pool. */
  max?: number;
  /** A schema of its own (created if missing): tests give every store a fresh one on a shared cluster. */
  schema?: string;
}

const INT8 = 20;
/** Money and Unix-ms times are BIGINT; every value fits a double (2^53 µALGO is 9 billion ALGO). */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8 ? Number : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
};

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//.test(db);
}

export class PostgresLedgerStorage implements LedgerStorage {
  readonly pool: Pool;
  /** Resolves once the migrations are applied; every call waits for it, so the constructor stays synchronous. */
  readonly ready: Promise<void>;

  /** `url` may name the schema as `?schema=name` (not a PostgreSQL parameter: taken out before connecting). */
  constructor(url: string, opts: PostgresOptions = {}) {
    const u = new URL(url);
    const schema = opts.schema ?? u.searchParams.get('schema') ?? undefined;
    u.searchParams.delete('schema');
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`bad schema name ${schema}`);
    const pool = (this.pool = new pg.Pool({
      connectionString: u.toString(),
      max: opts.max ?? 10,
      types,
      ...(schema && { options: `-c search_path=${schema}` }),
      // Never hang a request on an unreachable database: fail it, and the client resends (idempotent).
      connectionTimeoutMillis: 5_000,
      query_timeout: 15_000,
      keepAlive: true,
    }));
    // An idle connection dropped by the server (restart, failover) is replaced on the next query; without
    // a listener its error would end the process.
    this.pool.on('error', () => {});
    this.ready = (async () => {
      if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await migrate(pool);
    })();
    this.ready.catch(() => {}); // reported by the first call that awaits it
  }

  private readonly q = (text: string, params?: unknown[]) => this.query(text, params);

  private async query(text: string, params: unknown[] = []) {
    await this.ready;
    return this.pool.query(text, params);
  }

  /** Runs `fn` in a transaction; a client whose connection broke is destroyed instead of returned to the pool. */
  private async transaction<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    await this.ready;
    const c = await this.pool.connect();
    let broken = false;
    const onError = () => (broken = true);
    c.on('error', onError);
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => (broken = true));
      throw e;
    } finally {
      c.off('error', onError);
      c.release(broken);
    }
  }

  async ensureViewer(principal: string, address: string, now: number): Promise<number> {
    const { rows } = await this.query(
      `WITH ins AS (INSERT INTO viewers (principal, algorand_address, created_at) VALUES ($1, $2, $3) ON CONFLICT (principal) DO NOTHING RETURNING balance)
       SELECT balance FROM ins UNION ALL SELECT balance FROM viewers WHERE principal = $1`,
      [principal, address, now],
    );
    // Both parts read the statement's snapshot: a viewer another process inserted meanwhile is in neither.
    const row = rows[0] ?? (await this.query('SELECT balance FROM viewers WHERE principal = $1', [principal])).rows[0];
    return row.balance as number;
  }

  async credit(principal: string, address: string, microAlgos: number, now: number): Promise<number> {
    return this.transaction(async (c) => {
      const { rows } = await c.query(
        `INSERT INTO viewers (principal, algorand_address, balance, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (principal) DO UPDATE SET balance = viewers.balance + excluded.balance RETURNING balance`,
        [principal, address, microAlgos, now],
      );
      // The credit and its deposit transfer (transfer-rules.ts depositTransfers) in one statement.
      await c.query(
        `WITH cr AS (INSERT INTO credits (principal, micro_algos, created_at) VALUES ($1, $2, $3) RETURNING id)
         INSERT INTO transfers (at, from_account, to_account, micro_algos, kind, evidence) SELECT $3, $4, $5, $2, 'deposit', 'credit:' || id FROM cr`,
        [principal, microAlgos, now, DEPOSITS, account.viewer(principal)],
      );
      return rows[0].balance as number;
    });
  }

  async createSession(n: NewSession, limit?: SessionLimit): Promise<void> {
    const insert = (c: Pick<Pool, 'query'>) =>
      c.query(
        `INSERT INTO sessions (id, principal, content_id, rate, session_key, start_hash, started_at, expires_at, last_activity, free_seconds, splits, budget)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $9, $10, $11) ON CONFLICT (start_hash) DO NOTHING`,
        [n.id, n.principal, n.contentId, n.rate, Buffer.from(n.sessionKey), Buffer.from(n.startHash), n.startedAt, n.expiresAt, n.freeSeconds, JSON.stringify(n.splits), n.budget],
      );
    const replayed = () => new ApiError('REPLAYED', 'this start message was already used');
    if (!limit) {
      await this.ready;
      if ((await insert(this.pool)).rowCount === 0) throw replayed();
      return;
    }
    await this.transaction(async (c) => {
      // The viewer's row lock makes the starts of one viewer take turns, across processes: the count
      // below cannot be read by two of them before either inserts.
      await c.query('SELECT 1 FROM viewers WHERE principal = $1 FOR UPDATE', [n.principal]);
      const { rows } = await c.query(
        `SELECT count(*)::int AS n FROM sessions s WHERE s.principal = $1 AND s.status <> 'paused' AND s.expires_at > $2 AND s.last_activity > $3
         AND NOT EXISTS (SELECT 1 FROM revoked_keys r WHERE r.session_key = s.session_key)`,
        [n.principal, limit.now, limit.now - limit.liveWindowMs],
      );
      const ok = decideSessionLimit(rows[0].n as number, limit.maxSessions);
      if (!ok.ok) throw new ApiError(ok.code, ok.message);
      if ((await insert(c)).rowCount === 0) throw replayed();
    });
  }

  async revokeKey(r: Revocation): Promise<number> {
    const { rows } = await this.query(
      `WITH ins AS (INSERT INTO revoked_keys (session_key, principal, revoked_at, expires_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (session_key) DO NOTHING RETURNING revoked_at)
       SELECT revoked_at FROM ins UNION ALL SELECT revoked_at FROM revoked_keys WHERE session_key = $1`,
      [Buffer.from(r.sessionKey), r.principal, r.revokedAt, r.expiresAt],
    );
    // As ensureViewer: a row another process inserted after this statement's snapshot is in neither part.
    const row = rows[0] ?? (await this.query('SELECT revoked_at FROM revoked_keys WHERE session_key = $1', [Buffer.from(r.sessionKey)])).rows[0];
    return row.revoked_at as number;
  }

  async isRevoked(sessionKey: Uint8Array): Promise<boolean> {
    const { rowCount } = await this.query('SELECT 1 FROM revoked_keys WHERE session_key = $1', [Buffer.from(sessionKey)]);
    return (rowCount ?? 0) > 0;
  }

  async sessionKey(id: string): Promise<SessionKeyRecord | undefined> {
    const { rows } = await this.query('SELECT session_key, expires_at, status FROM sessions WHERE id = $1', [id]);
    const s = rows[0];
    return s && { sessionKey: new Uint8Array(s.session_key as Buffer), expiresAt: s.expires_at as number, status: s.status as SessionStatus };
  }

  /** One round trip: the session, its viewer's balance and the tick already held under seq. */
  async loadTick(sessionId: string, seq: number): Promise<TickContext | undefined> {
    const { rows } = await this.query(
      `SELECT s.*, v.balance, t.tick_hash, t.http_status, t.answer,
         EXISTS (SELECT 1 FROM revoked_keys r WHERE r.session_key = s.session_key) AS revoked
       FROM sessions s JOIN viewers v ON v.principal = s.principal
       LEFT JOIN ticks t ON t.session_id = s.id AND t.seq = $2
       WHERE s.id = $1`,
      [sessionId, seq],
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      session: {
        id: r.id, principal: r.principal, contentId: r.content_id, rate: r.rate, startedAt: r.started_at, status: r.status, seq: r.seq,
        claimedSeconds: r.claimed_seconds, billedSeconds: r.billed_seconds, billedMicro: r.billed_micro,
        settledSeconds: r.settled_seconds, settledMicro: r.settled_micro, freeSeconds: r.free_seconds, splits: r.splits ?? null,
        budget: r.budget, lastActivity: r.last_activity, rateTokensMs: r.rate_tokens_ms,
      },
      balance: r.balance as number,
      // The session's count of stored ticks: the bound on ticks that change nothing reads it (tick-rules.ts).
      ticks: r.ticks as number,
      ...(r.revoked === true && { revoked: true }),
      ...(r.tick_hash && { stored: { tickHash: new Uint8Array(r.tick_hash as Buffer), httpStatus: r.http_status as number, answer: r.answer as TickResponse } }),
    };
  }

  /**
   * One statement, one round trip: apply_tick (migrations/002, with its transfers since 009) runs the guarded writes of the contract in
   * the statement's own transaction; a guard that does not hold raises SQ001–SQ003, rolling it all back.
   */
  async applyTick(w: TickWrites): Promise<TickResponse> {
    const u = w.session;
    const t = w.tick;
    const st = w.settlement;
    try {
      const { rows } = await this.query(
        `SELECT apply_tick($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
                           $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34) AS settlement_id`,
        [
          w.sessionId, w.expectSeq, u.seq, u.claimedSeconds, u.billedSeconds, u.billedMicro, u.settledSeconds, u.settledMicro, u.status, u.lastActivity,
          u.rateTokensMs,
          w.debit?.principal ?? null, w.debit?.microAlgos ?? null,
          st?.contentId ?? null, st?.seq ?? null, st?.seconds ?? null, st?.microAlgos ?? null, st?.totalSeconds ?? null, st?.totalMicroAlgos ?? null,
          st?.platformFee ?? null, st?.createdAt ?? null,
          t.tick.seconds, t.tick.microAlgos, t.charged, t.tick.mediaTime, t.tick.clientTime, t.tick.final === true,
          Buffer.from(t.tickHash), Buffer.from(t.signature), t.httpStatus, JSON.stringify(w.answer), t.receivedAt,
          st ? JSON.stringify(st.splits) : null,
          JSON.stringify(tickTransfers(w)),
        ],
      );
      return answerWithSettlementId(w.answer, (rows[0].settlement_id as number | null) ?? undefined);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'SQ001' || code === 'SQ002' || code === 'SQ003') throw new WriteConflict((e as Error).message);
      throw e;
    }
  }

  sessionAnalytics(id: string): Promise<SessionAnalytics | undefined> {
    return analytics.sessionAnalytics(this.q, id);
  }

  totals(now: number, liveWindowMs: number, contentId?: string): Promise<TotalsAnalytics> {
    return analytics.totals(this.q, now, liveWindowMs, contentId);
  }

  async auditTicks(q: AuditQuery): Promise<AuditTick[]> {
    await this.ready;
    return auditTicks(this.pool, q);
  }

  async auditSettlements(q: AuditQuery): Promise<AuditSettlement[]> {
    await this.ready;
    return auditSettlements(this.pool, q);
  }

  putTitle(t: CatalogTitle, now: number): Promise<void> {
    return catalog.putTitle(this.q, t, now);
  }

  deleteTitle(contentId: string): Promise<boolean> {
    return catalog.deleteTitle(this.q, contentId);
  }

  title(contentId: string): Promise<CatalogTitle | undefined> {
    return catalog.title(this.q, contentId);
  }

  titles(): Promise<CatalogTitle[]> {
    return catalog.titles(this.q);
  }

  previewUse(principal: string, contentId: string): Promise<PreviewUse[]> {
    return catalog.previewUse(this.q, principal, contentId);
  }

  putMediaKeys(contentId: string, keys: readonly MediaKey[]): Promise<void> {
    return putMediaKeys((fn) => this.transaction(fn), contentId, keys);
  }

  keyRelease(principal: string, contentId: string, index: number): Promise<KeyReleaseContext> {
    return keyRelease((text, params) => this.query(text, params), principal, contentId, index);
  }

  recordKeyRelease(r: KeyRelease, expectReleases: number): Promise<void> {
    return recordKeyRelease((fn) => this.transaction(fn), r, expectReleases);
  }

  ledgerCheck(): Promise<LedgerCheck> {
    return this.ready.then(() => postgresLedgerCheck(this.pool));
  }

  private closing?: Promise<void>;
  close(): Promise<void> {
    return (this.closing ??= this.pool.end());
  }
}
