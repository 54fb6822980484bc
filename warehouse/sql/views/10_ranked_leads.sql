-- Open leads with their scores, best first; ties broken by recency.
CREATE OR REPLACE VIEW ranked_leads AS
SELECT l.*, s.score, s.parts AS score_parts, s.skills_matched, s.skills_missing, s.details AS score_details
FROM leads l
LEFT JOIN lead_scores s USING (lead_id)
WHERE l.status = 'open'
ORDER BY s.score DESC NULLS LAST, l.posted_at DESC NULLS LAST, l.lead_id;
