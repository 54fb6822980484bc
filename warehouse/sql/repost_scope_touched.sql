-- The records whose leads can share a touched lead's re-post key (its first record's company and title):
-- every record of such a lead, whatever its company, since a lead's key is its first record's.
CREATE OR REPLACE TEMP VIEW repost_scope AS
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
)
SELECT * FROM postings SEMI JOIN candidates USING (lead_id);
