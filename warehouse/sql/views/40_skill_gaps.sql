-- Skills open leads ask for that the profile lacks, most demanded first (`leads skills gap` ranks them
-- further by the user's best leads and by what learning each would change).
CREATE OR REPLACE VIEW skill_gaps AS
SELECT ls.skill,
       any_value(ls.category) AS category,
       count(*) AS leads_asking,
       count(*) FILTER (WHERE ls.importance = 'required') AS required_by,
       round(avg(s.score), 4) AS avg_score,
       round(max(s.score), 4) AS best_score
FROM lead_skills ls
JOIN leads l USING (lead_id)
LEFT JOIN lead_scores s USING (lead_id)
WHERE l.status = 'open' AND NOT ls.has_skill
GROUP BY ls.skill
ORDER BY leads_asking DESC, required_by DESC, ls.skill;
