/**
 * The ledger: viewers' balances, sessions, every accepted signed tick (the evidence for later on-chain
 * settlement), settlements and platform earnings. better-sqlite3, WAL, prepared statements.
 *
 * Writes from many requests are grouped: `batch(job)` queues a job and one transaction per event-loop turn
 * runs them all, each in its own savepoint, so a refused job changes nothing and the others still commit.
 */
import Database from 'better-sqlite3';
import type {
  SessionAnalytics,
  SessionStatus,
  Settlement,
  Tick,
  TickResponse,
  TotalsAnalytics,
} from '../src/payments/protocol.js';
import { ApiError } from './errors.js';

const SCHEMA = `
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
  last_activity INTEGER NOT NULL
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
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS settlements_session ON settlements(session_id);
CREATE TABLE IF NOT EXISTS platform_earnings (
  content_id TEXT PRIMARY KEY,
  settled_micro INTEGER NOT NULL DEFAULT 0,
  fee_micro INTEGER NOT NULL DEFAULT 0
);
`;

export interface SessionRow {
  id: string;
  principal: string;
  content_id: string;
  rate: number;
  session_key: Buffer;
  started_at: number;
  expires_at: number;
  status: SessionStatus;
  seq: number;
  claimed_seconds: number;
  billed_seconds: number;
  billed_micro: number;
  settled_seconds: number;
  settled_micro: number;
  ticks: number;
  last_activity: number;
}

export interface NewSession {
  id: string;
  principal: string;
  contentId: string;
  rate: number;
  sessionKey: Uint8Array;
  startHash: Uint8Array;
  startedAt: number;
  expiresAt: number;
}

export interface TickRules {
  now: number;
  maxPlaybackRate: number;
  slackSeconds: number;
  platformFeeBps: number;
  /** /session/pause: settle and mark paused. */
  settle: boolean;
}

export interface TickOutcome {
  status: number;
  body: TickResponse;
}

type Job<T> = { run: () => T; resolve: (v: T) => void; reject: (e: unknown) => void };

export class Ledger {
  readonly db: Database.Database;
  private queue: Job<unknown>[] = [];
  private scheduled = false;
  private readonly s;
  /** One wrapper made once: called inside the batch transaction it runs `fn` in a savepoint. */
  private readonly inSavepoint: (fn: () => unknown) => unknown;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: commits survive a process crash; only an OS crash may lose the last ones.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
    this.inSavepoint = this.db.transaction((fn: () => unknown) => fn());
    const p = (sql: string) => this.db.prepare(sql);
    this.s = {
      viewer: p('SELECT principal, algorand_address, balance FROM viewers WHERE principal = ?'),
      insertViewer: p('INSERT OR IGNORE INTO viewers (principal, algorand_address, balance, created_at) VALUES (?, ?, 0, ?)'),
      credit: p('UPDATE viewers SET balance = balance + ? WHERE principal = ?'),
      insertCredit: p('INSERT INTO credits (principal, micro_algos, created_at) VALUES (?, ?, ?)'),
      debit: p('UPDATE viewers SET balance = balance - ? WHERE principal = ?'),
      session: p('SELECT * FROM sessions WHERE id = ?'),
      insertSession: p(
        `INSERT INTO sessions (id, principal, content_id, rate, session_key, start_hash, started_at, expires_at, last_activity)
         VALUES (@id, @principal, @contentId, @rate, @sessionKey, @startHash, @startedAt, @expiresAt, @startedAt)`,
      ),
      startHashUsed: p('SELECT 1 FROM sessions WHERE start_hash = ?'),
      tick: p('SELECT tick_hash, http_status, answer FROM ticks WHERE session_id = ? AND seq = ?'),
      insertTick: p(
        `INSERT INTO ticks (session_id, seq, seconds, micro_algos, charged, media_time, client_time, final, tick_hash, signature, http_status, answer, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      updateSession: p(
        `UPDATE sessions SET seq = ?, claimed_seconds = ?, billed_seconds = ?, billed_micro = ?, settled_seconds = ?, settled_micro = ?,
         status = ?, ticks = ticks + 1, last_activity = ? WHERE id = ?`,
      ),
      insertSettlement: p(
        `INSERT INTO settlements (session_id, seq, seconds, micro_algos, total_seconds, total_micro, platform_fee, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      earn: p(
        `INSERT INTO platform_earnings (content_id, settled_micro, fee_micro) VALUES (?, ?, ?)
         ON CONFLICT(content_id) DO UPDATE SET settled_micro = settled_micro + excluded.settled_micro, fee_micro = fee_micro + excluded.fee_micro`,
      ),
      settlementCount: p('SELECT count(*) AS n FROM settlements WHERE session_id = ?'),
      totalsAll: p(
        `SELECT count(*) AS sessions, count(DISTINCT principal) AS viewers, coalesce(sum(billed_seconds),0) AS watchSeconds,
         coalesce(sum(billed_micro),0) AS microAlgos, coalesce(sum(ticks),0) AS ticks,
         coalesce(sum(status = 'active' AND last_activity > ?),0) AS liveSessions FROM sessions`,
      ),
      totalsContent: p(
        `SELECT count(*) AS sessions, count(DISTINCT principal) AS viewers, coalesce(sum(billed_seconds),0) AS watchSeconds,
         coalesce(sum(billed_micro),0) AS microAlgos, coalesce(sum(ticks),0) AS ticks,
         coalesce(sum(status = 'active' AND last_activity > ?),0) AS liveSessions FROM sessions WHERE content_id = ?`,
      ),
      earningsAll: p('SELECT coalesce(sum(settled_micro),0) AS settled, coalesce(sum(fee_micro),0) AS fee FROM platform_earnings'),
      earningsContent: p('SELECT coalesce(sum(settled_micro),0) AS settled, coalesce(sum(fee_micro),0) AS fee FROM platform_earnings WHERE content_id = ?'),
    };
  }

  /** Runs `run` inside the next grouped transaction (own savepoint); resolves with its result. */
  batch<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve, reject } as Job<unknown>);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const jobs = this.queue;
    this.queue = [];
    const results: Array<{ ok: boolean; v: unknown }> = [];
    try {
      this.db.transaction(() => {
        for (const job of jobs) {
          try {
            results.push({ ok: true, v: this.inSavepoint(job.run) });
          } catch (e) {
            results.push({ ok: false, v: e });
          }
        }
      })();
    } catch (e) {
      for (const job of jobs) job.reject(e);
      return;
    }
    jobs.forEach((job, i) => (results[i].ok ? job.resolve(results[i].v) : job.reject(results[i].v)));
  }

  /** Runs `fn` in a transaction now (tests; requests go through `batch`). */
  inTransactionForTest<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  viewer(principal: string): { principal: string; algorand_address: string; balance: number } | undefined {
    return this.s.viewer.get(principal) as never;
  }

  ensureViewer(principal: string, address: string, now: number): number {
    this.s.insertViewer.run(principal, address, now);
    return this.viewer(principal)!.balance;
  }

  credit(principal: string, address: string, microAlgos: number, now: number): number {
    return this.db.transaction(() => {
      this.s.insertViewer.run(principal, address, now);
      this.s.credit.run(microAlgos, principal);
      this.s.insertCredit.run(principal, microAlgos, now);
      return this.viewer(principal)!.balance;
    })();
  }

  /** Throws REPLAYED when this start message was already used. */
  createSession(n: NewSession): void {
    if (this.s.startHashUsed.get(n.startHash)) throw new ApiError('REPLAYED', 'this start message was already used');
    this.s.insertSession.run({ ...n, sessionKey: Buffer.from(n.sessionKey), startHash: Buffer.from(n.startHash) });
  }

  session(id: string): SessionRow | undefined {
    return this.s.session.get(id) as SessionRow | undefined;
  }

  /**
   * Applies one verified tick. Checks come first and throw ApiError (nothing written); then one tick row,
   * the session, the viewer's balance and (on pause) a settlement are written together.
   */
  applyTick(sessionId: string, tick: Tick, tickHash: Uint8Array, signature: Uint8Array, r: TickRules): TickOutcome {
    const s = this.session(sessionId);
    if (!s) throw new ApiError('NOT_FOUND', 'unknown session');
    const seen = this.s.tick.get(sessionId, tick.seq) as { tick_hash: Buffer; http_status: number; answer: string } | undefined;
    if (seen) {
      // Idempotent: the very same signed tick gets the very same answer; another tick under a used seq is refused.
      if (Buffer.compare(seen.tick_hash, Buffer.from(tickHash)) === 0) return { status: seen.http_status, body: JSON.parse(seen.answer) };
      throw new ApiError('SEQ_OUT_OF_ORDER', `seq ${tick.seq} was already used by a different tick`, this.state(s));
    }
    if (tick.seq <= s.seq) throw new ApiError('SEQ_OUT_OF_ORDER', `seq ${tick.seq} ≤ last accepted ${s.seq}`, this.state(s));
    if (tick.microAlgos !== tick.seconds * s.rate) {
      throw new ApiError('AMOUNT_MISMATCH', `microAlgos ${tick.microAlgos} ≠ seconds ${tick.seconds} × rate ${s.rate}`, this.state(s));
    }
    if (tick.seconds < s.claimed_seconds) {
      throw new ApiError('TOTALS_DECREASED', `seconds ${tick.seconds} < ${s.claimed_seconds} already signed`, this.state(s));
    }
    const ceiling = Math.floor(((r.now - s.started_at) / 1000) * r.maxPlaybackRate) + r.slackSeconds;
    if (tick.seconds > ceiling) {
      throw new ApiError('RATE_EXCEEDED', `seconds ${tick.seconds} > ceiling ${ceiling} (elapsed × ${r.maxPlaybackRate} + ${r.slackSeconds})`, this.state(s));
    }

    const balance = this.viewer(s.principal)!.balance;
    const owedSeconds = tick.seconds - s.billed_seconds;
    // Whole seconds only: charge what the balance can pay, leave the rest owed (settled by a later tick after a top-up).
    const paidSeconds = s.rate === 0 ? owedSeconds : Math.min(owedSeconds, Math.floor(balance / s.rate));
    const charged = paidSeconds * s.rate;
    const exhausted = paidSeconds < owedSeconds;
    const billedSeconds = s.billed_seconds + paidSeconds;
    const billedMicro = s.billed_micro + charged;
    const newBalance = balance - charged;
    if (charged > 0) this.s.debit.run(charged, s.principal);

    let settlement: Settlement | undefined;
    let settledSeconds = s.settled_seconds;
    let settledMicro = s.settled_micro;
    if (r.settle) {
      const sec = billedSeconds - s.settled_seconds;
      const micro = billedMicro - s.settled_micro;
      const fee = Math.floor((micro * r.platformFeeBps) / 10_000);
      const info = this.s.insertSettlement.run(sessionId, tick.seq, sec, micro, billedSeconds, billedMicro, fee, r.now);
      this.s.earn.run(s.content_id, micro, fee);
      settledSeconds = billedSeconds;
      settledMicro = billedMicro;
      settlement = {
        id: Number(info.lastInsertRowid),
        sessionId,
        seconds: sec,
        microAlgos: micro,
        totalSeconds: billedSeconds,
        totalMicroAlgos: billedMicro,
        createdAt: r.now,
      };
    }
    const status: SessionStatus = exhausted ? 'exhausted' : r.settle ? 'paused' : 'active';
    this.s.updateSession.run(tick.seq, tick.seconds, billedSeconds, billedMicro, settledSeconds, settledMicro, status, r.now, sessionId);
    const body: TickResponse = {
      sessionId,
      seq: tick.seq,
      seconds: billedSeconds,
      microAlgos: billedMicro,
      balanceMicroAlgos: newBalance,
      status,
      ...(settlement && { settlement }),
    };
    const httpStatus = exhausted ? 402 : 200;
    this.s.insertTick.run(
      sessionId,
      tick.seq,
      tick.seconds,
      tick.microAlgos,
      charged,
      tick.mediaTime,
      tick.clientTime,
      tick.final ? 1 : 0,
      Buffer.from(tickHash),
      Buffer.from(signature),
      httpStatus,
      JSON.stringify(body),
      r.now,
    );
    return { status: httpStatus, body };
  }

  /** What the ledger holds for a session now. */
  state(s: SessionRow): TickResponse {
    return {
      sessionId: s.id,
      seq: s.seq,
      seconds: s.billed_seconds,
      microAlgos: s.billed_micro,
      balanceMicroAlgos: this.viewer(s.principal)?.balance ?? 0,
      status: s.status,
    };
  }

  sessionAnalytics(id: string): SessionAnalytics | undefined {
    const s = this.session(id);
    if (!s) return undefined;
    const { n } = this.s.settlementCount.get(id) as { n: number };
    return {
      sessionId: s.id,
      contentId: s.content_id,
      principal: s.principal,
      rateMicroAlgos: s.rate,
      billedSeconds: s.billed_seconds,
      microAlgos: s.billed_micro,
      ticks: s.ticks,
      settlements: n,
      status: s.status,
      startedAt: s.started_at,
      lastTickAt: s.ticks > 0 ? s.last_activity : null,
    };
  }

  totals(now: number, liveWindowMs: number, contentId?: string): TotalsAnalytics {
    const since = now - liveWindowMs;
    const t = (contentId === undefined ? this.s.totalsAll.get(since) : this.s.totalsContent.get(since, contentId)) as Omit<
      TotalsAnalytics,
      'earningsMicroAlgos' | 'settledMicroAlgos'
    >;
    const e = (contentId === undefined ? this.s.earningsAll.get() : this.s.earningsContent.get(contentId)) as { settled: number; fee: number };
    return { ...(contentId !== undefined && { contentId }), ...t, settledMicroAlgos: e.settled, earningsMicroAlgos: e.fee };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
