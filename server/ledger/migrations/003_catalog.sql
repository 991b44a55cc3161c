-- Protocol v3: the price catalog, the server-held preview and revenue splits (sqlite-schema.ts keeps the
-- same columns). A title is stored whole as validated by catalog-rules.ts; a session keeps the free seconds
-- and splits it got at start, so a price change never reaches an open session; a settlement books its
-- shares in whole microAlgos.
CREATE TABLE catalog (
  content_id TEXT PRIMARY KEY,
  entry JSONB NOT NULL,
  updated_at BIGINT NOT NULL
);
ALTER TABLE sessions ADD COLUMN free_seconds BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN splits JSONB;
ALTER TABLE settlements ADD COLUMN splits JSONB;
-- The preview a viewer used of a title is read from their sessions of it at every start.
CREATE INDEX sessions_viewer_content ON sessions (principal, content_id);

-- apply_tick of 002 with the settlement's splits: same guards, same order, one more column written.
DROP FUNCTION apply_tick(TEXT, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, TEXT, BIGINT, TEXT, BIGINT, TEXT, BIGINT, BIGINT,
  BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, BOOLEAN, BYTEA, BYTEA, INTEGER, JSONB, BIGINT);
CREATE FUNCTION apply_tick(
  p_session TEXT, p_expect_seq BIGINT,
  p_seq BIGINT, p_claimed_seconds BIGINT, p_billed_seconds BIGINT, p_billed_micro BIGINT, p_settled_seconds BIGINT, p_settled_micro BIGINT,
  p_status TEXT, p_last_activity BIGINT,
  p_debit_principal TEXT, p_debit BIGINT,
  p_st_content TEXT, p_st_seq BIGINT, p_st_seconds BIGINT, p_st_micro BIGINT, p_st_total_seconds BIGINT, p_st_total_micro BIGINT,
  p_st_fee BIGINT, p_st_created_at BIGINT,
  p_tick_seconds BIGINT, p_tick_micro BIGINT, p_charged BIGINT, p_media_time BIGINT, p_client_time BIGINT, p_final BOOLEAN,
  p_tick_hash BYTEA, p_signature BYTEA, p_http_status INTEGER, p_answer JSONB, p_received_at BIGINT,
  p_st_splits JSONB
) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
  settlement_id BIGINT;
  stored_answer JSONB := p_answer;
BEGIN
  UPDATE sessions SET seq = p_seq, claimed_seconds = p_claimed_seconds, billed_seconds = p_billed_seconds, billed_micro = p_billed_micro,
    settled_seconds = p_settled_seconds, settled_micro = p_settled_micro, status = p_status, ticks = ticks + 1, last_activity = p_last_activity
  WHERE id = p_session AND seq = p_expect_seq;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'session % is no longer at seq %', p_session, p_expect_seq USING ERRCODE = 'SQ001';
  END IF;
  IF p_debit IS NOT NULL THEN
    UPDATE viewers SET balance = balance - p_debit WHERE principal = p_debit_principal AND balance >= p_debit;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'balance of % no longer covers %', p_debit_principal, p_debit USING ERRCODE = 'SQ002';
    END IF;
  END IF;
  IF p_st_seq IS NOT NULL THEN
    INSERT INTO settlements (session_id, seq, seconds, micro_algos, total_seconds, total_micro, platform_fee, created_at, splits)
    VALUES (p_session, p_st_seq, p_st_seconds, p_st_micro, p_st_total_seconds, p_st_total_micro, p_st_fee, p_st_created_at, p_st_splits)
    RETURNING id INTO settlement_id;
    INSERT INTO platform_earnings (content_id, settled_micro, fee_micro) VALUES (p_st_content, p_st_micro, p_st_fee)
    ON CONFLICT (content_id) DO UPDATE SET settled_micro = platform_earnings.settled_micro + excluded.settled_micro,
      fee_micro = platform_earnings.fee_micro + excluded.fee_micro;
    stored_answer := jsonb_set(p_answer, '{settlement,id}', to_jsonb(settlement_id));
  END IF;
  INSERT INTO ticks (session_id, seq, seconds, micro_algos, charged, media_time, client_time, final, tick_hash, signature, http_status, answer, received_at)
  VALUES (p_session, p_seq, p_tick_seconds, p_tick_micro, p_charged, p_media_time, p_client_time, p_final, p_tick_hash, p_signature, p_http_status,
    stored_answer, p_received_at)
  ON CONFLICT (session_id, seq) DO NOTHING;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'seq % of % is already stored', p_seq, p_session USING ERRCODE = 'SQ003';
  END IF;
  RETURN settlement_id;
END
$$;
