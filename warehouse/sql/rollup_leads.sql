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
CREATE OR REPLACE TEMP TABLE touched_leads AS
SELECT lead_id FROM postings WHERE lead_id IS NOT NULL AND last_seen = $now
UNION
SELECT l.lead_id FROM leads l JOIN postings p USING (lead_id) WHERE l.status = 'open' AND NOT p.active
UNION
SELECT l.lead_id FROM leads l JOIN postings p USING (lead_id) WHERE l.status = 'closed' AND p.active
UNION
SELECT p.lead_id FROM postings p ANTI JOIN leads l USING (lead_id) WHERE p.lead_id IS NOT NULL;

CREATE OR REPLACE TEMP TABLE lead_rollup AS
WITH sizes AS (
    SELECT lead_id, count(*) AS records FROM postings SEMI JOIN touched_leads USING (lead_id) GROUP BY lead_id
), ranked AS (
    SELECT p.*,
        (CASE WHEN list_contains($board_sources, source) THEN 2
              WHEN list_contains($file_sources, source) THEN 0 ELSE 1 END) * 1e10
            + coalesce(epoch(last_seen), 0) AS authority
    FROM postings p SEMI JOIN (SELECT lead_id FROM sizes WHERE records > 1) t USING (lead_id)
)
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
FROM postings p SEMI JOIN (SELECT lead_id FROM sizes WHERE records = 1) t USING (lead_id);

-- Only leads whose fields change are written: an UPDATE of the changed ones and an INSERT of the new
-- ones (an upsert of every lead each night costs a minute at a million leads).
CREATE OR REPLACE TEMP TABLE lead_changes AS
SELECT r.*, CASE WHEN r.any_active THEN 'open' ELSE 'closed' END AS status, l.lead_id IS NULL AS is_new
FROM lead_rollup r LEFT JOIN leads l USING (lead_id)
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
    salary_min = c.salary.lo,
    salary_max = c.salary.hi,
    salary_currency = c.salary.cur
FROM lead_changes c
WHERE leads.lead_id = c.lead_id AND NOT c.is_new;

INSERT INTO leads (lead_id, title, company, locations, remote, description, url, posted_at, first_seen,
                   last_seen, status, closed_at, salary_min, salary_max, salary_currency)
SELECT lead_id, title, company, locations, remote, description, url, posted_at, first_seen, last_seen, status,
       CASE WHEN status = 'open' THEN NULL ELSE $now END, salary.lo, salary.hi, salary.cur
FROM lead_changes WHERE is_new;

DROP TABLE lead_changes;
DROP TABLE lead_rollup;

-- Re-posts: a lead whose company and title key equal an earlier lead's (places overlapping, or unknown),
-- posted more than REPOST_DAYS later or naming another year (dedupe's rule, warehouse/matching.py), is a
-- re-post of it. repost_of = the latest such earlier lead; repost_count = how many earlier ones there are.
-- Only leads that can share a touched lead's key are read: those with a record of its company and first title.
CREATE OR REPLACE TEMP TABLE lead_signature AS
WITH touched_keys AS (
    SELECT arg_min(coalesce(company_id, company_norm), (first_seen, posting_uid)) AS cid,
           arg_min(title_norm, (first_seen, posting_uid)) AS title_key
    FROM postings SEMI JOIN touched_leads USING (lead_id)
    GROUP BY lead_id
), candidates AS (
    SELECT p.lead_id FROM postings p JOIN (SELECT DISTINCT cid, title_key FROM touched_keys) k
        ON coalesce(p.company_id, p.company_norm) = k.cid AND p.title_norm = k.title_key
    WHERE p.lead_id IS NOT NULL
    UNION SELECT lead_id FROM touched_leads
), scope AS (
    SELECT lead_id, coalesce(company_id, company_norm) AS cid, first_seen, posting_uid, title_norm,
           coalesce(posted_at, first_seen) AS posted, coalesce(location_norm, []) AS places,
           coalesce(title_years, '') AS years
    FROM postings SEMI JOIN candidates USING (lead_id)
    WHERE coalesce(company_id, company_norm) IN (
          SELECT coalesce(company_id, company_norm) FROM postings SEMI JOIN touched_leads USING (lead_id))
), sizes AS (SELECT lead_id, count(*) AS records FROM scope GROUP BY lead_id)
SELECT lead_id,
       arg_min(cid, (first_seen, posting_uid)) AS cid,
       arg_min(title_norm, (first_seen, posting_uid)) AS title_key,
       min(posted) AS posted,
       list_distinct(flatten(list(places))) AS places,
       max(years) AS years
FROM scope SEMI JOIN (SELECT lead_id FROM sizes WHERE records > 1) t USING (lead_id)
GROUP BY lead_id
UNION ALL
-- a lead of one record is that record's (most of them; no aggregate needed)
SELECT lead_id, cid, title_norm AS title_key, posted, list_distinct(places) AS places, years
FROM scope SEMI JOIN (SELECT lead_id FROM sizes WHERE records = 1) t USING (lead_id);

CREATE OR REPLACE TEMP TABLE lead_repost_links AS
SELECT b.lead_id, arg_max(a.lead_id, (a.posted, a.lead_id)) AS repost_of, count(*) AS earlier,
       max(a.posted) AS previous_posted, any_value(b.years) AS years, max(a.years) AS previous_years
FROM lead_signature b
JOIN lead_signature a ON a.cid = b.cid AND a.title_key = b.title_key AND a.lead_id <> b.lead_id
    AND a.posted < b.posted
    AND (len(a.places) = 0 OR len(b.places) = 0 OR list_has_any(a.places, b.places))
    AND (b.posted - a.posted > to_days(CAST($repost_days AS INTEGER)) OR (a.years <> '' AND b.years <> '' AND a.years <> b.years))
WHERE b.lead_id IN (SELECT lead_id FROM touched_leads)
GROUP BY b.lead_id;

UPDATE leads SET repost_count = coalesce(r.earlier, 0), repost_of = r.repost_of
FROM (SELECT t.lead_id, r.earlier, r.repost_of FROM touched_leads t LEFT JOIN lead_repost_links r USING (lead_id)) r
WHERE leads.lead_id = r.lead_id
  AND (leads.repost_count IS DISTINCT FROM coalesce(r.earlier, 0) OR leads.repost_of IS DISTINCT FROM r.repost_of);

DELETE FROM lead_reposts
WHERE lead_id IN (SELECT lead_id FROM touched_leads) AND lead_id NOT IN (SELECT lead_id FROM lead_repost_links);

INSERT OR REPLACE INTO lead_reposts
SELECT lead_id, repost_of, NULL,
       json_object('previous_posted', previous_posted, 'years', years, 'previous_years', previous_years,
                   'earlier_leads', earlier), $now
FROM lead_repost_links;

DROP TABLE lead_signature;
DROP TABLE lead_repost_links;
DROP TABLE touched_leads;
