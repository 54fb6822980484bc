-- The five tables an import writes a row per posting or lead to, rebuilt for bulk loading (issue 13,
-- docs/benchmarks.md):
-- * Long texts written once and read rarely are stored zstd-compressed. DuckDB's default for text
--   (dictionary + FSST) is made for short repeated values: a million JSON payloads took 265 MB and 2 s
--   more to store; zstd keeps them in 76 MB.
-- * No PRIMARY KEY: DuckDB keeps a key's index (an ART) in memory and rewrites it at every commit, which
--   cost a million-posting import seconds and every nightly run the index's load. The keys stay unique
--   by construction (postings: update the known, insert the rest; lead_sources, lead_scores: delete then
--   insert; leads: one per cluster), checked by `warehouse.db.duplicate_keys` in the tests; the tables
--   that upsert with ON CONFLICT keep theirs.
-- DuckDB cannot change a column's compression or drop a key in place, so each table is rebuilt.

CREATE TABLE raw_postings_zstd (
    raw_id       BIGINT DEFAULT nextval('raw_postings_seq'),
    run_id       VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    source_key   VARCHAR,
    source_id    VARCHAR,
    fetched_at   TIMESTAMPTZ NOT NULL,
    payload      VARCHAR USING COMPRESSION zstd NOT NULL
);
INSERT INTO raw_postings_zstd SELECT * FROM raw_postings;
DROP TABLE raw_postings;
ALTER TABLE raw_postings_zstd RENAME TO raw_postings;

CREATE TABLE lead_sources_zstd (
    lead_id      VARCHAR NOT NULL,
    posting_uid  VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    source_id    VARCHAR NOT NULL,
    url          VARCHAR,
    rule         VARCHAR NOT NULL,
    match_score  DOUBLE,
    evidence     JSON USING COMPRESSION zstd,
    matched_at   TIMESTAMPTZ NOT NULL
);
INSERT INTO lead_sources_zstd SELECT * FROM lead_sources;
DROP TABLE lead_sources;
ALTER TABLE lead_sources_zstd RENAME TO lead_sources;

CREATE TABLE lead_scores_zstd (
    lead_id         VARCHAR NOT NULL,
    score           DOUBLE NOT NULL,
    parts           JSON NOT NULL,
    skills_matched  VARCHAR[],
    skills_missing  VARCHAR[],
    details         JSON USING COMPRESSION zstd,
    computed_at     TIMESTAMPTZ NOT NULL,
    occupation      JSON,
    inputs          VARCHAR
);
INSERT INTO lead_scores_zstd SELECT * FROM lead_scores;
DROP TABLE lead_scores;
ALTER TABLE lead_scores_zstd RENAME TO lead_scores;

CREATE TABLE postings_zstd (
    posting_uid      VARCHAR NOT NULL,
    source           VARCHAR NOT NULL,
    source_key       VARCHAR,
    source_id        VARCHAR NOT NULL,
    title            VARCHAR NOT NULL,
    company          VARCHAR NOT NULL,
    locations        VARCHAR[],
    remote           VARCHAR,
    description      VARCHAR USING COMPRESSION zstd,
    url              VARCHAR,
    apply_url        VARCHAR,
    posted_at        TIMESTAMPTZ,
    salary_min       DOUBLE,
    salary_max       DOUBLE,
    salary_currency  VARCHAR,
    salary_period    VARCHAR,
    department       VARCHAR,
    employment_type  VARCHAR,
    tags             VARCHAR[],
    credit           VARCHAR,
    contact          VARCHAR,
    note             VARCHAR,
    company_norm     VARCHAR,
    company_id       VARCHAR,
    title_norm       VARCHAR,
    location_norm    VARCHAR[],
    canonical_url    VARCHAR,
    ats              VARCHAR,
    ats_job_id       VARCHAR,
    content_hash     VARCHAR,
    first_seen       TIMESTAMPTZ NOT NULL,
    last_seen        TIMESTAMPTZ NOT NULL,
    last_run_id      VARCHAR,
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    lead_id          VARCHAR,
    title_years      VARCHAR,
    title_seasons    VARCHAR,
    title_level      VARCHAR
);
INSERT INTO postings_zstd SELECT * FROM postings;
DROP TABLE postings;
ALTER TABLE postings_zstd RENAME TO postings;

CREATE TABLE leads_zstd (
    lead_id          VARCHAR NOT NULL,
    title            VARCHAR NOT NULL,
    company          VARCHAR NOT NULL,
    company_id       VARCHAR,
    locations        VARCHAR[],
    remote           VARCHAR,
    description      VARCHAR USING COMPRESSION zstd,
    url              VARCHAR,
    posted_at        TIMESTAMPTZ,
    first_seen       TIMESTAMPTZ NOT NULL,
    last_seen        TIMESTAMPTZ NOT NULL,
    status           VARCHAR NOT NULL DEFAULT 'open',
    closed_at        TIMESTAMPTZ,
    salary_min       DOUBLE,
    salary_max       DOUBLE,
    salary_currency  VARCHAR,
    repost_count     INTEGER NOT NULL DEFAULT 0,
    repost_of        VARCHAR,
    user_status      VARCHAR NOT NULL DEFAULT 'new',
    user_note        VARCHAR
);
INSERT INTO leads_zstd SELECT * FROM leads;
DROP TABLE leads;
ALTER TABLE leads_zstd RENAME TO leads;
