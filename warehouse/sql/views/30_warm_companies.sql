-- Companies with open leads where someone the user knows works (or offered a referral).
-- `leads warm` adds the contacts and a suggested ask; the run digest reads only `company`.
CREATE OR REPLACE VIEW warm_companies AS
SELECT coalesce(l.company_id, l.company) AS company_id,
       coalesce(any_value(c.name), min(l.company)) AS company,  -- c.name: one per company_id
       count(DISTINCT l.lead_id) AS open_leads,
       max(s.score) AS best_score,
       count(DISTINCT lc.contact_id) AS contacts,
       max(lc.warmth) AS warmth,
       bool_or(lc.is_referral) AS has_referral
FROM leads l
JOIN lead_contacts lc USING (lead_id)
LEFT JOIN lead_scores s USING (lead_id)
LEFT JOIN companies c ON c.company_id = l.company_id
WHERE l.status = 'open'
GROUP BY coalesce(l.company_id, l.company);
