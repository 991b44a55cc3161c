-- The ads tables (issue #14), as in server/ads/ads-sqlite-schema.ts: money integer microAlgos, times Unix ms.
-- Money is in three places only — agents.balance, holds.remaining, ad_charges.micro_algos — and their sum
-- per agent equals its agent_credits (docs/ADS.md §6). The PostgreSQL adapter of server/ads/ads-store.ts
-- (several API processes: lock the winner's agent row while placing a hold) is the next step; until then a
-- PostgreSQL deployment keeps these tables empty and the ads in --ads-db.
CREATE TABLE agents (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  balance BIGINT NOT NULL DEFAULT 0 CHECK (balance >= 0),
  created_at BIGINT NOT NULL
);
CREATE TABLE agent_keys (
  key_id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(id),
  public_key BYTEA NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE agent_credits (
  id BIGSERIAL PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(id),
  micro_algos BIGINT NOT NULL CHECK (micro_algos > 0),
  source TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE ad_nonces (
  key_id TEXT NOT NULL,
  nonce TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (key_id, nonce)
);
CREATE INDEX ad_nonces_expiry ON ad_nonces(expires_at);
CREATE TABLE ad_idempotency (
  scope TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (scope, idem_key)
);
CREATE TABLE creatives (
  id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(id),
  uri TEXT NOT NULL,
  duration_seconds INTEGER NOT NULL CHECK (duration_seconds > 0),
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE bids (
  id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(id),
  creative_id TEXT NOT NULL REFERENCES creatives(id),
  price BIGINT NOT NULL CHECK (price > 0),
  max_seconds INTEGER NOT NULL CHECK (max_seconds > 0),
  daily_budget BIGINT NOT NULL CHECK (daily_budget > 0),
  targeting JSONB NOT NULL,
  frequency_cap INTEGER NOT NULL DEFAULT 0,
  active BOOLEAN NOT NULL DEFAULT true,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE auctions (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  content_id TEXT NOT NULL,
  break_index INTEGER NOT NULL,
  viewer TEXT NOT NULL,
  floor BIGINT NOT NULL,
  entries JSONB NOT NULL,
  winner_bid_id TEXT,
  winner_agent_id TEXT,
  creative_id TEXT,
  clearing_price BIGINT,
  hold_seconds INTEGER,
  answer TEXT NOT NULL,
  served_at BIGINT NOT NULL,
  UNIQUE (session_id, content_id, break_index)
);
CREATE INDEX auctions_content ON auctions(content_id, served_at);
CREATE TABLE holds (
  auction_id TEXT PRIMARY KEY REFERENCES auctions(id),
  session_id TEXT NOT NULL,
  agent_id TEXT NOT NULL REFERENCES agents(id),
  bid_id TEXT NOT NULL,
  content_id TEXT NOT NULL,
  day INTEGER NOT NULL,
  price BIGINT NOT NULL,
  hold_seconds INTEGER NOT NULL,
  creative_seconds INTEGER NOT NULL,
  amount BIGINT NOT NULL,
  remaining BIGINT NOT NULL CHECK (remaining >= 0),
  charged_seconds INTEGER NOT NULL DEFAULT 0,
  charged BIGINT NOT NULL DEFAULT 0,
  seq BIGINT NOT NULL DEFAULT 0,
  ad_seconds BIGINT NOT NULL DEFAULT 0,
  split JSONB NOT NULL,
  served_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  closed BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX holds_open ON holds(closed, expires_at);
CREATE INDEX holds_session ON holds(session_id, closed);
CREATE TABLE bid_spend (
  bid_id TEXT NOT NULL,
  day INTEGER NOT NULL,
  committed BIGINT NOT NULL CHECK (committed >= 0),
  PRIMARY KEY (bid_id, day)
);
CREATE TABLE viewer_wins (
  viewer TEXT NOT NULL,
  day INTEGER NOT NULL,
  bid_id TEXT NOT NULL,
  wins INTEGER NOT NULL,
  PRIMARY KEY (viewer, day, bid_id)
);
CREATE TABLE ad_charges (
  auction_id TEXT NOT NULL REFERENCES auctions(id),
  seq BIGINT NOT NULL,
  agent_id TEXT NOT NULL,
  content_id TEXT NOT NULL,
  ad_seconds BIGINT NOT NULL,
  charged_seconds INTEGER NOT NULL,
  micro_algos BIGINT NOT NULL CHECK (micro_algos >= 0),
  creator BIGINT NOT NULL,
  platform BIGINT NOT NULL,
  viewer_share BIGINT NOT NULL,
  released BIGINT NOT NULL,
  final BOOLEAN NOT NULL,
  client_time BIGINT NOT NULL,
  tick_hash BYTEA NOT NULL,
  signature BYTEA NOT NULL,
  answer TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (auction_id, seq),
  CHECK (creator + platform + viewer_share = micro_algos)
);
CREATE INDEX ad_charges_content ON ad_charges(content_id);
