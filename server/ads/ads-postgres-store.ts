/**
 * The ads tables in PostgreSQL (migrations 007 and 008), for any number of API processes on one database. Every
 * decide-and-write transaction first takes one transaction-scoped advisory lock, so ads decisions are
 * serialised across processes exactly as SQLite's single writer serialises them in one: an auction reads
 * balances, daily spend and frequency caps and places its hold with nothing changing in between, and an
 * idempotency key's stored answer is read and written under the same lock. The database's own guards stay
 * the last line: a balance or hold never below zero (CHECK), one auction per (session, title, break), one
 * charge per (auction, seq), nonces and idempotency keys unique. Nonces are recorded outside the lock
 * (INSERT … ON CONFLICT DO NOTHING is atomic on its own).
 *
 * The lock is the price of simplicity: an auction over 1,000 bids holds it for a few milliseconds, which
 * bounds all processes together to a few hundred breaks per second (docs/ADS.md §Storage).
 */
import type { Pool, PoolClient, QueryResult } from 'pg';
import { PostgresAdsTx } from './ads-postgres-tx.js';
import { postgresReads } from './ads-postgres-reads.js';
import { runAsync, type AdsReads, type AdsStore, type AdsTx, type Step } from './ads-store.js';

/** pg_advisory_xact_lock key of the ads tables ("ads" in ASCII). */
const ADS_LOCK = 0x616473;

export class PostgresAdsStore implements AdsStore {
  private readonly reads: AdsReads;

  /** `pool`: the ledger's (same database and schema; migrations 007 and 008 applied once `ready` resolves). */
  constructor(
    private readonly pool: Pool,
    private readonly ready: Promise<void>,
  ) {
    this.reads = postgresReads((text, params) => this.query(text, params));
  }

  /** `text` may be a query config (`rowMode: 'array'`), which carries its own values. */
  private async query(text: string, params?: unknown[]): Promise<QueryResult> {
    await this.ready;
    return params === undefined ? this.pool.query(text) : this.pool.query(text, params);
  }

  async tx<T>(fn: (s: AdsTx) => Step<T>): Promise<T> {
    await this.ready;
    const c: PoolClient = await this.pool.connect();
    let broken = false;
    const onError = () => (broken = true);
    c.on('error', onError);
    try {
      // One round trip (simple protocol, two statements).
      await c.query(`BEGIN; SELECT pg_advisory_xact_lock(${ADS_LOCK})`);
      const out = await runAsync(fn(new PostgresAdsTx(c)));
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

  async keyOwner(keyId: string) {
    const { rows } = await this.query('SELECT agent_id, public_key FROM agent_keys WHERE key_id = $1', [keyId]);
    const r = rows[0] as { agent_id: string; public_key: Buffer } | undefined;
    return r && { agentId: r.agent_id, publicKey: new Uint8Array(r.public_key) };
  }

  private sweptAt = 0;
  async useNonce(keyId: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    // Forgetting expired nonces once a minute is enough: they are refused by `created` long before.
    if (now - this.sweptAt > 60_000) {
      this.sweptAt = now;
      await this.query('DELETE FROM ad_nonces WHERE expires_at < $1', [now]);
    }
    const r = await this.query('INSERT INTO ad_nonces (key_id, nonce, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [keyId, nonce, expiresAt]);
    return r.rowCount === 1;
  }

  agentReport(agentId: string) {
    return this.reads.agentReport(agentId);
  }
  auctions(contentId: string | null, limit: number) {
    return this.reads.auctions(contentId, limit);
  }
  titleTotals(now: number, contentId?: string) {
    return this.reads.titleTotals(now, contentId);
  }

  /** The pool is the ledger's: it closes it. */
  async close(): Promise<void> {}
}
