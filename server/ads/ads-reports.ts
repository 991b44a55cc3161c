/**
 * Reading the ads tables: an agent's own report (signed GET), the platform's admin credit and the
 * auction audit (admin token). The admin credit carries an Idempotency-Key like every change of money.
 */
import type { IncomingMessage } from 'node:http';
import type { AdAnalytics, AdTitleAnalytics, AdTitleResponse } from '../../src/payments/ad-protocol.js';
import { CONTENT_ID_PATTERN } from '../../src/payments/tick.js';
import { ApiError } from '../errors.js';
import type { Answer } from '../handlers/ticks.js';
import { bearerMatches } from '../tokens.js';
import type { AdsContext } from './ads-context.js';
import type { AdTitleTotals, AdsTx, Step } from './ads-store.js';
import { MAX_BUDGET } from './agent-ops.js';
import { authenticateAgent, idempotent, jsonBody, type AgentRequest } from './agent-requests.js';
import { IDEMPOTENCY_KEY_PATTERN, contentDigest } from './agent-signature.js';
import { sweepExpiredHolds } from './break-auction.js';

function requireAdmin(c: AdsContext, req: IncomingMessage): void {
  if (c.o.adminToken === undefined) throw new ApiError('DEV_ONLY', 'admin endpoints need --admin-token');
  if (!bearerMatches(req.headers.authorization, [c.o.adminToken])) throw new ApiError('NOT_SESSION_OWNER', 'this needs the admin token');
}

/** POST /streaming/ads/admin/credit `{agentId, microAlgos}` with `Authorization: Bearer <admin>` and an Idempotency-Key. */
export function adminCredit(c: AdsContext, req: AgentRequest & { raw: IncomingMessage }): Promise<Answer> {
  requireAdmin(c, req.raw);
  const idem = req.headers['idempotency-key'];
  if (typeof idem !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(idem)) throw new ApiError('AD_SIGNATURE_MISSING', 'an admin credit carries an Idempotency-Key (8–64 of A-Z a-z 0-9 _ -)');
  return idempotent(c, 'admin', idem, contentDigest(req.body), function* (s: AdsTx): Step<Answer> {
    const b = jsonBody(req.body);
    const agentId = typeof b.agentId === 'string' ? b.agentId : '';
    if (!(yield* s.agent(agentId))) throw new ApiError('NOT_FOUND', 'no such agent');
    const micro = b.microAlgos;
    if (typeof micro !== 'number' || !Number.isSafeInteger(micro) || micro < 1 || micro > MAX_BUDGET) throw new ApiError('BAD_REQUEST', 'microAlgos must be a positive integer');
    return { status: 200, body: { agentId, balanceMicroAlgos: yield* s.credit(agentId, micro, 'admin', c.o.now()) } };
  });
}

/**
 * GET /streaming/ads/agent (signed): balance, holds, bids, creatives, and per title wins, losses, seconds
 * watched (charged), spend and what is still held.
 */
export async function agentReport(c: AdsContext, req: AgentRequest): Promise<Answer> {
  const a = await authenticateAgent(c, req);
  const now = c.o.now();
  // What expired is given back before it is reported as held; balance and bids read in the same transaction.
  const { agent, bids } = await c.store.tx(function* (s) {
    yield* sweepExpiredHolds(s, now);
    return { agent: (yield* s.agent(a.agentId))!, bids: yield* s.activeBids(a.agentId) };
  });
  const r = await c.store.agentReport(a.agentId);
  return {
    status: 200,
    body: {
      agentId: agent.id,
      name: agent.name,
      balanceMicroAlgos: agent.balance,
      heldMicroAlgos: r.held,
      creditedMicroAlgos: r.credited,
      creatives: r.creatives,
      bids: bids.map(({ agentId: _a, ...b }) => b),
      titles: r.titles,
    },
  };
}

/** GET /streaming/ads/title?contentId=… (public): the title's ad metadata agents target by; not its split. */
export async function adTitle(c: AdsContext, q: URLSearchParams): Promise<Answer> {
  const contentId = q.get('contentId') ?? '';
  if (!CONTENT_ID_PATTERN.test(contentId)) throw new ApiError('BAD_REQUEST', 'contentId is missing or malformed');
  const s = await c.catalog.adSettings(contentId);
  if (!s) throw new ApiError('NOT_FOUND', 'this title has no ad breaks');
  const body: AdTitleResponse = { contentId, floorMicroAlgosPerSecond: s.floorMicroAlgosPerSecond, targeting: s.targeting, ...(s.breaks ? { breaks: s.breaks } : { every: s.every }) };
  return { status: 200, body };
}

/** GET /streaming/ads/admin/auctions?contentId=…&limit=… (admin token): the newest auctions, for audit. */
export async function adminAuctions(c: AdsContext, q: URLSearchParams, req: IncomingMessage): Promise<Answer> {
  requireAdmin(c, req);
  const contentId = q.get('contentId');
  if (contentId !== null && !CONTENT_ID_PATTERN.test(contentId)) throw new ApiError('BAD_REQUEST', 'bad contentId');
  const limit = Math.min(1000, Math.max(1, Number(q.get('limit') ?? 100) || 100));
  return { status: 200, body: { auctions: await c.store.auctions(contentId, limit) } };
}

const rate = (filled: number, auctions: number) => (auctions === 0 ? 0 : Math.round((filled / auctions) * 10_000) / 10_000);

/** The platform's ad figures beside its content earnings (GET /streaming/session/analytics; pure over the per-title rows). */
export function adAnalyticsOf(rows: readonly AdTitleTotals[]): AdAnalytics {
  const titles: AdTitleAnalytics[] = rows.map((r) => ({ ...r, fillRate: rate(r.filled, r.auctions) }));
  const sum = (k: 'auctions' | 'filled' | 'adRevenueMicroAlgos' | 'creatorMicroAlgos' | 'platformMicroAlgos' | 'viewerMicroAlgos' | 'chargedSeconds' | 'liveBreaks') =>
    rows.reduce((n, r) => n + r[k], 0);
  const priced = rows.filter((r) => r.filled > 0 && r.avgClearing !== null);
  const filled = sum('filled');
  const auctions = sum('auctions');
  const weighted = priced.reduce((n, r) => n + r.avgClearing! * r.filled, 0);
  return {
    titles,
    total: {
      auctions,
      filled,
      fillRate: rate(filled, auctions),
      adRevenueMicroAlgos: sum('adRevenueMicroAlgos'),
      creatorMicroAlgos: sum('creatorMicroAlgos'),
      platformMicroAlgos: sum('platformMicroAlgos'),
      viewerMicroAlgos: sum('viewerMicroAlgos'),
      chargedSeconds: sum('chargedSeconds'),
      minClearing: priced.length ? Math.min(...priced.map((r) => r.minClearing!)) : null,
      avgClearing: priced.length ? Math.round(weighted / priced.reduce((n, r) => n + r.filled, 0)) : null,
      maxClearing: priced.length ? Math.max(...priced.map((r) => r.maxClearing!)) : null,
      liveBreaks: sum('liveBreaks'),
    },
  };
}

export async function adAnalytics(c: AdsContext, contentId?: string): Promise<AdAnalytics> {
  return adAnalyticsOf(await c.store.titleTotals(c.o.now(), contentId));
}
