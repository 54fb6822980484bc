-- What each posting asks for, as written: the text a skill was found by (e.g. "k8s" for Kubernetes).
ALTER TABLE skill_extractions ADD COLUMN IF NOT EXISTS evidence JSON;   -- {skill: text as written}
ALTER TABLE lead_skills ADD COLUMN IF NOT EXISTS evidence VARCHAR;
-- Extractions made before evidence was kept are read again (they are a cache).
DELETE FROM skill_extractions WHERE evidence IS NULL;
