-- The double-entry ledger (server/ledger/transfer-rules.ts, docs/PROTOCOL.md §14): every movement of money is a
-- row from one named account to another, with its evidence, written by the transaction that changes the
-- balance. As sqlite-transfers.ts does for SQLite.
CREATE TABLE transfers (
  id BIGSERIAL PRIMARY KEY,
  at BIGINT NOT NULL,
  from_account TEXT NOT NULL,
  to_account TEXT NOT NULL,
  micro_algos BIGINT NOT NULL CHECK (micro_algos > 0),
  kind TEXT NOT NULL,
  evidence TEXT NOT NULL,
  seq BIGINT,
  CHECK (from_account <> to_account)
);

-- What the database held before it kept transfers, as 'opening' transfers from external:deposits (the
-- accounts of transfer-rules.ts; the cached balances of ledger-check.ts), so that it checks out from now on.
INSERT INTO transfers (at, from_account, to_account, micro_algos, kind, evidence, seq)
SELECT (extract(epoch FROM now()) * 1000)::bigint, 'external:deposits', account, sum(micro)::bigint, 'opening', 'upgrade', NULL
FROM (
  SELECT 'viewer:' || principal AS account, balance AS micro FROM viewers
  UNION ALL SELECT 'session:' || id, billed_micro - settled_micro FROM sessions
  UNION ALL SELECT CASE WHEN coalesce(e->>'address', '') <> '' THEN 'recipient:' || (e->>'address') ELSE 'recipient:' || (e->>'recipient') || '@' || s.content_id END,
    (e->>'microAlgos')::bigint
    FROM settlements st JOIN sessions s ON s.id = st.session_id CROSS JOIN LATERAL jsonb_array_elements(st.splits) e
    WHERE st.splits IS NOT NULL AND jsonb_typeof(st.splits) = 'array'
  UNION ALL SELECT 'recipient:creator@' || s.content_id, st.micro_algos - st.platform_fee
    FROM settlements st JOIN sessions s ON s.id = st.session_id WHERE st.splits IS NULL OR jsonb_typeof(st.splits) <> 'array'
  UNION ALL SELECT 'recipient:platform@' || s.content_id, st.platform_fee
    FROM settlements st JOIN sessions s ON s.id = st.session_id WHERE st.splits IS NULL OR jsonb_typeof(st.splits) <> 'array'
  UNION ALL SELECT 'agent:' || id, balance FROM agents
  UNION ALL SELECT 'hold:' || auction_id, remaining FROM holds
  UNION ALL SELECT 'recipient:creator@' || content_id, creator FROM ad_charges
  UNION ALL SELECT 'recipient:platform@' || content_id, platform FROM ad_charges
  UNION ALL SELECT 'viewer-share:' || viewer, viewer_share FROM ad_charges WHERE NOT viewer_credited
) x
GROUP BY account HAVING sum(micro) > 0;

-- apply_tick (004) now also inserts the tick's transfers (transfer-rules.ts tickTransfers, as a JSON array
-- of {at, from, to, microAlgos, kind, evidence, seq}) in the same statement: one more parameter, p_transfers,
-- last. No extra round trip per tick.
DROP FUNCTION apply_tick(TEXT, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, TEXT, BIGINT, BIGINT, TEXT, BIGINT, TEXT, BIGINT, BIGINT,
  BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, BOOLEAN, BYTEA, BYTEA, INTEGER, JSONB, BIGINT, JSONB);
CREATE FUNCTION apply_tick(
  p_session TEXT, p_expect_seq BIGINT,
  p_seq BIGINT, p_claimed_seconds BIGINT, p_billed_seconds BIGINT, p_billed_micro BIGINT, p_settled_seconds BIGINT, p_settled_micro BIGINT,
  p_status TEXT, p_last_activity BIGINT, p_rate_tokens_ms BIGINT,
  p_debit_principal TEXT, p_debit BIGINT,
  p_st_content TEXT, p_st_seq BIGINT, p_st_seconds BIGINT, p_st_micro BIGINT, p_st_total_seconds BIGINT, p_st_total_micro BIGINT,
  p_st_fee BIGINT, p_st_created_at BIGINT,
  p_tick_seconds BIGINT, p_tick_micro BIGINT, p_charged BIGINT, p_media_time BIGINT, p_client_time BIGINT, p_final BOOLEAN,
  p_tick_hash BYTEA, p_signature BYTEA, p_http_status INTEGER, p_answer JSONB, p_received_at BIGINT,
  p_st_splits JSONB, p_transfers JSONB
) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
  settlement_id BIGINT;
  stored_answer JSONB := p_answer;
BEGIN
  UPDATE sessions SET seq = p_seq, claimed_seconds = p_claimed_seconds, billed_seconds = p_billed_seconds, billed_micro = p_billed_micro,
    settled_seconds = p_settled_seconds, settled_micro = p_settled_micro, status = p_status, ticks = ticks + 1, last_activity = p_last_activity,
    rate_tokens_ms = p_rate_tokens_ms
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
  IF jsonb_array_length(p_transfers) > 0 THEN
    INSERT INTO transfers (at, from_account, to_account, micro_algos, kind, evidence, seq)
    SELECT x.at, x."from", x."to", x."microAlgos", x.kind, x.evidence, x.seq
    FROM jsonb_to_recordset(p_transfers) AS x(at BIGINT, "from" TEXT, "to" TEXT, "microAlgos" BIGINT, kind TEXT, evidence TEXT, seq BIGINT);
  END IF;
  RETURN settlement_id;
END
$$;
