/**
 * The ads tables (SQLite). They live in the ledger's database file when the ledger is SQLite (one writer
 * per file), or in their own database otherwise. Money columns are integer microAlgos; the CHECKs are the
 * last line of defence behind the rules in ad-charge-rules.ts and auction.ts.
 *
 * Money is in three places only: agents.balance (available), holds.remaining (open holds) and
 * ad_charges.micro_algos (charged); their sum per agent equals agent_credits' (docs/ADS.md §Money).
 */
export const ADS_SCHEMA = `
CREATE TABLE IF NOT EXISTS agents (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  balance INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0),
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS agent_keys (
  key_id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(id),
  public_key BLOB NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS agent_credits (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  agent_id TEXT NOT NULL REFERENCES agents(id),
  micro_algos INTEGER NOT NULL CHECK (micro_algos > 0),
  source TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ad_nonces (
  key_id TEXT NOT NULL,
  nonce TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (key_id, nonce)
);
CREATE INDEX IF NOT EXISTS ad_nonces_expiry ON ad_nonces(expires_at);
CREATE TABLE IF NOT EXISTS ad_idempotency (
  scope TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (scope, idem_key)
);
CREATE TABLE IF NOT EXISTS creatives (
  id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(id),
  uri TEXT NOT NULL,
  duration_seconds INTEGER NOT NULL CHECK (duration_seconds > 0),
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS bids (
  id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(id),
  creative_id TEXT NOT NULL REFERENCES creatives(id),
  price INTEGER NOT NULL CHECK (price > 0),
  max_seconds INTEGER NOT NULL CHECK (max_seconds > 0),
  daily_budget INTEGER NOT NULL CHECK (daily_budget > 0),
  targeting TEXT NOT NULL,
  frequency_cap INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS auctions (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  content_id TEXT NOT NULL,
  break_index INTEGER NOT NULL,
  viewer TEXT NOT NULL,
  floor INTEGER NOT NULL,
  entries TEXT NOT NULL,
  winner_bid_id TEXT,
  winner_agent_id TEXT,
  creative_id TEXT,
  clearing_price INTEGER,
  hold_seconds INTEGER,
  answer TEXT NOT NULL,
  served_at INTEGER NOT NULL,
  UNIQUE (session_id, content_id, break_index)
);
CREATE INDEX IF NOT EXISTS auctions_content ON auctions(content_id, served_at);
CREATE TABLE IF NOT EXISTS holds (
  auction_id TEXT PRIMARY KEY REFERENCES auctions(id),
  session_id TEXT NOT NULL,
  agent_id TEXT NOT NULL REFERENCES agents(id),
  bid_id TEXT NOT NULL,
  content_id TEXT NOT NULL,
  day INTEGER NOT NULL,
  price INTEGER NOT NULL,
  hold_seconds INTEGER NOT NULL,
  creative_seconds INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  remaining INTEGER NOT NULL CHECK (remaining >= 0),
  charged_seconds INTEGER NOT NULL DEFAULT 0,
  charged INTEGER NOT NULL DEFAULT 0,
  seq INTEGER NOT NULL DEFAULT 0,
  ad_seconds INTEGER NOT NULL DEFAULT 0,
  split TEXT NOT NULL,
  served_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  closed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS holds_open ON holds(closed, expires_at);
CREATE INDEX IF NOT EXISTS holds_session ON holds(session_id, closed);
CREATE TABLE IF NOT EXISTS bid_spend (
  bid_id TEXT NOT NULL,
  day INTEGER NOT NULL,
  committed INTEGER NOT NULL CHECK (committed >= 0),
  PRIMARY KEY (bid_id, day)
);
CREATE TABLE IF NOT EXISTS viewer_wins (
  viewer TEXT NOT NULL,
  day INTEGER NOT NULL,
  bid_id TEXT NOT NULL,
  wins INTEGER NOT NULL,
  PRIMARY KEY (viewer, day, bid_id)
);
CREATE TABLE IF NOT EXISTS ad_charges (
  auction_id TEXT NOT NULL REFERENCES auctions(id),
  seq INTEGER NOT NULL,
  agent_id TEXT NOT NULL,
  content_id TEXT NOT NULL,
  ad_seconds INTEGER NOT NULL,
  charged_seconds INTEGER NOT NULL,
  micro_algos INTEGER NOT NULL CHECK (micro_algos >= 0),
  creator INTEGER NOT NULL,
  platform INTEGER NOT NULL,
  viewer_share INTEGER NOT NULL,
  released INTEGER NOT NULL,
  final INTEGER NOT NULL,
  client_time INTEGER NOT NULL,
  tick_hash BLOB NOT NULL,
  signature BLOB NOT NULL,
  answer TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  viewer TEXT NOT NULL DEFAULT '',
  viewer_credited INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (auction_id, seq),
  CHECK (creator + platform + viewer_share = micro_algos)
);
CREATE INDEX IF NOT EXISTS ad_charges_content ON ad_charges(content_id);
`;

/** Columns added after the first ads schema: a database made before them gets them (CREATE … IF NOT EXISTS does not). */
export function upgradeAdsSchema(db: { prepare(sql: string): { all(): unknown[] }; exec(sql: string): unknown }): void {
  const cols = new Set((db.prepare('PRAGMA table_info(ad_charges)').all() as Array<{ name: string }>).map((c) => c.name));
  if (!cols.has('viewer')) db.exec("ALTER TABLE ad_charges ADD COLUMN viewer TEXT NOT NULL DEFAULT ''");
  if (!cols.has('viewer_credited')) db.exec('ALTER TABLE ad_charges ADD COLUMN viewer_credited INTEGER NOT NULL DEFAULT 0');
}
