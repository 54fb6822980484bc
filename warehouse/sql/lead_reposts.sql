-- Re-posts of the leads rollup_leads.sql touched (its touched_leads, dropped here). Idempotent.
-- A lead whose company and title key equal an earlier lead's (places overlapping, or unknown),
-- posted more than REPOST_DAYS later or naming another year (dedupe's rule, warehouse/matching.py), is a
-- re-post of it. repost_of = the latest such earlier lead; repost_count = how many earlier ones there are.
-- The records read are repost_scope's (a view): every record of the leads that can share a touched lead's key
-- (repost_scope_touched.sql), or of every lead when most were touched (repost_scope_every.sql).
CREATE OR REPLACE TEMP TABLE lead_signature AS
WITH scope AS (
    SELECT lead_id, coalesce(company_id, company_norm) AS cid, first_seen, posting_uid, title_norm,
           coalesce(posted_at, first_seen) AS posted, coalesce(location_norm, []) AS places,
           coalesce(title_years, '') AS years
    FROM repost_scope
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
DROP VIEW repost_scope;
DROP TABLE touched_leads;
