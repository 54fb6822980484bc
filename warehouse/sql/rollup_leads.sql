-- Rebuild leads' fields from their source records (survivorship). Idempotent.
-- Authority: an ATS board knows its own job best; aggregators next; referrals and files last
-- (BOARD_SOURCES and FILE_SOURCES of warehouse/companies.py).
-- Survivorship: title/company/remote from the most authoritative record, the URL from the ATS, the
-- longest description, salary from the most authoritative record that has one, every location,
-- the earliest posted/first_seen and the latest last_seen; open while any record is still listed.
-- Ties (records of one source class seen in the same run) go to the highest posting_uid, so the same
-- records always give the same lead, whatever order the database scans them in.
-- Only leads whose records may have changed are rebuilt: records seen in this run (last_seen = $now),
-- open leads with a record no longer listed, closed leads with a record listed again, and leads not
-- written yet. Everything else is as the last run left it, so a nightly fold stays cheap at a million leads.
-- touched_leads is kept for lead_reposts.sql, which runs next and drops it.
CREATE OR REPLACE TEMP TABLE touched_leads AS
SELECT lead_id FROM postings WHERE lead_id IS NOT NULL AND last_seen = $now
UNION
SELECT l.lead_id FROM leads l JOIN postings p USING (lead_id) WHERE l.status = 'open' AND NOT p.active
UNION
SELECT l.lead_id FROM leads l JOIN postings p USING (lead_id) WHERE l.status = 'closed' AND p.active
UNION
SELECT p.lead_id FROM postings p ANTI JOIN leads l USING (lead_id) WHERE p.lead_id IS NOT NULL;

-- Only leads whose fields change are written: an UPDATE of the changed ones and an INSERT of the new
-- ones (an upsert of every lead each night costs a minute at a million leads). The touched leads' rollup is a
-- CTE here: as a temp table of its own it was kept until the run's transaction ended (a table dropped inside
-- a transaction is), 700k wide rows at a first import of a million.
-- The touched leads' records and stored leads are found by row number in a narrow scan of their lead ids first:
-- a join on lead_id read every record's and every lead's wide columns (a nightly fold of 10,000 into a million,
-- 0.39-0.46 s -> 0.25 s; a first import of a million 1.8 -> 1.1-1.3 s). Row numbers hold within the script: nothing
-- else writes postings or leads meanwhile.
CREATE OR REPLACE TEMP TABLE touched_records AS
SELECT rowid AS row, count(*) OVER (PARTITION BY lead_id) > 1 AS shared
FROM postings SEMI JOIN touched_leads USING (lead_id);

CREATE OR REPLACE TEMP TABLE lead_changes AS
WITH ranked AS (
    SELECT p.*,
        (CASE WHEN list_contains($board_sources, source) THEN 2
              WHEN list_contains($file_sources, source) THEN 0 ELSE 1 END) * 1e10
            + coalesce(epoch(last_seen), 0) AS authority
    FROM postings p SEMI JOIN (SELECT row FROM touched_records WHERE shared) t ON p.rowid = t.row
), lead_rollup AS (
    SELECT
        lead_id,
        arg_max(title, (authority, posting_uid)) AS title,
        arg_max(company, (authority, posting_uid)) AS company,
        list_sort(list_distinct(flatten(list(coalesce(locations, []))))) AS locations,
        arg_max(remote, (authority, posting_uid)) FILTER (WHERE remote IS NOT NULL) AS remote,
        arg_max(description, (length(description), posting_uid)) FILTER (WHERE description IS NOT NULL) AS description,
        -- the apply URL from the ATS itself when any record has one (a job id on a known ATS), else the best source's
        arg_max(coalesce(apply_url, url), (ats IS NOT NULL AND ats NOT LIKE 'site:%', authority, posting_uid))
            FILTER (WHERE coalesce(apply_url, url) IS NOT NULL) AS url,
        min(posted_at) AS posted_at,
        min(first_seen) AS first_seen,
        max(last_seen) AS last_seen,
        bool_or(active) AS any_active,
        arg_max(struct_pack(lo := salary_min, hi := salary_max, cur := salary_currency), (authority, posting_uid))
            FILTER (WHERE salary_min IS NOT NULL OR salary_max IS NOT NULL) AS salary
    FROM ranked
    GROUP BY lead_id
    UNION ALL
    -- a lead of one record (most of them) is that record: the same fields without aggregating
    SELECT
        lead_id, title, company, list_sort(list_distinct(coalesce(locations, []))) AS locations, remote, description,
        coalesce(apply_url, url) AS url, posted_at, first_seen, last_seen, active AS any_active,
        CASE WHEN salary_min IS NOT NULL OR salary_max IS NOT NULL
             THEN struct_pack(lo := salary_min, hi := salary_max, cur := salary_currency) END AS salary
    FROM postings p SEMI JOIN (SELECT row FROM touched_records WHERE NOT shared) t ON p.rowid = t.row
)
-- in the leads' own columns (the pay as three), as warehouse.scoring.hash_lead_inputs reads them afterwards
SELECT r.* EXCLUDE (salary), r.salary.lo AS salary_min, r.salary.hi AS salary_max, r.salary.cur AS salary_currency,
       CASE WHEN r.any_active THEN 'open' ELSE 'closed' END AS status, l.lead_id IS NULL AS is_new
FROM lead_rollup r LEFT JOIN (
    SELECT * FROM leads SEMI JOIN (SELECT rowid AS row FROM leads SEMI JOIN touched_leads USING (lead_id)) t
        ON leads.rowid = t.row
) l USING (lead_id)
WHERE l.lead_id IS NULL
   OR (r.title, r.company, r.locations, r.remote, r.description, r.url, r.posted_at, r.first_seen, r.last_seen,
       CASE WHEN r.any_active THEN 'open' ELSE 'closed' END, r.salary.lo, r.salary.hi, r.salary.cur)
      IS DISTINCT FROM
      (l.title, l.company, l.locations, l.remote, l.description, l.url, l.posted_at, l.first_seen, l.last_seen,
       l.status, l.salary_min, l.salary_max, l.salary_currency);

UPDATE leads SET
    title = c.title,
    company = c.company,
    locations = c.locations,
    remote = c.remote,
    description = c.description,
    url = c.url,
    posted_at = c.posted_at,
    first_seen = c.first_seen,
    last_seen = c.last_seen,
    status = c.status,
    closed_at = CASE WHEN c.status = 'open' THEN NULL ELSE coalesce(leads.closed_at, $now) END,
    salary_min = c.salary_min,
    salary_max = c.salary_max,
    salary_currency = c.salary_currency
FROM lead_changes c
WHERE leads.lead_id = c.lead_id AND NOT c.is_new;

INSERT INTO leads (lead_id, title, company, locations, remote, description, url, posted_at, first_seen,
                   last_seen, status, closed_at, salary_min, salary_max, salary_currency)
SELECT lead_id, title, company, locations, remote, description, url, posted_at, first_seen, last_seen, status,
       CASE WHEN status = 'open' THEN NULL ELSE $now END, salary_min, salary_max, salary_currency
FROM lead_changes WHERE is_new;

-- lead_changes is dropped by the caller (warehouse.publish.rollup_leads), once it has hashed what the rewritten
-- leads' scores read (warehouse.scoring.hash_lead_inputs).
DROP TABLE touched_records;
