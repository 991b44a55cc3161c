-- The ledger's tables, as in sqlite-schema.ts. Money is integer microAlgos and times are Unix ms: BIGINT.
-- The write contract of storage.ts lives in the WHERE clauses of the store's UPDATEs and in
-- UNIQUE (session_id, seq) on ticks; the CHECK on balance is the last line behind the debit guard.
CREATE TABLE viewers (
  principal TEXT PRIMARY KEY,
  algorand_address TEXT NOT NULL,
  balance BIGINT NOT NULL DEFAULT 0 CHECK (balance >= 0),
  created_at BIGINT NOT NULL
);
CREATE TABLE credits (
  id BIGSERIAL PRIMARY KEY,
  principal TEXT NOT NULL REFERENCES viewers(principal),
  micro_algos BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  principal TEXT NOT NULL REFERENCES viewers(principal),
  content_id TEXT NOT NULL,
  rate BIGINT NOT NULL,
  session_key BYTEA NOT NULL,
  start_hash BYTEA NOT NULL UNIQUE,
  started_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active',
  seq BIGINT NOT NULL DEFAULT 0,
  claimed_seconds BIGINT NOT NULL DEFAULT 0,
  billed_seconds BIGINT NOT NULL DEFAULT 0,
  billed_micro BIGINT NOT NULL DEFAULT 0,
  settled_seconds BIGINT NOT NULL DEFAULT 0,
  settled_micro BIGINT NOT NULL DEFAULT 0,
  ticks BIGINT NOT NULL DEFAULT 0,
  last_activity BIGINT NOT NULL
);
CREATE INDEX sessions_content ON sessions (content_id);
CREATE TABLE ticks (
  session_id TEXT NOT NULL REFERENCES sessions(id),
  seq BIGINT NOT NULL,
  seconds BIGINT NOT NULL,
  micro_algos BIGINT NOT NULL,
  charged BIGINT NOT NULL,
  media_time BIGINT NOT NULL,
  client_time BIGINT NOT NULL,
  final BOOLEAN NOT NULL,
  tick_hash BYTEA NOT NULL,
  signature BYTEA NOT NULL,
  http_status INTEGER NOT NULL,
  answer JSONB NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (session_id, seq)
);
-- The audit export reads ticks by period.
CREATE INDEX ticks_received ON ticks (received_at);
CREATE TABLE settlements (
  id BIGSERIAL PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions(id),
  seq BIGINT NOT NULL,
  seconds BIGINT NOT NULL,
  micro_algos BIGINT NOT NULL,
  total_seconds BIGINT NOT NULL,
  total_micro BIGINT NOT NULL,
  platform_fee BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX settlements_session ON settlements (session_id);
CREATE INDEX settlements_created ON settlements (created_at);
CREATE TABLE platform_earnings (
  content_id TEXT PRIMARY KEY,
  settled_micro BIGINT NOT NULL DEFAULT 0,
  fee_micro BIGINT NOT NULL DEFAULT 0
);
