-- The tables of the design. Later migrations add columns and tables; none rewrites this one.

CREATE TABLE IF NOT EXISTS runs (
    run_id       VARCHAR PRIMARY KEY,
    kind         VARCHAR NOT NULL,             -- refresh | import | demo
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    status       VARCHAR NOT NULL,             -- running | ok | partial | failed
    sources_ok   INTEGER DEFAULT 0,
    sources_failed INTEGER DEFAULT 0,
    postings_seen INTEGER DEFAULT 0,
    new_leads    INTEGER DEFAULT 0,
    closed_leads INTEGER DEFAULT 0,
    quarantined  INTEGER DEFAULT 0,
    summary      JSON
);

CREATE TABLE IF NOT EXISTS run_sources (
    run_id       VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    source_key   VARCHAR,
    status       VARCHAR NOT NULL,             -- ok | failed | skipped
    complete     BOOLEAN NOT NULL DEFAULT FALSE,
    fetched      INTEGER DEFAULT 0,
    parsed       INTEGER DEFAULT 0,
    quarantined  INTEGER DEFAULT 0,
    pages        INTEGER DEFAULT 0,
    seconds      DOUBLE,
    error        VARCHAR,
    error_kind   VARCHAR
);

CREATE TABLE IF NOT EXISTS source_state (
    source       VARCHAR NOT NULL,
    source_key   VARCHAR NOT NULL,             -- '' for sources without a board
    etag         VARCHAR,
    last_modified VARCHAR,
    last_run_id  VARCHAR,
    last_status  VARCHAR,
    last_ok_at   TIMESTAMPTZ,
    PRIMARY KEY (source, source_key)
);

CREATE SEQUENCE IF NOT EXISTS raw_postings_seq;
CREATE TABLE IF NOT EXISTS raw_postings (
    raw_id       BIGINT DEFAULT nextval('raw_postings_seq'),
    run_id       VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    source_key   VARCHAR,
    source_id    VARCHAR,
    fetched_at   TIMESTAMPTZ NOT NULL,
    payload      VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS quarantine (
    run_id       VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    source_key   VARCHAR,
    source_id    VARCHAR,
    reason       VARCHAR NOT NULL,
    payload      VARCHAR NOT NULL,
    quarantined_at TIMESTAMPTZ NOT NULL
);

-- One row per (source, source_id): the latest normalized copy of a record.
CREATE TABLE IF NOT EXISTS postings (
    posting_uid  VARCHAR PRIMARY KEY,          -- source || ':' || source_id
    source       VARCHAR NOT NULL,
    source_key   VARCHAR,
    source_id    VARCHAR NOT NULL,
    title        VARCHAR NOT NULL,
    company      VARCHAR NOT NULL,
    locations    VARCHAR[],
    remote       VARCHAR,
    description  VARCHAR,
    url          VARCHAR,
    apply_url    VARCHAR,
    posted_at    TIMESTAMPTZ,
    salary_min   DOUBLE,
    salary_max   DOUBLE,
    salary_currency VARCHAR,
    salary_period VARCHAR,
    department   VARCHAR,
    employment_type VARCHAR,
    tags         VARCHAR[],
    credit       VARCHAR,
    contact      VARCHAR,
    note         VARCHAR,
    -- normalized forms used by dedupe and the company resolver
    company_norm VARCHAR,
    company_id   VARCHAR,                      -- set by the company resolver (warehouse/companies.py)
    title_norm   VARCHAR,
    location_norm VARCHAR[],
    canonical_url VARCHAR,
    ats          VARCHAR,
    ats_job_id   VARCHAR,
    content_hash VARCHAR,
    first_seen   TIMESTAMPTZ NOT NULL,
    last_seen    TIMESTAMPTZ NOT NULL,
    last_run_id  VARCHAR,
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    lead_id      VARCHAR
);

CREATE TABLE IF NOT EXISTS companies (
    company_id   VARCHAR PRIMARY KEY,
    name         VARCHAR NOT NULL,
    norm_name    VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS company_aliases (
    alias_norm   VARCHAR PRIMARY KEY,
    company_id   VARCHAR NOT NULL,
    alias        VARCHAR NOT NULL,
    origin       VARCHAR NOT NULL              -- rule | user | board
);

CREATE TABLE IF NOT EXISTS leads (
    lead_id      VARCHAR PRIMARY KEY,
    title        VARCHAR NOT NULL,
    company      VARCHAR NOT NULL,
    company_id   VARCHAR,
    locations    VARCHAR[],
    remote       VARCHAR,
    description  VARCHAR,
    url          VARCHAR,
    posted_at    TIMESTAMPTZ,
    first_seen   TIMESTAMPTZ NOT NULL,
    last_seen    TIMESTAMPTZ NOT NULL,
    status       VARCHAR NOT NULL DEFAULT 'open',   -- open | closed
    closed_at    TIMESTAMPTZ,
    salary_min   DOUBLE,
    salary_max   DOUBLE,
    salary_currency VARCHAR,
    repost_count INTEGER NOT NULL DEFAULT 0,
    repost_of    VARCHAR,
    user_status  VARCHAR NOT NULL DEFAULT 'new',    -- the user's own decision (roadmap)
    user_note    VARCHAR
);

CREATE TABLE IF NOT EXISTS lead_sources (
    lead_id      VARCHAR NOT NULL,
    posting_uid  VARCHAR NOT NULL PRIMARY KEY,
    source       VARCHAR NOT NULL,
    source_id    VARCHAR NOT NULL,
    url          VARCHAR,
    rule         VARCHAR NOT NULL,             -- why this record joined the lead
    match_score  DOUBLE,
    evidence     JSON,
    matched_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS contacts (
    contact_id   VARCHAR PRIMARY KEY,
    name         VARCHAR NOT NULL,
    first_name   VARCHAR,
    last_name    VARCHAR,
    company      VARCHAR,
    company_id   VARCHAR,
    position     VARCHAR,
    url          VARCHAR,
    email        VARCHAR,
    connected_on DATE,
    strength     VARCHAR NOT NULL DEFAULT 'known',
    last_touch   DATE,
    notes        VARCHAR,
    origin       VARCHAR,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS interactions (
    contact_id   VARCHAR NOT NULL,
    touched_at   TIMESTAMPTZ NOT NULL,
    note         VARCHAR
);

CREATE TABLE IF NOT EXISTS lead_scores (
    lead_id      VARCHAR PRIMARY KEY,
    score        DOUBLE NOT NULL,
    parts        JSON NOT NULL,
    skills_matched VARCHAR[],
    skills_missing VARCHAR[],
    details      JSON,
    computed_at  TIMESTAMPTZ NOT NULL
);
