-- The occupation each lead's title names (ESCO / O*NET, with its ISCO-08 unit group), kept with its score,
-- and what the scores were computed from, so that a changed profile, weights or taxonomy rescores.
ALTER TABLE lead_scores ADD COLUMN IF NOT EXISTS occupation JSON;     -- {code, label, isco, confidence}

CREATE TABLE IF NOT EXISTS score_state (
    id           INTEGER PRIMARY KEY,             -- always 1: one row
    fingerprint  VARCHAR NOT NULL,                -- hash of profile, weights and taxonomy versions
    computed_at  TIMESTAMPTZ NOT NULL
);
