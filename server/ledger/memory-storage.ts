/**
 * The ledger in memory, for unit fakes, stories and property tests: the same LedgerStorage contract as
 * SQLite (guards, unique (session, seq), all-or-nothing), no persistence. Browser-safe: no Node imports.
 * The `…Now` methods are the synchronous core, for fakes that answer synchronously.
 */
import type { SessionAnalytics, TickResponse, TotalsAnalytics } from '../../src/payments/protocol.js';
import type { CatalogTitle, PreviewUse } from '../catalog/catalog-rules.js';
import { ApiError } from '../errors.js';
import { MemoryMediaKeys } from './memory-media-keys.js';
import { WriteConflict, type AuditQuery, type KeyRelease, type KeyReleaseContext, type MediaKey, type AuditSettlement, type AuditTick, type LedgerStorage, type NewSession, type Revocation, type SessionKeyRecord } from './storage.js';
import { answerWithSettlementId, decideSessionLimit, type SessionLimit, type SessionState, type StoredTick, type TickContext, type TickWrites } from './tick-rules.js';
import { DEPOSITS, account, addTo, balancesOf, checkLedger, depositTransfers, tickTransfers, type LedgerCheck, type Transfer } from './transfer-rules.js';

interface MemorySession extends SessionState {
  sessionKey: Uint8Array;
  expiresAt: number;
  ticks: number;
  lastActivity: number;
  settlements: number;
}

export interface MemoryViewer {
  principal: string;
  algorandAddress: string;
  balance: number;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

function matches(q: AuditQuery, r: { sessionId: string; contentId: string }, at: number): boolean {
  return (
    (q.sessionId === undefined || r.sessionId === q.sessionId) &&
    (q.contentId === undefined || r.contentId === q.contentId) &&
    (q.from === undefined || at >= q.from) &&
    (q.to === undefined || at < q.to)
  );
}

export class MemoryLedgerStorage implements LedgerStorage {
  readonly viewers = new Map<string, MemoryViewer>();
  readonly sessions = new Map<string, MemorySession>();
  /** Key `${sessionId} ${seq}`: the unique (session, seq) of the ticks table. */
  readonly ticks = new Map<string, StoredTick & { charged: number }>();
  readonly credits: Array<{ principal: string; microAlgos: number }> = [];
  readonly earnings = new Map<string, { settled: number; fee: number }>();
  private readonly startHashes = new Set<string>();
  readonly catalog = new Map<string, CatalogTitle>();
  /** Revoked session keys by hex DER. */
  readonly revoked = new Map<string, Revocation>();
  /** Every accepted tick and settlement in the order applied: what the audit export reads. */
  readonly auditLog: { ticks: AuditTick[]; settlements: AuditSettlement[] } = { ticks: [], settlements: [] };
  private settlementIds = 0;
  /** The double-entry ledger (transfer-rules.ts), appended with every balance change. */
  readonly transfers: Transfer[] = [];
  readonly mediaKeys = new MemoryMediaKeys(() => this.sessions.values());

  ensureViewerNow(principal: string, algorandAddress: string): MemoryViewer {
    let v = this.viewers.get(principal);
    if (!v) this.viewers.set(principal, (v = { principal, algorandAddress, balance: 0 }));
    return v;
  }

  creditNow(principal: string, algorandAddress: string, microAlgos: number, now = 0): number {
    const v = this.ensureViewerNow(principal, algorandAddress);
    v.balance += microAlgos;
    this.credits.push({ principal, microAlgos });
    this.transfers.push(...depositTransfers(account.viewer(principal), microAlgos, `credit:${this.credits.length}`, now));
    return v.balance;
  }

  /** Live sessions of a viewer (tick-rules.ts decideSessionLimit). */
  liveSessionsNow(principal: string, now: number, liveWindowMs: number): number {
    let n = 0;
    for (const s of this.sessions.values()) {
      if (s.principal === principal && s.status !== 'paused' && s.expiresAt > now && s.lastActivity > now - liveWindowMs && !this.revoked.has(hex(s.sessionKey))) n++;
    }
    return n;
  }

  createSessionNow(n: NewSession, limit?: SessionLimit): void {
    const h = hex(n.startHash);
    if (this.startHashes.has(h)) throw new ApiError('REPLAYED', 'this start message was already used');
    if (!this.viewers.has(n.principal)) throw new Error(`no viewer ${n.principal}`); // the foreign key of SQLite
    if (this.sessions.has(n.id)) throw new Error(`session ${n.id} exists`);
    if (limit) {
      const ok = decideSessionLimit(this.liveSessionsNow(n.principal, limit.now, limit.liveWindowMs), limit.maxSessions);
      if (!ok.ok) throw new ApiError(ok.code, ok.message);
    }
    this.startHashes.add(h);
    this.sessions.set(n.id, {
      id: n.id, principal: n.principal, contentId: n.contentId, rate: n.rate, startedAt: n.startedAt, status: 'active',
      freeSeconds: n.freeSeconds, splits: structuredClone(n.splits),
      seq: 0, claimedSeconds: 0, billedSeconds: 0, billedMicro: 0, settledSeconds: 0, settledMicro: 0, budget: n.budget, rateTokensMs: null,
      sessionKey: n.sessionKey.slice(), expiresAt: n.expiresAt, ticks: 0, lastActivity: n.startedAt, settlements: 0,
    });
  }

  loadTickNow(sessionId: string, seq: number): TickContext | undefined {
    const s = this.sessions.get(sessionId);
    if (!s) return undefined;
    const { sessionKey: _k, expiresAt: _e, ticks: _t, settlements: _n, ...session } = s;
    const stored = this.ticks.get(`${sessionId} ${seq}`);
    return {
      session: { ...session, splits: session.splits && structuredClone(session.splits) },
      balance: this.viewers.get(s.principal)!.balance,
      ticks: s.ticks,
      ...(this.revoked.has(hex(s.sessionKey)) && { revoked: true }),
      ...(stored && { stored: { tickHash: stored.tickHash, httpStatus: stored.httpStatus, answer: structuredClone(stored.answer) } }),
    };
  }

  applyTickNow(w: TickWrites): TickResponse {
    const s = this.sessions.get(w.sessionId);
    const key = `${w.sessionId} ${w.tick.tick.seq}`;
    // Every guard first: all or nothing.
    if (!s || s.seq !== w.expectSeq) throw new WriteConflict(`session ${w.sessionId} is no longer at seq ${w.expectSeq}`);
    const viewer = w.debit && this.viewers.get(w.debit.principal);
    if (w.debit && (!viewer || viewer.balance < w.debit.microAlgos)) throw new WriteConflict(`balance no longer covers ${w.debit.microAlgos}`);
    if (this.ticks.has(key)) throw new WriteConflict(`seq ${w.tick.tick.seq} of ${w.sessionId} is already stored`);

    Object.assign(s, w.session);
    s.ticks += 1;
    if (viewer && w.debit) viewer.balance -= w.debit.microAlgos;
    let settlementId: number | undefined;
    if (w.settlement) {
      settlementId = ++this.settlementIds;
      s.settlements += 1;
      const { sessionId, contentId, seq, seconds, microAlgos, totalSeconds, totalMicroAlgos, platformFee, createdAt, splits } = w.settlement;
      this.auditLog.settlements.push({
        id: settlementId, sessionId, contentId, principal: s.principal, seq, seconds, microAlgos, totalSeconds, totalMicroAlgos, platformFee, createdAt,
        splits: structuredClone(splits),
      });
      const e = this.earnings.get(w.settlement.contentId) ?? { settled: 0, fee: 0 };
      this.earnings.set(w.settlement.contentId, { settled: e.settled + w.settlement.microAlgos, fee: e.fee + w.settlement.platformFee });
    }
    this.transfers.push(...tickTransfers(w));
    const answer = answerWithSettlementId(w.answer, settlementId);
    this.ticks.set(key, { tickHash: w.tick.tickHash.slice(), httpStatus: w.tick.httpStatus, answer: structuredClone(answer), charged: w.tick.charged });
    const t = w.tick;
    this.auditLog.ticks.push({
      sessionId: s.id, contentId: s.contentId, principal: s.principal, seq: t.tick.seq, seconds: t.tick.seconds, microAlgos: t.tick.microAlgos,
      charged: t.charged, mediaTime: t.tick.mediaTime, clientTime: t.tick.clientTime, final: t.tick.final === true, httpStatus: t.httpStatus,
      receivedAt: t.receivedAt, tickHash: hex(t.tickHash), signature: hex(t.signature), sessionKey: hex(s.sessionKey),
    });
    return answer;
  }

  // The asynchronous interface: each call yields once, as a real store would, so callers interleave.
  async ensureViewer(principal: string, algorandAddress: string): Promise<number> {
    await Promise.resolve();
    return this.ensureViewerNow(principal, algorandAddress).balance;
  }
  async credit(principal: string, algorandAddress: string, microAlgos: number, now = 0): Promise<number> {
    await Promise.resolve();
    return this.creditNow(principal, algorandAddress, microAlgos, now);
  }
  async createSession(n: NewSession, limit?: SessionLimit): Promise<void> {
    await Promise.resolve();
    this.createSessionNow(n, limit);
  }
  async revokeKey(r: Revocation): Promise<number> {
    await Promise.resolve();
    const k = hex(r.sessionKey);
    if (!this.revoked.has(k)) this.revoked.set(k, { ...r, sessionKey: r.sessionKey.slice() });
    return this.revoked.get(k)!.revokedAt;
  }
  async isRevoked(sessionKey: Uint8Array): Promise<boolean> {
    await Promise.resolve();
    return this.revoked.has(hex(sessionKey));
  }
  async sessionKey(id: string): Promise<SessionKeyRecord | undefined> {
    await Promise.resolve();
    const s = this.sessions.get(id);
    return s && { sessionKey: s.sessionKey, expiresAt: s.expiresAt, status: s.status };
  }
  async loadTick(sessionId: string, seq: number): Promise<TickContext | undefined> {
    await Promise.resolve();
    return this.loadTickNow(sessionId, seq);
  }
  async applyTick(w: TickWrites): Promise<TickResponse> {
    await Promise.resolve();
    return this.applyTickNow(w);
  }
  async sessionAnalytics(id: string): Promise<SessionAnalytics | undefined> {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    return {
      sessionId: s.id, contentId: s.contentId, principal: s.principal, rateMicroAlgos: s.rate, billedSeconds: s.billedSeconds,
      microAlgos: s.billedMicro, ticks: s.ticks, settlements: s.settlements, status: s.status, startedAt: s.startedAt,
      lastTickAt: s.ticks > 0 ? s.lastActivity : null,
    };
  }
  async totals(now: number, liveWindowMs: number, contentId?: string): Promise<TotalsAnalytics> {
    const all = [...this.sessions.values()].filter((s) => contentId === undefined || s.contentId === contentId);
    const sum = (f: (s: MemorySession) => number) => all.reduce((a, s) => a + f(s), 0);
    const earned = contentId === undefined ? [...this.earnings.values()] : [this.earnings.get(contentId) ?? { settled: 0, fee: 0 }];
    return {
      ...(contentId !== undefined && { contentId }),
      sessions: all.length,
      viewers: new Set(all.map((s) => s.principal)).size,
      watchSeconds: sum((s) => s.billedSeconds),
      microAlgos: sum((s) => s.billedMicro),
      ticks: sum((s) => s.ticks),
      liveSessions: all.filter((s) => s.status === 'active' && s.lastActivity > now - liveWindowMs).length,
      settledMicroAlgos: earned.reduce((a, e) => a + e.settled, 0),
      earningsMicroAlgos: earned.reduce((a, e) => a + e.fee, 0),
    };
  }
  async auditTicks(q: AuditQuery): Promise<AuditTick[]> {
    const rows = this.auditLog.ticks.filter((t) => matches(q, t, t.receivedAt));
    rows.sort((a, b) => a.receivedAt - b.receivedAt || (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : a.seq - b.seq));
    return rows.slice(0, q.limit);
  }
  async auditSettlements(q: AuditQuery): Promise<AuditSettlement[]> {
    return this.auditLog.settlements.filter((st) => matches(q, st, st.createdAt)).slice(0, q.limit);
  }
  async putTitle(t: CatalogTitle): Promise<void> {
    await Promise.resolve();
    this.catalog.set(t.contentId, structuredClone(t));
  }
  async deleteTitle(contentId: string): Promise<boolean> {
    await Promise.resolve();
    return this.catalog.delete(contentId);
  }
  async title(contentId: string): Promise<CatalogTitle | undefined> {
    await Promise.resolve();
    const t = this.catalog.get(contentId);
    return t && structuredClone(t);
  }
  async titles(): Promise<CatalogTitle[]> {
    await Promise.resolve();
    return [...this.catalog.values()].sort((a, b) => (a.contentId < b.contentId ? -1 : a.contentId > b.contentId ? 1 : 0)).map((t) => structuredClone(t));
  }
  async previewUse(principal: string, contentId: string): Promise<PreviewUse[]> {
    await Promise.resolve();
    return [...this.sessions.values()].filter((s) => s.principal === principal && s.contentId === contentId).map((s) => ({ freeSeconds: s.freeSeconds, billedSeconds: s.billedSeconds }));
  }

  async putMediaKeys(contentId: string, keys: readonly MediaKey[]): Promise<void> {
    await Promise.resolve();
    this.mediaKeys.put(contentId, keys);
  }
  async keyRelease(principal: string, contentId: string, index: number): Promise<KeyReleaseContext> {
    await Promise.resolve();
    return this.mediaKeys.context(principal, contentId, index);
  }
  async recordKeyRelease(r: KeyRelease, expectReleases: number): Promise<void> {
    await Promise.resolve();
    this.mediaKeys.record(r, expectReleases);
  }
  async ledgerCheck(): Promise<LedgerCheck> {
    await Promise.resolve();
    const cached = new Map<string, number>();
    for (const v of this.viewers.values()) addTo(cached, account.viewer(v.principal), v.balance);
    for (const s of this.sessions.values()) addTo(cached, account.session(s.id), s.billedMicro - s.settledMicro);
    for (const st of this.auditLog.settlements) for (const a of st.splits) addTo(cached, account.recipient(a, st.contentId), a.microAlgos);
    addTo(cached, DEPOSITS, -this.credits.reduce((a, c) => a + c.microAlgos, 0));
    return checkLedger(balancesOf(this.transfers), cached);
  }

  async close(): Promise<void> {}
}
