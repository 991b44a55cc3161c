/** A server with ad breaks in its catalog, funded agents with standing bids, and viewers' sessions. */
import type Database from 'better-sqlite3';
import type { Pool } from 'pg';
import { AD_PATHS, type BidRequest } from '../../../../src/payments/ad-protocol.js';
import { signedAdTickRequest, type AdTick } from '../../../../src/payments/ad-tick.js';
import { agentClient, makeAgentKey, type AgentClient } from '../../../../server/ads/agent-client.js';
import { MemoryAdCatalog } from '../../../../server/ads/ad-settings.js';
import { credit, makeViewer, startHarness, startSession, type Harness, type Viewer } from '../harness.js';

export const ADMIN = 'admin-token-for-tests';

export const FILM_ADS = {
  breaks: [{ atSeconds: 0, maxSeconds: 30 }, { atSeconds: 600, maxSeconds: 20 }],
  floorMicroAlgosPerSecond: 100,
  targeting: { categories: ['science'], tags: ['fractals'], language: 'en', rating: 'G' },
  split: { creatorBps: 7000, platformBps: 2000, viewerBps: 1000 },
};

export interface AdsHarness extends Harness {
  /** The ledger's SQLite database (SQLite runs only; PostgreSQL runs read through `rows`). */
  db: Database.Database;
  /** Rows of a query on the ads tables, `?` placeholders, on whichever database the server runs (numbers as numbers). */
  rows<T = Record<string, unknown>>(sql: string, ...args: unknown[]): Promise<T[]>;
  catalog: MemoryAdCatalog;
  agent(name: string, opts?: { kind?: 'ed25519' | 'p256'; fund?: number; price?: number; creativeSeconds?: number; bid?: Partial<BidRequest> }): Promise<Agent>;
  viewerSession(contentId?: string): Promise<{ viewer: Viewer; sessionId: string }>;
  assetList(sessionId: string, breakIndex?: number, contentId?: string): Promise<{ status: number; body: any }>;
  adTick(viewer: Viewer, tick: AdTick): Promise<{ status: number; body: any }>;
  /** Every row that holds money or a decision (not nonces or stored answers). */
  snapshot(): Promise<string>;
}

export interface Agent {
  client: AgentClient;
  agentId: string;
  creativeId?: string;
  bidId?: string;
}

export async function startAdsHarness(): Promise<AdsHarness> {
  const catalog = new MemoryAdCatalog([['film-1', FILM_ADS]]);
  const h = await startHarness({ adminToken: ADMIN, ads: { catalog } });
  const db = (h.server.ledger as unknown as { db: Database.Database }).db;
  const pool = (h.server.ledger as unknown as { pool?: Pool }).pool;
  const rows = async <T>(sql: string, ...args: unknown[]): Promise<T[]> => {
    if (!pool) return db.prepare(sql).all(...args) as T[];
    let n = 0;
    const r = await pool.query(sql.replace(/\?/g, () => `$${++n}`), args);
    return r.rows.map((x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v]))) as T[];
  };
  const self: AdsHarness = {
    ...h,
    db,
    rows,
    catalog,
    async agent(name, o = {}) {
      const client = agentClient(h.url, makeAgentKey(o.kind), () => h.clock.now);
      const reg = await client.register(name);
      if (reg.status !== 201) throw new Error(`register: ${JSON.stringify(reg.body)}`);
      const a: Agent = { client, agentId: reg.body.agentId };
      if (o.fund) await client.request('POST', AD_PATHS.devCredit, { microAlgos: o.fund });
      if (o.price !== undefined) {
        const c = await client.request<{ creativeId: string }>('POST', AD_PATHS.creatives, { uri: `https://cdn.example/${name}/index.m3u8`, durationSeconds: o.creativeSeconds ?? 15, name });
        a.creativeId = c.body.creativeId;
        const b = await client.request<{ bidId: string }>('POST', AD_PATHS.bids, {
          creativeId: a.creativeId,
          microAlgosPerSecond: o.price,
          maxSecondsPerBreak: 30,
          dailyBudgetMicroAlgos: 1e9,
          ...o.bid,
        });
        if (b.status !== 201) throw new Error(`bid: ${JSON.stringify(b.body)}`);
        a.bidId = b.body.bidId;
      }
      return a;
    },
    async viewerSession(contentId = 'film-1') {
      const viewer = await makeViewer();
      await credit(h, viewer, 1_000_000);
      const s = await startSession(h, viewer, 100, contentId);
      return { viewer, sessionId: s.sessionId };
    },
    async assetList(sessionId, breakIndex = 0, contentId = 'film-1') {
      const res = await fetch(`${h.url}${AD_PATHS.assetList}?contentId=${contentId}&break=${breakIndex}&sessionId=${sessionId}&_HLS_primary_id=x&_HLS_start_offset=0`);
      return { status: res.status, body: await res.json() };
    },
    async adTick(viewer, tick) {
      const body = await signedAdTickRequest(viewer.sign, tick);
      const res = await fetch(h.url + AD_PATHS.adTick, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    },
    async snapshot() {
      const q = async (sql: string) => JSON.stringify(await rows(sql));
      return (await Promise.all([
        q('SELECT id, name, balance FROM agents ORDER BY id'),
        q('SELECT key_id, agent_id FROM agent_keys ORDER BY key_id'),
        q('SELECT agent_id, micro_algos FROM agent_credits ORDER BY id'),
        q('SELECT * FROM creatives ORDER BY id'),
        q('SELECT * FROM bids ORDER BY id'),
        q('SELECT * FROM auctions ORDER BY id'),
        q('SELECT * FROM holds ORDER BY auction_id'),
        q('SELECT auction_id, seq, micro_algos FROM ad_charges ORDER BY auction_id, seq'),
      ])).join('\n');
    },
  };
  return self;
}

/** Per agent: credits, balance, open holds, charges (the same SQL on SQLite and PostgreSQL). */
export const MONEY_PER_AGENT = `SELECT a.id, a.balance,
        (SELECT COALESCE(SUM(micro_algos), 0) FROM agent_credits c WHERE c.agent_id = a.id) AS credited,
        (SELECT COALESCE(SUM(remaining), 0) FROM holds h WHERE h.agent_id = a.id) AS held,
        (SELECT COALESCE(SUM(micro_algos), 0) FROM ad_charges x WHERE x.agent_id = a.id) AS charged
       FROM agents a ORDER BY a.id`;

/** Σ credits = Σ balances + Σ open holds + Σ charges, per agent: no money made or lost. */
export function moneyPerAgent(h: AdsHarness): Promise<Array<{ id: string; credited: number; balance: number; held: number; charged: number }>> {
  return h.rows(MONEY_PER_AGENT);
}
