-- Rebuild every lead's fields from its source records (survivorship). Idempotent.
-- Authority: an ATS board knows its own job best; aggregators next; referrals and files last.
CREATE OR REPLACE TEMP TABLE lead_rollup AS
WITH ranked AS (
    SELECT p.*,
        (CASE WHEN source IN ('greenhouse', 'lever', 'ashby', 'workable', 'smartrecruiters', 'recruitee') THEN 2
              WHEN source IN ('referral', 'jsonl', 'csv') THEN 0 ELSE 1 END) * 1e10
            + coalesce(epoch(last_seen), 0) AS authority
    FROM postings p
    WHERE lead_id IS NOT NULL
)
SELECT
    lead_id,
    arg_max(title, authority) AS title,
    arg_max(company, authority) AS company,
    list_sort(list_distinct(flatten(list(coalesce(locations, []))))) AS locations,
    arg_max(remote, authority) FILTER (WHERE remote IS NOT NULL) AS remote,
    arg_max(description, length(description)) FILTER (WHERE description IS NOT NULL) AS description,
    arg_max(coalesce(apply_url, url), authority) FILTER (WHERE coalesce(apply_url, url) IS NOT NULL) AS url,
    min(posted_at) AS posted_at,
    min(first_seen) AS first_seen,
    max(last_seen) AS last_seen,
    bool_or(active) AS any_active,
    arg_max(struct_pack(lo := salary_min, hi := salary_max, cur := salary_currency), authority)
        FILTER (WHERE salary_min IS NOT NULL OR salary_max IS NOT NULL) AS salary
FROM ranked
GROUP BY lead_id;

INSERT INTO leads (lead_id, title, company, locations, remote, description, url, posted_at, first_seen,
                   last_seen, status, closed_at, salary_min, salary_max, salary_currency)
SELECT lead_id, title, company, locations, remote, description, url, posted_at, first_seen, last_seen,
       CASE WHEN any_active THEN 'open' ELSE 'closed' END,
       CASE WHEN any_active THEN NULL ELSE $now END,
       salary.lo, salary.hi, salary.cur
FROM lead_rollup
ON CONFLICT (lead_id) DO UPDATE SET
    title = excluded.title,
    company = excluded.company,
    locations = excluded.locations,
    remote = excluded.remote,
    description = excluded.description,
    url = excluded.url,
    posted_at = excluded.posted_at,
    first_seen = excluded.first_seen,
    last_seen = excluded.last_seen,
    status = excluded.status,
    closed_at = CASE WHEN excluded.status = 'open' THEN NULL ELSE coalesce(leads.closed_at, excluded.closed_at) END,
    salary_min = excluded.salary_min,
    salary_max = excluded.salary_max,
    salary_currency = excluded.salary_currency;

DROP TABLE lead_rollup;
