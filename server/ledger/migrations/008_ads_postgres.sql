-- What the PostgreSQL ads store (server/ads/ads-postgres-store.ts) adds to 007's tables, kept apart so that a
-- database that already applied 007 gets it too. Every ads decision runs under one transaction-scoped
-- advisory lock (several API processes, one decider at a time); the guards of 007 stay the last line.

-- The viewer whose session signed the ad tick, and whether its share (a split naming the viewer) was added to
-- that viewer's balance in the charge's own transaction (docs/ADS.md §6).
ALTER TABLE ad_charges ADD COLUMN viewer TEXT NOT NULL DEFAULT '';
ALTER TABLE ad_charges ADD COLUMN viewer_credited BOOLEAN NOT NULL DEFAULT false;

-- Bumped by every bid change: each process caches the standing bids and reloads them when this moved.
CREATE TABLE ad_bids_version (
  one BOOLEAN PRIMARY KEY DEFAULT true CHECK (one),
  v BIGINT NOT NULL
);
INSERT INTO ad_bids_version (v) VALUES (0);
