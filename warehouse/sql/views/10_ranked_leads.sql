-- Open leads with their scores, best first (not those the user marked not interested or archived); ties broken by recency ($RANKING_ORDER: warehouse/rules.py).
CREATE OR REPLACE VIEW ranked_leads AS
SELECT l.*, s.score, s.parts AS score_parts, s.skills_matched, s.skills_missing, s.details AS score_details
FROM leads l
LEFT JOIN lead_scores s USING (lead_id)
WHERE l.status = 'open' AND l.user_status NOT IN ($HIDDEN_STATUSES)
ORDER BY $RANKING_ORDER;
