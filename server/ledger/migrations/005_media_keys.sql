-- Gated media (#10 item 2): the AES-128 keys of packaged titles and which viewer holds which.
-- SQLite keeps the same tables (sqlite-schema.ts); the rule that releases a key is key-release-rules.ts.
CREATE TABLE IF NOT EXISTS media_keys (
  content_id TEXT NOT NULL,
  key_index INTEGER NOT NULL,
  key BYTEA NOT NULL CHECK (length(key) = 16),
  media_start_ms BIGINT NOT NULL,
  media_end_ms BIGINT NOT NULL CHECK (media_end_ms >= media_start_ms),
  PRIMARY KEY (content_id, key_index)
);
CREATE TABLE IF NOT EXISTS key_releases (
  principal TEXT NOT NULL,
  content_id TEXT NOT NULL,
  key_index INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  released_at BIGINT NOT NULL,
  PRIMARY KEY (principal, content_id, key_index)
);
-- Σ billed seconds of a viewer's sessions of one title, read by every key request.
CREATE INDEX IF NOT EXISTS sessions_viewer_content ON sessions (principal, content_id);
