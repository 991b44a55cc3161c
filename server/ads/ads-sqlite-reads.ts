/**
 * Reports read from the SQLite ads tables: an agent's results per title, the auction audit and the
 * platform's ad figures per title. Reads only (ads-postgres-reads.ts has the same queries for PostgreSQL).
 */
import type Database from 'better-sqlite3';
import type { AdTitleTotals, AdsReads, AgentTitleRow } from './ads-store.js';

/** A break counts as live while its ad may still be playing: served, unsettled, within its length and 30 s. */
export const LIVE_BREAK_SLACK_MS = 30_000;

export function sqliteReads(db: Database.Database): AdsReads {
  return {
    async agentReport(agentId) {
      const credited = (db.prepare('SELECT COALESCE(SUM(micro_algos), 0) AS s FROM agent_credits WHERE agent_id = ?').get(agentId) as { s: number }).s;
      const held = (db.prepare('SELECT COALESCE(SUM(remaining), 0) AS s FROM holds WHERE agent_id = ? AND closed = 0').get(agentId) as { s: number }).s;
      const perTitle = db
        .prepare(
          `SELECT content_id AS contentId, COUNT(*) AS wins, SUM(charged_seconds) AS chargedSeconds, SUM(charged) AS spentMicroAlgos,
                  SUM(CASE WHEN closed = 0 THEN remaining ELSE 0 END) AS heldMicroAlgos
           FROM holds WHERE agent_id = ? GROUP BY content_id ORDER BY content_id`,
        )
        .all(agentId) as Array<Omit<AgentTitleRow, 'losses'>>;
      // Losses: auctions where one of the agent's bids took part (auditOf's `took`) and another agent won.
      const losses = new Map(
        db
          .prepare(
            `SELECT content_id, COUNT(*) FROM auctions WHERE winner_agent_id IS NOT ? AND EXISTS (
               SELECT 1 FROM json_each(auctions.entries, '$.took') e JOIN bids b ON b.id = json_extract(e.value, '$[0]') WHERE b.agent_id = ?)
             GROUP BY content_id`,
          )
          .raw()
          .all(agentId, agentId) as [string, number][],
      );
      const creatives = db.prepare('SELECT id AS creativeId, uri, duration_seconds AS durationSeconds, name FROM creatives WHERE agent_id = ? ORDER BY created_at').all(agentId);
      return { credited, held, creatives, titles: withLosses(perTitle, losses) };
    },

    async auctions(contentId, limit) {
      const rows = db
        .prepare(
          `SELECT id AS auctionId, session_id AS sessionId, content_id AS contentId, break_index AS breakIndex, viewer, floor AS floorMicroAlgosPerSecond,
                  entries, winner_bid_id AS winnerBidId, winner_agent_id AS winnerAgentId, creative_id AS creativeId,
                  clearing_price AS clearingMicroAlgosPerSecond, hold_seconds AS holdSeconds, served_at AS servedAt
           FROM auctions ${contentId === null ? '' : 'WHERE content_id = ?'} ORDER BY served_at DESC, id LIMIT ?`,
        )
        .all(...(contentId === null ? [limit] : [contentId, limit])) as Array<{ entries: string }>;
      return rows.map((r) => ({ ...r, entries: JSON.parse(r.entries) as unknown }));
    },

    async titleTotals(now, contentId) {
      const where = contentId === undefined ? '' : 'WHERE content_id = ?';
      const args = contentId === undefined ? [] : [contentId];
      const auctions = db
        .prepare(
          `SELECT content_id AS contentId, COUNT(*) AS auctions, COUNT(winner_agent_id) AS filled,
                  MIN(clearing_price) AS minClearing, AVG(clearing_price) AS avgClearing, MAX(clearing_price) AS maxClearing
           FROM auctions ${where} GROUP BY content_id`,
        )
        .all(...args) as Array<Pick<AdTitleTotals, 'contentId' | 'auctions' | 'filled' | 'minClearing' | 'avgClearing' | 'maxClearing'>>;
      const charges = new Map(
        (db.prepare(`SELECT content_id, SUM(micro_algos), SUM(creator), SUM(platform), SUM(viewer_share) FROM ad_charges ${where} GROUP BY content_id`).raw().all(...args) as ChargeSums[]).map((r) => [r[0], r]),
      );
      const holds = new Map(
        (db
          .prepare(
            `SELECT content_id, SUM(charged_seconds), SUM(CASE WHEN closed = 0 AND served_at + hold_seconds * 1000 + ? > ? THEN 1 ELSE 0 END)
             FROM holds ${where} GROUP BY content_id`,
          )
          .raw()
          .all(LIVE_BREAK_SLACK_MS, now, ...args) as HoldSums[]).map((r) => [r[0], r]),
      );
      return auctions.map((a) => titleTotalsOf(a, charges.get(a.contentId), holds.get(a.contentId)));
    },
  };
}

export function withLosses(perTitle: Array<Omit<AgentTitleRow, 'losses'>>, losses: Map<string, number>): AgentTitleRow[] {
  const titles: AgentTitleRow[] = perTitle.map((t) => ({ ...t, losses: losses.get(t.contentId) ?? 0 }));
  for (const [contentId, n] of losses) {
    if (!titles.some((t) => t.contentId === contentId)) titles.push({ contentId, wins: 0, losses: n, chargedSeconds: 0, spentMicroAlgos: 0, heldMicroAlgos: 0 });
  }
  return titles.sort((a, b) => (a.contentId < b.contentId ? -1 : a.contentId > b.contentId ? 1 : 0));
}

/** [contentId, charged, creator, platform, viewer] and [contentId, charged seconds, live breaks] (PostgreSQL sums come as text). */
export type ChargeSums = [string, number | string, number | string, number | string, number | string];
export type HoldSums = [string, number | string, number | string];

export function titleTotalsOf(
  a: Pick<AdTitleTotals, 'contentId' | 'auctions' | 'filled' | 'minClearing' | 'avgClearing' | 'maxClearing'>,
  c: ChargeSums | undefined,
  h: HoldSums | undefined,
): AdTitleTotals {
  return {
    contentId: a.contentId,
    auctions: Number(a.auctions),
    filled: Number(a.filled),
    adRevenueMicroAlgos: Number(c?.[1] ?? 0),
    creatorMicroAlgos: Number(c?.[2] ?? 0),
    platformMicroAlgos: Number(c?.[3] ?? 0),
    viewerMicroAlgos: Number(c?.[4] ?? 0),
    chargedSeconds: Number(h?.[1] ?? 0),
    minClearing: a.minClearing === null ? null : Number(a.minClearing),
    avgClearing: a.avgClearing === null ? null : Math.round(Number(a.avgClearing)),
    maxClearing: a.maxClearing === null ? null : Number(a.maxClearing),
    liveBreaks: Number(h?.[2] ?? 0),
  };
}
