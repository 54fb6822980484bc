-- Skill extraction cache and per-lead skills (issue 6).

-- What a posting text asks for, keyed by a hash of title + description, so unchanged leads are not
-- re-read every night. Rows from an older taxonomy are dropped when the taxonomy changes.
CREATE TABLE IF NOT EXISTS skill_extractions (
    content_key      VARCHAR PRIMARY KEY,       -- md5(title || chr(31) || description)
    taxonomy_version VARCHAR NOT NULL,
    required         VARCHAR[],
    preferred        VARCHAR[],
    mentioned        VARCHAR[],
    years_asked      DOUBLE,
    seniority        VARCHAR,
    seniority_source VARCHAR,                   -- title | text | years
    extracted_at     TIMESTAMPTZ NOT NULL
);

-- Every skill each open lead asks for, rebuilt with lead_scores: the skill_gaps mart reads it.
CREATE TABLE IF NOT EXISTS lead_skills (
    lead_id    VARCHAR NOT NULL,
    skill      VARCHAR NOT NULL,
    category   VARCHAR NOT NULL,
    importance VARCHAR NOT NULL,                -- required | mentioned | preferred
    has_skill  BOOLEAN NOT NULL                 -- the profile has it
);
