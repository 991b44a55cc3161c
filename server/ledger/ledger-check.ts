/**
 * Reads both sides of the double-entry check (transfer-rules.ts) from a SQL database: the accounts' balances
 * from `transfers`, and the balances the tables cache (viewers.balance, sessions' unsettled µALGO,
 * settlements' splits, agents.balance, holds.remaining, ad_charges' shares, the deposits). The same SQL runs
 * on SQLite and PostgreSQL; `query` is a step answering rows as objects (ads-store.ts: SQLite's returns at
 * once, so an upgrade can read it in a constructor; PostgreSQL's yields its query). A check scans whole
 * tables: it is an admin's audit (GET /streaming/admin/ledger/check), not a request path.
 */
import type { Step } from '../ads/ads-store.js';
import type { SplitAmount } from '../catalog/catalog-rules.js';
import { DEPOSITS, account, addTo, checkLedger, type LedgerCheck, type Transfer } from './transfer-rules.js';

export type Query = (sql: string) => Step<Array<Record<string, unknown>>>;

/** Σ in − Σ out per account, as the transfers table holds them. */
export const ACCOUNT_BALANCES = `SELECT account, sum(micro) AS balance FROM (
  SELECT to_account AS account, micro_algos AS micro FROM transfers
  UNION ALL SELECT from_account AS account, -micro_algos AS micro FROM transfers) x GROUP BY account`;

export function* accountBalances(query: Query): Step<Map<string, number>> {
  return new Map((yield* query(ACCOUNT_BALANCES)).map((r) => [r.account as string, Number(r.balance)]));
}

const n = (v: unknown) => Number(v ?? 0);

/** Which tables a database holds: the ledger's, the ads', or both (an ads database of its own has no ledger). */
export interface Holds {
  ledger: boolean;
  ads: boolean;
}

/** The balances the tables cache, by account. */
export function* cachedBalances(query: Query, has: Holds): Step<Map<string, number>> {
  const m = new Map<string, number>();
  let deposits = 0;
  if (has.ledger) yield* ledgerCached(query, m, (d) => (deposits += d));
  if (has.ads) yield* adsCached(query, m, (d) => (deposits += d));
  addTo(m, DEPOSITS, -deposits);
  return m;
}

function* ledgerCached(query: Query, m: Map<string, number>, deposit: (micro: number) => void): Step<void> {
  for (const r of yield* query('SELECT principal, balance FROM viewers')) addTo(m, account.viewer(r.principal as string), n(r.balance));
  for (const r of yield* query('SELECT id, billed_micro - settled_micro AS unsettled FROM sessions WHERE billed_micro <> settled_micro')) {
    addTo(m, account.session(r.id as string), n(r.unsettled));
  }
  const settlements = yield* query('SELECT s.content_id AS "contentId", st.splits, st.micro_algos AS micro, st.platform_fee AS fee FROM settlements st JOIN sessions s ON s.id = st.session_id');
  for (const r of settlements) {
    const contentId = r.contentId as string;
    // SQLite stores the splits as text, PostgreSQL as JSONB; before v3 a settlement had none (creator + platform fee).
    const splits: SplitAmount[] | null = typeof r.splits === 'string' ? JSON.parse(r.splits) : ((r.splits as SplitAmount[] | null) ?? null);
    const shares = splits ?? [{ recipient: 'creator', microAlgos: n(r.micro) - n(r.fee) }, { recipient: 'platform', microAlgos: n(r.fee) }];
    for (const s of shares) addTo(m, account.recipient(s, contentId), s.microAlgos);
  }
  deposit(n((yield* query('SELECT coalesce(sum(micro_algos), 0) AS d FROM credits'))[0]!.d));
}

function* adsCached(query: Query, m: Map<string, number>, deposit: (micro: number) => void): Step<void> {
  for (const r of yield* query('SELECT id, balance FROM agents')) addTo(m, account.agent(r.id as string), n(r.balance));
  for (const r of yield* query('SELECT auction_id, remaining FROM holds WHERE remaining > 0')) addTo(m, account.hold(r.auction_id as string), n(r.remaining));
  const charges = yield* query(
    `SELECT content_id AS "contentId", viewer, viewer_credited AS credited, sum(creator) AS creator, sum(platform) AS platform, sum(viewer_share) AS share
     FROM ad_charges GROUP BY content_id, viewer, viewer_credited`,
  );
  for (const r of charges) {
    const contentId = r.contentId as string;
    const credited = r.credited === true || r.credited === 1;
    addTo(m, account.recipient({ recipient: 'creator' }, contentId), n(r.creator));
    addTo(m, account.recipient({ recipient: 'platform' }, contentId), n(r.platform));
    // A credited share is in viewers.balance already, and in `credits`, though it is no deposit.
    if (credited) deposit(-n(r.share));
    else addTo(m, account.viewerShare(r.viewer as string), n(r.share));
  }
  deposit(n((yield* query('SELECT coalesce(sum(micro_algos), 0) AS d FROM agent_credits'))[0]!.d));
}

export function* ledgerCheck(query: Query, has: Holds): Step<LedgerCheck> {
  return checkLedger(yield* accountBalances(query), yield* cachedBalances(query, has));
}

/**
 * What a database held before it kept transfers, as `opening` transfers from external:deposits (SQLite's
 * upgrade; PostgreSQL's migration 009 does the same in SQL), so that an old database checks out too.
 */
export function openingTransfers(cached: ReadonlyMap<string, number>, at: number): Transfer[] {
  const out: Transfer[] = [];
  for (const [name, micro] of cached) {
    if (name !== DEPOSITS && micro > 0) out.push({ at, from: DEPOSITS, to: name, microAlgos: micro, kind: 'opening', evidence: 'upgrade', seq: null });
  }
  return out;
}
