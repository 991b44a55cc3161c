/**
 * The ledger in SQLite (better-sqlite3, WAL): viewers' balances, sessions, every accepted signed tick (the
 * evidence for later on-chain settlement), settlements and platform earnings. It only loads and stores;
 * tick-rules.ts decides.
 *
 * Writes from many requests are grouped (group commit): `batch(job)` queues a job and one transaction runs
 * every job queued meanwhile — on the next event-loop turn, or `groupCommitMs` later — each in its own
 * savepoint, so a refused job changes nothing and the others still commit. No job's promise resolves
 * before its transaction commits: a tick is never answered before it is stored.
 * Loads run at once, outside the batch: better-sqlite3 is synchronous, so they see every committed batch,
 * and the guards of `applyTick` catch a batch that committed between a load and its writes.
 *
 * One writer per database file (two processes on one WAL file fail or crawl: FACTS.md), so the money state
 * a tick's load needs — its session's totals and its viewer's balance — is kept in memory as last
 * committed (live-state.ts): a tick then reads no row. Memory changes only after a commit; a failed
 * transaction drops it all. A write to `sessions` or `viewers` outside `applyTick` and `credit` must call
 * `forget` for what it touched.
 */
import Database from 'better-sqlite3';
import type { SessionAnalytics, TickResponse, TotalsAnalytics } from '../../src/payments/protocol.js';
import { ApiError } from '../errors.js';
import { auditSettlements, auditTicks } from './sqlite-audit.js';
import type { CatalogTitle, PreviewUse } from '../catalog/catalog-rules.js';
import { keyRelease, mediaKeyStatements, putMediaKeys, recordKeyRelease } from './sqlite-media-keys.js';
import { LiveState } from './live-state.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import { SCHEMA, prepareStatements, stateOf, upgradeSchema, type SessionRow } from './sqlite-schema.js';
import { ensureTransfers, insertTransfers, sqliteLedgerCheck } from './sqlite-transfers.js';
import { account, depositTransfers, tickTransfers, type LedgerCheck } from './transfer-rules.js';
import { WriteConflict, type AuditQuery, type AuditSettlement, type AuditTick, type KeyRelease, type KeyReleaseContext, type LedgerStorage, type MediaKey, type NewSession, type Revocation, type SessionKeyRecord } from './storage.js';
import { answerWithSettlementId, decideSessionLimit, type SessionLimit, type TickContext, type TickWrites } from './tick-rules.js';

type Job<T> = { run: () => T; resolve: (v: T) => void; reject: (e: unknown) => void };

export class SqliteLedgerStorage implements LedgerStorage {
  /** Open for tests and tools that read the tables directly (e2e journeys check the ticks table). */
  readonly db: Database.Database;
  private queue: Job<unknown>[] = [];
  private scheduled = false;
  private readonly live = new LiveState();
  /** Memory updates of the jobs of the transaction being run, applied once it commits. */
  private afterCommit: Array<() => void> = [];
  private readonly s;
  private readonly k;
  /** One wrapper made once: called inside the batch transaction it runs `fn` in a savepoint. */
  private readonly inSavepoint: (fn: () => unknown) => unknown;
  /** A file's WAL checkpoints, off the event loop (none for :memory:). */
  private readonly checkpointer?: WalCheckpointer;

  /** `groupCommitMs`: how long a batch collects jobs (0: until the next event-loop turn). */
  constructor(
    path: string,
    private readonly groupCommitMs = 0,
  ) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: commits survive a process crash; only an OS crash may lose the last ones.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
    upgradeSchema(this.db);
    ensureTransfers(this.db, Date.now());
    this.inSavepoint = this.db.transaction((fn: () => unknown) => fn());
    if (!this.db.memory && this.db.name !== '') this.checkpointer = new WalCheckpointer(this.db, () => this.schedule());
    this.s = prepareStatements(this.db);
    this.k = mediaKeyStatements(this.db);
  }

  /** Runs `run` inside the next grouped transaction (own savepoint); resolves with its result. */
  batch<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve, reject } as Job<unknown>);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.checkpointer?.held) return;
    this.scheduled = true;
    if (this.groupCommitMs > 0) setTimeout(() => this.flush(), this.groupCommitMs);
    else setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    // The checkpointer restarts the WAL: the jobs wait for its release (which schedules them again).
    if (this.checkpointer?.held) return;
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
      this.afterCommit = [];
      this.live.clear();
      for (const job of jobs) job.reject(e);
      return;
    }
    for (const update of this.afterCommit) update();
    this.afterCommit = [];
    jobs.forEach((job, i) => (results[i].ok ? job.resolve(results[i].v) : job.reject(results[i].v)));
  }

  private balanceOf(principal: string): number {
    return this.s.balance.get(principal) as number;
  }

  ensureViewer(principal: string, address: string, now: number): Promise<number> {
    return this.batch(() => {
      this.s.insertViewer.run(principal, address, now);
      return this.balanceOf(principal);
    });
  }

  credit(principal: string, address: string, microAlgos: number, now: number): Promise<number> {
    return this.batch(() => {
      this.s.insertViewer.run(principal, address, now);
      this.s.credit.run(microAlgos, principal);
      const id = this.s.insertCredit.run(principal, microAlgos, now).lastInsertRowid;
      insertTransfers(this.db, depositTransfers(account.viewer(principal), microAlgos, `credit:${id}`, now));
      this.afterCommit.push(() => this.live.forget(undefined, principal));
      return this.balanceOf(principal);
    });
  }

  createSession(n: NewSession, limit?: SessionLimit): Promise<void> {
    // In the batch: one writer, so the count and the insert cannot be split by another start.
    return this.batch(() => {
      if (this.s.startHashUsed.get(n.startHash)) throw new ApiError('REPLAYED', 'this start message was already used');
      if (limit) {
        const ok = decideSessionLimit(this.s.liveSessions.get(n.principal, limit.now, limit.now - limit.liveWindowMs) as number, limit.maxSessions);
        if (!ok.ok) throw new ApiError(ok.code, ok.message);
      }
      this.s.insertSession.run({ ...n, sessionKey: Buffer.from(n.sessionKey), startHash: Buffer.from(n.startHash), splits: JSON.stringify(n.splits) });
    });
  }

  revokeKey(r: Revocation): Promise<number> {
    return this.batch(() => {
      const key = Buffer.from(r.sessionKey);
      this.s.revoke.run(key, r.principal, r.revokedAt, r.expiresAt);
      return this.s.revokedAt.get(key) as number;
    });
  }

  async isRevoked(sessionKey: Uint8Array): Promise<boolean> {
    return this.s.revokedAt.get(Buffer.from(sessionKey)) !== undefined;
  }

  private row(id: string): SessionRow | undefined {
    return this.s.session.get(id) as SessionRow | undefined;
  }

  async sessionKey(id: string): Promise<SessionKeyRecord | undefined> {
    const s = this.row(id);
    return s && { sessionKey: new Uint8Array(s.session_key), expiresAt: s.expires_at, status: s.status };
  }

  async loadTick(sessionId: string, seq: number): Promise<TickContext | undefined> {
    let live = this.live.session(sessionId);
    if (!live) {
      const row = this.row(sessionId);
      if (!row) return undefined;
      live = this.live.setSession(stateOf(row), row.ticks, row.session_key);
    }
    const s = live.state;
    // Read, not remembered: other writers of the same file change balances too (the ads' viewer share).
    const balance = this.balanceOf(s.principal);
    // One writer: a tick row exists only under a seq the session has reached, so a newer seq needs no look-up.
    const seen = seq > s.seq ? undefined : (this.s.tick.get(sessionId, seq) as { tick_hash: Buffer; http_status: number; answer: string } | undefined);
    return {
      session: { ...s },
      balance,
      ticks: live.ticks,
      ...(this.s.revokedAt.get(live.sessionKey) !== undefined && { revoked: true }),
      ...(seen && { stored: { tickHash: new Uint8Array(seen.tick_hash), httpStatus: seen.http_status, answer: JSON.parse(seen.answer) as TickResponse } }),
    };
  }

  applyTick(w: TickWrites): Promise<TickResponse> {
    return this.batch(() => {
      const u = w.session;
      const moved = this.s.updateSession.run(
        u.seq, u.claimedSeconds, u.billedSeconds, u.billedMicro, u.settledSeconds, u.settledMicro, u.status, u.lastActivity, u.rateTokensMs, w.sessionId, w.expectSeq,
      );
      if (moved.changes !== 1) throw new WriteConflict(`session ${w.sessionId} is no longer at seq ${w.expectSeq}`);
      if (w.debit && this.s.debit.run(w.debit.microAlgos, w.debit.principal, w.debit.microAlgos).changes !== 1) {
        throw new WriteConflict(`balance of ${w.debit.principal} no longer covers ${w.debit.microAlgos}`);
      }
      let settlementId: number | undefined;
      if (w.settlement) {
        const st = w.settlement;
        const info = this.s.insertSettlement.run(st.sessionId, st.seq, st.seconds, st.microAlgos, st.totalSeconds, st.totalMicroAlgos, st.platformFee, st.createdAt, JSON.stringify(st.splits));
        this.s.earn.run(st.contentId, st.microAlgos, st.platformFee);
        settlementId = Number(info.lastInsertRowid);
      }
      const answer = answerWithSettlementId(w.answer, settlementId);
      const t = w.tick;
      const inserted = this.s.insertTick.run(
        w.sessionId, t.tick.seq, t.tick.seconds, t.tick.microAlgos, t.charged, t.tick.mediaTime, t.tick.clientTime, t.tick.final ? 1 : 0,
        Buffer.from(t.tickHash), Buffer.from(t.signature), t.httpStatus, JSON.stringify(answer), t.receivedAt,
      );
      if (inserted.changes !== 1) throw new WriteConflict(`seq ${t.tick.seq} of ${w.sessionId} is already stored`);
      insertTransfers(this.db, tickTransfers(w));
      this.afterCommit.push(() => this.live.applied(w));
      return answer;
    });
  }

  async sessionAnalytics(id: string): Promise<SessionAnalytics | undefined> {
    const s = this.row(id);
    if (!s) return undefined;
    const { n } = this.s.settlementCount.get(id) as { n: number };
    return {
      sessionId: s.id, contentId: s.content_id, principal: s.principal, rateMicroAlgos: s.rate, billedSeconds: s.billed_seconds,
      microAlgos: s.billed_micro, ticks: s.ticks, settlements: n, status: s.status, startedAt: s.started_at,
      lastTickAt: s.ticks > 0 ? s.last_activity : null,
    };
  }

  async totals(now: number, liveWindowMs: number, contentId?: string): Promise<TotalsAnalytics> {
    const since = now - liveWindowMs;
    const t = (contentId === undefined ? this.s.totalsAll.get(since) : this.s.totalsContent.get(since, contentId)) as Omit<
      TotalsAnalytics,
      'earningsMicroAlgos' | 'settledMicroAlgos'
    >;
    const e = (contentId === undefined ? this.s.earningsAll.get() : this.s.earningsContent.get(contentId)) as { settled: number; fee: number };
    return { ...(contentId !== undefined && { contentId }), ...t, settledMicroAlgos: e.settled, earningsMicroAlgos: e.fee };
  }

  async auditTicks(q: AuditQuery): Promise<AuditTick[]> {
    return auditTicks(this.db, q);
  }

  async auditSettlements(q: AuditQuery): Promise<AuditSettlement[]> {
    return auditSettlements(this.db, q);
  }

  putTitle(t: CatalogTitle, now: number): Promise<void> {
    return this.batch(() => void this.s.putTitle.run(t.contentId, JSON.stringify(t), now));
  }

  deleteTitle(contentId: string): Promise<boolean> {
    return this.batch(() => this.s.deleteTitle.run(contentId).changes === 1);
  }

  async title(contentId: string): Promise<CatalogTitle | undefined> {
    const entry = this.s.title.get(contentId) as string | undefined;
    return entry === undefined ? undefined : (JSON.parse(entry) as CatalogTitle);
  }

  async titles(): Promise<CatalogTitle[]> {
    return (this.s.titles.all() as string[]).map((e) => JSON.parse(e) as CatalogTitle);
  }

  async previewUse(principal: string, contentId: string): Promise<PreviewUse[]> {
    return this.s.previewUse.all(principal, contentId) as PreviewUse[];
  }

  putMediaKeys(contentId: string, keys: readonly MediaKey[]): Promise<void> {
    return this.batch(() => putMediaKeys(this.k, contentId, keys));
  }

  async keyRelease(principal: string, contentId: string, index: number): Promise<KeyReleaseContext> {
    return keyRelease(this.k, principal, contentId, index);
  }

  recordKeyRelease(r: KeyRelease, expectReleases: number): Promise<void> {
    return this.batch(() => recordKeyRelease(this.k, r, expectReleases));
  }

  async ledgerCheck(): Promise<LedgerCheck> {
    return sqliteLedgerCheck(this.db);
  }

  /** Drops what memory holds of a session and/or a viewer's balance (after a write outside applyTick and credit). */
  forget(sessionId?: string, principal?: string): void {
    this.live.forget(sessionId, principal);
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.db.open) this.db.close();
  }
}
