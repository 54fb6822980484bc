-- Dedupe evidence (issue 4): title parts kept out of the title key, and re-post links between leads.
ALTER TABLE postings ADD COLUMN IF NOT EXISTS title_years VARCHAR;      -- "2025": years the title names
ALTER TABLE postings ADD COLUMN IF NOT EXISTS title_seasons VARCHAR;    -- "summer": seasons the title names
ALTER TABLE postings ADD COLUMN IF NOT EXISTS title_level VARCHAR;      -- "2 senior": level words kept in the key

-- A newer lead that re-posts an older one (same company and title, far-apart dates or another season/year).
CREATE TABLE IF NOT EXISTS lead_reposts (
    lead_id      VARCHAR PRIMARY KEY,
    repost_of    VARCHAR NOT NULL,
    match_score  DOUBLE,
    evidence     JSON,
    linked_at    TIMESTAMPTZ NOT NULL
);
