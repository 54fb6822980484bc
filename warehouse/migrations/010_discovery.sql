-- `leads discover`: the public job boards of the network's companies.

-- Companies the user wants watched though nobody they know works there (`leads company target NAME`).
CREATE TABLE IF NOT EXISTS target_companies (
    company_id   VARCHAR PRIMARY KEY,
    name         VARCHAR NOT NULL,             -- as the user wrote it
    added_at     TIMESTAMPTZ NOT NULL
);

-- Every candidate board asked about: a rerun within [discover] recheck_days asks no host again.
-- exists_now: false for a 404 (or an empty answer that names no one).
CREATE TABLE IF NOT EXISTS board_probes (
    provider     VARCHAR NOT NULL,
    region       VARCHAR NOT NULL,             -- '' for the provider's default host
    token        VARCHAR NOT NULL,
    checked_at   TIMESTAMPTZ NOT NULL,
    exists_now   BOOLEAN NOT NULL,
    board_name   VARCHAR,
    jobs         INTEGER,
    titles       VARCHAR[],
    texts        VARCHAR[],
    PRIMARY KEY (provider, region, token)
);

-- One row per company checked: when, how many candidates, what was found.
CREATE TABLE IF NOT EXISTS board_checks (
    company_id   VARCHAR PRIMARY KEY,
    checked_at   TIMESTAMPTZ NOT NULL,
    candidates   INTEGER NOT NULL,
    requests     INTEGER NOT NULL,             -- candidates actually sent (the rest came from board_probes)
    found        INTEGER NOT NULL
);

-- A board found for a company of the network. confirmed: the board's own company name (or, for APIs that
-- name none, its job texts) resolves to the same company; only confirmed boards are added to leads.toml.
CREATE TABLE IF NOT EXISTS discovered_boards (
    provider     VARCHAR NOT NULL,
    region       VARCHAR NOT NULL,
    token        VARCHAR NOT NULL,
    company_id   VARCHAR NOT NULL,
    board_name   VARCHAR,
    jobs         INTEGER NOT NULL,
    matching     INTEGER NOT NULL,             -- jobs of the profile's occupations (or neighbours)
    confirmed    BOOLEAN NOT NULL,
    evidence     VARCHAR NOT NULL,
    found_at     TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (provider, region, token)
);
