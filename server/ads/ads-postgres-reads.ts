/**
 * Reports read from the PostgreSQL ads tables: the same queries and answers as ads-sqlite-reads.ts, in
 * PostgreSQL's dialect (jsonb instead of json_each, booleans, COUNT and SUM answered as text).
 */
import type { QueryResult } from 'pg';
import type { AdTitleTotals, AdsReads, AgentTitleRow } from './ads-store.js';
import { LIVE_BREAK_SLACK_MS, titleTotalsOf, withLosses, type ChargeSums, type HoldSums } from './ads-sqlite-reads.js';

type Query = (text: string, params?: unknown[]) => Promise<QueryResult>;
const arrays = (text: string, values: unknown[] = []) => ({ text, values, rowMode: 'array' }) as unknown as string;

export function postgresReads(query: Query): AdsReads {
  const rows = async <T>(text: string, params: unknown[] = []) => (await query(text, params)).rows as T[];
  const tuples = async <T>(text: string, params: unknown[] = []) => (await query(arrays(text, params))).rows as unknown as T[];
  // (a config with rowMode carries its values: `query` is called without a second argument)
  return {
    async agentReport(agentId) {
      const [{ credited, held }] = await rows<{ credited: string; held: string }>(
        `SELECT (SELECT COALESCE(SUM(micro_algos), 0) FROM agent_credits WHERE agent_id = $1) AS credited,
                (SELECT COALESCE(SUM(remaining), 0) FROM holds WHERE agent_id = $1 AND NOT closed) AS held`,
        [agentId],
      ) as [{ credited: string; held: string }];
      const perTitle = (
        await rows<Record<string, string | number>>(
          `SELECT content_id AS "contentId", COUNT(*) AS wins, SUM(charged_seconds) AS "chargedSeconds", SUM(charged) AS "spentMicroAlgos",
                  SUM(CASE WHEN NOT closed THEN remaining ELSE 0 END) AS "heldMicroAlgos"
           FROM holds WHERE agent_id = $1 GROUP BY content_id ORDER BY content_id`,
          [agentId],
        )
      ).map((r) => ({ contentId: String(r.contentId), wins: Number(r.wins), chargedSeconds: Number(r.chargedSeconds), spentMicroAlgos: Number(r.spentMicroAlgos), heldMicroAlgos: Number(r.heldMicroAlgos) })) as Array<Omit<AgentTitleRow, 'losses'>>;
      const losses = new Map(
        (
          await tuples<[string, string]>(
            `SELECT content_id, COUNT(*) FROM auctions WHERE winner_agent_id IS DISTINCT FROM $1 AND EXISTS (
               SELECT 1 FROM jsonb_array_elements(auctions.entries -> 'took') e JOIN bids b ON b.id = e ->> 0 WHERE b.agent_id = $1)
             GROUP BY content_id`,
            [agentId],
          )
        ).map(([c, n]) => [c, Number(n)] as [string, number]),
      );
      const creatives = await rows('SELECT id AS "creativeId", uri, duration_seconds AS "durationSeconds", name FROM creatives WHERE agent_id = $1 ORDER BY created_at', [agentId]);
      return { credited: Number(credited), held: Number(held), creatives, titles: withLosses(perTitle, losses) };
    },

    async auctions(contentId, limit) {
      return rows(
        `SELECT id AS "auctionId", session_id AS "sessionId", content_id AS "contentId", break_index AS "breakIndex", viewer, floor AS "floorMicroAlgosPerSecond",
                entries, winner_bid_id AS "winnerBidId", winner_agent_id AS "winnerAgentId", creative_id AS "creativeId",
                clearing_price AS "clearingMicroAlgosPerSecond", hold_seconds AS "holdSeconds", served_at AS "servedAt"
         FROM auctions ${contentId === null ? '' : 'WHERE content_id = $2'} ORDER BY served_at DESC, id LIMIT $1`,
        contentId === null ? [limit] : [limit, contentId],
      );
    },

    async titleTotals(now, contentId) {
      const args = contentId === undefined ? [] : [contentId];
      const where = (n: number) => (contentId === undefined ? '' : `WHERE content_id = $${n}`);
      const auctions = await rows<Pick<AdTitleTotals, 'contentId' | 'auctions' | 'filled' | 'minClearing' | 'avgClearing' | 'maxClearing'>>(
        `SELECT content_id AS "contentId", COUNT(*) AS auctions, COUNT(winner_agent_id) AS filled,
                MIN(clearing_price) AS "minClearing", AVG(clearing_price) AS "avgClearing", MAX(clearing_price) AS "maxClearing"
         FROM auctions ${where(1)} GROUP BY content_id ORDER BY content_id`,
        args,
      );
      const charges = new Map(
        (await tuples<ChargeSums>(`SELECT content_id, SUM(micro_algos), SUM(creator), SUM(platform), SUM(viewer_share) FROM ad_charges ${where(1)} GROUP BY content_id`, args)).map((r) => [r[0], r]),
      );
      const holds = new Map(
        (
          await tuples<HoldSums>(
            `SELECT content_id, SUM(charged_seconds), SUM(CASE WHEN NOT closed AND served_at + hold_seconds * 1000 + $1 > $2 THEN 1 ELSE 0 END)
             FROM holds ${where(3)} GROUP BY content_id`,
            [LIVE_BREAK_SLACK_MS, now, ...args],
          )
        ).map((r) => [r[0], r]),
      );
      return auctions.map((a) => titleTotalsOf(a, charges.get(a.contentId), holds.get(a.contentId)));
    },
  };
}
