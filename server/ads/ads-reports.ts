/**
 * Reading the ads tables: an agent's own report (signed GET), the platform's admin credit and the
 * auction audit (admin token). The admin credit carries an Idempotency-Key like every change of money.
 */
import type { IncomingMessage } from 'node:http';
import type { AdTitleResponse } from '../../src/payments/ad-protocol.js';
import { CONTENT_ID_PATTERN } from '../../src/payments/tick.js';
import { ApiError } from '../errors.js';
import type { Answer } from '../handlers/ticks.js';
import { bearerMatches } from '../tokens.js';
import type { AdsContext } from './ads-context.js';
import { MAX_BUDGET } from './agent-ops.js';
import { authenticateAgent, idempotent, jsonBody, type AgentRequest } from './agent-requests.js';
import { IDEMPOTENCY_KEY_PATTERN, contentDigest } from './agent-signature.js';
import { sweepExpiredHolds } from './break-auction.js';

function requireAdmin(c: AdsContext, req: IncomingMessage): void {
  if (c.o.adminToken === undefined) throw new ApiError('DEV_ONLY', 'admin endpoints need --admin-token');
  if (!bearerMatches(req.headers.authorization, [c.o.adminToken])) throw new ApiError('NOT_SESSION_OWNER', 'this needs the admin token');
}

/** POST /streaming/ads/admin/credit `{agentId, microAlgos}` with `Authorization: Bearer <admin>` and an Idempotency-Key. */
export function adminCredit(c: AdsContext, req: AgentRequest & { raw: IncomingMessage }): Answer {
  requireAdmin(c, req.raw);
  const idem = req.headers['idempotency-key'];
  if (typeof idem !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(idem)) throw new ApiError('AD_SIGNATURE_MISSING', 'an admin credit carries an Idempotency-Key (8–64 of A-Z a-z 0-9 _ -)');
  return idempotent(c, 'admin', idem, contentDigest(req.body), () => {
    const b = jsonBody(req.body);
    const agentId = typeof b.agentId === 'string' ? b.agentId : '';
    if (!c.store.agent(agentId)) throw new ApiError('NOT_FOUND', 'no such agent');
    const micro = b.microAlgos;
    if (typeof micro !== 'number' || !Number.isSafeInteger(micro) || micro < 1 || micro > MAX_BUDGET) throw new ApiError('BAD_REQUEST', 'microAlgos must be a positive integer');
    return { status: 200, body: { agentId, balanceMicroAlgos: c.store.credit(agentId, micro, 'admin', c.o.now()) } };
  });
}

/** GET /streaming/ads/agent (signed): balance, holds, bids, creatives, and per title wins, losses, seconds, spend. */
export async function agentReport(c: AdsContext, req: AgentRequest): Promise<Answer> {
  const a = await authenticateAgent(c, req);
  // What expired is given back before it is reported as held.
  c.store.tx(() => sweepExpiredHolds(c, c.o.now()));
  const db = c.store.db;
  const agent = c.store.agent(a.agentId)!;
  const credited = (db.prepare('SELECT COALESCE(SUM(micro_algos), 0) AS s FROM agent_credits WHERE agent_id = ?').get(a.agentId) as { s: number }).s;
  const held = (db.prepare('SELECT COALESCE(SUM(remaining), 0) AS s FROM holds WHERE agent_id = ? AND closed = 0').get(a.agentId) as { s: number }).s;
  const perTitle = db
    .prepare(
      `SELECT content_id AS contentId, COUNT(*) AS wins, SUM(charged_seconds) AS chargedSeconds, SUM(charged) AS spentMicroAlgos,
              SUM(CASE WHEN closed = 0 THEN remaining ELSE 0 END) AS heldMicroAlgos
       FROM holds WHERE agent_id = ? GROUP BY content_id ORDER BY content_id`,
    )
    .all(a.agentId) as Array<{ contentId: string; wins: number }>;
  // Losses: auctions where one of the agent's bids took part (auditOf's `took`) and another agent won.
  const losses = new Map(
    db
      .prepare(
        `SELECT content_id, COUNT(*) FROM auctions WHERE winner_agent_id IS NOT ? AND EXISTS (
           SELECT 1 FROM json_each(auctions.entries, '$.took') e JOIN bids b ON b.id = json_extract(e.value, '$[0]') WHERE b.agent_id = ?)
         GROUP BY content_id`,
      )
      .raw()
      .all(a.agentId, a.agentId) as [string, number][],
  );
  const titles = perTitle.map((t) => ({ ...t, losses: losses.get(t.contentId) ?? 0 }));
  for (const [contentId, n] of losses) if (!titles.some((t) => t.contentId === contentId)) titles.push({ contentId, wins: 0, losses: n } as (typeof titles)[number]);
  const creatives = db.prepare('SELECT id AS creativeId, uri, duration_seconds AS durationSeconds, name FROM creatives WHERE agent_id = ? ORDER BY created_at').all(a.agentId);
  const bids = c.store.activeBids(a.agentId).map(({ agentId: _a, ...b }) => b);
  return {
    status: 200,
    body: { agentId: agent.id, name: agent.name, balanceMicroAlgos: agent.balance, heldMicroAlgos: held, creditedMicroAlgos: credited, creatives, bids, titles },
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
export function adminAuctions(c: AdsContext, q: URLSearchParams, req: IncomingMessage): Answer {
  requireAdmin(c, req);
  const contentId = q.get('contentId');
  if (contentId !== null && !CONTENT_ID_PATTERN.test(contentId)) throw new ApiError('BAD_REQUEST', 'bad contentId');
  const limit = Math.min(1000, Math.max(1, Number(q.get('limit') ?? 100) || 100));
  const rows = c.store.db
    .prepare(
      `SELECT id AS auctionId, session_id AS sessionId, content_id AS contentId, break_index AS breakIndex, viewer, floor AS floorMicroAlgosPerSecond,
              entries, winner_bid_id AS winnerBidId, winner_agent_id AS winnerAgentId, creative_id AS creativeId,
              clearing_price AS clearingMicroAlgosPerSecond, hold_seconds AS holdSeconds, served_at AS servedAt
       FROM auctions ${contentId === null ? '' : 'WHERE content_id = ?'} ORDER BY served_at DESC, id LIMIT ?`,
    )
    .all(...(contentId === null ? [limit] : [contentId, limit])) as Array<{ entries: string }>;
  return { status: 200, body: { auctions: rows.map((r) => ({ ...r, entries: JSON.parse(r.entries) as unknown })) } };
}
